// MetricAccumulator: the metric points of the current periods, in memory, as values are
// recorded; the writer takes what changed since it last looked and merges it into the store
// (docs/metrics.md). Recording is a map update under one of a few locks, so callers on the
// invoke path never wait for storage. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "observe/metric_point.h"

namespace evoke::observe {

// What a series is: namespace, metric name, unit (CloudWatch filters by it, never converts) and
// dimensions (sorted by name by the constructor's users; Canonical() sorts).
struct SeriesKey {
  std::string name_space;
  std::string metric;
  std::string unit;  // "None" when not given, as CloudWatch stores it
  std::vector<std::pair<std::string, std::string>> dimensions;

  // The dimensions sorted by name; the same series however they were listed.
  SeriesKey Canonical() const;
  // One string for the whole key (a map key and the store's unique column).
  std::string Encode() const;
  bool operator<(const SeriesKey& o) const { return Encode() < o.Encode(); }
  bool operator==(const SeriesKey&) const = default;
};

// One period's point of a series: `period_s` is 1 (high resolution) or 60.
struct PointKey {
  std::string series;  // SeriesKey::Encode()
  int period_s = 60;
  int64_t start_s = 0;
  auto operator<=>(const PointKey&) const = default;
};

class MetricAccumulator {
 public:
  // `count` occurrences of `value` at `time_ms`, into its minute's point and, when
  // `high_resolution`, its second's too.
  void Record(const SeriesKey& series, double value, int64_t time_ms, bool high_resolution = false,
              double count = 1);
  // A statistic set at `time_ms`.
  void RecordStatistics(const SeriesKey& series, double sample_count, double sum, double min,
                        double max, int64_t time_ms, bool high_resolution = false);

  struct Changed {
    PointKey key;
    SeriesKey series;
    MetricPoint point;  // what was recorded since the last Take, to merge into the stored point
  };
  // Everything recorded since the last call, emptied.
  std::vector<Changed> Take();

 private:
  struct Shard {
    std::mutex mutex;
    std::map<PointKey, Changed> points;  // GUARDED_BY(mutex)
  };
  template <typename Apply>
  void Update(const SeriesKey& series, int64_t time_ms, bool high_resolution, Apply apply);

  std::array<Shard, 8> shards_;
};

}  // namespace evoke::observe
