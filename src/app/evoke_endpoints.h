// EvokeEndpoints: the front door's "evoke" service, evoke's own endpoints under /_evoke/ (a
// prefix no bucket name can take): GET /_evoke/metrics, the Prometheus text exposition
// (docs/metrics.md, "Prometheus"), behind a bearer token when --metrics-token-file gives one;
// /_evoke/test/clock with --test-clock (app/test_clock.h); anything else 404.
// Thread contract: Handle runs on any I/O thread, concurrently; the object is immutable.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/asio.h"
#include "base/clock.h"
#include "base/result.h"
#include "http/exchange.h"
#include "observe/prometheus.h"

namespace evoke::app {

struct EvokeEndpointsOptions {
  const observe::prometheus::Registry* metrics = nullptr;  // required
  std::string metrics_token;               // empty: /_evoke/metrics needs no authentication
  AdjustableClock* test_clock = nullptr;   // set with --test-clock only
};

class EvokeEndpoints {
 public:
  explicit EvokeEndpoints(EvokeEndpointsOptions options) : options_(std::move(options)) {}
  Task<void> Handle(http::Exchange& ex) const;

 private:
  Task<void> Metrics(http::Exchange& ex) const;
  EvokeEndpointsOptions options_;
};

// The actions the access log names for this service (metrics label them).
inline constexpr std::string_view kGetMetricsAction = "GetMetrics";
inline constexpr std::string_view kTestClockAction = "TestClock";

// Whether an Authorization header's value is "Bearer <token>" (the scheme case-insensitive, as
// RFC 6750 has it); the token compared in constant time. Pure.
bool BearerMatches(std::optional<std::string_view> authorization, std::string_view token);
// The token in --metrics-token-file: the file's text without surrounding whitespace; an error
// for a file that cannot be read, is empty, or holds more than a line.
Result<std::string> ReadMetricsToken(const std::string& path);

}  // namespace evoke::app
