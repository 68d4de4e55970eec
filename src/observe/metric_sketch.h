// MetricSketch: a mergeable summary of a metric's values with percentiles of bounded relative
// error (a DDSketch: logarithmic buckets, docs/metrics.md). Merging two sketches is adding their
// bucket counts, so the percentile of any period, merged from one-minute points, is as accurate
// as one over the raw values: within kRelativeAccuracy of a value of the right rank. Pure; not
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace evoke::observe {

class MetricSketch {
 public:
  static constexpr double kRelativeAccuracy = 0.01;

  // Adds `count` occurrences of `value` (finite).
  void Add(double value, uint64_t count = 1);
  void Merge(const MetricSketch& other);

  uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  bool has_negative() const { return !negative_.empty(); }

  // The value at quantile q in [0, 1] by nearest rank (the ceil(q·n)-th smallest, as
  // CloudWatch's p99 of five values is the largest); nullopt when empty.
  std::optional<double> Quantile(double q) const;

  // A compact encoding for storage, and back; nullopt for bytes Encode never wrote, and for
  // more than 2^53 values.
  std::string Encode() const;
  static std::optional<MetricSketch> Decode(std::string_view bytes);

  bool operator==(const MetricSketch&) const = default;

 private:
  static int IndexOf(double magnitude);
  static double ValueOf(int index);

  std::map<int, uint64_t> positive_;  // bucket index of the value -> count
  std::map<int, uint64_t> negative_;  // bucket index of -value -> count
  uint64_t zero_ = 0;
  uint64_t count_ = 0;
};

}  // namespace evoke::observe
