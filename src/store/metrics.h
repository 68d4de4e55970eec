// The metric repository: CloudWatch metric series and their aggregated points (docs/metrics.md).
// A series is a namespace, metric name, unit and dimension set, with a small id; a point is one
// period's count, sum, minimum, maximum and quantile sketch (bytes the observe module encodes).
// Reads take any transaction, writes a job's WriteTxn. Used by the observe module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/txn.h"

namespace evoke::store {

struct MetricSeriesRecord {
  int64_t id = 0;
  std::string key;         // the whole identity, encoded (unique)
  std::string name_space;
  std::string metric;
  std::string unit;
  std::string dimensions;  // the dimension set, encoded (series that differ only in unit share it)
  int64_t last_ms = 0;     // the latest timestamp the series has data for
};

struct StoredMetricPoint {
  int64_t series_id = 0;
  int period_s = 60;  // 1, 60, 300 or 3600
  int64_t start_s = 0;
  double count = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  std::string sketch;  // empty: no distribution
};

// Which series to list: all of a namespace (empty: every namespace) and metric name (empty:
// every name), with data at or after `active_since_ms`, ids after `after_id`, in id order.
struct SeriesListing {
  std::string name_space;
  std::string metric;
  int64_t active_since_ms = 0;
  int64_t after_id = 0;
  size_t limit = 500;
};

class MetricRepository {
 public:
  virtual ~MetricRepository() = default;

  virtual Result<std::optional<MetricSeriesRecord>> FindSeries(ReadTxn& t,
                                                               std::string_view key) = 0;
  // The series of one namespace, metric and dimension set, whatever their unit.
  virtual Result<std::vector<MetricSeriesRecord>> FindSeriesAnyUnit(
      ReadTxn& t, std::string_view name_space, std::string_view metric,
      std::string_view dimensions) = 0;
  virtual Result<std::vector<MetricSeriesRecord>> ListSeries(ReadTxn& t,
                                                             const SeriesListing& listing) = 0;
  // The points of a series at one period with start_s <= start < end_s, in time order.
  virtual Result<std::vector<StoredMetricPoint>> ReadPoints(ReadTxn& t, int64_t series_id,
                                                            int period_s, int64_t start_s,
                                                            int64_t end_s) = 0;
  // The points of every series at one period in [start_s, end_s), by series then time (for
  // roll-up).
  virtual Result<std::vector<StoredMetricPoint>> ReadAllPoints(ReadTxn& t, int period_s,
                                                               int64_t start_s,
                                                               int64_t end_s) = 0;
  virtual Result<std::optional<StoredMetricPoint>> GetPoint(ReadTxn& t, int64_t series_id,
                                                            int period_s, int64_t start_s) = 0;

  // The series' id, creating it when new (`series.id` is ignored); raises its last_ms to
  // `series.last_ms`.
  virtual Result<int64_t> TouchSeries(WriteTxn& t, const MetricSeriesRecord& series) = 0;
  // Inserts or replaces the point.
  virtual Status PutPoint(WriteTxn& t, const StoredMetricPoint& point) = 0;
  // Removes the points of one period that start before `before_s`.
  virtual Status DeletePointsBefore(WriteTxn& t, int period_s, int64_t before_s) = 0;
};

}  // namespace evoke::store
