#include "observe/metric_store.h"

#include <future>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "store/write.h"

namespace evoke::observe {
namespace {

int64_t FloorTo(int64_t t, int64_t unit) { return t - (((t % unit) + unit) % unit); }

// The dimension set of a canonical key, as the store's `dimensions` column keeps it.
std::string EncodeDimensions(const SeriesKey& canonical) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [name, value] : canonical.dimensions) out.push_back({name, value});
  return out.dump();
}

std::optional<std::vector<std::pair<std::string, std::string>>> DecodeDimensions(
    const std::string& encoded) {
  auto parsed = nlohmann::json::parse(encoded, nullptr, false);
  if (!parsed.is_array()) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& pair : parsed) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return std::nullopt;
    }
    out.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return out;
}

// The resolution a query's points are merged from: the finest that divides the period and is
// still kept for data as old as `start_s`; 0 when none is (CloudWatch answers no datapoints).
int LevelFor(int period_s, int64_t start_s, int64_t now_s) {
  if (period_s < 60) return start_s >= now_s - kRetainOneSecond ? 1 : 0;
  struct Level {
    int period;
    int64_t retained;
  };
  for (Level level : {Level{60, kRetainOneMinute}, Level{300, kRetainFiveMinutes},
                      Level{3600, kRetainOneHour}}) {
    if (period_s % level.period == 0 && start_s >= now_s - level.retained) return level.period;
  }
  return 0;
}

}  // namespace

store::StoredMetricPoint ToStored(int64_t series_id, int period_s, int64_t start_s,
                                  const MetricPoint& point) {
  store::StoredMetricPoint out;
  out.series_id = series_id;
  out.period_s = period_s;
  out.start_s = start_s;
  out.count = point.count;
  out.sum = point.sum;
  out.min = point.min;
  out.max = point.max;
  if (!point.sketch.empty()) out.sketch = point.sketch.Encode();
  return out;
}

std::optional<MetricPoint> FromStored(const store::StoredMetricPoint& stored) {
  MetricPoint out;
  out.count = stored.count;
  out.sum = stored.sum;
  out.min = stored.min;
  out.max = stored.max;
  if (!stored.sketch.empty()) {
    auto sketch = MetricSketch::Decode(stored.sketch);
    if (!sketch) return std::nullopt;
    out.sketch = std::move(*sketch);
  }
  return out;
}

MetricStore::MetricStore(store::Transactions& txns, store::MetricRepository& repo,
                         const Clock& clock)
    : txns_(txns), repo_(repo), clock_(clock) {}

MetricStore::~MetricStore() { Stop(); }

void MetricStore::Record(std::string_view name_space, std::string_view metric,
                         std::string_view unit, const MetricDimensions& dimensions, double value,
                         int64_t time_ms) {
  accumulator_.Record(name_space, metric, unit, dimensions, value, time_ms);
}

void MetricStore::RecordValue(const SeriesKey& series, double value, double count,
                              int64_t time_ms, bool high_resolution) {
  accumulator_.Record(series, value, time_ms, high_resolution, count);
}

void MetricStore::RecordStatistics(const SeriesKey& series, double sample_count, double sum,
                                   double min, double max, int64_t time_ms,
                                   bool high_resolution) {
  accumulator_.RecordStatistics(series, sample_count, sum, min, max, time_ms, high_resolution);
}

Status MetricStore::Commit(std::vector<MetricAccumulator::Changed> changed, store::WriteTxn& t) {
  std::map<std::string, int64_t> ids;  // encoded key -> series id, within this batch
  for (const MetricAccumulator::Changed& c : changed) {
    auto id_it = ids.find(c.key.series);
    int64_t last_ms = (c.key.start_s + c.key.period_s) * 1000 - 1;
    if (id_it == ids.end() || c.key.period_s == 60) {
      store::MetricSeriesRecord record;
      record.key = c.key.series;
      record.name_space = c.series.name_space;
      record.metric = c.series.metric;
      record.unit = c.series.unit;
      record.dimensions = EncodeDimensions(c.series);
      record.last_ms = last_ms;
      auto id = repo_.TouchSeries(t, record);
      if (!id.ok()) return std::move(id).error();
      id_it = ids.insert_or_assign(c.key.series, *id).first;
    }
    // A minute's point goes into its five-minute and hour points too, so coarser resolutions
    // never need a separate roll-up pass (and values put late land in all of them).
    std::vector<std::pair<int, int64_t>> targets;
    if (c.key.period_s == 60) {
      targets = {{60, c.key.start_s},
                 {300, FloorTo(c.key.start_s, 300)},
                 {3600, FloorTo(c.key.start_s, 3600)}};
    } else {
      targets = {{c.key.period_s, c.key.start_s}};
    }
    for (auto [period, start] : targets) {
      auto stored = repo_.GetPoint(t, id_it->second, period, start);
      if (!stored.ok()) return std::move(stored).error();
      MetricPoint merged;
      if (*stored) {
        auto decoded = FromStored(**stored);
        if (decoded) {
          merged = std::move(*decoded);
        } else {
          LogError("metrics: replacing an undecodable stored point of " + c.key.series);
        }
      }
      merged.Merge(c.point);
      if (Status s = repo_.PutPoint(t, ToStored(id_it->second, period, start, merged)); !s.ok()) {
        return s;
      }
    }
  }
  return {};
}

Task<Status> MetricStore::Flush() {
  // Taken and submitted under one lock, so a flush that finds nothing still commits after the
  // writer's job that took what was recorded before it (jobs commit in submission order).
  auto result = co_await AwaitCallback<Status>([this](std::function<void(Status)> done) {
    std::lock_guard lock(commit_mutex_);
    auto changed = std::make_shared<std::vector<MetricAccumulator::Changed>>(accumulator_.Take());
    txns_.Submit(store::WriteJob{{},
                                 [this, changed](store::WriteTxn& t) {
                                   return Commit(std::move(*changed), t);
                                 },
                                 std::move(done)});
  });
  co_return result;
}

Status MetricStore::FlushBlocking() {
  std::vector<MetricAccumulator::Changed> changed;
  std::promise<Status> committed;
  {
    std::lock_guard lock(commit_mutex_);
    changed = accumulator_.Take();
    if (changed.empty()) return {};
    txns_.Submit(store::WriteJob{{},
                                 [this, &changed](store::WriteTxn& t) {
                                   return Commit(std::move(changed), t);
                                 },
                                 [&committed](Status s) { committed.set_value(std::move(s)); }});
  }
  return committed.get_future().get();
}

Status MetricStore::Maintain() {
  int64_t now_s = clock_.NowMs() / 1000;
  return txns_.WriteBlocking([&](store::WriteTxn& t) -> Status {
    struct Retention {
      int period;
      int64_t kept;
    };
    for (Retention r : {Retention{1, kRetainOneSecond}, Retention{60, kRetainOneMinute},
                        Retention{300, kRetainFiveMinutes}, Retention{3600, kRetainOneHour}}) {
      if (Status s = repo_.DeletePointsBefore(t, r.period, now_s - r.kept); !s.ok()) return s;
    }
    return {};
  });
}

void MetricStore::Start() {
  if (writer_.joinable()) return;
  writer_ = std::thread([this] { WriterLoop(); });
}

void MetricStore::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (Status s = FlushBlocking(); !s.ok()) {
    LogError("metrics: last flush failed: " + s.error().message);
  }
}

void MetricStore::WriterLoop() {
  int64_t maintained_minute = -1;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    if (Status s = FlushBlocking(); !s.ok()) {
      LogError("metrics: flush failed, a second of metrics is lost: " + s.error().message);
    }
    int64_t minute = clock_.NowMs() / 60000;
    if (minute != maintained_minute) {
      maintained_minute = minute;
      if (Status s = Maintain(); !s.ok()) {
        LogError("metrics: retention pass failed: " + s.error().message);
      }
    }
    lock.lock();
  }
}

Result<std::vector<PeriodPoint>> MetricStore::ReadPeriods(const SeriesKey& key, int period_s,
                                                          int64_t start_s, int64_t end_s,
                                                          std::string* unit_out) {
  std::vector<PeriodPoint> out;
  if (period_s <= 0 || end_s <= start_s) return out;
  int level = LevelFor(period_s, start_s, clock_.NowMs() / 1000);
  if (level == 0) return out;
  SeriesKey canonical = key.Canonical();
  auto txn = txns_.Read();
  std::vector<store::MetricSeriesRecord> series;
  if (key.unit.empty()) {
    auto found = repo_.FindSeriesAnyUnit(*txn, canonical.name_space, canonical.metric,
                                         EncodeDimensions(canonical));
    if (!found.ok()) return std::move(found).error();
    series = std::move(*found);
  } else {
    auto found = repo_.FindSeries(*txn, canonical.Encode());
    if (!found.ok()) return std::move(found).error();
    if (*found) series.push_back(std::move(**found));
  }
  std::map<int64_t, MetricPoint> periods;
  for (const store::MetricSeriesRecord& s : series) {
    auto points = repo_.ReadPoints(*txn, s.id, level, start_s, end_s);
    if (!points.ok()) return std::move(points).error();
    for (const store::StoredMetricPoint& stored : *points) {
      auto point = FromStored(stored);
      if (!point || point->count == 0) continue;
      if (unit_out && unit_out->empty()) *unit_out = s.unit;
      int64_t period_start = start_s + FloorTo(stored.start_s - start_s, period_s);
      periods[period_start].Merge(*point);
    }
  }
  for (auto& [start, point] : periods) out.push_back({start, std::move(point)});
  return out;
}

Result<std::vector<ListedSeries>> MetricStore::ListSeries(const store::SeriesListing& listing) {
  auto txn = txns_.Read();
  auto rows = repo_.ListSeries(*txn, listing);
  if (!rows.ok()) return std::move(rows).error();
  std::vector<ListedSeries> out;
  for (store::MetricSeriesRecord& row : *rows) {
    auto dimensions = DecodeDimensions(row.dimensions);
    if (!dimensions) continue;
    out.push_back({row.id,
                   SeriesKey{std::move(row.name_space), std::move(row.metric), std::move(row.unit),
                             std::move(*dimensions)},
                   row.last_ms});
  }
  return out;
}

}  // namespace evoke::observe
