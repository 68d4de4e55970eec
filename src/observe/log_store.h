// LogStore: CloudWatch-style log groups, streams and events, kept in the database. The invoke
// path appends a function's lines here; the CloudWatch Logs API (observe/logs_service) reads
// them. Appends never wait for the disk: they are queued and written in the committer's
// batches, in order per stream.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace evoke::observe {

struct LogEvent {
  int64_t timestamp_ms = 0;  // when the line was produced, Unix epoch milliseconds
  std::string message;       // one line, without its newline
};

class LogStore {
 public:
  virtual ~LogStore() = default;
  // Thread-safe and returns at once. Creates the group and the stream on first use. Events of
  // one stream are stored in the order of the calls.
  virtual void Append(const std::string& group, const std::string& stream,
                      std::vector<LogEvent> events) = 0;
};

}  // namespace evoke::observe
