// The server log: one line per event on stderr, for operators. Thread-safe; cheap enough for
// rare events only (start-up, failures), never per request (that is the access log).
#pragma once

#include <exception>
#include <string>
#include <string_view>

namespace evoke {

enum class LogLevel { kInfo, kWarning, kError };

void Log(LogLevel level, std::string_view message);
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarning(std::string_view m) { Log(LogLevel::kWarning, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

// The completion handler of a coroutine nobody awaits (asio::co_spawn's third argument): an
// exception that ends it is logged with `what`, never lost. Use it instead of asio::detached.
struct LogIfFailed {
  std::string what;
  void operator()(std::exception_ptr failure) const;
};

}  // namespace evoke
