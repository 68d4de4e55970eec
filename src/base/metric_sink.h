// MetricSink: where a module records the CloudWatch metrics it emits (AWS/Lambda's Invocations,
// AWS/S3's request metrics...) without knowing how they are kept (docs/metrics.md). The observe
// module implements it; `app` hands it to the modules that emit. Recording is an in-memory
// update, safe from any thread and cheap enough for the invoke path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evoke {

using MetricDimensions = std::vector<std::pair<std::string, std::string>>;

class MetricSink {
 public:
  virtual ~MetricSink() = default;
  // The time metrics are stamped with: the events clock, which --test-clock moves, so tests
  // can see alarms and retention act on what was recorded.
  virtual int64_t NowMs() const = 0;
  // One value of a metric at `time_ms` (epoch milliseconds), in its one-minute point.
  virtual void Record(std::string_view name_space, std::string_view metric, std::string_view unit,
                      const MetricDimensions& dimensions, double value, int64_t time_ms) = 0;
};

}  // namespace evoke
