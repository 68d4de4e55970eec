#include "lambda/lambda_metrics.h"

#include <optional>

namespace evoke::lambda {
namespace {

// The dimension sets of a function-level metric, the account's (none) first.
struct DimensionSets {
  explicit DimensionSets(const std::string& function)
      : function_only{{"FunctionName", function}},
        resource{{"FunctionName", function}, {"Resource", function}} {}
  const MetricDimensions account;
  const MetricDimensions function_only;
  const MetricDimensions resource;
};

// The sets of `function`, kept per thread from one call to the next: an invocation records
// seventeen values and a thread usually serves the same function again.
const DimensionSets& SetsOf(const std::string& function) {
  thread_local std::optional<DimensionSets> last;
  if (!last || last->function_only[0].second != function) last.emplace(function);
  return *last;
}

void RecordEverywhere(MetricSink& sink, const DimensionSets& sets, std::string_view metric,
                      std::string_view unit, double value, int64_t time_ms) {
  for (const MetricDimensions* dims : {&sets.account, &sets.function_only, &sets.resource}) {
    sink.Record(kLambdaNamespace, metric, unit, *dims, value, time_ms);
  }
}

}  // namespace

void RecordInvocation(MetricSink& sink, const InvocationFigures& f) {
  const DimensionSets& sets = SetsOf(f.function);
  RecordEverywhere(sink, sets, "Invocations", "Count", 1, f.start_ms);
  RecordEverywhere(sink, sets, "Errors", "Count", f.error ? 1 : 0, f.start_ms);
  RecordEverywhere(sink, sets, "Throttles", "Count", 0, f.start_ms);
  RecordEverywhere(sink, sets, "Duration", "Milliseconds", f.duration_ms, f.start_ms);
  sink.Record(kLambdaNamespace, "ConcurrentExecutions", "Count", sets.account, f.in_flight.total,
              f.start_ms);
  sink.Record(kLambdaNamespace, "ConcurrentExecutions", "Count", sets.function_only,
              f.in_flight.function, f.start_ms);
  sink.Record(kLambdaNamespace, "ConcurrentExecutions", "Count", sets.resource,
              f.in_flight.function, f.start_ms);
  sink.Record(kLambdaNamespace, "UnreservedConcurrentExecutions", "Count", sets.account,
              f.in_flight.unreserved, f.start_ms);
  sink.Record(kLambdaNamespace, "ClaimedAccountConcurrency", "Count", sets.account,
              f.in_flight.claimed, f.start_ms);
}

void RecordThrottle(MetricSink& sink, const std::string& function, int64_t time_ms) {
  RecordEverywhere(sink, SetsOf(function), "Throttles", "Count", 1, time_ms);
}

void RecordFunctionMetric(MetricSink& sink, const std::string& function, std::string_view metric,
                          std::string_view unit, double value, int64_t time_ms) {
  RecordEverywhere(sink, SetsOf(function), metric, unit, value, time_ms);
}

}  // namespace evoke::lambda
