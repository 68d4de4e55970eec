// GetMetricStatistics: one series' statistics per period over [StartTime, EndTime), merged
// from the MetricStore's points after a flush (a value just put is visible).
#include <cmath>

#include "observe/metrics_actions.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

constexpr int64_t kMaxDatapoints = 1440;
constexpr size_t kMaxStatistics = 5;
constexpr size_t kMaxExtendedStatistics = 10;

Result<std::vector<std::string>> ReadStrings(const InputReader& reader, const json& input,
                                             std::string_view member) {
  std::vector<std::string> out;
  auto list = reader.List(input, member, member);
  if (!list.ok()) return std::move(list).error();
  for (size_t i = 0; i < list->size(); ++i) {
    const json& element = *(*list)[i];
    std::string path = ElementPath(member, i);
    if (!element.is_string()) return InvalidValue(element.dump(), path);
    out.push_back(element.get<std::string>());
  }
  return out;
}

}  // namespace

Result<StatisticsQuery> ReadGetMetricStatistics(const InputReader& reader, const json& input,
                                                int64_t now_ms) {
  StatisticsQuery q;
  auto name_space = reader.String(input, "Namespace", "Namespace");
  if (!name_space.ok()) return std::move(name_space).error();
  if (Status s = CheckNamespace(name_space->value_or(""), "Namespace", false); !s.ok()) {
    return std::move(s).error();
  }
  auto metric = reader.String(input, "MetricName", "MetricName");
  if (!metric.ok()) return std::move(metric).error();
  if (Status s = CheckMetricName(metric->value_or(""), "MetricName"); !s.ok()) {
    return std::move(s).error();
  }
  auto dimensions = ReadDimensions(reader, input, "Dimensions", "", kMaxDimensions);
  if (!dimensions.ok()) return std::move(dimensions).error();
  auto unit = reader.String(input, "Unit", "Unit");
  if (!unit.ok()) return std::move(unit).error();
  if (*unit && !IsStandardUnit(**unit)) return InvalidUnit("Unit");
  q.series = SeriesKey{**name_space, **metric, "", std::move(*dimensions)}.Canonical();
  q.series.unit = unit->value_or("");  // empty: every unit (Canonical() would say "None")

  auto start = reader.TimestampMs(input, "StartTime", "StartTime");
  if (!start.ok()) return std::move(start).error();
  if (!*start) return MissingParameter("StartTime");
  auto end = reader.TimestampMs(input, "EndTime", "EndTime");
  if (!end.ok()) return std::move(end).error();
  if (!*end) return MissingParameter("EndTime");
  auto period = reader.Integer(input, "Period", "Period");
  if (!period.ok()) return std::move(period).error();
  if (!*period) return MissingParameter("Period");
  if (Status s = CheckPeriod(**period, "Period"); !s.ok()) return std::move(s).error();
  if (**period > 86400LL * 455) return InvalidParameter("Period", "be less than 39312001");
  q.period_s = static_cast<int>(**period);

  auto statistics = ReadStrings(reader, input, "Statistics");
  if (!statistics.ok()) return std::move(statistics).error();
  auto extended = ReadStrings(reader, input, "ExtendedStatistics");
  if (!extended.ok()) return std::move(extended).error();
  if (!statistics->empty() && !extended->empty()) {
    return MakeError("InvalidParameterCombination",
                     "The parameters Statistics and ExtendedStatistics are mutually exclusive "
                     "and you have specified both.");
  }
  if (statistics->empty() && extended->empty()) {
    return MakeError("MissingParameter",
                     "Either the parameter Statistics or ExtendedStatistics is required.");
  }
  if (statistics->size() > kMaxStatistics) {
    return MakeError("InvalidParameterValue",
                     "The collection Statistics must not have a size greater than 5.");
  }
  if (extended->size() > kMaxExtendedStatistics) {
    return MakeError("InvalidParameterValue",
                     "The collection ExtendedStatistics must not have a size greater than 10.");
  }
  for (size_t i = 0; i < statistics->size(); ++i) {
    if (!IsBasicStatistic((*statistics)[i])) {
      return InvalidParameter(ElementPath("Statistics", i),
                              "be a value in the set [ SampleCount, Average, Sum, Minimum, "
                              "Maximum ]");
    }
  }
  for (size_t i = 0; i < extended->size(); ++i) {
    if (!ParsePercentile((*extended)[i])) {
      return InvalidValue((*extended)[i], ElementPath("ExtendedStatistics", i));
    }
  }
  q.statistics = std::move(*statistics);
  q.extended_statistics = std::move(*extended);

  if (**start == **end) {
    return InvalidParameter("StartTime", "not equal parameter EndTime");
  }
  if (**start > **end) {
    return InvalidParameter("StartTime", "be less than the parameter EndTime");
  }
  int64_t start_s = **start >= 0 ? **start / 1000 : -((-**start + 999) / 1000);
  q.start_s = RoundStartTime(start_s, q.period_s, now_ms / 1000);
  q.end_s = **end >= 0 ? (**end + 999) / 1000 : -(-**end / 1000);  // exclusive: round up
  int64_t requested = DatapointsRequested(**start, **end, q.period_s);
  if (requested > kMaxDatapoints) {
    return MakeError("InvalidParameterCombination",
                     "You have requested up to " + std::to_string(requested) +
                         " datapoints, which exceeds the limit of " +
                         std::to_string(kMaxDatapoints) +
                         ". You may reduce the datapoints requested by increasing Period, or "
                         "decreasing the time range.");
  }
  return q;
}

json RenderDatapoints(const StatisticsQuery& query, const std::vector<PeriodPoint>& points,
                      const std::string& unit, const std::function<json(int64_t)>& timestamp,
                      const std::function<json(json)>& map) {
  json out = json::array();
  for (const PeriodPoint& p : points) {
    json datapoint = json::object();
    datapoint["Timestamp"] = timestamp(p.start_s * 1000);
    for (const std::string& statistic : query.statistics) {
      if (auto v = p.point.Statistic(statistic)) datapoint[statistic] = *v;
    }
    if (!query.extended_statistics.empty()) {
      json extended = json::object();
      for (const std::string& statistic : query.extended_statistics) {
        if (auto v = p.point.Statistic(statistic)) extended[statistic] = *v;
      }
      datapoint["ExtendedStatistics"] = map(std::move(extended));
    }
    datapoint["Unit"] = unit.empty() ? "None" : unit;
    out.push_back(std::move(datapoint));
  }
  return out;
}

Task<Result<json>> GetMetricStatistics(MetricsContext& ctx) {
  auto query = ReadGetMetricStatistics(ctx.in, ctx.input, ctx.NowMs());
  if (!query.ok()) co_return std::move(query).error();
  Status flushed = co_await ctx.store.Flush();
  if (!flushed.ok()) co_return std::move(flushed).error();
  std::string unit = query->series.unit;
  auto points =
      ctx.store.ReadPeriods(query->series, query->period_s, query->start_s, query->end_s, &unit);
  if (!points.ok()) co_return std::move(points).error();
  json out = json::object();
  out["Label"] = query->series.metric;
  out["Datapoints"] = RenderDatapoints(
      *query, *points, unit, [&ctx](int64_t ms) { return ctx.Timestamp(ms); },
      [&ctx](json object) { return ctx.Map(std::move(object)); });
  co_return out;
}

}  // namespace evoke::observe
