#include "observe/metric_accumulator.h"

#include <algorithm>
#include <atomic>
#include <functional>

#include "base/encoding.h"

namespace evoke::observe {

SeriesKey SeriesKey::Canonical() const {
  SeriesKey out = *this;
  std::sort(out.dimensions.begin(), out.dimensions.end());
  if (out.unit.empty()) out.unit = "None";
  return out;
}

void AppendEncodedSeries(std::string& out, std::string_view name_space, std::string_view metric,
                         std::string_view unit,
                         const std::vector<std::pair<std::string, std::string>>& dimensions) {
  // JSON strings, so no name or value can run into the next.
  out += "[\"";
  for (std::string_view part : {name_space, metric, unit}) {
    AppendJsonEscaped(out, part);
    out += "\",\"";
  }
  for (const auto& [name, value] : dimensions) {
    AppendJsonEscaped(out, name);
    out += "\",\"";
    AppendJsonEscaped(out, value);
    out += "\",\"";
  }
  out.resize(out.size() - 2);
  out += "]";
}

std::string SeriesKey::Encode() const {
  std::string out;
  AppendEncodedSeries(out, name_space, metric, unit, dimensions);
  return out;
}

namespace {

// The accumulator's own key of a series: each part after its length, so nothing needs escaping
// (SeriesKey::Encode, the store's key, is made once per series and Take instead).
void AppendPart(std::string& out, std::string_view part) {
  uint32_t size = static_cast<uint32_t>(part.size());
  out.append(reinterpret_cast<const char*>(&size), sizeof size);
  out.append(part);
}

void AppendLookupKey(std::string& out, std::string_view name_space, std::string_view metric,
                     std::string_view unit,
                     const std::vector<std::pair<std::string, std::string>>& dimensions) {
  AppendPart(out, name_space);
  AppendPart(out, metric);
  AppendPart(out, unit);
  for (const auto& [name, value] : dimensions) {
    AppendPart(out, name);
    AppendPart(out, value);
  }
}

// The shard a thread records into: its own, as long as there are no more recording threads
// than shards, so that two I/O threads recording the same series (every invocation of a function
// records the same seventeen) never pass the same locks and points between their cores.
size_t ThreadShard() {
  static std::atomic<size_t> next{0};
  thread_local const size_t mine = next.fetch_add(1);
  return mine;
}

std::string LookupKey(const SeriesKey& canonical) {
  std::string out;
  AppendLookupKey(out, canonical.name_space, canonical.metric, canonical.unit,
                  canonical.dimensions);
  return out;
}

}  // namespace

template <typename MakeSeries, typename Apply>
void MetricAccumulator::Update(std::string_view lookup_key, MakeSeries make_series,
                               int64_t time_ms, bool high_resolution, Apply apply) {
  int64_t second = time_ms >= 0 ? time_ms / 1000 : -((-time_ms + 999) / 1000);
  Shard& shard = shards_[ThreadShard() % shards_.size()];
  std::lock_guard lock(shard.mutex);
  auto it = shard.series.find(lookup_key);
  if (it == shard.series.end()) {
    it = shard.series.emplace(std::string(lookup_key), Pending{make_series(), {}}).first;
  }
  for (int period : {60, 1}) {
    if (period == 1 && !high_resolution) continue;
    int64_t start = second - ((second % period) + period) % period;
    auto& points = it->second.points;
    auto point = std::find_if(points.begin(), points.end(), [&](const Pending::Point& p) {
      return p.period_s == period && p.start_s == start;
    });
    if (point == points.end()) point = points.insert(points.end(), {period, start, {}});
    apply(point->point);
  }
}

void MetricAccumulator::Record(const SeriesKey& series, double value, int64_t time_ms,
                               bool high_resolution, double count) {
  SeriesKey canonical = series.Canonical();
  Update(LookupKey(canonical), [&] { return canonical; }, time_ms, high_resolution,
         [&](MetricPoint& p) { p.Add(value, count); });
}

void MetricAccumulator::Record(std::string_view name_space, std::string_view metric,
                               std::string_view unit,
                               const std::vector<std::pair<std::string, std::string>>& dimensions,
                               double value, int64_t time_ms) {
  if (unit.empty() || !std::is_sorted(dimensions.begin(), dimensions.end())) {
    Record(SeriesKey{std::string(name_space), std::string(metric), std::string(unit), dimensions},
           value, time_ms);
    return;
  }
  thread_local std::string key;
  key.clear();
  AppendLookupKey(key, name_space, metric, unit, dimensions);
  Update(
      key,
      [&] {
        return SeriesKey{std::string(name_space), std::string(metric), std::string(unit),
                         dimensions};
      },
      time_ms, false, [&](MetricPoint& p) { p.Add(value, 1); });
}

void MetricAccumulator::RecordStatistics(const SeriesKey& series, double sample_count, double sum,
                                         double min, double max, int64_t time_ms,
                                         bool high_resolution) {
  SeriesKey canonical = series.Canonical();
  Update(LookupKey(canonical), [&] { return canonical; }, time_ms, high_resolution,
         [&](MetricPoint& p) { p.AddStatistics(sample_count, sum, min, max); });
}

std::vector<MetricAccumulator::Changed> MetricAccumulator::Take() {
  std::vector<Changed> out;
  for (Shard& shard : shards_) {
    std::unordered_map<std::string, Pending, KeyHash, std::equal_to<>> series;
    {
      std::lock_guard lock(shard.mutex);
      series.swap(shard.series);
    }
    for (auto& [lookup_key, pending] : series) {
      const std::string encoded = pending.series.Encode();
      for (Pending::Point& p : pending.points) {
        out.push_back({PointKey{encoded, p.period_s, p.start_s}, pending.series, std::move(p.point)});
      }
    }
  }
  // A series recorded from several threads has a point in each of their shards: one each.
  std::sort(out.begin(), out.end(),
            [](const Changed& a, const Changed& b) { return a.key < b.key; });
  std::vector<Changed> merged;
  merged.reserve(out.size());
  for (Changed& c : out) {
    if (!merged.empty() && merged.back().key == c.key) {
      merged.back().point.Merge(c.point);
    } else {
      merged.push_back(std::move(c));
    }
  }
  return merged;
}

}  // namespace evoke::observe
