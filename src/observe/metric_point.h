// MetricPoint: what evoke keeps of a metric's values in one period (a second, a minute, five
// minutes, an hour): count, sum, minimum, maximum and the quantile sketch, all mergeable, so a
// longer period is answered by merging points (docs/metrics.md). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "observe/metric_sketch.h"

namespace evoke::observe {

struct MetricPoint {
  double count = 0;  // CloudWatch's SampleCount (a statistic set may give a fraction)
  double sum = 0;
  double min = 0;
  double max = 0;
  MetricSketch sketch;  // empty for points made only of statistic sets

  // `count` occurrences of `value`.
  void Add(double value, double count = 1);
  // A statistic set (PutMetricData's StatisticValues): no distribution, so no sketch, unless
  // its values are all equal (Minimum == Maximum, or a SampleCount of 1), as CloudWatch has it.
  void AddStatistics(double sample_count, double sum, double min, double max);
  void Merge(const MetricPoint& other);

  // A statistic by CloudWatch's name: SampleCount, Sum, Average, Minimum, Maximum, or a
  // percentile "p0.0".."p100" (nullopt when the point has no distribution to answer it from,
  // or had a negative value, as CloudWatch answers no percentile then). nullopt for an unknown
  // name too.
  std::optional<double> Statistic(std::string_view name) const;
};

// "p99", "p99.9": the quantile in [0, 1]; nullopt for anything else.
std::optional<double> ParsePercentile(std::string_view statistic);

}  // namespace evoke::observe
