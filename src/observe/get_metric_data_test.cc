// GetMetricData over a real MetricStore: MetricStat queries, metric math (arithmetic,
// METRICS(), RATE, FILL, IF), SEARCH, ScanBy, paging across MaxDatapoints with NextToken, and
// the requests CloudWatch refuses, in the protocols' input forms.
#include "observe/get_metric_data.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/asio.h"
#include "base/clock.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "observe/metrics_actions.h"
#include "observe/metrics_service.h"
#include "store/sqlite/temp_store.h"

namespace evoke::observe {
namespace {

using api::Protocol;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr int64_t kT0 = 1714566600;  // 2024-05-01T12:30:00Z, a whole minute

json Stat(std::string id, std::string metric, std::string stat = "Sum", json extra = {}) {
  json q = {{"Id", std::move(id)},
            {"MetricStat",
             {{"Metric", {{"Namespace", "App"}, {"MetricName", std::move(metric)}}},
              {"Period", 60},
              {"Stat", std::move(stat)}}}};
  if (extra.is_object()) q.update(extra);
  return q;
}

json Expr(std::string id, std::string expression, json extra = {}) {
  json q = {{"Id", std::move(id)}, {"Expression", std::move(expression)}};
  if (extra.is_object()) q.update(extra);
  return q;
}

json Request(json queries) {
  return {{"MetricDataQueries", std::move(queries)},
          {"StartTime", kT0},
          {"EndTime", kT0 + 300},
          {"ScanBy", "TimestampAscending"}};
}

class GetMetricDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.Open().ok());
    metrics_ = std::make_unique<MetricStore>(store_.view().txns, store_.view().metrics, clock_);
    // App/A: 1, 2, 3 in minutes 0, 1, 2; App/B: 10 in minutes 0 and 2.
    for (int i = 0; i < 3; ++i) Put("A", {}, i + 1, i);
    Put("B", {}, 10, 0);
    Put("B", {}, 10, 2);
  }
  void TearDown() override {
    metrics_.reset();
  }

  void Put(std::string metric, Dimensions dimensions, double value, int minute) {
    metrics_->RecordValue(SeriesKey{"App", std::move(metric), "Count", std::move(dimensions)},
                          value, 1, (kT0 + 60LL * minute) * 1000, false);
  }

  Result<json> Run(const json& input, Protocol protocol = Protocol::kAwsJson10) {
    MetricsContext ctx{options_, *metrics_, InputReader(protocol), input};
    return RunToCompletion(GetMetricData, ctx);
  }

  std::string ErrorOf(const json& input) {
    auto out = Run(input);
    EXPECT_FALSE(out.ok()) << input.dump();
    return out.ok() ? "" : out.error().code + ": " + out.error().message;
  }

  FakeClock clock_{(kT0 + 3600) * 1000};
  MetricsOptions options_{"us-east-1", "123456789012"};
  store::sqlite::TempStore store_{clock_, "get-metric-data"};
  std::unique_ptr<MetricStore> metrics_;
};

std::vector<double> Values(const json& result) {
  return result["Values"].get<std::vector<double>>();
}

TEST_F(GetMetricDataTest, MetricStatInEveryProtocol) {
  json json_input = Request({Stat("m1", "A"), Stat("m2", "B", "Maximum", {{"Label", "bee"}})});
  json query = {{"MetricDataQueries",
                 {{{"Id", "m1"},
                   {"MetricStat",
                    {{"Metric", {{"Namespace", "App"}, {"MetricName", "A"}}},
                     {"Period", "60"},
                     {"Stat", "Sum"}}}},
                  {{"Id", "m2"},
                   {"Label", "bee"},
                   {"MetricStat",
                    {{"Metric", {{"Namespace", "App"}, {"MetricName", "B"}}},
                     {"Period", "60"},
                     {"Stat", "Maximum"}}}}}},
                {"StartTime", FormatIso8601(kT0)},
                {"EndTime", FormatIso8601(kT0 + 300)},
                {"ScanBy", "TimestampAscending"}};
  json cbor = json::from_cbor(json::to_cbor(json_input));
  for (auto [protocol, in] :
       {std::pair{Protocol::kAwsJson10, json_input}, std::pair{Protocol::kAwsQuery, query},
        std::pair{Protocol::kRpcV2Cbor, cbor}}) {
    auto out = Run(in, protocol);
    ASSERT_TRUE(out.ok()) << out.error().message;
    const json& results = (*out)["MetricDataResults"];
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0]["Id"], "m1");
    EXPECT_EQ(results[0]["Label"], "A");  // the metric name by default
    EXPECT_EQ(Values(results[0]), (std::vector<double>{1, 2, 3}));
    EXPECT_EQ(results[0]["StatusCode"], "Complete");
    EXPECT_EQ(results[1]["Label"], "bee");
    EXPECT_EQ(Values(results[1]), (std::vector<double>{10, 10}));
    EXPECT_EQ(results[0]["Timestamps"][0], OutputTimestamp(protocol, kT0 * 1000));
    EXPECT_FALSE(out->contains("NextToken"));
  }
}

TEST_F(GetMetricDataTest, ScanByDescendingIsTheDefault) {
  json input = Request({Stat("m1", "A")});
  input.erase("ScanBy");
  auto out = Run(input);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(Values((*out)["MetricDataResults"][0]), (std::vector<double>{3, 2, 1}));
  EXPECT_EQ((*out)["MetricDataResults"][0]["Timestamps"][0], kT0 + 120);
}

TEST_F(GetMetricDataTest, Expressions) {
  auto run = [&](std::string expression, json extra = {}) -> json {
    auto out = Run(Request({Stat("m1", "A", "Sum", {{"ReturnData", false}}),
                            Stat("m2", "B", "Sum", {{"ReturnData", false}}),
                            Expr("e1", std::move(expression), extra)}));
    EXPECT_TRUE(out.ok()) << out.error().message;
    return out.ok() ? (*out)["MetricDataResults"] : json::array();
  };
  json doubled = run("m1 * 2");
  ASSERT_EQ(doubled.size(), 1u);
  EXPECT_EQ(doubled[0]["Id"], "e1");
  EXPECT_EQ(doubled[0]["Label"], "e1");
  EXPECT_EQ(Values(doubled[0]), (std::vector<double>{2, 4, 6}));
  EXPECT_EQ(Values(run("SUM(METRICS())")[0]), (std::vector<double>{11, 2, 13}));
  EXPECT_EQ(Values(run("RATE(m1)")[0]), (std::vector<double>{1.0 / 60, 1.0 / 60}));
  EXPECT_EQ(Values(run("FILL(m2, 0)")[0]), (std::vector<double>{10, 0, 10, 0, 0}));
  EXPECT_EQ(Values(run("IF(m1 > 1, m1, 0)")[0]), (std::vector<double>{0, 2, 3}));
  // An array: one result per series, labelled "<Label> <series label>".
  json both = run("METRICS() * 10", {{"Label", "x"}});
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0]["Id"], "e1");
  EXPECT_EQ(both[0]["Label"], "x A");
  EXPECT_EQ(Values(both[1]), (std::vector<double>{100, 100}));
  // Expressions over expressions, in any order of the request.
  auto chained = Run(Request({Expr("e2", "e1 + 1"), Expr("e1", "m1 * 2", {{"ReturnData", false}}),
                              Stat("m1", "A", "Sum", {{"ReturnData", false}})}));
  ASSERT_TRUE(chained.ok()) << chained.error().message;
  EXPECT_EQ(Values((*chained)["MetricDataResults"][0]), (std::vector<double>{3, 5, 7}));
}

TEST_F(GetMetricDataTest, Search) {
  Put("Latency", {{"Service", "api"}}, 5, 0);
  Put("Latency", {{"Service", "web"}}, 7, 0);
  Put("Latency", {{"Service", "web"}, {"Stage", "prod"}}, 9, 0);
  auto out = Run(Request({Expr("s", "SEARCH('{App,Service} Latency', 'Sum', 60)")}));
  ASSERT_TRUE(out.ok()) << out.error().message;
  const json& results = (*out)["MetricDataResults"];
  ASSERT_EQ(results.size(), 2u) << out->dump();
  std::set<std::string> labels{results[0]["Label"], results[1]["Label"]};
  EXPECT_EQ(labels, (std::set<std::string>{"api", "web"}));
  auto total =
      Run(Request({Expr("s", "SEARCH('{App,Service} Latency', 'Sum', 60)", {{"ReturnData", false}}),
                   Expr("t", "SUM(s)")}));
  ASSERT_TRUE(total.ok()) << total.error().message;
  EXPECT_EQ(Values((*total)["MetricDataResults"][0]), (std::vector<double>{12}));
}

TEST_F(GetMetricDataTest, PagesAcrossMaxDatapoints) {
  json input = Request({Stat("m1", "A"), Stat("m2", "B")});  // 3 + 2 points
  input["MaxDatapoints"] = 2;
  std::vector<double> seen;
  std::vector<std::string> statuses;
  for (int page = 0; page < 4; ++page) {
    auto out = Run(input);
    ASSERT_TRUE(out.ok()) << out.error().message;
    for (const json& r : (*out)["MetricDataResults"]) {
      for (double v : Values(r)) seen.push_back(v);
    }
    statuses.push_back((*out)["MetricDataResults"][0]["StatusCode"]);
    if (!out->contains("NextToken")) break;
    input["NextToken"] = (*out)["NextToken"];
  }
  EXPECT_EQ(seen, (std::vector<double>{1, 2, 3, 10, 10}));
  EXPECT_EQ(statuses, (std::vector<std::string>{"PartialData", "Complete", "Complete"}));
  // A token is only good for the request it was made for.
  json other = Request({Stat("m1", "A")});
  other["MaxDatapoints"] = 2;
  other["NextToken"] = input["NextToken"];
  EXPECT_EQ(ErrorOf(other).substr(0, 17), "InvalidNextToken:");
  input["NextToken"] = "garbage";
  EXPECT_EQ(ErrorOf(input).substr(0, 17), "InvalidNextToken:");
}

TEST_F(GetMetricDataTest, RefusesWhatCloudWatchRefuses) {
  EXPECT_EQ(ErrorOf(Request({Stat("m1", "A"), Stat("m1", "B")})),
            "ValidationError: The values for parameter id in MetricDataQueries are not unique.");
  EXPECT_EQ(ErrorOf(Request({Stat("M1", "A")})),
            "ValidationError: The value M1 for parameter MetricDataQueries.member.1.Id is not "
            "matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.");
  json both = Stat("m1", "A");
  both["Expression"] = "m1";
  EXPECT_EQ(ErrorOf(Request({both})).substr(0, 16), "ValidationError:");
  EXPECT_EQ(ErrorOf(Request({json{{"Id", "m1"}}})).substr(0, 16), "ValidationError:");
  EXPECT_EQ(ErrorOf(Request({Stat("m1", "A"), Expr("e1", "e2 + m1"), Expr("e2", "e1 * 2")})),
            "ValidationError: Error in expression e2: circular reference through e1.");
  EXPECT_EQ(ErrorOf(Request({Expr("e1", "e1 + 1")})).substr(0, 39),
            "ValidationError: Error in expression e1");
  EXPECT_EQ(ErrorOf(Request({Stat("m1", "A"), Expr("e1", "m9 * 2")})),
            "ValidationError: Error in expression e1: Unrecognized identifier m9.");
  EXPECT_EQ(ErrorOf(Request({Stat("m1", "A"), Expr("e1", "m1 +* 2")})).substr(0, 41),
            "ValidationError: Error in expression e1: ");
  EXPECT_EQ(ErrorOf(Request({Stat("m1", "A"), Expr("e1", "SUM(m1)")})).substr(0, 41),
            "ValidationError: Error in expression e1: ");  // a scalar result
  EXPECT_EQ(ErrorOf(Request({Stat("m1", "A", "Sum", {{"ReturnData", false}})})),
            "ValidationError: At least one MetricDataQuery must have ReturnData set to true.");
  json many = json::array();
  for (int i = 0; i < 501; ++i) many.push_back(Stat("m" + std::to_string(i), "A"));
  EXPECT_EQ(ErrorOf(Request(many)),
            "InvalidParameterValue: The collection MetricDataQueries must not have a size "
            "greater than 500.");
  EXPECT_NE(ErrorOf(Request({Stat("m1", "A", "tm99")})).find("not supported by evoke"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Request({Stat("m1", "A", "Min")})).find("not a valid statistic"),
            std::string::npos);
  json bad_period = Stat("m1", "A");
  bad_period["MetricStat"]["Period"] = 45;
  EXPECT_EQ(ErrorOf(Request({bad_period})).substr(0, 22), "InvalidParameterValue:");
  json backwards = Request({Stat("m1", "A")});
  backwards["EndTime"] = kT0 - 60;
  EXPECT_EQ(ErrorOf(backwards).substr(0, 22), "InvalidParameterValue:");
  json scan = Request({Stat("m1", "A")});
  scan["ScanBy"] = "Sideways";
  EXPECT_EQ(ErrorOf(scan).substr(0, 22), "InvalidParameterValue:");
}

TEST(GetMetricDataOrder, ExpressionsComeAfterWhatTheyName) {
  std::vector<MetricDataQueryInput> queries(3);
  queries[0].id = "e2";
  queries[0].expression = *MathExpression::Parse("e1 * 2");
  queries[1].id = "e1";
  queries[1].expression = *MathExpression::Parse("SUM(METRICS())");
  queries[2].id = "m1";
  queries[2].series = SeriesKey{"App", "A", "", {}};
  auto order = ExpressionOrder(queries);
  ASSERT_TRUE(order.ok()) << order.error().message;
  EXPECT_EQ(*order, (std::vector<size_t>{1, 0}));
}

}  // namespace
}  // namespace evoke::observe
