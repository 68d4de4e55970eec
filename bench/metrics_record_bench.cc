// metrics_record_bench: the CPU time of what one invocation records, measured alone. Runs
// lambda::RecordInvocation (the 17 values of an invocation: AWS/Lambda's Invocations, Errors,
// Throttles, Duration and ConcurrentExecutions under their dimension sets) into a sink that does
// what observe::MetricStore::Record does (observe::MetricAccumulator::Record by parts), and
// takes the accumulated points once a second of invocations as the store's writer does. Prints
// the mean time per invocation in microseconds. Built and run by run_metrics_cost.sh against the
// Release build's libraries.
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "lambda/lambda_metrics.h"
#include "observe/metric_accumulator.h"

namespace {

class AccumulatorSink final : public evoke::MetricSink {
 public:
  int64_t NowMs() const override { return 0; }
  void Record(std::string_view name_space, std::string_view metric, std::string_view unit,
              const evoke::MetricDimensions& dimensions, double value, int64_t time_ms) override {
    accumulator.Record(name_space, metric, unit, dimensions, value, time_ms);
  }
  evoke::observe::MetricAccumulator accumulator;
};

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 500000;
  const int per_second = 8000;  // invocations between two takes, as at 8,000 invokes/s
  AccumulatorSink sink;
  evoke::lambda::InvocationFigures f;
  f.function = "echo-cpp";
  f.in_flight = {16, 16, 16, 16};
  const int64_t start_ms = 1'700'000'000'000;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    f.start_ms = start_ms + int64_t{i} * 1000 / per_second;
    f.duration_ms = 0.1 + (i % 97) * 0.01;
    f.error = i % 100 == 0;
    evoke::lambda::RecordInvocation(sink, f);
    if (i % per_second == per_second - 1) sink.accumulator.Take();
  }
  double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%.3f\n", us / n);
}
