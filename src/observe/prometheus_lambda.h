// The AWS/Lambda figures as Prometheus series (docs/metrics.md, "Prometheus"): a MetricSink that
// takes what Lambda records (lambda/lambda_metrics.h) under the FunctionName dimension alone and
// counts it in evoke_lambda_invocations_total, _errors_total, _throttles_total and the
// evoke_lambda_duration_seconds histogram, by function; everything else it ignores. MetricFanOut
// hands each record to several sinks (the CloudWatch store and this), as `app` wires them.
// Thread contract: Record may be called from any thread; cheap enough for the invoke path.
#pragma once

#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/metric_sink.h"
#include "observe/prometheus.h"

namespace evoke::observe {

// At most this many functions get series of their own; later ones are counted as "other".
inline constexpr size_t kMaxFunctionSeries = 1000;

class LambdaPrometheus final : public MetricSink {
 public:
  LambdaPrometheus(prometheus::Registry& registry, const Clock& clock);
  int64_t NowMs() const override { return clock_.NowMs(); }
  void Record(std::string_view name_space, std::string_view metric, std::string_view unit,
              const MetricDimensions& dimensions, double value, int64_t time_ms) override;

 private:
  const Clock& clock_;
  prometheus::Family<prometheus::Counter>& invocations_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Counter>& throttles_;
  prometheus::Family<prometheus::Histogram>& duration_;
};

// Records into every sink, in order; the time is the first one's.
class MetricFanOut final : public MetricSink {
 public:
  explicit MetricFanOut(std::vector<MetricSink*> sinks) : sinks_(std::move(sinks)) {}
  int64_t NowMs() const override { return sinks_.front()->NowMs(); }
  void Record(std::string_view name_space, std::string_view metric, std::string_view unit,
              const MetricDimensions& dimensions, double value, int64_t time_ms) override {
    for (MetricSink* s : sinks_) s->Record(name_space, metric, unit, dimensions, value, time_ms);
  }

 private:
  const std::vector<MetricSink*> sinks_;  // not empty
};

}  // namespace evoke::observe
