// The CloudWatch metrics API: one input shape whatever the protocol (awsQuery strings, JSON
// numbers, CBOR floats and tagged timestamps, botocore's own request bodies from
// tests/codecs/requests/), CloudWatch's validation and messages, the answers as each protocol
// renders them, and the operations over a real MetricStore.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "api/cbor_codec.h"
#include "api/pipeline.h"
#include "api/query_codec.h"
#include "base/asio.h"
#include "base/clock.h"
#include "base/encoding.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "observe/metrics_actions.h"
#include "observe/metrics_input.h"
#include "observe/metrics_service.h"
#include "store/sqlite/temp_store.h"

namespace evoke::observe {
namespace {

using api::Protocol;
using nlohmann::json;
namespace fs = std::filesystem;

// botocore 1.43's bodies (tests/codecs/requests/*.json, "body"), 2024-05-01T12:30:15Z.
constexpr int64_t kFixtureMs = 1714566615000;
constexpr const char* kQueryPut =
    "QWN0aW9uPVB1dE1ldHJpY0RhdGEmVmVyc2lvbj0yMDEwLTA4LTAxJk5hbWVzcGFjZT1BcHAlMkZXZWImTWV0cmljRGF0"
    "YS5tZW1iZXIuMS5NZXRyaWNOYW1lPUxhdGVuY3kmTWV0cmljRGF0YS5tZW1iZXIuMS5UaW1lc3RhbXA9MjAyNC0wNS0w"
    "MVQxMiUzQTMwJTNBMTVaJk1ldHJpY0RhdGEubWVtYmVyLjEuVW5pdD1NaWxsaXNlY29uZHMmTWV0cmljRGF0YS5tZW1i"
    "ZXIuMS5EaW1lbnNpb25zLm1lbWJlci4xLk5hbWU9U2VydmljZSZNZXRyaWNEYXRhLm1lbWJlci4xLkRpbWVuc2lvbnMu"
    "bWVtYmVyLjEuVmFsdWU9YXBpJk1ldHJpY0RhdGEubWVtYmVyLjEuRGltZW5zaW9ucy5tZW1iZXIuMi5OYW1lPVN0YWdl"
    "Jk1ldHJpY0RhdGEubWVtYmVyLjEuRGltZW5zaW9ucy5tZW1iZXIuMi5WYWx1ZT1wcm9kJk1ldHJpY0RhdGEubWVtYmVy"
    "LjEuVmFsdWVzLm1lbWJlci4xPTEuNSZNZXRyaWNEYXRhLm1lbWJlci4xLlZhbHVlcy5tZW1iZXIuMj0yLjAmTWV0cmlj"
    "RGF0YS5tZW1iZXIuMS5WYWx1ZXMubWVtYmVyLjM9MjUwLjI1Jk1ldHJpY0RhdGEubWVtYmVyLjEuQ291bnRzLm1lbWJl"
    "ci4xPTMuMCZNZXRyaWNEYXRhLm1lbWJlci4xLkNvdW50cy5tZW1iZXIuMj0xLjAmTWV0cmljRGF0YS5tZW1iZXIuMS5D"
    "b3VudHMubWVtYmVyLjM9MS4wJk1ldHJpY0RhdGEubWVtYmVyLjIuTWV0cmljTmFtZT1FcnJvcnMmTWV0cmljRGF0YS5t"
    "ZW1iZXIuMi5WYWx1ZT0wLjI1Jk1ldHJpY0RhdGEubWVtYmVyLjIuU3RvcmFnZVJlc29sdXRpb249MSZNZXRyaWNEYXRh"
    "Lm1lbWJlci4yLlVuaXQ9Q291bnQ=";
constexpr const char* kCborPut =
    "omlOYW1lc3BhY2VnQXBwL1dlYmpNZXRyaWNEYXRhgqZqTWV0cmljTmFtZWdMYXRlbmN5aVRpbWVzdGFtcMEaZjI112RV"
    "bml0bE1pbGxpc2Vjb25kc2pEaW1lbnNpb25zgqJkTmFtZWdTZXJ2aWNlZVZhbHVlY2FwaaJkTmFtZWVTdGFnZWVWYWx1"
    "ZWRwcm9kZlZhbHVlc4P7P/gAAAAAAAD7QAAAAAAAAAD7QG9IAAAAAABmQ291bnRzg/tACAAAAAAAAPs/8AAAAAAAAPs/"
    "8AAAAAAAAKRqTWV0cmljTmFtZWZFcnJvcnNlVmFsdWX7P9AAAAAAAABxU3RvcmFnZVJlc29sdXRpb24BZFVuaXRlQ291"
    "bnQ=";
// The same request as boto3 1.43 sends it in awsJson1.0.
constexpr const char* kJsonPut =
    R"({"Namespace": "App/Web", "MetricData": [{"MetricName": "Latency", "Timestamp": 1714566615,
    "Unit": "Milliseconds", "Dimensions": [{"Name": "Service", "Value": "api"}, {"Name": "Stage",
    "Value": "prod"}], "Values": [1.5, 2.0, 250.25], "Counts": [3.0, 1.0, 1.0]}, {"MetricName":
    "Errors", "Value": 0.25, "StorageResolution": 1, "Unit": "Count"}]})";
constexpr const char* kQueryGet =
    "QWN0aW9uPUdldE1ldHJpY1N0YXRpc3RpY3MmVmVyc2lvbj0yMDEwLTA4LTAxJk5hbWVzcGFjZT1BcHAlMkZXZWImTWV0"
    "cmljTmFtZT1MYXRlbmN5JkRpbWVuc2lvbnMubWVtYmVyLjEuTmFtZT1TZXJ2aWNlJkRpbWVuc2lvbnMubWVtYmVyLjEu"
    "VmFsdWU9YXBpJlN0YXJ0VGltZT0yMDI0LTA1LTAxVDEyJTNBMzAlM0ExNVomRW5kVGltZT0yMDI0LTA1LTAxVDEzJTNB"
    "MzAlM0ExNVomUGVyaW9kPTMwMCZTdGF0aXN0aWNzLm1lbWJlci4xPUF2ZXJhZ2UmU3RhdGlzdGljcy5tZW1iZXIuMj1N"
    "YXhpbXVtJlN0YXRpc3RpY3MubWVtYmVyLjM9U2FtcGxlQ291bnQ=";
constexpr const char* kCborGet =
    "p2lOYW1lc3BhY2VnQXBwL1dlYmpNZXRyaWNOYW1lZ0xhdGVuY3lqRGltZW5zaW9uc4GiZE5hbWVnU2VydmljZWVWYWx1"
    "ZWNhcGlpU3RhcnRUaW1lwRpmMjXXZ0VuZFRpbWXBGmYyQ+dmUGVyaW9kGQEsalN0YXRpc3RpY3ODZ0F2ZXJhZ2VnTWF4"
    "aW11bWtTYW1wbGVDb3VudA==";

json QueryInput(std::string_view form) {
  auto parsed = api::ParseQueryRequest(form, "");
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? parsed->params : json::object();
}

json QueryInputFromBase64(const char* body) { return QueryInput(*Base64Decode(body)); }

json CborInput(const char* body) {
  auto decoded = api::DecodeCborInput(*Base64Decode(body));
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : decoded.error().message);
  return decoded.ok() ? *decoded : json::object();
}

// The same request in each protocol's input form.
struct Spelled {
  Protocol protocol;
  json input;
};

// A PutMetricData with one datum's members in JSON form (`datum`), spelled as the query
// codec and the CBOR codec would hand it over.
std::vector<Spelled> EachProtocol(const json& json_input) {
  // Query: every scalar becomes a string, lists stay lists.
  std::function<json(const json&)> stringify = [&](const json& v) -> json {
    if (v.is_object()) {
      json out = json::object();
      for (const auto& [k, m] : v.items()) {
        bool time = k == "Timestamp" || k == "StartTime" || k == "EndTime";
        out[k] = time && m.is_number() ? json(FormatIso8601(m.get<int64_t>())) : stringify(m);
      }
      return out;
    }
    if (v.is_array()) {
      json out = json::array();
      for (const auto& m : v) out.push_back(stringify(m));
      return out;
    }
    if (v.is_string()) return v;
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_float()) return FormatValue(v.get<double>());
    return v.dump();
  };
  json cbor = json::from_cbor(json::to_cbor(json_input));
  return {{Protocol::kAwsQuery, stringify(json_input)},
          {Protocol::kAwsJson10, json_input},
          {Protocol::kRpcV2Cbor, cbor}};
}

Error PutError(const json& datum, Protocol protocol = Protocol::kAwsJson10,
               int64_t now_ms = kFixtureMs) {
  json input = {{"Namespace", "App"}, {"MetricData", json::array({datum})}};
  for (const Spelled& s : EachProtocol(input)) {
    if (s.protocol != protocol) continue;
    auto read = ReadPutMetricData(InputReader(protocol), s.input, now_ms);
    EXPECT_FALSE(read.ok()) << datum.dump();
    if (!read.ok()) return read.error();
  }
  return {};
}

TEST(MetricsInput, ReadersAgreeAcrossProtocols) {
  json query = {{"N", "1.5"}, {"I", "60"}, {"B", "true"}, {"T", "2024-05-01T12:30:15.250Z"},
                {"L", ""}, {"Nan", "nan"}, {"Inf", "Infinity"}};
  json json_in = {{"N", 1.5},         {"I", 60},     {"B", true}, {"T", 1714566615.25},
                  {"L", json::array()}, {"Nan", "NaN"}, {"Inf", "Infinity"}};
  json cbor = json::from_cbor(json::to_cbor(json_in));
  for (auto [protocol, in] : {std::pair{Protocol::kAwsQuery, query},
                              std::pair{Protocol::kAwsJson10, json_in},
                              std::pair{Protocol::kRpcV2Cbor, cbor}}) {
    InputReader r(protocol);
    EXPECT_EQ(**r.Number(in, "N", "N"), 1.5);
    EXPECT_EQ(**r.Integer(in, "I", "I"), 60);
    EXPECT_EQ(**r.Bool(in, "B", "B"), true);
    EXPECT_EQ(**r.TimestampMs(in, "T", "T"), 1714566615250);
    EXPECT_TRUE(r.List(in, "L", "L")->empty());
    EXPECT_TRUE(std::isnan(**r.Number(in, "Nan", "Nan")));
    EXPECT_TRUE(std::isinf(**r.Number(in, "Inf", "Inf")));
    EXPECT_FALSE(r.Number(in, "Absent", "Absent")->has_value());
  }
}

TEST(MetricsInput, WrongTypesAreInvalidParameterValue) {
  InputReader query(Protocol::kAwsQuery);
  json in = {{"N", "1.5x"}, {"I", "6.5"}, {"B", "yes"}, {"T", "yesterday"}, {"L", "x"}};
  auto code = [](const auto& result) { return result.ok() ? "" : result.error().code; };
  EXPECT_EQ(code(query.Number(in, "N", "N")), "InvalidParameterValue");
  EXPECT_EQ(code(query.Integer(in, "I", "I")), "InvalidParameterValue");
  EXPECT_EQ(code(query.Bool(in, "B", "B")), "InvalidParameterValue");
  EXPECT_EQ(code(query.TimestampMs(in, "T", "T")), "InvalidParameterValue");
  EXPECT_EQ(code(query.List(in, "L", "L")), "InvalidParameterValue");
  auto bad = query.Number(in, "N", "MetricData.member.1.Value");
  EXPECT_EQ(bad.error().message, "The value 1.5x for parameter MetricData.member.1.Value is invalid.");
  InputReader js(Protocol::kAwsJson10);
  json typed = {{"S", 5}, {"I", 1.5}, {"B", "true"}, {"T", "soon"}, {"L", {{"a", 1}}}};
  EXPECT_FALSE(js.String(typed, "S", "S").ok());
  EXPECT_FALSE(js.Integer(typed, "I", "I").ok());
  EXPECT_FALSE(js.Bool(typed, "B", "B").ok());  // only query spells booleans as text
  EXPECT_FALSE(js.TimestampMs(typed, "T", "T").ok());
  EXPECT_FALSE(js.List(typed, "L", "L").ok());
  EXPECT_FALSE(js.TimestampMs(json{{"T", 1e300}}, "T", "T").ok());
}

TEST(PutMetricData, BotocoreBodiesReadTheSameInEveryProtocol) {
  json from_query = QueryInputFromBase64(kQueryPut);
  json from_cbor = CborInput(kCborPut);
  json from_json = json::parse(kJsonPut);
  std::vector<std::vector<MetricDatumInput>> read;
  for (auto [protocol, in] : {std::pair{Protocol::kAwsQuery, from_query},
                              std::pair{Protocol::kAwsJson10, from_json},
                              std::pair{Protocol::kRpcV2Cbor, from_cbor}}) {
    auto data = ReadPutMetricData(InputReader(protocol), in, kFixtureMs);
    ASSERT_TRUE(data.ok()) << data.error().message;
    read.push_back(std::move(*data));
  }
  for (const auto& data : read) {
    ASSERT_EQ(data.size(), 2u);
    const MetricDatumInput& latency = data[0];
    EXPECT_EQ(latency.series.name_space, "App/Web");
    EXPECT_EQ(latency.series.metric, "Latency");
    EXPECT_EQ(latency.series.unit, "Milliseconds");
    ASSERT_EQ(latency.series.dimensions.size(), 2u);
    EXPECT_EQ(latency.series.dimensions[1].first, "Stage");
    EXPECT_EQ(latency.time_ms, kFixtureMs);
    EXPECT_FALSE(latency.high_resolution);
    ASSERT_EQ(latency.values.size(), 3u);
    EXPECT_EQ(latency.values[0], (std::pair<double, double>{1.5, 3.0}));
    EXPECT_EQ(latency.values[2], (std::pair<double, double>{250.25, 1.0}));
    const MetricDatumInput& errors = data[1];
    EXPECT_EQ(errors.series.unit, "Count");
    EXPECT_TRUE(errors.high_resolution);
    EXPECT_EQ(errors.time_ms, kFixtureMs);  // no Timestamp: now
    ASSERT_EQ(errors.values.size(), 1u);
    EXPECT_EQ(errors.values[0].first, 0.25);
  }
}

TEST(PutMetricData, RefusesWhatCloudWatchRefuses) {
  json ok = {{"MetricName", "M"}, {"Value", 1}};
  for (Protocol p : {Protocol::kAwsQuery, Protocol::kAwsJson10, Protocol::kRpcV2Cbor}) {
    json input = {{"Namespace", "App"}, {"MetricData", json::array({ok})}};
    for (const Spelled& s : EachProtocol(input)) {
      if (s.protocol == p) {
        auto read = ReadPutMetricData(InputReader(p), s.input, kFixtureMs);
        EXPECT_TRUE(read.ok()) << read.error().message;
      }
    }
  }
  struct Case {
    json datum;
    std::string code;
    std::string message;
  };
  json dims = json::array();
  for (int i = 0; i < 31; ++i) {
    dims.push_back({{"Name", "d" + std::to_string(i)}, {"Value", "v"}});
  }
  json values = json::array();
  for (int i = 0; i < 151; ++i) values.push_back(i);
  const std::vector<Case> cases = {
      {{{"MetricName", "M"}, {"Value", std::nan("")}}, "InvalidParameterValue",
       "The value NaN for parameter MetricData.member.1.Value is invalid."},
      {{{"MetricName", "M"}, {"Value", HUGE_VAL}}, "InvalidParameterValue",
       "The value Infinity for parameter MetricData.member.1.Value is invalid."},
      {{{"MetricName", "M"}, {"Value", -HUGE_VAL}}, "InvalidParameterValue",
       "The value -Infinity for parameter MetricData.member.1.Value is invalid."},
      {{{"MetricName", "M"}, {"Value", std::ldexp(1.0, 361)}}, "InvalidParameterValue", ""},
      {{{"MetricName", "M"}, {"Value", 1}, {"Timestamp", (kFixtureMs - 15LL * 86400000) / 1000}},
       "InvalidParameterValue",
       "The parameter MetricData.member.1.Timestamp must specify a time within the past two "
       "weeks."},
      {{{"MetricName", "M"}, {"Value", 1}, {"Timestamp", (kFixtureMs + 3 * 3600000) / 1000}},
       "InvalidParameterValue", ""},
      {{{"MetricName", "M"}, {"Value", 1}, {"StorageResolution", 30}}, "InvalidParameterValue",
       "The parameter MetricData.member.1.StorageResolution must be a value in the set [ 1, 60 "
       "]."},
      {{{"MetricName", "M"}, {"Value", 1}, {"Unit", "Furlongs"}}, "InvalidParameterValue", ""},
      {{{"MetricName", "M"}, {"Value", 1}, {"Dimensions", dims}}, "InvalidParameterValue",
       "The collection MetricData.member.1.Dimensions must not have a size greater than 30."},
      {{{"MetricName", "M"}, {"Values", values}}, "InvalidParameterValue",
       "The collection MetricData.member.1.Values must not have a size greater than 150."},
      {{{"MetricName", "M"}, {"Values", {1, 2}}, {"Counts", {1}}}, "InvalidParameterValue", ""},
      {{{"MetricName", "M"}, {"Values", {1, std::nan("")}}}, "InvalidParameterValue",
       "The value NaN for parameter MetricData.member.1.Values.member.2 is invalid."},
      {{{"MetricName", "M"}, {"Values", {1}}, {"Counts", {-1}}}, "InvalidParameterValue", ""},
      {{{"MetricName", "M"}}, "InvalidParameterCombination",
       "At least one of the parameters MetricData.member.1.Value and "
       "MetricData.member.1.StatisticValues must be specified."},
      {{{"MetricName", "M"},
        {"Value", 1},
        {"StatisticValues", {{"SampleCount", 1}, {"Sum", 1}, {"Minimum", 1}, {"Maximum", 1}}}},
       "InvalidParameterCombination",
       "The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues are "
       "mutually exclusive and you have specified both."},
      {{{"MetricName", "M"}, {"StatisticValues", {{"SampleCount", 1}, {"Sum", 1}, {"Minimum", 1}}}},
       "MissingParameter", "The parameter MetricData.member.1.StatisticValues.Maximum is required."},
      {{{"MetricName", "M"},
        {"StatisticValues", {{"SampleCount", 0}, {"Sum", 1}, {"Minimum", 1}, {"Maximum", 1}}}},
       "InvalidParameterValue", ""},
      {{{"MetricName", "M"},
        {"StatisticValues", {{"SampleCount", 2}, {"Sum", 1}, {"Minimum", 3}, {"Maximum", 1}}}},
       "InvalidParameterValue", ""},
      {{{"Value", 1}}, "MissingParameter", "The parameter MetricData.member.1.MetricName is required."},
      {{{"MetricName", "M"}, {"Value", 1}, {"Dimensions", {{{"Name", "a"}}}}}, "MissingParameter",
       "The parameter MetricData.member.1.Dimensions.member.1.Value is required."},
      {{{"MetricName", "M"},
        {"Value", 1},
        {"Dimensions", {{{"Name", "a"}, {"Value", "1"}}, {{"Name", "a"}, {"Value", "2"}}}}},
       "InvalidParameterValue", ""},
  };
  for (const Case& c : cases) {
    for (Protocol p : {Protocol::kAwsQuery, Protocol::kAwsJson10, Protocol::kRpcV2Cbor}) {
      Error e = PutError(c.datum, p);
      EXPECT_EQ(e.code, c.code) << c.datum.dump() << " " << static_cast<int>(p);
      if (!c.message.empty()) {
        EXPECT_EQ(e.message, c.message) << static_cast<int>(p);
      }
    }
  }
}

TEST(PutMetricData, RefusesTheRequestAsAWhole) {
  InputReader r(Protocol::kAwsJson10);
  json datum = {{"MetricName", "M"}, {"Value", 1}};
  auto missing = ReadPutMetricData(r, {{"MetricData", {datum}}}, kFixtureMs);
  EXPECT_EQ(missing.error().message, "The parameter Namespace is required.");
  auto reserved = ReadPutMetricData(r, {{"Namespace", "AWS/EC2"}, {"MetricData", {datum}}}, kFixtureMs);
  EXPECT_EQ(reserved.error().code, "InvalidParameterValue");
  EXPECT_EQ(reserved.error().message, "The value AWS/ for parameter Namespace is invalid.");
  auto none = ReadPutMetricData(r, {{"Namespace", "App"}}, kFixtureMs);
  EXPECT_EQ(none.error().code, "MissingParameter");
  json many = json::array();
  for (int i = 0; i < 1001; ++i) many.push_back(datum);
  auto too_many = ReadPutMetricData(r, {{"Namespace", "App"}, {"MetricData", many}}, kFixtureMs);
  EXPECT_EQ(too_many.error().message,
            "The collection MetricData must not have a size greater than 1000.");
  // One bad datum anywhere refuses the whole request (nothing is half-stored).
  json mixed = json::array({datum, datum, {{"MetricName", "M"}, {"Value", "NaN"}}});
  auto bad = ReadPutMetricData(r, {{"Namespace", "App"}, {"MetricData", mixed}}, kFixtureMs);
  EXPECT_EQ(bad.error().message, "The value NaN for parameter MetricData.member.3.Value is invalid.");
}

TEST(GetMetricStatistics, BotocoreBodiesReadTheSameInEveryProtocol) {
  int64_t now_ms = kFixtureMs + 3600 * 1000;
  for (auto [protocol, in] : {std::pair{Protocol::kAwsQuery, QueryInputFromBase64(kQueryGet)},
                              std::pair{Protocol::kRpcV2Cbor, CborInput(kCborGet)}}) {
    auto q = ReadGetMetricStatistics(InputReader(protocol), in, now_ms);
    ASSERT_TRUE(q.ok()) << q.error().message;
    EXPECT_EQ(q->series.name_space, "App/Web");
    EXPECT_EQ(q->series.unit, "");
    EXPECT_EQ(q->period_s, 300);
    EXPECT_EQ(q->start_s, 1714566600);  // rounded down to the minute
    EXPECT_EQ(q->end_s, 1714570215);
    EXPECT_EQ(q->statistics, (std::vector<std::string>{"Average", "Maximum", "SampleCount"}));
  }
}

Error GetError(json input, int64_t now_ms = kFixtureMs) {
  json base = {{"Namespace", "App"},          {"MetricName", "M"},
               {"StartTime", 1714560000},     {"EndTime", 1714563600},
               {"Period", 60},                {"Statistics", {"Sum"}}};
  for (const auto& [k, v] : input.items()) {
    if (v.is_null()) {
      base.erase(k);
    } else {
      base[k] = v;
    }
  }
  for (const Spelled& s : EachProtocol(base)) {
    auto q = ReadGetMetricStatistics(InputReader(s.protocol), s.input, now_ms);
    EXPECT_FALSE(q.ok()) << input.dump() << " " << static_cast<int>(s.protocol);
    if (q.ok()) return {};
    if (s.protocol == Protocol::kRpcV2Cbor) return q.error();
  }
  return {};
}

TEST(GetMetricStatistics, RefusesWhatCloudWatchRefuses) {
  Error too_many = GetError({{"StartTime", 1714480000}, {"EndTime", 1714566400}, {"Period", 1}});
  EXPECT_EQ(too_many.code, "InvalidParameterCombination");
  EXPECT_EQ(too_many.message,
            "You have requested up to 86400 datapoints, which exceeds the limit of 1440. You may "
            "reduce the datapoints requested by increasing Period, or decreasing the time range.");
  EXPECT_EQ(GetError({{"Period", 45}}).code, "InvalidParameterValue");
  EXPECT_EQ(GetError({{"Period", 0}}).code, "InvalidParameterValue");
  EXPECT_EQ(GetError({{"Period", -60}}).code, "InvalidParameterValue");
  EXPECT_EQ(GetError({{"Period", nullptr}}).message, "The parameter Period is required.");
  EXPECT_EQ(GetError({{"StartTime", nullptr}}).code, "MissingParameter");
  EXPECT_EQ(GetError({{"EndTime", 1714560000}}).message,
            "The parameter StartTime must not equal parameter EndTime.");
  EXPECT_EQ(GetError({{"EndTime", 1714550000}}).code, "InvalidParameterValue");
  EXPECT_EQ(GetError({{"ExtendedStatistics", {"p99"}}}).code, "InvalidParameterCombination");
  EXPECT_EQ(GetError({{"Statistics", nullptr}}).code, "MissingParameter");
  EXPECT_EQ(GetError({{"Statistics", {"Median"}}}).message,
            "The parameter Statistics.member.1 must be a value in the set [ SampleCount, "
            "Average, Sum, Minimum, Maximum ].");
  EXPECT_EQ(GetError({{"Statistics", nullptr}, {"ExtendedStatistics", {"p101"}}}).message,
            "The value p101 for parameter ExtendedStatistics.member.1 is invalid.");
  EXPECT_EQ(GetError({{"Unit", "Parsecs"}}).code, "InvalidParameterValue");
  EXPECT_EQ(GetError({{"Namespace", nullptr}}).message, "The parameter Namespace is required.");
}

TEST(GetMetricStatistics, StartTimeRoundsByAge) {
  int64_t now = 1714566615;
  EXPECT_EQ(RoundStartTime(now - 100, 60, now), (now - 100) / 60 * 60);
  EXPECT_EQ(RoundStartTime(now - 100, 10, now), (now - 100) / 10 * 10);
  int64_t old = now - 20 * 86400 - 17;
  EXPECT_EQ(RoundStartTime(old, 60, now), old / 300 * 300);
  int64_t older = now - 70 * 86400 - 17;
  EXPECT_EQ(RoundStartTime(older, 60, now), older / 3600 * 3600);
  EXPECT_EQ(DatapointsRequested(0, 86400'000, 60), 1440);
  EXPECT_EQ(DatapointsRequested(0, 86400'001, 60), 1441);
  EXPECT_EQ(DatapointsRequested(500, 86400'500, 1), 86400);
  EXPECT_TRUE(CheckPeriod(30, "Period").ok());
  EXPECT_TRUE(CheckPeriod(120, "Period").ok());
  EXPECT_FALSE(CheckPeriod(90, "Period").ok());
}

// The Datapoints as each protocol renders them (golden bodies).
TEST(GetMetricStatistics, RendersInEachProtocol) {
  StatisticsQuery q;
  q.statistics = {"Sum", "SampleCount"};
  q.extended_statistics = {};
  PeriodPoint p;
  p.start_s = 1714566600;
  p.point.Add(1.5, 3);
  p.point.Add(250.25);
  std::vector<PeriodPoint> points = {p};
  for (Protocol protocol : {Protocol::kAwsQuery, Protocol::kAwsJson10, Protocol::kRpcV2Cbor}) {
    json out = {{"Label", "Latency"},
                {"Datapoints", RenderDatapoints(
                                   q, points, "Milliseconds",
                                   [&](int64_t ms) { return OutputTimestamp(protocol, ms); },
                                   [&](json o) { return OutputMap(protocol, std::move(o)); })}};
    api::Service service;
    service.name = "monitoring";
    service.protocol = Protocol::kAwsJson10;
    service.target_prefix = "GraniteServiceVersion20100801.";
    service.xml_namespace = "http://monitoring.amazonaws.com/doc/2010-08-01/";
    http::Response r = api::RenderServiceOutput(service, protocol, "GetMetricStatistics",
                                                api::Output::Document(out), "rid");
    EXPECT_EQ(r.status, 200);
    if (protocol == Protocol::kAwsQuery) {
      EXPECT_EQ(r.body,
                "<GetMetricStatisticsResponse xmlns=\"http://monitoring.amazonaws.com/doc/"
                "2010-08-01/\"><GetMetricStatisticsResult><Datapoints><member><SampleCount>4.0"
                "</SampleCount><Sum>254.75</Sum><Timestamp>2024-05-01T12:30:00Z</Timestamp><Unit>"
                "Milliseconds</Unit></member></Datapoints><Label>Latency</Label>"
                "</GetMetricStatisticsResult><ResponseMetadata><RequestId>rid</RequestId>"
                "</ResponseMetadata></GetMetricStatisticsResponse>");
    } else if (protocol == Protocol::kAwsJson10) {
      EXPECT_EQ(*r.headers.Get("Content-Type"), "application/x-amz-json-1.0");
      EXPECT_EQ(r.body,
                R"({"Datapoints":[{"SampleCount":4.0,"Sum":254.75,"Timestamp":1714566600,)"
                R"("Unit":"Milliseconds"}],"Label":"Latency"})");
    } else {
      EXPECT_EQ(*r.headers.Get("smithy-protocol"), "rpc-v2-cbor");
      EXPECT_EQ(*r.headers.Get("Content-Type"), "application/cbor");
      // Timestamp: tag 1 over a double.
      std::string ts = "\x69Timestamp\xc1\xfb";
      EXPECT_NE(r.body.find(ts), std::string::npos);
      json back = *api::DecodeCborInput(r.body);
      EXPECT_EQ(back["Datapoints"][0]["Sum"], 254.75);
      EXPECT_EQ(back["Datapoints"][0]["Timestamp"], 1714566600.0);
    }
  }
}

TEST(GetMetricStatistics, ExtendedStatisticsAreAMap) {
  StatisticsQuery q;
  q.extended_statistics = {"p50", "p99.9"};
  PeriodPoint p;
  p.start_s = 60;
  for (int i = 1; i <= 100; ++i) p.point.Add(i);
  auto render = [&](Protocol protocol) {
    return RenderDatapoints(
        q, {p}, "None", [&](int64_t ms) { return OutputTimestamp(protocol, ms); },
        [&](json o) { return OutputMap(protocol, std::move(o)); });
  };
  api::Service service;
  service.xml_namespace = "x";
  http::Response xml = api::RenderServiceOutput(service, Protocol::kAwsQuery, "GetMetricStatistics",
                                                api::Output::Document(render(Protocol::kAwsQuery)),
                                                "r");
  EXPECT_NE(xml.body.find("<ExtendedStatistics><entry><key>p50</key><value>"), std::string::npos)
      << xml.body;
  json plain = render(Protocol::kAwsJson10);
  EXPECT_NEAR(plain[0]["ExtendedStatistics"]["p50"].get<double>(), 50, 1);
  EXPECT_NEAR(plain[0]["ExtendedStatistics"]["p99.9"].get<double>(), 100, 1.5);
  EXPECT_FALSE(plain[0].contains("Sum"));
}

TEST(ListMetrics, ReadsFiltersAndTokens) {
  InputReader query(Protocol::kAwsQuery);
  json in = QueryInput(
      "Action=ListMetrics&Namespace=App&Dimensions.member.1.Name=Service&"
      "Dimensions.member.2.Name=Stage&Dimensions.member.2.Value=prod&RecentlyActive=PT3H");
  auto listing = ReadListMetrics(query, in);
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  EXPECT_TRUE(listing->recently_active);
  SeriesKey both{"App", "M", "None", {{"Service", "api"}, {"Stage", "prod"}, {"Zone", "a"}}};
  SeriesKey other_stage{"App", "M", "None", {{"Service", "api"}, {"Stage", "dev"}}};
  SeriesKey no_service{"App", "M", "None", {{"Stage", "prod"}}};
  EXPECT_TRUE(MatchesDimensionFilters(both, *listing));
  EXPECT_FALSE(MatchesDimensionFilters(other_stage, *listing));
  EXPECT_FALSE(MatchesDimensionFilters(no_service, *listing));

  EXPECT_EQ(ParseListMetricsToken(ListMetricsToken(42)), 42);
  EXPECT_FALSE(ParseListMetricsToken("garbage").has_value());
  EXPECT_FALSE(ParseListMetricsToken(Base64Encode(std::string("evoke-metrics:-1"))).has_value());
  auto bad_token = ReadListMetrics(query, QueryInput("Action=ListMetrics&NextToken=nope"));
  EXPECT_EQ(bad_token.error().code, "InvalidParameterValue");
  auto bad_recent = ReadListMetrics(query, QueryInput("Action=ListMetrics&RecentlyActive=PT1H"));
  EXPECT_EQ(bad_recent.error().code, "InvalidParameterValue");
  json eleven = json::array();
  for (int i = 0; i < 11; ++i) eleven.push_back({{"Name", "n" + std::to_string(i)}});
  auto too_many = ReadListMetrics(InputReader(Protocol::kAwsJson10), {{"Dimensions", eleven}});
  EXPECT_EQ(too_many.error().message,
            "The collection Dimensions must not have a size greater than 10.");
}

// The operations over a real MetricStore: a value just put is answered at once (Flush), in
// every protocol, and listed.
class MetricsOperationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.Open().ok());
    metrics_ = std::make_unique<MetricStore>(store_.view().txns, store_.view().metrics, clock_);
  }
  void TearDown() override {
    metrics_.reset();
  }

  Result<json> Run(MetricsOperation op, Protocol protocol, const json& input) {
    MetricsContext ctx{options_, *metrics_, InputReader(protocol), input};
    return RunToCompletion(op, ctx);
  }

  FakeClock clock_{kFixtureMs + 60'000};
  MetricsOptions options_{"us-east-1", "123456789012"};
  store::sqlite::TempStore store_{clock_, "metrics-api"};
  std::unique_ptr<MetricStore> metrics_;
};

TEST_F(MetricsOperationsTest, PutThenGetAndListInEveryProtocol) {
  auto put = Run(PutMetricData, Protocol::kAwsQuery, QueryInputFromBase64(kQueryPut));
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_TRUE(put->is_null());

  json get = {{"Namespace", "App/Web"},
              {"MetricName", "Latency"},
              {"Dimensions", {{{"Name", "Stage"}, {"Value", "prod"}},
                              {{"Name", "Service"}, {"Value", "api"}}}},
              {"StartTime", 1714566000},
              {"EndTime", 1714567200},
              {"Period", 300},
              {"Statistics", {"SampleCount", "Sum", "Maximum"}}};
  for (const Spelled& s : EachProtocol(get)) {
    auto out = Run(GetMetricStatistics, s.protocol, s.input);
    ASSERT_TRUE(out.ok()) << out.error().message;
    ASSERT_EQ((*out)["Datapoints"].size(), 1u) << out->dump();
    const json& dp = (*out)["Datapoints"][0];
    EXPECT_EQ(dp["SampleCount"], 5.0);
    EXPECT_EQ(dp["Sum"], 1.5 * 3 + 2.0 + 250.25);
    EXPECT_EQ(dp["Maximum"], 250.25);
    EXPECT_EQ(dp["Unit"], "Milliseconds");
    EXPECT_EQ((*out)["Label"], "Latency");
  }
  // Unit is a filter, never a conversion.
  json seconds = get;
  seconds["Unit"] = "Seconds";
  auto filtered = Run(GetMetricStatistics, Protocol::kAwsJson10, seconds);
  ASSERT_TRUE(filtered.ok());
  EXPECT_TRUE((*filtered)["Datapoints"].empty());

  auto listed = Run(ListMetrics, Protocol::kAwsJson10, {{"Namespace", "App/Web"}});
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ((*listed)["Metrics"].size(), 2u) << listed->dump();
  EXPECT_FALSE(listed->contains("NextToken"));
  auto by_dimension = Run(ListMetrics, Protocol::kAwsQuery,
                          QueryInput("Action=ListMetrics&Dimensions.member.1.Name=Stage"));
  ASSERT_TRUE(by_dimension.ok());
  ASSERT_EQ((*by_dimension)["Metrics"].size(), 1u);
  EXPECT_EQ((*by_dimension)["Metrics"][0]["MetricName"], "Latency");
}

TEST_F(MetricsOperationsTest, ABadRequestRecordsNothing) {
  json input = {{"Namespace", "App"},
                {"MetricData", {{{"MetricName", "Good"}, {"Value", 1}},
                                {{"MetricName", "Bad"}, {"Value", "Infinity"}}}}};
  auto put = Run(PutMetricData, Protocol::kAwsJson10, input);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().message,
            "The value Infinity for parameter MetricData.member.2.Value is invalid.");
  auto listed = Run(ListMetrics, Protocol::kAwsJson10, json::object());
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE((*listed)["Metrics"].empty());
}

TEST_F(MetricsOperationsTest, ListMetricsPages) {
  for (int i = 0; i < 520; ++i) {
    metrics_->RecordValue(SeriesKey{"App", "M" + std::to_string(i), "Count", {}}, 1, 1,
                          kFixtureMs, false);
  }
  auto first = Run(ListMetrics, Protocol::kAwsJson10, {{"Namespace", "App"}});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)["Metrics"].size(), 500u);
  ASSERT_TRUE(first->contains("NextToken"));
  auto second = Run(ListMetrics, Protocol::kAwsJson10,
                    {{"Namespace", "App"}, {"NextToken", (*first)["NextToken"]}});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)["Metrics"].size(), 20u);
  EXPECT_FALSE(second->contains("NextToken"));
}

// Errors as each protocol spells them: the query code in XML; the shape name as __type with
// x-amzn-query-error in JSON and CBOR.
TEST_F(MetricsOperationsTest, ErrorsInEachProtocol) {
  api::Service service = MakeMetricsTable(options_, *metrics_);
  Error e = MakeError("InvalidParameterValue", "The value NaN for parameter X is invalid.");
  http::Response q = api::RenderServiceError(service, Protocol::kAwsQuery, e, "rid");
  EXPECT_EQ(q.status, 400);
  EXPECT_EQ(q.body,
            "<ErrorResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><Error>"
            "<Type>Sender</Type><Code>InvalidParameterValue</Code><Message>The value NaN for "
            "parameter X is invalid.</Message></Error><RequestId>rid</RequestId></ErrorResponse>");
  http::Response j = api::RenderServiceError(service, Protocol::kAwsJson10, e, "rid");
  EXPECT_EQ(j.status, 400);
  EXPECT_EQ(*j.headers.Get("x-amzn-query-error"), "InvalidParameterValue;Sender");
  EXPECT_EQ(json::parse(j.body)["__type"], "InvalidParameterValueException");
  EXPECT_EQ(*j.headers.Get("Content-Type"), "application/x-amz-json-1.0");
  http::Response c = api::RenderServiceError(service, Protocol::kRpcV2Cbor, e, "rid");
  EXPECT_EQ(c.status, 400);
  EXPECT_EQ(*c.headers.Get("x-amzn-query-error"), "InvalidParameterValue;Sender");
  EXPECT_EQ(*c.headers.Get("smithy-protocol"), "rpc-v2-cbor");
  EXPECT_EQ(json::from_cbor(c.body)["__type"], "InvalidParameterValueException");
  // A failure the table does not know is the service's internal error, 500, Receiver.
  http::Response internal =
      api::RenderServiceError(service, Protocol::kAwsJson10, MakeError("Oops", "detail"), "r");
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(*internal.headers.Get("x-amzn-query-error"), "InternalServiceError;Receiver");
  EXPECT_EQ(json::parse(internal.body)["__type"], "InternalServiceFault");
  EXPECT_EQ(service.StatusOf("RequestEntityTooLarge"), 413);
}

TEST_F(MetricsOperationsTest, ChoosesTheProtocolPerRequest) {
  api::Service service = MakeMetricsTable(options_, *metrics_);
  http::Request cbor;
  cbor.method = "POST";
  cbor.path = "/service/GraniteServiceVersion20100801/operation/ListMetrics";
  EXPECT_EQ(api::RequestProtocol(service, cbor), Protocol::kRpcV2Cbor);
  http::Request json_request;
  json_request.method = "POST";
  json_request.path = "/";
  json_request.headers.Add("X-Amz-Target", "GraniteServiceVersion20100801.ListMetrics");
  EXPECT_EQ(api::RequestProtocol(service, json_request), Protocol::kAwsJson10);
  http::Request form;
  form.method = "POST";
  form.path = "/";
  form.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(api::RequestProtocol(service, form), Protocol::kAwsQuery);
  http::Request get;
  get.method = "GET";
  get.path = "/";
  get.raw_query = "Action=ListMetrics";
  get.query = *http::Query::Parse(get.raw_query);
  EXPECT_EQ(api::RequestProtocol(service, get), Protocol::kAwsQuery);
  // A service of one protocol keeps it whatever the request looks like.
  api::Service logs;
  logs.protocol = Protocol::kAwsJson11;
  EXPECT_EQ(api::RequestProtocol(logs, form), Protocol::kAwsJson11);
}

}  // namespace
}  // namespace evoke::observe
