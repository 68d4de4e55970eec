// MetricAccumulator: the metric points of the current periods, in memory, as values are
// recorded; the writer takes what changed since it last looked and merges it into the store
// (docs/metrics.md). Recording is a map update under the recording thread's own shard lock
// (uncontended but for the writer's Take once a second), so callers on the invoke path never
// wait for storage or for each other. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
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

// SeriesKey::Encode of the parts, appended to `out`; the dimensions as given.
void AppendEncodedSeries(std::string& out, std::string_view name_space, std::string_view metric,
                         std::string_view unit,
                         const std::vector<std::pair<std::string, std::string>>& dimensions);

class MetricAccumulator {
 public:
  // `count` occurrences of `value` at `time_ms`, into its minute's point and, when
  // `high_resolution`, its second's too.
  void Record(const SeriesKey& series, double value, int64_t time_ms, bool high_resolution = false,
              double count = 1);
  // The same for a series given by its parts (unit as stored, "None" when none), the path of
  // the metrics evoke emits: a lookup key is written into a reused buffer, and a SeriesKey is
  // built only for a series the current points do not have yet.
  void Record(std::string_view name_space, std::string_view metric, std::string_view unit,
              const std::vector<std::pair<std::string, std::string>>& dimensions, double value,
              int64_t time_ms);
  // A statistic set at `time_ms`.
  void RecordStatistics(const SeriesKey& series, double sample_count, double sum, double min,
                        double max, int64_t time_ms, bool high_resolution = false);

  struct Changed {
    PointKey key;
    SeriesKey series;
    MetricPoint point;  // what was recorded since the last Take, to merge into the stored point
  };
  // Everything recorded since the last call, in key order, emptied.
  std::vector<Changed> Take();

 private:
  // A series' points since the last Take: usually one minute's, two across a minute boundary.
  struct Pending {
    SeriesKey series;  // canonical
    struct Point {
      int period_s;
      int64_t start_s;
      MetricPoint point;
    };
    std::vector<Point> points;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    std::mutex mutex;
    // By a lookup key of the canonical series (metric_accumulator.cc), cheaper than Encode().
    std::unordered_map<std::string, Pending, KeyHash, std::equal_to<>> series;  // GUARDED_BY(mutex)
  };
  template <typename MakeSeries, typename Apply>
  void Update(std::string_view lookup_key, MakeSeries make_series, int64_t time_ms,
              bool high_resolution, Apply apply);

  std::array<Shard, 8> shards_;
};

}  // namespace evoke::observe
