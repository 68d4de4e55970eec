// LogSink: where a sandbox's log lines go (its START/END/REPORT lines and the function's own
// output), as exec defines it; the observe module's log store implements it, and app wires the
// two. Append must be thread-safe and return at once (sandboxes call it on I/O threads).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace evoke::exec {

struct LogEvent {
  int64_t timestamp_ms = 0;  // when the line was produced, Unix epoch milliseconds
  std::string message;       // one line, without its newline
};

class LogSink {
 public:
  virtual ~LogSink() = default;
  // Creates the group and the stream on first use. Events of one stream are kept in the order
  // of the calls.
  virtual void Append(const std::string& group, const std::string& stream,
                      std::vector<LogEvent> events) = 0;
};

}  // namespace evoke::exec
