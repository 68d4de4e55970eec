// The asynchronous invocation queue as rows: written inside the commit that acknowledges an
// event, read back at start-up, changed after each attempt and deleted after the last.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/committer.h"
#include "store/sqlite.h"

namespace evoke::store {

struct AsyncEventRecord {
  int64_t id = 0;  // assigned by InsertAsyncEvent
  std::string function;
  std::string request_id;
  std::string payload;
  std::string source;  // JSON, the events module's
  int64_t received_ms = 0;
  int attempts = 0;
  int64_t due_ms = 0;
};

// Returns the new row's id.
Result<int64_t> InsertAsyncEvent(WriteTxn& t, const AsyncEventRecord& event);
Status UpdateAsyncEventAttempts(WriteTxn& t, int64_t id, int attempts, int64_t due_ms);
Status DeleteAsyncEvent(WriteTxn& t, int64_t id);
// Every queued event, oldest first.
Result<std::vector<AsyncEventRecord>> ListAsyncEvents(Connection& c);

}  // namespace evoke::store
