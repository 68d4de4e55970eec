// The CloudWatch metrics operations, one file each, and the pure parts they are made of
// (reading and checking a request, rendering an answer), which the unit tests call directly.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/asio.h"
#include "base/result.h"
#include "observe/metric_accumulator.h"
#include "observe/metric_store.h"
#include "observe/metrics_input.h"
#include "observe/metrics_service.h"

namespace evoke::observe {

Task<Result<nlohmann::json>> PutMetricData(MetricsContext& ctx);
Task<Result<nlohmann::json>> GetMetricStatistics(MetricsContext& ctx);
Task<Result<nlohmann::json>> ListMetrics(MetricsContext& ctx);
// Alarms (observe/alarm_actions.cc; docs/metrics.md, "Alarms").
Task<Result<nlohmann::json>> PutMetricAlarm(MetricsContext& ctx);
Task<Result<nlohmann::json>> DescribeAlarms(MetricsContext& ctx);
Task<Result<nlohmann::json>> DescribeAlarmHistory(MetricsContext& ctx);
Task<Result<nlohmann::json>> DeleteAlarms(MetricsContext& ctx);
Task<Result<nlohmann::json>> SetAlarmState(MetricsContext& ctx);
Task<Result<nlohmann::json>> EnableAlarmActions(MetricsContext& ctx);
Task<Result<nlohmann::json>> DisableAlarmActions(MetricsContext& ctx);
Task<Result<nlohmann::json>> GetMetricData(MetricsContext& ctx);  // get_metric_data.h

// Runs `op` to completion on an io_context of its own, for callers off the I/O threads (the
// unit tests).
Result<nlohmann::json> RunToCompletion(MetricsOperation op, MetricsContext& ctx);

// PutMetricData's limits (CloudWatch's, docs of the API reference).
inline constexpr size_t kMaxMetricData = 1000;
inline constexpr size_t kMaxDimensions = 30;
inline constexpr size_t kMaxValues = 150;
inline constexpr int64_t kMaxPastMs = 14LL * 86400 * 1000;
inline constexpr int64_t kMaxFutureMs = 2LL * 3600 * 1000;

// One MetricDatum, checked.
struct MetricDatumInput {
  SeriesKey series;  // canonical
  int64_t time_ms = 0;
  bool high_resolution = false;
  std::vector<std::pair<double, double>> values;  // (value, count): Value, or Values/Counts
  struct Statistics {
    double sample_count = 0, sum = 0, min = 0, max = 0;
  };
  std::optional<Statistics> statistics;  // StatisticValues
};

// The whole request read and checked: nothing is recorded unless all of it is valid.
Result<std::vector<MetricDatumInput>> ReadPutMetricData(const InputReader& reader,
                                                        const nlohmann::json& input,
                                                        int64_t now_ms);

struct StatisticsQuery {
  SeriesKey series;           // unit empty: any unit
  int64_t start_s = 0;        // rounded
  int64_t end_s = 0;          // exclusive
  int period_s = 60;
  std::vector<std::string> statistics;           // basic
  std::vector<std::string> extended_statistics;  // pNN.N, as asked
};

Result<StatisticsQuery> ReadGetMetricStatistics(const InputReader& reader,
                                                const nlohmann::json& input, int64_t now_ms);
// The Datapoints of an answer (Timestamp rendered by `timestamp`, the statistics asked, Unit,
// ExtendedStatistics through `map`), in time order.
nlohmann::json RenderDatapoints(const StatisticsQuery& query,
                                const std::vector<PeriodPoint>& points, const std::string& unit,
                                const std::function<nlohmann::json(int64_t)>& timestamp,
                                const std::function<nlohmann::json(nlohmann::json)>& map);

struct MetricsListing {
  std::string name_space;
  std::string metric;
  std::vector<std::pair<std::string, std::optional<std::string>>> dimensions;  // filters
  int64_t after_id = 0;  // from NextToken
  bool recently_active = false;
};
Result<MetricsListing> ReadListMetrics(const InputReader& reader, const nlohmann::json& input);
// Whether a series' dimensions include every filter (a name alone matches any value).
bool MatchesDimensionFilters(const SeriesKey& series, const MetricsListing& listing);
// ListMetrics' NextToken for the series after `id`, and back (nullopt for a token it never made).
std::string ListMetricsToken(int64_t id);
std::optional<int64_t> ParseListMetricsToken(std::string_view token);

}  // namespace evoke::observe
