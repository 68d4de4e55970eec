// ListMetrics: the series with data in the last two weeks (three hours with RecentlyActive),
// filtered by namespace, metric name and dimensions, 500 a page; one entry per namespace, name
// and dimension set, whatever units the series has.
#include <charconv>
#include <set>

#include "base/encoding.h"
#include "observe/metrics_actions.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

constexpr size_t kPageSize = 500;
constexpr size_t kMaxDimensionFilters = 10;
constexpr int64_t kListWindowMs = 14LL * 86400 * 1000;
constexpr int64_t kRecentlyActiveMs = 3LL * 3600 * 1000;
constexpr std::string_view kTokenPrefix = "evoke-metrics:";

}  // namespace

std::string ListMetricsToken(int64_t id) {
  return Base64Encode(std::string(kTokenPrefix) + std::to_string(id));
}

std::optional<int64_t> ParseListMetricsToken(std::string_view token) {
  auto text = Base64Decode(token);
  if (!text || !text->starts_with(kTokenPrefix)) return std::nullopt;
  std::string_view digits = std::string_view(*text).substr(kTokenPrefix.size());
  int64_t id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() || id < 0) {
    return std::nullopt;
  }
  return id;
}

Result<MetricsListing> ReadListMetrics(const InputReader& reader, const json& input) {
  MetricsListing listing;
  auto name_space = reader.String(input, "Namespace", "Namespace");
  if (!name_space.ok()) return std::move(name_space).error();
  if (*name_space) {
    if (Status s = CheckNamespace(**name_space, "Namespace", false); !s.ok()) {
      return std::move(s).error();
    }
    listing.name_space = **name_space;
  }
  auto metric = reader.String(input, "MetricName", "MetricName");
  if (!metric.ok()) return std::move(metric).error();
  if (*metric) {
    if (Status s = CheckMetricName(**metric, "MetricName"); !s.ok()) return std::move(s).error();
    listing.metric = **metric;
  }
  auto filters = reader.List(input, "Dimensions", "Dimensions");
  if (!filters.ok()) return std::move(filters).error();
  if (filters->size() > kMaxDimensionFilters) {
    return MakeError("InvalidParameterValue",
                     "The collection Dimensions must not have a size greater than 10.");
  }
  for (size_t i = 0; i < filters->size(); ++i) {
    const json& filter = *(*filters)[i];
    std::string path = ElementPath("Dimensions", i);
    if (!filter.is_object()) return InvalidValue(filter.dump(), path);
    auto name = reader.String(filter, "Name", MemberPath(path, "Name"));
    if (!name.ok()) return std::move(name).error();
    if (!*name || (*name)->empty()) return MissingParameter(MemberPath(path, "Name"));
    auto value = reader.String(filter, "Value", MemberPath(path, "Value"));
    if (!value.ok()) return std::move(value).error();
    listing.dimensions.emplace_back(**name, *value);
  }
  auto token = reader.String(input, "NextToken", "NextToken");
  if (!token.ok()) return std::move(token).error();
  if (*token) {
    auto after = ParseListMetricsToken(**token);
    if (!after) return InvalidValue(**token, "NextToken");
    listing.after_id = *after;
  }
  auto recently = reader.String(input, "RecentlyActive", "RecentlyActive");
  if (!recently.ok()) return std::move(recently).error();
  if (*recently) {
    if (**recently != "PT3H") return InvalidParameter("RecentlyActive", "be a value in the set [ PT3H ]");
    listing.recently_active = true;
  }
  // IncludeLinkedAccounts and OwningAccount: one account, nothing linked.
  return listing;
}

bool MatchesDimensionFilters(const SeriesKey& series, const MetricsListing& listing) {
  for (const auto& [name, value] : listing.dimensions) {
    bool found = false;
    for (const auto& [have_name, have_value] : series.dimensions) {
      if (have_name == name && (!value || *value == have_value)) found = true;
    }
    if (!found) return false;
  }
  return true;
}

Task<Result<json>> ListMetrics(MetricsContext& ctx) {
  auto listing = ReadListMetrics(ctx.in, ctx.input);
  if (!listing.ok()) co_return std::move(listing).error();
  Status flushed = co_await ctx.store.Flush();
  if (!flushed.ok()) co_return std::move(flushed).error();

  store::SeriesListing page;
  page.name_space = listing->name_space;
  page.metric = listing->metric;
  page.active_since_ms =
      ctx.NowMs() - (listing->recently_active ? kRecentlyActiveMs : kListWindowMs);
  page.after_id = listing->after_id;
  page.limit = kPageSize;

  json metrics = json::array();
  std::set<std::string> seen;  // series that differ only in unit are one metric
  int64_t last_id = listing->after_id;
  bool more = false;
  while (metrics.size() < kPageSize) {
    auto rows = ctx.store.ListSeries(page);
    if (!rows.ok()) co_return std::move(rows).error();
    size_t used = 0;
    for (const ListedSeries& row : *rows) {
      ++used;
      last_id = row.id;
      if (!MatchesDimensionFilters(row.key, *listing)) continue;
      SeriesKey unitless = row.key;
      unitless.unit.clear();
      if (!seen.insert(unitless.Encode()).second) continue;
      json dimensions = json::array();
      for (const auto& [name, value] : row.key.dimensions) {
        dimensions.push_back({{"Name", name}, {"Value", value}});
      }
      metrics.push_back({{"Namespace", row.key.name_space},
                         {"MetricName", row.key.metric},
                         {"Dimensions", std::move(dimensions)}});
      if (metrics.size() == kPageSize) break;
    }
    bool exhausted = rows->size() < page.limit;
    if (metrics.size() == kPageSize) {
      more = used < rows->size() || !exhausted;
      break;
    }
    if (exhausted) break;
    page.after_id = last_id;
  }
  json out = json::object();
  out["Metrics"] = std::move(metrics);
  if (more) out["NextToken"] = ListMetricsToken(last_id);
  co_return out;
}

}  // namespace evoke::observe
