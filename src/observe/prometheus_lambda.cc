#include "observe/prometheus_lambda.h"

namespace evoke::observe {

LambdaPrometheus::LambdaPrometheus(prometheus::Registry& registry, const Clock& clock)
    : clock_(clock),
      invocations_(registry.AddCounter(
          "evoke_lambda_invocations_total",
          "Invocations of a function that ran or failed to start (AWS/Lambda Invocations).",
          {"function"}, kMaxFunctionSeries)),
      errors_(registry.AddCounter("evoke_lambda_errors_total",
                                  "Invocations that ended in a function error (AWS/Lambda Errors).",
                                  {"function"}, kMaxFunctionSeries)),
      throttles_(registry.AddCounter(
          "evoke_lambda_throttles_total",
          "Invocations refused for concurrency (AWS/Lambda Throttles).", {"function"},
          kMaxFunctionSeries)),
      duration_(registry.AddHistogram(
          "evoke_lambda_duration_seconds",
          "Time a function's handler ran, as its REPORT line gives it (AWS/Lambda Duration).",
          {"function"},
          {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900},
          kMaxFunctionSeries)) {}

void LambdaPrometheus::Record(std::string_view name_space, std::string_view metric,
                              std::string_view /*unit*/, const MetricDimensions& dimensions,
                              double value, int64_t /*time_ms*/) {
  // Each figure is recorded once per dimension set; the FunctionName-only set counts it once.
  if (name_space != "AWS/Lambda" || dimensions.size() != 1 ||
      dimensions[0].first != "FunctionName") {
    return;
  }
  std::string_view function = dimensions[0].second;
  if (metric == "Invocations") {
    invocations_.With({function}).Inc(value);
  } else if (metric == "Errors") {
    errors_.With({function}).Inc(value);
  } else if (metric == "Throttles") {
    throttles_.With({function}).Inc(value);
  } else if (metric == "Duration") {
    duration_.With({function}).Observe(value / 1000.0);
  }
}

}  // namespace evoke::observe
