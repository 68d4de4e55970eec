// MetricStore: evoke's CloudWatch metrics as the rest of evoke sees them (docs/metrics.md).
// Recording (MetricSink, PutMetricData) updates the in-memory accumulator; a writer thread
// merges what changed into the store once a second, and once a minute rolls one-minute points
// up into five-minute and one-hour points and drops what is past CloudWatch's retention (on
// the events clock, so --test-clock drives it). Reads merge stored points into the periods a
// query asks for. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/asio.h"
#include "base/clock.h"
#include "base/metric_sink.h"
#include "base/result.h"
#include "observe/metric_accumulator.h"
#include "observe/metric_point.h"
#include "store/metrics.h"
#include "store/txn.h"

namespace evoke::observe {

// CloudWatch's retention of each resolution, in seconds.
inline constexpr int64_t kRetainOneSecond = 3 * 3600;
inline constexpr int64_t kRetainOneMinute = 15 * 86400;
inline constexpr int64_t kRetainFiveMinutes = 63 * 86400;
inline constexpr int64_t kRetainOneHour = 455 * 86400;

// One period of a query's answer: its start and the merged point.
struct PeriodPoint {
  int64_t start_s = 0;
  MetricPoint point;
};

// A series as ListMetrics shows it.
struct ListedSeries {
  int64_t id = 0;
  SeriesKey key;
  int64_t last_ms = 0;
};

class MetricStore final : public MetricSink {
 public:
  MetricStore(store::Transactions& txns, store::MetricRepository& repo, const Clock& clock);
  ~MetricStore() override;

  // MetricSink: the clock's now; one value in its one-minute point.
  int64_t NowMs() const override { return clock_.NowMs(); }
  void Record(std::string_view name_space, std::string_view metric, std::string_view unit,
              const MetricDimensions& dimensions, double value, int64_t time_ms) override;
  // PutMetricData: `count` occurrences of `value`; a statistic set; `high_resolution` keeps a
  // one-second point too.
  void RecordValue(const SeriesKey& series, double value, double count, int64_t time_ms,
                   bool high_resolution);
  void RecordStatistics(const SeriesKey& series, double sample_count, double sum, double min,
                        double max, int64_t time_ms, bool high_resolution);

  // Starts the writer thread; Stop() (and the destructor) commits what is pending and joins it.
  void Start();
  void Stop();
  // Commits everything recorded so far (a query that must see a value just put calls it first).
  Task<Status> Flush();
  // The same, blocking: for the writer thread, start-up code and tests.
  Status FlushBlocking();
  // Rolls up and drops expired points as of the clock's now (the writer does it each minute).
  Status Maintain();

  // The points of `period_s` seconds over [start_s, end_s) of the series `key` (periods with
  // no data left out), merged from the finest resolution kept for that age. With no unit in
  // `key` (empty), the series of every unit with that name and dimensions are merged, and
  // `unit_out` names the unit of the data (the first found). Reads only what is committed.
  Result<std::vector<PeriodPoint>> ReadPeriods(const SeriesKey& key, int period_s, int64_t start_s,
                                              int64_t end_s, std::string* unit_out = nullptr);
  // Series in id order (after `after_id`), of one namespace and metric name when given, with
  // data since `active_since_ms`, at most `limit`.
  Result<std::vector<ListedSeries>> ListSeries(const store::SeriesListing& listing);

  const Clock& clock() const { return clock_; }

 private:
  void WriterLoop();
  Status Commit(std::vector<MetricAccumulator::Changed> changed, store::WriteTxn& t);

  store::Transactions& txns_;
  store::MetricRepository& repo_;
  const Clock& clock_;
  MetricAccumulator accumulator_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // GUARDED_BY(mutex_)
  std::thread writer_;
  std::mutex commit_mutex_;  // one commit at a time: a point is read, merged and written back
};

// Point encoding for the store: the sketch's bytes; and back.
store::StoredMetricPoint ToStored(int64_t series_id, int period_s, int64_t start_s,
                                  const MetricPoint& point);
std::optional<MetricPoint> FromStored(const store::StoredMetricPoint& stored);

}  // namespace evoke::observe
