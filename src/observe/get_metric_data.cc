// GetMetricData: MetricStat queries read as GetMetricStatistics reads a series, metric math
// expressions evaluated over them (observe/metric_math.h) in dependency order, SEARCH resolved
// against the series the store lists, and the results paged across MaxDatapoints.
#include "observe/get_metric_data.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "base/encoding.h"
#include "observe/metric_point.h"
#include "observe/metrics_actions.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

constexpr std::string_view kTokenPrefix = "gmd1:";
constexpr int64_t kSearchWindowMs = 14LL * 86400 * 1000;  // SEARCH: metrics of the past 2 weeks

Error Validation(std::string message) { return MakeError("ValidationError", std::move(message)); }

Error ExpressionError(std::string_view id, std::string_view message) {
  return Validation("Error in expression " + std::string(id) + ": " + std::string(message));
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 255 || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Statistics CloudWatch knows that evoke does not answer: trimmed mean, trimmed count, trimmed
// sum, winsorized mean, percentile rank, IQM (tm99, TM(10%:90%), PR(:300), IQM...).
bool IsUnsupportedStatistic(std::string_view stat) {
  if (stat == "IQM") return true;
  for (std::string_view prefix :
       {"tm", "tc", "ts", "wm", "pr", "TM(", "TC(", "TS(", "WM(", "PR("}) {
    if (stat.starts_with(prefix)) return true;
  }
  return false;
}

uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

Result<MetricDataQueryInput> ReadQuery(const InputReader& reader, const json& element,
                                       const std::string& path) {
  MetricDataQueryInput q;
  if (!element.is_object()) return InvalidValue(element.dump(), path);
  auto id = reader.String(element, "Id", MemberPath(path, "Id"));
  if (!id.ok()) return std::move(id).error();
  if (!*id) return MissingParameter(MemberPath(path, "Id"));
  if (!IsValidId(**id)) {
    return Validation("The value " + **id + " for parameter " + MemberPath(path, "Id") +
                      " is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.");
  }
  q.id = **id;
  auto label = reader.String(element, "Label", MemberPath(path, "Label"));
  if (!label.ok()) return std::move(label).error();
  q.label = *label;
  auto return_data = reader.Bool(element, "ReturnData", MemberPath(path, "ReturnData"));
  if (!return_data.ok()) return std::move(return_data).error();
  q.return_data = return_data->value_or(true);
  // AccountId: one account; ignored.

  bool has_stat = element.contains("MetricStat") && !element["MetricStat"].is_null();
  auto expression = reader.String(element, "Expression", MemberPath(path, "Expression"));
  if (!expression.ok()) return std::move(expression).error();
  if (has_stat == expression->has_value()) {
    return Validation("Exactly one of the parameters " + MemberPath(path, "MetricStat") + " and " +
                      MemberPath(path, "Expression") + " must be specified.");
  }
  auto period = reader.Integer(element, "Period", MemberPath(path, "Period"));
  if (!period.ok()) return std::move(period).error();

  if (*expression) {
    if (**expression == "") return MissingParameter(MemberPath(path, "Expression"));
    if (*period) {
      if (Status s = CheckPeriod(**period, MemberPath(path, "Period")); !s.ok()) {
        return std::move(s).error();
      }
      q.period_s = **period;
    }
    auto parsed = MathExpression::Parse(**expression);
    if (!parsed.ok()) return ExpressionError(q.id, parsed.error().message);
    q.expression = std::move(*parsed);
    return q;
  }

  std::string stat_path = MemberPath(path, "MetricStat");
  const json& stat = element["MetricStat"];
  if (!stat.is_object()) return InvalidValue(stat.dump(), stat_path);
  std::string metric_path = MemberPath(stat_path, "Metric");
  if (!stat.contains("Metric") || !stat["Metric"].is_object()) {
    return MissingParameter(metric_path);
  }
  const json& metric = stat["Metric"];
  auto name_space = reader.String(metric, "Namespace", MemberPath(metric_path, "Namespace"));
  if (!name_space.ok()) return std::move(name_space).error();
  if (!*name_space) return MissingParameter(MemberPath(metric_path, "Namespace"));
  if (Status s = CheckNamespace(**name_space, MemberPath(metric_path, "Namespace"), false);
      !s.ok()) {
    return std::move(s).error();
  }
  auto metric_name = reader.String(metric, "MetricName", MemberPath(metric_path, "MetricName"));
  if (!metric_name.ok()) return std::move(metric_name).error();
  if (!*metric_name) return MissingParameter(MemberPath(metric_path, "MetricName"));
  if (Status s = CheckMetricName(**metric_name, MemberPath(metric_path, "MetricName")); !s.ok()) {
    return std::move(s).error();
  }
  auto dimensions = ReadDimensions(reader, metric, "Dimensions", metric_path, kMaxDimensions);
  if (!dimensions.ok()) return std::move(dimensions).error();
  auto unit = reader.String(stat, "Unit", MemberPath(stat_path, "Unit"));
  if (!unit.ok()) return std::move(unit).error();
  if (*unit && !IsStandardUnit(**unit)) return InvalidUnit(MemberPath(stat_path, "Unit"));
  SeriesKey series = SeriesKey{**name_space, **metric_name, "", std::move(*dimensions)}.Canonical();
  series.unit = unit->value_or("");
  q.series = std::move(series);

  std::string period_path = MemberPath(stat_path, "Period");
  auto stat_period = reader.Integer(stat, "Period", period_path);
  if (!stat_period.ok()) return std::move(stat_period).error();
  if (!*stat_period) return MissingParameter(period_path);
  if (Status s = CheckPeriod(**stat_period, period_path); !s.ok()) return std::move(s).error();
  if (**stat_period > 86400LL * 455) return InvalidParameter(period_path, "be less than 39312001");
  q.period_s = **stat_period;

  std::string name_path = MemberPath(stat_path, "Stat");
  auto name = reader.String(stat, "Stat", name_path);
  if (!name.ok()) return std::move(name).error();
  if (!*name) return MissingParameter(name_path);
  if (!IsBasicStatistic(**name) && !ParsePercentile(**name)) {
    if (IsUnsupportedStatistic(**name)) {
      return Validation("The statistic " + **name + " for parameter " + name_path +
                        " is not supported by evoke (SampleCount, Average, Sum, Minimum, "
                        "Maximum and pNN.N are).");
    }
    return Validation("The value " + **name + " for parameter " + name_path +
                      " is not a valid statistic.");
  }
  q.stat = **name;
  return q;
}

// Depth-first over the expressions: `state` 0 unvisited, 1 on the path, 2 done.
Status Visit(size_t i, const std::vector<MetricDataQueryInput>& queries,
             const std::map<std::string, size_t, std::less<>>& by_id, std::vector<int>& state,
             std::vector<size_t>& order) {
  if (state[i] == 2) return {};
  state[i] = 1;
  for (const std::string& ref : queries[i].expression->ReferencedIds()) {
    auto it = by_id.find(ref);
    if (it == by_id.end()) {
      return ExpressionError(queries[i].id, "Unrecognized identifier " + ref + ".");
    }
    if (!queries[it->second].expression) continue;
    if (it->second == i) {
      return ExpressionError(queries[i].id, "the expression refers to itself.");
    }
    if (state[it->second] == 1) {  // the expression that closes the cycle reports it
      return ExpressionError(queries[i].id, "circular reference through " + ref + ".");
    }
    if (Status s = Visit(it->second, queries, by_id, state, order); !s.ok()) return s;
  }
  state[i] = 2;
  order.push_back(i);
  return {};
}

// The resolver metric_math calls back: other queries' results, METRICS(), SEARCH.
class Resolver final : public MathResolver {
 public:
  Resolver(const std::map<std::string, MathValue, std::less<>>& done, std::vector<std::string> ids,
           MetricStore& store, const MetricDataRequest& request, int64_t grid_period_s,
           int64_t now_ms)
      : done_(done),
        ids_(std::move(ids)),
        store_(store),
        request_(request),
        grid_period_s_(grid_period_s),
        now_ms_(now_ms) {}

  Result<MathValue> Fetch(std::string_view id) override {
    auto it = done_.find(id);
    if (it == done_.end()) return Validation("Unrecognized identifier " + std::string(id) + ".");
    return it->second;
  }
  std::vector<std::string> MetricIds() override { return ids_; }
  Result<std::vector<MathSeries>> Search(const SearchRequest& request) override;

 private:
  const std::map<std::string, MathValue, std::less<>>& done_;
  std::vector<std::string> ids_;
  MetricStore& store_;
  const MetricDataRequest& request_;
  int64_t grid_period_s_;
  int64_t now_ms_;
};

Result<MathSeries> ReadSeries(MetricStore& store, const SeriesKey& key, int64_t period_s,
                              std::string_view stat, int64_t start_s, int64_t end_s) {
  auto points = store.ReadPeriods(key, static_cast<int>(period_s), start_s, end_s);
  if (!points.ok()) return std::move(points).error();
  MathSeries out;
  out.period_s = period_s;
  for (const PeriodPoint& p : *points) {
    if (auto v = p.point.Statistic(stat)) out.points.push_back({p.start_s, *v});
  }
  return out;
}

// A SEARCH result's label: the series' dimension values, or its metric name when it has none.
std::string SearchLabel(const SeriesKey& key) {
  std::string label;
  for (const auto& [name, value] : key.dimensions) {
    if (!label.empty()) label += ' ';
    label += value;
  }
  return label.empty() ? key.metric : label;
}

Result<std::vector<MathSeries>> Resolver::Search(const SearchRequest& search) {
  int64_t period_s = search.period_s > 0 ? search.period_s : grid_period_s_;
  store::SeriesListing page;
  if (search.has_schema) page.name_space = search.name_space;
  page.active_since_ms = now_ms_ - kSearchWindowMs;
  page.limit = 500;
  std::vector<SeriesKey> matched;
  std::set<std::string> seen;  // series that differ only in unit are one metric
  while (matched.size() < kMaxMathArraySeries) {
    auto rows = store_.ListSeries(page);
    if (!rows.ok()) return std::move(rows).error();
    for (const ListedSeries& row : *rows) {
      page.after_id = row.id;
      SearchCandidate candidate{row.key.name_space, row.key.metric, &row.key.dimensions};
      if (!SearchMatches(search, candidate)) continue;
      SeriesKey unitless = row.key;
      unitless.unit.clear();
      if (!seen.insert(unitless.Encode()).second) continue;
      matched.push_back(std::move(unitless));
      if (matched.size() == kMaxMathArraySeries) break;
    }
    if (rows->size() < page.limit) break;
  }
  std::vector<MathSeries> out;
  for (const SeriesKey& key : matched) {
    auto series =
        ReadSeries(store_, key, period_s, search.statistic, request_.start_s, request_.end_s);
    if (!series.ok()) return std::move(series).error();
    series->label = SearchLabel(key);
    out.push_back(std::move(*series));
  }
  return out;
}

}  // namespace

std::string MetricDataToken(int64_t offset, std::string_view fingerprint) {
  return Base64Encode(std::string(kTokenPrefix) + std::to_string(offset) + ":" +
                      std::string(fingerprint));
}

std::optional<int64_t> ParseMetricDataToken(std::string_view token, std::string_view fingerprint) {
  auto text = Base64Decode(token);
  if (!text || !text->starts_with(kTokenPrefix)) return std::nullopt;
  std::string_view rest = std::string_view(*text).substr(kTokenPrefix.size());
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos || rest.substr(colon + 1) != fingerprint) return std::nullopt;
  int64_t offset = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + colon, offset);
  if (ec != std::errc() || end != rest.data() + colon || colon == 0 || offset <= 0) {
    return std::nullopt;
  }
  return offset;
}

Result<std::vector<size_t>> ExpressionOrder(const std::vector<MetricDataQueryInput>& queries) {
  std::map<std::string, size_t, std::less<>> by_id;
  for (size_t i = 0; i < queries.size(); ++i) by_id.emplace(queries[i].id, i);
  std::vector<int> state(queries.size(), 0);
  std::vector<size_t> order;
  for (size_t i = 0; i < queries.size(); ++i) {
    if (!queries[i].expression) continue;
    if (Status s = Visit(i, queries, by_id, state, order); !s.ok()) return std::move(s).error();
  }
  return order;
}

Result<MetricDataRequest> ReadGetMetricData(const InputReader& reader, const json& input,
                                            int64_t now_ms) {
  MetricDataRequest r;
  auto list = reader.List(input, "MetricDataQueries", "MetricDataQueries");
  if (!list.ok()) return std::move(list).error();
  if (list->empty()) return MissingParameter("MetricDataQueries");
  if (list->size() > kMaxMetricDataQueries) {
    return MakeError("InvalidParameterValue",
                     "The collection MetricDataQueries must not have a size greater than 500.");
  }
  std::set<std::string, std::less<>> ids;
  bool any_returned = false;
  for (size_t i = 0; i < list->size(); ++i) {
    auto q = ReadQuery(reader, *(*list)[i], ElementPath("MetricDataQueries", i));
    if (!q.ok()) return std::move(q).error();
    if (!ids.insert(q->id).second) {
      return Validation("The values for parameter id in MetricDataQueries are not unique.");
    }
    any_returned = any_returned || q->return_data;
    r.queries.push_back(std::move(*q));
  }
  if (!any_returned) {
    return Validation("At least one MetricDataQuery must have ReturnData set to true.");
  }
  auto order = ExpressionOrder(r.queries);
  if (!order.ok()) return std::move(order).error();

  auto start = reader.TimestampMs(input, "StartTime", "StartTime");
  if (!start.ok()) return std::move(start).error();
  if (!*start) return MissingParameter("StartTime");
  auto end = reader.TimestampMs(input, "EndTime", "EndTime");
  if (!end.ok()) return std::move(end).error();
  if (!*end) return MissingParameter("EndTime");
  if (**start == **end) return InvalidParameter("StartTime", "not equal parameter EndTime");
  if (**start > **end) return InvalidParameter("StartTime", "be less than the parameter EndTime");

  auto scan = reader.String(input, "ScanBy", "ScanBy");
  if (!scan.ok()) return std::move(scan).error();
  if (*scan && **scan != "TimestampDescending" && **scan != "TimestampAscending") {
    return InvalidParameter("ScanBy",
                            "be a value in the set [ TimestampDescending, TimestampAscending ]");
  }
  r.ascending = *scan && **scan == "TimestampAscending";
  auto max = reader.Integer(input, "MaxDatapoints", "MaxDatapoints");
  if (!max.ok()) return std::move(max).error();
  if (*max) {
    if (**max < 1) return InvalidValue(std::to_string(**max), "MaxDatapoints");
    r.max_datapoints = **max;
  }
  // LabelOptions.Timezone only changes labels with dynamic ${...} values, which evoke does not
  // expand: read for its type, otherwise ignored.
  if (input.contains("LabelOptions") && !input["LabelOptions"].is_null() &&
      !input["LabelOptions"].is_object()) {
    return InvalidValue(input["LabelOptions"].dump(), "LabelOptions");
  }

  // One grid for the whole request: the smallest period asked (MetricStat's, or an
  // expression's own), 60 seconds when only expressions without a Period are asked.
  int64_t smallest_stat = 0, smallest = 0;
  for (const MetricDataQueryInput& q : r.queries) {
    if (q.period_s <= 0) continue;
    smallest = smallest == 0 ? q.period_s : std::min(smallest, q.period_s);
    if (q.series)
      smallest_stat = smallest_stat == 0 ? q.period_s : std::min(smallest_stat, q.period_s);
  }
  r.grid_period_s = smallest_stat > 0 ? smallest_stat : 60;
  int64_t round_by = smallest > 0 ? smallest : 60;
  int64_t start_s = **start >= 0 ? **start / 1000 : -((-**start + 999) / 1000);
  r.start_s = RoundStartTime(start_s, static_cast<int>(round_by), now_ms / 1000);
  r.end_s = **end >= 0 ? (**end + 999) / 1000 : -(-**end / 1000);

  // What a NextToken must have been made for: the queries, times and order, however spelled.
  std::string print = std::to_string(r.start_s) + "|" + std::to_string(r.end_s) + "|" +
                      (r.ascending ? "a" : "d") + "|" + std::to_string(r.max_datapoints);
  for (const MetricDataQueryInput& q : r.queries) {
    print += "|" + q.id + "," + q.label.value_or("\x01") + "," + (q.return_data ? "1" : "0") + "," +
             std::to_string(q.period_s) + "," +
             (q.series ? q.series->Encode() + "," + q.stat : q.expression->Print());
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(Fnv1a(print)));
  r.fingerprint = hex;

  auto token = reader.String(input, "NextToken", "NextToken");
  if (!token.ok()) return std::move(token).error();
  if (*token) {
    auto offset = ParseMetricDataToken(**token, r.fingerprint);
    if (!offset)
      return MakeError("InvalidNextToken",
                       "The service couldn't process your request "
                       "because the NextToken is not valid.");
    r.offset = *offset;
  }
  return r;
}

json RenderMetricDataPage(const std::vector<MetricDataSeries>& results,
                          const MetricDataRequest& request,
                          const std::function<json(int64_t)>& timestamp) {
  json out = json::object();
  json list = json::array();
  int64_t skip = request.offset;
  int64_t room = request.max_datapoints;
  bool more = false;
  for (const MetricDataSeries& s : results) {
    json timestamps = json::array();
    json values = json::array();
    int64_t size = static_cast<int64_t>(s.points.size());
    int64_t from = std::min(skip, size);
    skip -= from;
    int64_t to = from + std::min(room, size - from);
    room -= to - from;
    for (int64_t k = from; k < to; ++k) {
      timestamps.push_back(timestamp(s.points[k].t * 1000));
      values.push_back(s.points[k].v);
    }
    bool partial = to < size;
    more = more || partial;
    json result = json::object();
    result["Id"] = s.id;
    result["Label"] = s.label;
    result["Timestamps"] = std::move(timestamps);
    result["Values"] = std::move(values);
    result["StatusCode"] = partial ? "PartialData" : "Complete";
    result["Messages"] = json::array();
    list.push_back(std::move(result));
  }
  out["MetricDataResults"] = std::move(list);
  out["Messages"] = json::array();
  if (more) {
    out["NextToken"] =
        MetricDataToken(request.offset + request.max_datapoints, request.fingerprint);
  }
  return out;
}

Task<Result<json>> GetMetricData(MetricsContext& ctx) {
  int64_t now_ms = ctx.NowMs();
  auto request = ReadGetMetricData(ctx.in, ctx.input, now_ms);
  if (!request.ok()) co_return std::move(request).error();
  Status flushed = co_await ctx.store.Flush();
  if (!flushed.ok()) co_return std::move(flushed).error();

  std::map<std::string, MathValue, std::less<>> done;
  std::vector<std::string> metric_ids;
  for (const MetricDataQueryInput& q : request->queries) {
    if (!q.series) continue;
    auto series =
        ReadSeries(ctx.store, *q.series, q.period_s, q.stat, request->start_s, request->end_s);
    if (!series.ok()) co_return std::move(series).error();
    series->label = q.label.value_or(q.series->metric);
    done.emplace(q.id, std::move(*series));
    metric_ids.push_back(q.id);
  }
  auto order = ExpressionOrder(request->queries);
  if (!order.ok()) co_return std::move(order).error();
  for (size_t i : *order) {
    const MetricDataQueryInput& q = request->queries[i];
    int64_t period_s = q.period_s > 0 ? q.period_s : request->grid_period_s;
    Resolver resolver(done, metric_ids, ctx.store, *request, period_s, now_ms);
    MathContext context{request->start_s, request->end_s, period_s};
    auto value = EvaluateMath(*q.expression, context, resolver);
    if (!value.ok()) co_return ExpressionError(q.id, value.error().message);
    done.emplace(q.id, std::move(*value));
  }

  // The results in request order; an expression's array gives one result per series.
  std::vector<MetricDataSeries> results;
  auto add = [&](const std::string& id, std::string label, const MathSeries& series) {
    MetricDataSeries r{id, std::move(label), series.points};
    if (!request->ascending) std::reverse(r.points.begin(), r.points.end());
    results.push_back(std::move(r));
  };
  for (const MetricDataQueryInput& q : request->queries) {
    if (!q.return_data) continue;
    const MathValue& value = done.at(q.id);
    if (const auto* series = std::get_if<MathSeries>(&value)) {
      add(q.id, q.series ? series->label : q.label.value_or(q.id), *series);
    } else if (const auto* array = std::get_if<std::vector<MathSeries>>(&value)) {
      for (const MathSeries& s : *array) {
        add(q.id, q.label ? *q.label + " " + s.label : s.label, s);
      }
    }
  }
  co_return RenderMetricDataPage(results, *request,
                                 [&ctx](int64_t ms) { return ctx.Timestamp(ms); });
}

}  // namespace evoke::observe
