// What Lambda reports to CloudWatch about its invocations (namespace AWS/Lambda, docs/metrics.md):
// Invocations, Errors, Throttles, Duration and the concurrency figures, each under the dimension
// sets AWS uses — none (the account), FunctionName, and FunctionName with Resource — in the
// minute the invocation started. Records into a MetricSink; cheap enough for the invoke path.
#pragma once

#include <cstdint>
#include <string>

#include "base/metric_sink.h"
#include "lambda/concurrency.h"

namespace evoke::lambda {

inline constexpr std::string_view kLambdaNamespace = "AWS/Lambda";

struct InvocationFigures {
  std::string function;  // its name
  int64_t start_ms = 0;
  double duration_ms = 0;
  bool error = false;  // the function failed (its error, a crash, a timeout)
  ConcurrencyLimits::Counts in_flight;  // as the invocation was admitted
};

// An invocation that ran (or failed to start): Invocations 1, Errors 0 or 1, Throttles 0,
// Duration, and ConcurrentExecutions (with UnreservedConcurrentExecutions and
// ClaimedAccountConcurrency for the account).
void RecordInvocation(MetricSink& sink, const InvocationFigures& figures);
// An invocation refused for concurrency: Throttles 1.
void RecordThrottle(MetricSink& sink, const std::string& function, int64_t time_ms);
// One value of a function-level metric under each of its dimension sets (asynchronous
// invocation metrics: AsyncEventsReceived, AsyncEventAge, AsyncEventsDropped,
// DestinationDeliveryFailures).
void RecordFunctionMetric(MetricSink& sink, const std::string& function, std::string_view metric,
                          std::string_view unit, double value, int64_t time_ms);

}  // namespace evoke::lambda
