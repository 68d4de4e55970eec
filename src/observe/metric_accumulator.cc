#include "observe/metric_accumulator.h"

#include <algorithm>
#include <functional>

#include "base/encoding.h"

namespace evoke::observe {

SeriesKey SeriesKey::Canonical() const {
  SeriesKey out = *this;
  std::sort(out.dimensions.begin(), out.dimensions.end());
  if (out.unit.empty()) out.unit = "None";
  return out;
}

std::string SeriesKey::Encode() const {
  // JSON strings, so no name or value can run into the next.
  std::string out = "[\"";
  for (const std::string* part : {&name_space, &metric, &unit}) {
    AppendJsonEscaped(out, *part);
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
  return out;
}

template <typename Apply>
void MetricAccumulator::Update(const SeriesKey& series, int64_t time_ms, bool high_resolution,
                               Apply apply) {
  SeriesKey canonical = series.Canonical();
  std::string encoded = canonical.Encode();
  int64_t second = time_ms >= 0 ? time_ms / 1000 : -((-time_ms + 999) / 1000);
  Shard& shard = shards_[std::hash<std::string>{}(encoded) % shards_.size()];
  std::lock_guard lock(shard.mutex);
  for (int period : {60, 1}) {
    if (period == 1 && !high_resolution) continue;
    int64_t start = second - ((second % period) + period) % period;
    PointKey key{encoded, period, start};
    auto [it, added] = shard.points.try_emplace(key);
    if (added) {
      it->second.key = key;
      it->second.series = canonical;
    }
    apply(it->second.point);
  }
}

void MetricAccumulator::Record(const SeriesKey& series, double value, int64_t time_ms,
                               bool high_resolution, double count) {
  Update(series, time_ms, high_resolution, [&](MetricPoint& p) { p.Add(value, count); });
}

void MetricAccumulator::RecordStatistics(const SeriesKey& series, double sample_count, double sum,
                                         double min, double max, int64_t time_ms,
                                         bool high_resolution) {
  Update(series, time_ms, high_resolution,
         [&](MetricPoint& p) { p.AddStatistics(sample_count, sum, min, max); });
}

std::vector<MetricAccumulator::Changed> MetricAccumulator::Take() {
  std::vector<Changed> out;
  for (Shard& shard : shards_) {
    std::map<PointKey, Changed> points;
    {
      std::lock_guard lock(shard.mutex);
      points.swap(shard.points);
    }
    for (auto& [key, changed] : points) out.push_back(std::move(changed));
  }
  return out;
}

}  // namespace evoke::observe
