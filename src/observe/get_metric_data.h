// GetMetricData's pure parts: reading and checking a request (MetricDataQueries with MetricStat
// or a metric math Expression), the order expressions are evaluated in, and paging the results
// across MaxDatapoints. get_metric_data.cc runs them over the MetricStore; the unit tests call
// them directly. Pure.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "observe/metric_accumulator.h"
#include "observe/metric_math.h"
#include "observe/metrics_input.h"

namespace evoke::observe {

inline constexpr size_t kMaxMetricDataQueries = 500;
inline constexpr int64_t kDefaultMaxDatapoints = 100800;

// One MetricDataQuery, checked: a MetricStat or a parsed Expression.
struct MetricDataQueryInput {
  std::string id;
  std::optional<std::string> label;
  bool return_data = true;
  int64_t period_s = 0;  // MetricStat.Period, or the expression's Period (0: not given)
  // MetricStat
  std::optional<SeriesKey> series;  // canonical; unit empty: any unit
  std::string stat;                 // SampleCount, Average, Sum, Minimum, Maximum, pNN.N
  // Expression
  std::optional<MathExpression> expression;
};

struct MetricDataRequest {
  std::vector<MetricDataQueryInput> queries;
  int64_t start_s = 0;         // rounded as GetMetricStatistics rounds it (by the smallest period)
  int64_t end_s = 0;           // exclusive
  int64_t grid_period_s = 60;  // expressions without a Period of their own
  bool ascending = false;      // ScanBy TimestampAscending
  int64_t max_datapoints = kDefaultMaxDatapoints;
  int64_t offset = 0;       // datapoints already answered (NextToken)
  std::string fingerprint;  // what a NextToken must have been made for
};

// The request read and checked; ValidationError / InvalidParameterValue / MissingParameter as
// CloudWatch names them, InvalidNextToken for a token this request did not make, and
// "Error in expression <Id>: ..." for a bad expression, an unknown Id or a cycle.
Result<MetricDataRequest> ReadGetMetricData(const InputReader& reader, const nlohmann::json& input,
                                            int64_t now_ms);

// Indexes of the request's expressions in an order where each comes after every query it
// names (METRICS(): after nothing, since it names MetricStat queries only). Checked by
// ReadGetMetricData already; exposed for the tests.
Result<std::vector<size_t>> ExpressionOrder(const std::vector<MetricDataQueryInput>& queries);

// NextToken for the datapoints after `offset` of the request with `fingerprint`, and back
// (nullopt for a token not made for that fingerprint).
std::string MetricDataToken(int64_t offset, std::string_view fingerprint);
std::optional<int64_t> ParseMetricDataToken(std::string_view token, std::string_view fingerprint);

// One result before paging: its series' points in the order asked (ScanBy).
struct MetricDataSeries {
  std::string id;
  std::string label;
  std::vector<MathPoint> points;
};

// One page of results: the datapoints [offset, offset + max) counted across the results in
// order; a result with points left after the page is PartialData. `timestamp` renders a time.
// Sets "NextToken" when points remain.
nlohmann::json RenderMetricDataPage(const std::vector<MetricDataSeries>& results,
                                    const MetricDataRequest& request,
                                    const std::function<nlohmann::json(int64_t)>& timestamp);

}  // namespace evoke::observe
