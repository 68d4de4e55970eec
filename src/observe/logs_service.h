// LogsService: the CloudWatch Logs API (awsJson1.1, X-Amz-Target: Logs_20140328.<Op>) over the
// SqliteLogStore. Reads and verifies each request (SigV4 over the whole body, service "logs"),
// finds its operation in the table, runs it and renders CloudWatch Logs' JSON errors. Called on
// I/O threads; holds no per-request state. Operations: docs/logs.md.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "auth/verifier.h"
#include "base/asio.h"
#include "http/exchange.h"
#include "observe/sqlite_log_store.h"

namespace evoke::observe {

struct LogsOptions {
  std::string region;
  std::string account_id;
};

// What an operation gets for one request.
struct LogsContext {
  const LogsOptions& options;
  SqliteLogStore& store;
  const nlohmann::json& input;  // the request body, an object

  int64_t NowMs() const { return store.clock().NowMs(); }
  // Runs `apply` in the committer's next batch and waits for its commit.
  Task<Status> Commit(std::function<Status(store::WriteTxn&)> apply);
  std::string GroupArn(std::string_view group) const;
};

using LogsOperation = Task<Result<nlohmann::json>> (*)(LogsContext&);

class LogsService {
 public:
  LogsService(LogsOptions options, SqliteLogStore& store, auth::Verifier& verifier);
  Task<void> Handle(http::Exchange& exchange);

 private:
  LogsOptions options_;
  SqliteLogStore& store_;
  auth::Verifier& verifier_;
};

// The operation named by an X-Amz-Target value; nullptr when evoke does not serve it. Pure.
LogsOperation FindLogsOperation(std::string_view target);
// The HTTP status of an error code (awsJson1.1: 400 for the client's errors). Pure.
int LogsStatusForError(std::string_view code);

}  // namespace evoke::observe
