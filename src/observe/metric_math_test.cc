#include "observe/metric_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace evoke::observe {
namespace {

// Timestamps 0, 60, 120...: point k of a minute grid.
MathSeries Series(std::string label, std::vector<std::pair<int, double>> points,
                  int64_t period = 60) {
  MathSeries s;
  s.label = std::move(label);
  s.period_s = period;
  for (auto [k, v] : points) s.points.push_back({k * 60, v});
  return s;
}

class FakeResolver : public MathResolver {
 public:
  std::map<std::string, MathValue> values;
  std::vector<std::string> metric_ids;
  std::vector<SearchRequest> searched;
  std::vector<MathSeries> search_result;

  Result<MathValue> Fetch(std::string_view id) override {
    auto it = values.find(std::string(id));
    if (it == values.end()) {
      return MakeError("ValidationError", "Unknown identifier " + std::string(id));
    }
    return it->second;
  }
  std::vector<std::string> MetricIds() override { return metric_ids; }
  Result<std::vector<MathSeries>> Search(const SearchRequest& request) override {
    searched.push_back(request);
    return search_result;
  }
};

class MetricMath : public ::testing::Test {
 protected:
  MetricMath() {
    // The docs' example: metric1 [30, 20, 0, 0], metric2 [20, -, 20, -].
    r_.values["m1"] = Series("m1", {{0, 30}, {1, 20}, {2, 0}, {3, 0}});
    r_.values["m2"] = Series("m2", {{0, 20}, {2, 20}});
    r_.metric_ids = {"m1", "m2"};
    ctx_.start_s = 0;
    ctx_.end_s = 5 * 60;
    ctx_.period_s = 60;
  }

  Result<MathValue> Eval(std::string_view text) {
    auto e = MathExpression::Parse(text);
    if (!e) return std::move(e).error();
    return EvaluateMath(*e, ctx_, r_);
  }

  // The (k, value) pairs of a series result; fails the test for anything else.
  std::vector<std::pair<int, double>> Points(std::string_view text) {
    auto v = Eval(text);
    EXPECT_TRUE(v.ok()) << text << ": " << (v.ok() ? "" : v.error().message);
    std::vector<std::pair<int, double>> out;
    if (!v.ok()) return out;
    auto* s = std::get_if<MathSeries>(&*v);
    EXPECT_NE(s, nullptr) << text << " is not a series";
    if (!s) return out;
    for (const MathPoint& p : s->points) out.emplace_back(static_cast<int>(p.t / 60), p.v);
    return out;
  }

  std::string ErrorOf(std::string_view text) {
    auto v = Eval(text);
    EXPECT_FALSE(v.ok()) << text;
    if (v.ok()) return "";
    EXPECT_EQ(v.error().code, "ValidationError");
    return v.error().message;
  }

  using P = std::vector<std::pair<int, double>>;
  FakeResolver r_;
  MathContext ctx_;
};

TEST_F(MetricMath, Arithmetic) {
  EXPECT_EQ(Points("m1 * 2"), (P{{0, 60}, {1, 40}, {2, 0}, {3, 0}}));
  EXPECT_EQ(Points("5 * m1 - 100"), (P{{0, 50}, {1, 0}, {2, -100}, {3, -100}}));
  EXPECT_EQ(Points("-m1 + 1"), (P{{0, -29}, {1, -19}, {2, 1}, {3, 1}}));
  EXPECT_EQ(Points("m2 ^ 2 / 100"), (P{{0, 4}, {2, 4}}));
  EXPECT_EQ(Points("2 ^ 3 ^ 2 + m1 * 0"), (P{{0, 512}, {1, 512}, {2, 512}, {3, 512}}));
  EXPECT_EQ(Points("-2 ^ 2 + 0 * m2"), (P{{0, -4}, {2, -4}}));
  EXPECT_EQ(Points("(1 + 2) * 3 + m2 * 0"), (P{{0, 9}, {2, 9}}));
}

TEST_F(MetricMath, SeriesAreCombinedOverTheUnionOfTimestampsWithMissingAsZero) {
  EXPECT_EQ(Points("m1 + m2"), (P{{0, 50}, {1, 20}, {2, 20}, {3, 0}}));
  EXPECT_EQ(Points("m2 - m1"), (P{{0, -10}, {1, -20}, {2, 20}, {3, 0}}));
  // Division by zero drops the point (m2 is missing, so 0, at 1 and 3).
  EXPECT_EQ(Points("m1 / m2"), (P{{0, 1.5}, {2, 0}}));
  EXPECT_EQ(Points("m1 / 0"), P{});
}

TEST_F(MetricMath, ComparisonAndLogicalOperatorsAsDocumented) {
  EXPECT_EQ(Points("m1 < m2"), (P{{0, 0}, {1, 0}, {2, 1}, {3, 0}}));
  EXPECT_EQ(Points("m1 >= 30"), (P{{0, 1}, {1, 0}, {2, 0}, {3, 0}}));
  EXPECT_EQ(Points("m1 > 15 AND m2 > 15"), (P{{0, 1}, {1, 0}, {2, 0}, {3, 0}}));
  EXPECT_EQ(Points("m1 > 15 && m2 > 15"), Points("m1 > 15 AND m2 > 15"));
  EXPECT_EQ(Points("m1 > 25 OR m2 > 15"), (P{{0, 1}, {1, 0}, {2, 1}, {3, 0}}));
  EXPECT_EQ(Points("m1 == 0 || m1 != 20"), (P{{0, 1}, {1, 0}, {2, 1}, {3, 1}}));
  EXPECT_EQ(Points("NOT m1"), (P{{0, 0}, {1, 0}, {2, 1}, {3, 1}}));
  EXPECT_EQ(Points("m1 <= 20"), (P{{0, 0}, {1, 1}, {2, 1}, {3, 1}}));
}

TEST_F(MetricMath, IfAsTheDocsTabulateIt) {
  r_.values["a"] = Series("a", {{0, 1}, {1, 1}, {2, 0}, {3, 0}});
  r_.values["b"] = Series("b", {{0, 30}, {2, 0}, {3, 0}, {4, 30}});
  r_.values["c"] = Series("c", {{0, 0}, {1, 0}, {2, 20}, {4, 20}});
  EXPECT_EQ(Points("IF(a, b, c)"), (P{{0, 30}, {1, 0}, {2, 20}}));
  EXPECT_EQ(Points("IF(a, 5, c)"), (P{{0, 5}, {1, 5}, {2, 20}}));
  EXPECT_EQ(Points("IF(a, b, 5)"), (P{{0, 30}, {1, 0}, {2, 5}, {3, 5}}));
  EXPECT_EQ(Points("IF(a, b)"), (P{{0, 30}, {1, 0}}));
  EXPECT_EQ(Points("IF(1, b, c)"), Points("b"));
  EXPECT_EQ(Points("IF(0, b, c)"), Points("c"));
  EXPECT_EQ(Points("IF(0, b)"), P{});
  EXPECT_EQ(Points("IF(m1 < 25, 10, 2)"), (P{{0, 2}, {1, 10}, {2, 10}, {3, 10}}));
  EXPECT_NE(ErrorOf("IF(METRICS(), 1, 0)").find("arrays"), std::string::npos);
}

TEST_F(MetricMath, AggregatesOfOneSeriesAreScalars) {
  EXPECT_EQ(Points("m1 - AVG(m1)"), (P{{0, 17.5}, {1, 7.5}, {2, -12.5}, {3, -12.5}}));
  EXPECT_EQ(Points("m2 * 0 + SUM(m1)"), (P{{0, 50}, {2, 50}}));
  EXPECT_EQ(Points("m2 * 0 + MIN(m1) + MAX(m1)"), (P{{0, 30}, {2, 30}}));
  EXPECT_EQ(Points("m2 * 0 + DATAPOINT_COUNT(m2)"), (P{{0, 2}, {2, 2}}));
  EXPECT_EQ(Points("m2 * 0 + STDDEV(m2)"), (P{{0, 0}, {2, 0}}));
  // STDDEV of the population: 30, 20, 0, 0 has mean 12.5 and variance 168.75.
  auto s = Points("m2 * 0 + STDDEV(m1)");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_NEAR(s[0].second, std::sqrt(168.75), 1e-12);
  // Of an empty series there is no value, so every point is dropped.
  r_.values["empty"] = Series("empty", {});
  EXPECT_EQ(Points("m1 + AVG(empty)"), P{});
}

TEST_F(MetricMath, AggregatesOfArraysArePerTimestamp) {
  EXPECT_EQ(Points("SUM([m1, m2])"), (P{{0, 50}, {1, 20}, {2, 20}, {3, 0}}));
  EXPECT_EQ(Points("SUM(METRICS())"), Points("SUM([m1, m2])"));
  // AVG counts a missing value as 0 (as documented); MIN and MAX skip it.
  EXPECT_EQ(Points("AVG([m1, m2])"), (P{{0, 25}, {1, 10}, {2, 10}, {3, 0}}));
  EXPECT_EQ(Points("MIN([m1, m2])"), (P{{0, 20}, {1, 20}, {2, 0}, {3, 0}}));
  EXPECT_EQ(Points("MAX([m1, m2])"), (P{{0, 30}, {1, 20}, {2, 20}, {3, 0}}));
  EXPECT_EQ(Points("DATAPOINT_COUNT(METRICS())"), (P{{0, 2}, {1, 1}, {2, 2}, {3, 1}}));
  EXPECT_EQ(Points("STDDEV([m1, m2])"), (P{{0, 5}, {1, 0}, {2, 10}, {3, 0}}));
  EXPECT_EQ(Points("SUM(100 / [m1, m2])"), (P{{0, 100.0 / 30 + 5}, {1, 5}, {2, 5}}));
  EXPECT_EQ(Points("SUM(-[m1, m2])"), (P{{0, -50}, {1, -20}, {2, -20}, {3, 0}}));
  EXPECT_EQ(Points("AVG([m1, m2] / m1)"), (P{{0, (1 + 20.0 / 30) / 2}, {1, 0.5}}));
  EXPECT_EQ(Points("SUM([m1 * 2, METRICS(\"2\")])"), (P{{0, 80}, {1, 40}, {2, 20}, {3, 0}}));
}

TEST_F(MetricMath, MetricsAndArrays) {
  auto v = Eval("METRICS() * 100");
  ASSERT_TRUE(v.ok());
  const auto& a = std::get<std::vector<MathSeries>>(*v);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].label, "m1");
  EXPECT_EQ(a[1].points.size(), 2u);
  EXPECT_EQ(a[1].points[1].v, 2000);
  r_.metric_ids = {"errors4xx", "errors5xx", "requests"};
  r_.values["errors4xx"] = Series("4xx", {{0, 1}});
  r_.values["errors5xx"] = Series("5xx", {{0, 2}});
  r_.values["requests"] = Series("requests", {{0, 100}});
  EXPECT_EQ(Points("SUM(METRICS(\"errors\")) * 100 / SUM(METRICS('requests'))"), (P{{0, 3}}));
  EXPECT_EQ(Points("SUM([METRICS(\"4xx\"), METRICS(\xE2\x80\x9C"
                   "5xx\xE2\x80\x9D)])"),
            (P{{0, 3}}));
  EXPECT_EQ(Points("m1 / METRIC_COUNT(METRICS())"), (P{{0, 10}, {1, 20.0 / 3}, {2, 0}, {3, 0}}));
  EXPECT_NE(ErrorOf("METRICS() + METRICS()").find("two arrays"), std::string::npos);
  EXPECT_NE(ErrorOf("[m1, 5]").find("only time series"), std::string::npos);
}

TEST_F(MetricMath, PointwiseFunctions) {
  r_.values["x"] = Series("x", {{0, -1.5}, {1, 100}, {2, 0}});
  EXPECT_EQ(Points("ABS(x)"), (P{{0, 1.5}, {1, 100}, {2, 0}}));
  EXPECT_EQ(Points("CEIL(x)"), (P{{0, -1}, {1, 100}, {2, 0}}));
  EXPECT_EQ(Points("FLOOR(x)"), (P{{0, -2}, {1, 100}, {2, 0}}));
  EXPECT_EQ(Points("LOG10(x)"), (P{{1, 2}}));  // LOG10 of -1.5 and of 0 are dropped
  auto ln = Points("LOG(x)");
  ASSERT_EQ(ln.size(), 1u);
  EXPECT_NEAR(ln[0].second, std::log(100.0), 1e-12);
  auto v = Eval("ABS(-[m1, m2])");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(std::get<std::vector<MathSeries>>(*v)[1].points[0].v, 20);
}

TEST_F(MetricMath, DiffRateAndRunningSum) {
  r_.values["c"] = Series("c", {{0, 10}, {1, 40}, {3, 100}});
  EXPECT_EQ(Points("DIFF(c)"), (P{{1, 30}, {3, 60}}));
  EXPECT_EQ(Points("DIFF_TIME(c)"), (P{{1, 60}, {3, 120}}));
  EXPECT_EQ(Points("RATE(c)"), (P{{1, 0.5}, {3, 0.5}}));
  EXPECT_EQ(Points("RUNNING_SUM(c)"), (P{{0, 10}, {1, 50}, {3, 150}}));
  auto v = Eval("RATE(METRICS())");
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(std::holds_alternative<std::vector<MathSeries>>(*v));
  EXPECT_EQ(std::get<std::vector<MathSeries>>(*v)[0].points.size(), 3u);
}

TEST_F(MetricMath, FillOnTheQueryGrid) {
  // Grid 0..4 (end 300 exclusive); m2 has 0 and 2.
  EXPECT_EQ(Points("FILL(m2, 7)"), (P{{0, 20}, {1, 7}, {2, 20}, {3, 7}, {4, 7}}));
  EXPECT_EQ(Points("FILL(m2, MIN(m1))"), (P{{0, 20}, {1, 0}, {2, 20}, {3, 0}, {4, 0}}));
  r_.values["g"] = Series("g", {{1, 10}, {3, 30}});
  EXPECT_EQ(Points("FILL(g, REPEAT)"), (P{{1, 10}, {2, 10}, {3, 30}, {4, 30}}));
  EXPECT_EQ(Points("FILL(g, LINEAR)"), (P{{1, 10}, {2, 20}, {3, 30}}));
  EXPECT_EQ(Points("FILL(g, m1)"), (P{{0, 30}, {1, 10}, {2, 0}, {3, 30}}));
  auto v = Eval("FILL(METRICS(), 0)");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(std::get<std::vector<MathSeries>>(*v)[1].points.size(), 5u);
  EXPECT_NE(ErrorOf("FILL(m1, ASC)").find("FILL's second argument"), std::string::npos);
  EXPECT_NE(ErrorOf("m1 + REPEAT").find("only be an argument of FILL"), std::string::npos);
  // A grid too long for GetMetricData is refused, not allocated.
  ctx_.end_s = int64_t{1} << 40;
  ctx_.period_s = 1;
  r_.values["g"] = Series("g", {{1, 10}}, 1);
  EXPECT_NE(ErrorOf("FILL(g, 0)").find("periods"), std::string::npos);
  EXPECT_NE(ErrorOf("TIME_SERIES(1)").find("periods"), std::string::npos);
}

TEST_F(MetricMath, ArrayFunctions) {
  r_.values["m3"] = Series("m3", {});
  r_.metric_ids = {"m1", "m2", "m3"};
  auto labels = [&](std::string_view text) {
    std::vector<std::string> out;
    auto v = Eval(text);
    EXPECT_TRUE(v.ok()) << text << ": " << (v.ok() ? "" : v.error().message);
    if (!v.ok()) return out;
    for (const auto& s : std::get<std::vector<MathSeries>>(*v)) out.push_back(s.label);
    return out;
  };
  EXPECT_EQ(labels("SORT(METRICS(), SUM, DESC)"), (std::vector<std::string>{"m1", "m2", "m3"}));
  EXPECT_EQ(labels("SORT(METRICS(), MAX, ASC)"), (std::vector<std::string>{"m2", "m1", "m3"}));
  EXPECT_EQ(labels("SORT(METRICS(), AVG, ASC, 1)"), (std::vector<std::string>{"m1"}));
  EXPECT_EQ(labels("SLICE(METRICS(), 1)"), (std::vector<std::string>{"m2", "m3"}));
  EXPECT_EQ(labels("SLICE(METRICS(), 0, 2)"), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(labels("SLICE(METRICS(), 2, 1)"), std::vector<std::string>{});
  EXPECT_EQ(labels("REMOVE_EMPTY(METRICS())"), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(Points("FIRST(SORT(METRICS(), MAX, ASC))"), Points("m2"));
  EXPECT_EQ(Points("LAST(METRICS())"), P{});
  EXPECT_NE(ErrorOf("SORT(METRICS(), DESC, AVG)").find("AVG, MIN, MAX or SUM"), std::string::npos);
  EXPECT_NE(ErrorOf("FIRST(m1)").find("array"), std::string::npos);
}

TEST_F(MetricMath, PeriodTimeSeriesAndTimeFunctions) {
  EXPECT_EQ(Points("m2 / PERIOD(m2)"), (P{{0, 20.0 / 60}, {2, 20.0 / 60}}));
  EXPECT_EQ(Points("TIME_SERIES(5)"), (P{{0, 5}, {1, 5}, {2, 5}, {3, 5}, {4, 5}}));
  EXPECT_EQ(Points("TIME_SERIES(MAX(m1))").size(), 5u);
  // 2024-02-29T23:58:00Z, a Thursday.
  ctx_.start_s = 1709251080;
  ctx_.end_s = ctx_.start_s + 180;
  r_.values["t"] = MathSeries{"t", 60, {{ctx_.start_s, 1}}};
  auto at = [&](std::string_view f) {
    auto v = Eval(std::string(f) + "(t)");
    EXPECT_TRUE(v.ok()) << f;
    std::vector<double> out;
    if (v.ok()) {
      for (const auto& p : std::get<MathSeries>(*v).points) out.push_back(p.v);
    }
    return out;
  };
  EXPECT_EQ(at("MINUTE"), (std::vector<double>{58, 59, 0}));
  EXPECT_EQ(at("HOUR"), (std::vector<double>{23, 23, 0}));
  EXPECT_EQ(at("DAY"), (std::vector<double>{4, 4, 5}));
  EXPECT_EQ(at("DATE"), (std::vector<double>{29, 29, 1}));
  EXPECT_EQ(at("MONTH"), (std::vector<double>{2, 2, 3}));
  EXPECT_EQ(at("YEAR"), (std::vector<double>{2024, 2024, 2024}));
  EXPECT_EQ(at("EPOCH")[2], static_cast<double>(ctx_.start_s + 120));
}

TEST_F(MetricMath, SearchIsParsedAndResolvedByTheCaller) {
  r_.search_result = {Series("fn-a", {{0, 1}}), Series("fn-b", {{0, 2}, {1, 3}})};
  EXPECT_EQ(Points("SUM(SEARCH('{AWS/Lambda,FunctionName} MetricName=\"Errors\"', 'Sum', 300))"),
            (P{{0, 3}, {1, 3}}));
  ASSERT_EQ(r_.searched.size(), 1u);
  const SearchRequest& s = r_.searched[0];
  EXPECT_TRUE(s.has_schema);
  EXPECT_EQ(s.name_space, "AWS/Lambda");
  EXPECT_EQ(s.dimension_names, std::vector<std::string>{"FunctionName"});
  EXPECT_EQ(s.statistic, "Sum");
  EXPECT_EQ(s.period_s, 300);
  ASSERT_GE(s.root, 0);
  EXPECT_EQ(s.nodes[s.root].property, "MetricName");
  EXPECT_EQ(s.nodes[s.root].text, "Errors");
  EXPECT_TRUE(s.nodes[s.root].exact);
  auto e = MathExpression::Parse("SEARCH(' \"CPUUtilization\" ', 'p99')");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->searches()[0].period_s, 0);
  EXPECT_FALSE(e->searches()[0].has_schema);
}

TEST(MetricMathSearch, ParsesTheDocumentedForms) {
  for (const char* q :
       {" {AWS/EC2,InstanceId} MetricName=\"CPUUtilization\" ",
        " {\"My Namespace\", \"Dimension@Name\"}, \"Custom:Name[Special_Characters\" ",
        " {AWS/NetworkELB, LoadBalancer} \"ConsumedLCUs\" OR flow ", "NOT Namespace=AWS ",
        " (EC2 OR EBS) AND MetricName=ReadOps ",
        " {AWS/Lambda,FunctionName} MetricName=\"Errors\" OR (MetricName=\"Invocations\" AND "
        "(ProjectA OR ProjectB)) ",
        "\"Europe\\\\France Traffic\\(Network\\)\"", "{AWS/EC2}"}) {
    auto r = ParseSearch(q, "Average", 300);
    EXPECT_TRUE(r.ok()) << q << ": " << (r.ok() ? "" : r.error().message);
  }
  auto escaped = ParseSearch("\"Europe\\\\France Traffic\\(Network\\)\"", "Sum", 60);
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(escaped->nodes[escaped->root].text, "Europe\\France Traffic(Network)");
  for (const char* q : {"", "   ", "{}", "{AWS/EC2", "\"open", "(a OR b", "a)", "=x"}) {
    EXPECT_FALSE(ParseSearch(q, "Average", 300).ok()) << q;
  }
  EXPECT_FALSE(ParseSearch("x", "Avg", 300).ok());
  EXPECT_FALSE(ParseSearch("x", "Average", 61).ok());
  EXPECT_TRUE(ParseSearch("x", "p99.9", 10).ok());
  EXPECT_FALSE(ParseSearch(std::string(kMaxSearchQueryLength + 1, 'a'), "Sum", 60).ok());
  EXPECT_FALSE(ParseSearch(std::string(100, '(') + "a" + std::string(100, ')'), "Sum", 60).ok());
}

TEST(MetricMathSearch, MatchesAsTheDocsDescribe) {
  std::vector<std::pair<std::string, std::string>> dims = {{"InstanceId", "i-1234567890123456"}};
  SearchCandidate cpu{"AWS/EC2", "CPUUtilization", &dims};
  std::vector<std::pair<std::string, std::string>> none;
  SearchCandidate custom{"MyNamespace", "CustomCount1", &none};
  auto match = [](const char* q, const SearchCandidate& c) {
    auto r = ParseSearch(q, "Sum", 60);
    EXPECT_TRUE(r.ok()) << q;
    return r.ok() && SearchMatches(*r, c);
  };
  EXPECT_TRUE(match("{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\"", cpu));
  EXPECT_FALSE(match("{AWS/EC2} MetricName=\"CPUUtilization\"", cpu));  // dimensions differ
  EXPECT_FALSE(match("{AWS/EC2,InstanceId} MetricName=\"CPU\"", cpu));
  EXPECT_TRUE(match("{AWS/EC2,InstanceId} MetricName=CPU", cpu));
  EXPECT_FALSE(
      match("{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\" NOT i-1234567890123456", cpu));
  EXPECT_TRUE(match("NOT Namespace=AWS", custom));
  EXPECT_FALSE(match("NOT Namespace=AWS", cpu));
  EXPECT_TRUE(match("InstanceId=\"i-1234567890123456\" Namespace=\"AWS/EC2\"", cpu));
  EXPECT_TRUE(match("(EC2 OR EBS) AND utilization", cpu));
  for (const char* term : {"count", "Count", "COUNT", "CustomCount", "Count1", "customcount1"}) {
    EXPECT_TRUE(match(term, custom)) << term;
  }
  EXPECT_FALSE(match("couNT", custom));
  EXPECT_FALSE(match("customcount", custom));
  EXPECT_TRUE(match("\"CustomCount1\"", custom));
  EXPECT_FALSE(match("\"customcount1\"", custom));
  EXPECT_FALSE(match("\"Custom\"", custom));
  SearchCandidate net{"N", "Network-Errors-2", &none};
  for (const char* term : {"network/errors", "network+errors", "Network_Errors", "errors"}) {
    EXPECT_TRUE(match(term, net)) << term;
  }
}

TEST(MetricMathParse, ErrorsSayWhatAndWhere) {
  auto error = [](std::string_view text) {
    auto e = MathExpression::Parse(text);
    EXPECT_FALSE(e.ok()) << text;
    return e.ok() ? std::string() : e.error().message;
  };
  EXPECT_EQ(error("m1 +"), "Unexpected end of expression at position 5");
  EXPECT_EQ(error("m1 + * m2"), "Unexpected '*' at position 6");
  EXPECT_EQ(error("m1 m2"), "Unexpected 'm2' at position 4");
  EXPECT_EQ(error("FOO(m1)"), "Unknown function 'FOO' at position 1");
  EXPECT_EQ(error("sum(m1)"), "Unexpected '(' at position 4");
  EXPECT_EQ(error("M1 + 1"),
            "Unrecognized identifier 'M1' at position 1 (query ids start with a lowercase letter)");
  EXPECT_EQ(error("ABS(m1, m2)"), "The function ABS takes 1 argument, not 2 at position 1");
  EXPECT_EQ(error("IF(m1)"), "The function IF takes 2 to 3 arguments, not 1 at position 1");
  EXPECT_EQ(error("ANOMALY_DETECTION_BAND(m1)"),
            "The function ANOMALY_DETECTION_BAND is not supported by evoke at position 1");
  EXPECT_EQ(error("m1 % 2"), "Unexpected character '%' at position 4");
  EXPECT_EQ(error("METRICS('x"), "Unterminated string at position 9");
  EXPECT_EQ(error("1e999 * m1"), "Number out of range at position 1");
  EXPECT_EQ(error("(m1"), "Unexpected end of expression at position 4");
  EXPECT_EQ(error(""), "The expression is empty");
  EXPECT_EQ(error("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\")"),
            "Metrics Insights queries (SELECT) are not supported by evoke");
  EXPECT_EQ(error("METRICS(m1)"), "The argument of METRICS must be a string at position 1");
  EXPECT_NE(error("SEARCH('{AWS/EC2', 'Sum', 300)").find("in SEARCH at position 1"),
            std::string::npos);
  EXPECT_NE(error("SEARCH('x', 'Sum', 300.5)").find("whole number"), std::string::npos);
  EXPECT_EQ(error(std::string(kMaxMathExpressionLength + 1, ' ')),
            "The expression is longer than 2048 characters");
}

TEST(MetricMathParse, DeepNestingIsRefusedWithoutRecursingDeeply) {
  for (const std::string& deep :
       {std::string(2000, '(') + "m1" + std::string(2000, ')'), std::string(2000, '-') + "m1",
        [] {
          std::string s = "m1";
          for (int i = 0; i < 200; ++i) s += "+m1";
          return s;
        }(),
        [] {
          std::string s;
          for (int i = 0; i < 300; ++i) s += "ABS(";
          return s + "m1" + std::string(300, ')');
        }(),
        [] {
          std::string s;
          for (int i = 0; i < 500; ++i) s += "NOT ";
          return s + "m1";
        }(),
        [] {
          std::string s = "m1";
          for (int i = 0; i < 500; ++i) s += "^m1";
          return s;
        }()}) {
    auto e = MathExpression::Parse(deep);
    EXPECT_FALSE(e.ok()) << deep.substr(0, 40);
  }
  std::string ok = "m1";
  for (int i = 0; i < 50; ++i) ok = "(" + ok + " + 1)";
  EXPECT_TRUE(MathExpression::Parse(ok).ok());
}

TEST(MetricMathParse, PrintingParsesBackToTheSameTree) {
  for (const char* text :
       {"m1 + m2 * 3",
        "(m1 + m2) * 3",
        "m1 - (m2 - 1)",
        "-m1 ^ 2",
        "(-m1) ^ 2",
        "2 ^ 3 ^ 2",
        "(2 ^ 3) ^ 2",
        "2 ^ -1",
        "NOT (m1 AND m2) OR m3",
        "NOT m1 AND m2",
        "m1 > 1 && m2 || m3",
        "IF(m1 < 400, m1)",
        "SUM([m1, m2]) / AVG(m2)",
        "FILL(METRICS(), LINEAR)",
        "SORT(METRICS(), AVG, DESC, 10)",
        "SUM(METRICS(\"errors\"))",
        "SEARCH(' {AWS/EC2,InstanceId} MetricName=\"CPUUtilization\" ', 'Average', 300)",
        "0.1 + 1e300 * .5",
        "m1 < m2 == m3",
        "- - m1",
        "m1 / PERIOD(m1)"}) {
    auto e = MathExpression::Parse(text);
    ASSERT_TRUE(e.ok()) << text << ": " << e.error().message;
    std::string printed = e->Print();
    auto again = MathExpression::Parse(printed);
    ASSERT_TRUE(again.ok()) << printed << ": " << again.error().message;
    EXPECT_EQ(again->Print(), printed) << text;
  }
  EXPECT_EQ(MathExpression::Parse("m1+m2*3")->Print(), "m1 + m2 * 3");
  EXPECT_EQ(MathExpression::Parse("((m1))-(m2-1)")->Print(), "m1 - (m2 - 1)");
  EXPECT_EQ(MathExpression::Parse("a&&b||c")->Print(), "a AND b OR c");
  EXPECT_EQ(MathExpression::Parse("-(2^2)")->Print(), "-2 ^ 2");
}

TEST(MetricMathParse, ReferencedIds) {
  auto e = MathExpression::Parse("m1 + SUM([m2, m1]) / e1");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->ReferencedIds(), (std::vector<std::string>{"m1", "m2", "e1"}));
  EXPECT_FALSE(e->UsesMetrics());
  EXPECT_TRUE(MathExpression::Parse("SUM(METRICS())")->UsesMetrics());
}

TEST_F(MetricMath, ResultsMustBeSeriesAndIdsMustResolve) {
  EXPECT_NE(ErrorOf("AVG(m1)").find("gives a scalar"), std::string::npos);
  EXPECT_NE(ErrorOf("1 + 2").find("gives a scalar"), std::string::npos);
  EXPECT_EQ(ErrorOf("m1 + nope"), "Unknown identifier nope");
  EXPECT_NE(ErrorOf("PERIOD(METRICS())").find("PERIOD takes a time series"), std::string::npos);
}

TEST_F(MetricMath, HostileValuesNeverEscape) {
  r_.values["raw"] = MathSeries{
      "raw", 60, {{120, 1}, {0, NAN}, {60, INFINITY}, {120, 2}, {180, 1e308}, {240, -1e308}}};
  // Sorted, the last of equal timestamps kept, non-finite values dropped.
  EXPECT_EQ(Points("raw"), (P{{2, 2}, {3, 1e308}, {4, -1e308}}));
  EXPECT_EQ(Points("raw * 10"), (P{{2, 20}}));  // overflow drops the point
  EXPECT_EQ(Points("raw ^ 2000"), P{});
  EXPECT_EQ(Points("raw / 0"), P{});
  EXPECT_EQ(Points("RATE(raw)").size(), 1u);  // (1e308 - 2) / 60, then -inf dropped
  EXPECT_EQ(Points("raw + raw"), (P{{2, 4}}));
}

}  // namespace
}  // namespace evoke::observe
