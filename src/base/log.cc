#include "base/log.h"

#include <unistd.h>

#include <chrono>
#include <string>

#include "base/time_format.h"

namespace evoke {

void Log(LogLevel level, std::string_view message) {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  std::string line = FormatIso8601Ms(now);
  line += level == LogLevel::kInfo ? " INFO " : level == LogLevel::kWarning ? " WARN " : " ERROR ";
  line += message;
  line += '\n';
  // One write per line keeps lines from different threads whole.
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

void LogIfFailed::operator()(std::exception_ptr failure) const {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    LogError(what + " ended with an exception: " + e.what());
  } catch (...) {
    LogError(what + " ended with an exception of unknown type");
  }
}

}  // namespace evoke
