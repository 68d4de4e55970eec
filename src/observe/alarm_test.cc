// Metric alarms: the pure evaluation (M of N, TreatMissingData, the comparison operators, the
// reasons), PutMetricAlarm's validation, and the operations and the evaluator over a real store
// and MetricStore, with a fake queue standing for the dispatcher.
#include <gtest/gtest.h>

#include <filesystem>

#include "base/asio.h"
#include "base/clock.h"
#include "base/ids.h"
#include "observe/alarm_evaluator.h"
#include "observe/alarm_model.h"
#include "observe/metrics_actions.h"
#include "observe/metrics_service.h"
#include "store/sqlite/temp_store.h"

namespace evoke::observe {
namespace {

using api::Protocol;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr int64_t kNowMs = 1714566600000;  // 2024-05-01T12:30:00Z, a minute boundary

json Alarm(int n, int m, std::string missing, std::string comparison = "GreaterThanThreshold",
           double threshold = 5) {
  json a = {{"AlarmName", "a"},
            {"Statistic", "Sum"},
            {"Period", 60},
            {"EvaluationPeriods", n},
            {"DatapointsToAlarm", m},
            {"Threshold", threshold},
            {"ComparisonOperator", comparison},
            {"StateValue", "INSUFFICIENT_DATA"}};
  if (!missing.empty()) a["TreatMissingData"] = missing;
  return a;
}

// Datapoints oldest first from values (NaN: missing), ending at kNowMs.
std::vector<AlarmDatapoint> Points(std::vector<double> values) {
  std::vector<AlarmDatapoint> out;
  int64_t start = kNowMs / 1000 - 60 * static_cast<int64_t>(values.size());
  for (double v : values) {
    AlarmDatapoint d{start, std::nullopt};
    if (!std::isnan(v)) d.value = v;
    out.push_back(d);
    start += 60;
  }
  return out;
}

constexpr double kMissing = NAN;

std::string StateOf(const json& alarm, std::vector<double> values) {
  auto e = EvaluateAlarm(alarm, Points(std::move(values)), kNowMs);
  return e ? e->state : "unchanged";
}

TEST(AlarmEvaluationTest, ComparisonOperators) {
  EXPECT_TRUE(Breaches("GreaterThanThreshold", 6, 5));
  EXPECT_FALSE(Breaches("GreaterThanThreshold", 5, 5));
  EXPECT_TRUE(Breaches("GreaterThanOrEqualToThreshold", 5, 5));
  EXPECT_TRUE(Breaches("LessThanThreshold", 4, 5));
  EXPECT_FALSE(Breaches("LessThanThreshold", 5, 5));
  EXPECT_TRUE(Breaches("LessThanOrEqualToThreshold", 5, 5));
  EXPECT_FALSE(Breaches("LessThanOrEqualToThreshold", 6, 5));
}

TEST(AlarmEvaluationTest, MOfN) {
  json a = Alarm(3, 2, "missing");
  EXPECT_EQ(StateOf(a, {6, 1, 7}), "ALARM");
  EXPECT_EQ(StateOf(a, {6, 1, 1}), "OK");
  EXPECT_EQ(StateOf(a, {6, 6, 6}), "ALARM");
  EXPECT_EQ(StateOf(Alarm(3, 3, "missing"), {6, 6, 1}), "OK");
  EXPECT_EQ(StateOf(Alarm(1, 1, "", "LessThanThreshold", 1), {0}), "ALARM");
}

TEST(AlarmEvaluationTest, TreatMissingData) {
  // All missing.
  EXPECT_EQ(StateOf(Alarm(2, 2, "missing"), {kMissing, kMissing}), "INSUFFICIENT_DATA");
  EXPECT_EQ(StateOf(Alarm(2, 2, ""), {kMissing, kMissing}), "INSUFFICIENT_DATA");
  EXPECT_EQ(StateOf(Alarm(2, 2, "ignore"), {kMissing, kMissing}), "unchanged");
  EXPECT_EQ(StateOf(Alarm(2, 2, "breaching"), {kMissing, kMissing}), "ALARM");
  EXPECT_EQ(StateOf(Alarm(2, 2, "notBreaching"), {kMissing, kMissing}), "OK");
  // Some missing: breaching fills in bad points, notBreaching good ones, missing/ignore none.
  EXPECT_EQ(StateOf(Alarm(3, 2, "breaching"), {6, kMissing, 1}), "ALARM");
  EXPECT_EQ(StateOf(Alarm(3, 2, "notBreaching"), {6, kMissing, 1}), "OK");
  EXPECT_EQ(StateOf(Alarm(3, 2, "missing"), {6, kMissing, 7}), "ALARM");
  EXPECT_EQ(StateOf(Alarm(3, 2, "ignore"), {6, kMissing, 1}), "OK");
}

TEST(AlarmEvaluationTest, ReasonsAsCloudWatchWritesThem) {
  auto e = EvaluateAlarm(Alarm(1, 1, "", "GreaterThanThreshold", 0), Points({1}), kNowMs);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->reason,
            "Threshold Crossed: 1 datapoint [1.0 (01/05/24 12:29:00)] was greater than the "
            "threshold (0.0).");
  EXPECT_EQ(e->reason_data["statistic"], "Sum");
  EXPECT_EQ(e->reason_data["recentDatapoints"], json::array({1.0}));
  EXPECT_EQ(e->reason_data["queryDate"], "2024-05-01T12:30:00.000+0000");
  auto none = EvaluateAlarm(Alarm(2, 2, ""), Points({kMissing, kMissing}), kNowMs);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->reason, "Insufficient Data: 2 datapoints were unknown.");
}

TEST(AlarmEvaluationTest, LambdaActionsAndEvent) {
  EXPECT_EQ(LambdaActionFunction("arn:aws:lambda:us-east-1:123456789012:function:f", "us-east-1",
                                 "123456789012"),
            "f");
  EXPECT_EQ(LambdaActionFunction("arn:aws:lambda:us-east-1:123456789012:function:f:prod",
                                 "us-east-1", "123456789012"),
            "f");
  EXPECT_FALSE(LambdaActionFunction("arn:aws:sns:us-east-1:123456789012:topic", "us-east-1",
                                    "123456789012"));
  EXPECT_FALSE(LambdaActionFunction("arn:aws:lambda:eu-west-1:123456789012:function:f", "us-east-1",
                                    "123456789012"));
  json alarm = Alarm(1, 1, "");
  alarm["AlarmArn"] = AlarmArn("us-east-1", "123456789012", "a");
  alarm["Namespace"] = "AWS/Lambda";
  alarm["MetricName"] = "Errors";
  alarm["Dimensions"] = {{{"Name", "FunctionName"}, {"Value", "f"}}};
  json event = AlarmEvent(alarm, {{"value", "OK"}, {"reason", "r0"}, {"timestamp_ms", kNowMs}},
                          {{"value", "ALARM"}, {"reason", "r1"}, {"timestamp_ms", kNowMs}},
                          "us-east-1", "123456789012", kNowMs);
  EXPECT_EQ(event["source"], "aws.cloudwatch");
  EXPECT_EQ(event["alarmArn"], "arn:aws:cloudwatch:us-east-1:123456789012:alarm:a");
  EXPECT_EQ(event["alarmData"]["state"]["value"], "ALARM");
  EXPECT_EQ(event["alarmData"]["previousState"]["value"], "OK");
  EXPECT_EQ(event["alarmData"]["state"]["timestamp"], "2024-05-01T12:30:00.000+0000");
  const json& stat = event["alarmData"]["configuration"]["metrics"][0]["metricStat"];
  EXPECT_EQ(stat["metric"]["namespace"], "AWS/Lambda");
  EXPECT_EQ(stat["metric"]["dimensions"]["FunctionName"], "f");
  EXPECT_EQ(stat["stat"], "Sum");
}

json GoodPut() {
  return {{"AlarmName", "errors"},
          {"MetricName", "Errors"},
          {"Namespace", "AWS/Lambda"},
          {"Statistic", "Sum"},
          {"Period", 60},
          {"EvaluationPeriods", 1},
          {"Threshold", 0},
          {"ComparisonOperator", "GreaterThanThreshold"}};
}

Result<json> ReadPut(const json& input) {
  return ReadPutMetricAlarm(InputReader(Protocol::kAwsJson10), input, "us-east-1", "123456789012",
                            kNowMs);
}

TEST(PutMetricAlarmTest, Validation) {
  auto good = ReadPut(GoodPut());
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ((*good)["StateValue"], "INSUFFICIENT_DATA");
  EXPECT_EQ((*good)["ActionsEnabled"], true);
  EXPECT_EQ((*good)["AlarmArn"], "arn:aws:cloudwatch:us-east-1:123456789012:alarm:errors");

  auto with = [](const char* member, json value) {
    json in = GoodPut();
    if (value.is_null()) {
      in.erase(member);
    } else {
      in[member] = value;
    }
    return ReadPut(in);
  };
  auto bad_op = with("ComparisonOperator", "Bigger");
  ASSERT_FALSE(bad_op.ok());
  EXPECT_EQ(bad_op.error().code, "ValidationError");
  EXPECT_NE(bad_op.error().message.find("at 'comparisonOperator'"), std::string::npos);
  auto zero = with("EvaluationPeriods", 0);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().message,
            "1 validation error detected: Value '0' at 'evaluationPeriods' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1");
  auto period = with("Period", 30);
  ASSERT_FALSE(period.ok());
  EXPECT_EQ(period.error().code, "ValidationError");
  EXPECT_EQ(with("Period", 45).error().code, "ValidationError");
  EXPECT_EQ(with("ComparisonOperator", nullptr).error().code, "MissingParameter");
  EXPECT_EQ(with("Statistic", nullptr).error().code, "MissingParameter");
  EXPECT_EQ(with("ExtendedStatistic", "p99").error().code, "InvalidParameterCombination");
  EXPECT_EQ(with("DatapointsToAlarm", 2).error().code, "ValidationError");
  EXPECT_EQ(with("TreatMissingData", "sometimes").error().code, "ValidationError");
  EXPECT_EQ(with("AlarmActions", json::array({"not-an-arn"})).error().code, "ValidationError");
  EXPECT_EQ(
      with("AlarmActions", json::array({"arn:aws:sns:us-east-1:1:a", "arn:aws:sns:us-east-1:1:b",
                                        "arn:aws:sns:us-east-1:1:c", "arn:aws:sns:us-east-1:1:d",
                                        "arn:aws:sns:us-east-1:1:e", "arn:aws:sns:us-east-1:1:f"}))
          .error()
          .code,
      "ValidationError");
  auto math = with("Metrics", json::array({{{"Id", "m1"}, {"Expression", "1"}}}));
  ASSERT_FALSE(math.ok());
  EXPECT_NE(math.error().message.find("not supported by evoke"), std::string::npos);
  json custom = GoodPut();
  custom["Namespace"] = "App";
  custom["Period"] = 30;
  EXPECT_TRUE(ReadPut(custom).ok());  // a high-resolution custom metric may be
}

// A queue that keeps what it is given, standing for the dispatcher.
class RecordingQueue final : public lambda::AsyncQueue {
 public:
  Status Enqueue(store::WriteTxn&, lambda::AsyncEvent event) override {
    std::lock_guard lock(mutex);
    events.push_back(std::move(event));
    return {};
  }
  std::mutex mutex;
  std::vector<lambda::AsyncEvent> events;
};

class AlarmOperationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.Open().ok());
    store::Store view = store_.view();
    metrics_ = std::make_unique<MetricStore>(view.txns, view.metrics, clock_);
    alarms_ = std::make_unique<AlarmEvaluator>(
        AlarmDependencies{view.txns, view.alarms, *metrics_, clock_, "us-east-1", "123456789012"});
    alarms_->SendActionsTo(&queue_);
    options_.alarms = alarms_.get();
  }
  void TearDown() override {
    alarms_.reset();
    metrics_.reset();
  }

  Result<json> Run(MetricsOperation op, const json& input,
                   Protocol protocol = Protocol::kAwsJson10) {
    MetricsContext ctx{options_, *metrics_, InputReader(protocol), input};
    return RunToCompletion(op, ctx);
  }

  json History(const std::string& name, const std::string& type = "") {
    json in = {{"AlarmName", name}};
    if (!type.empty()) in["HistoryItemType"] = type;
    auto out = Run(DescribeAlarmHistory, in);
    EXPECT_TRUE(out.ok());
    return out.ok() ? (*out)["AlarmHistoryItems"] : json::array();
  }

  FakeClock clock_{kNowMs + 5'000};
  MetricsOptions options_{"us-east-1", "123456789012"};
  RecordingQueue queue_;
  store::sqlite::TempStore store_{clock_, "alarms"};
  std::unique_ptr<MetricStore> metrics_;
  std::unique_ptr<AlarmEvaluator> alarms_;
};

TEST_F(AlarmOperationsTest, ErrorsAlarmFiresItsLambdaAction) {
  json put = GoodPut();
  put["Dimensions"] = {{{"Name", "FunctionName"}, {"Value", "failing"}}};
  put["AlarmActions"] = {"arn:aws:lambda:us-east-1:123456789012:function:on-alarm",
                         "arn:aws:sns:us-east-1:123456789012:topic"};
  ASSERT_TRUE(Run(PutMetricAlarm, put).ok());
  auto described = Run(DescribeAlarms, {{"AlarmNames", {"errors"}}});
  ASSERT_TRUE(described.ok());
  ASSERT_EQ((*described)["MetricAlarms"].size(), 1u);
  EXPECT_EQ((*described)["MetricAlarms"][0]["StateValue"], "INSUFFICIENT_DATA");

  metrics_->Record("AWS/Lambda", "Errors", "Count", {{"FunctionName", "failing"}}, 1,
                   clock_.NowMs());
  clock_.Advance(60'000);
  ASSERT_TRUE(alarms_->EvaluateBlocking(kNowMs + 60'000).ok());
  described = Run(DescribeAlarms, {{"StateValue", "ALARM"}});
  ASSERT_TRUE(described.ok());
  ASSERT_EQ((*described)["MetricAlarms"].size(), 1u) << described->dump();
  EXPECT_NE((*described)["MetricAlarms"][0]["StateReason"].get<std::string>().find(
                "was greater than the threshold (0.0)"),
            std::string::npos);
  ASSERT_EQ(queue_.events.size(), 1u);
  EXPECT_EQ(queue_.events[0].function, "on-alarm");
  EXPECT_EQ(queue_.events[0].principal, "lambda.alarms.cloudwatch.amazonaws.com");
  json event = json::parse(queue_.events[0].payload);
  EXPECT_EQ(event["alarmData"]["state"]["value"], "ALARM");
  EXPECT_EQ(event["alarmData"]["previousState"]["value"], "INSUFFICIENT_DATA");

  json actions = History("errors", "Action");
  ASSERT_EQ(actions.size(), 2u);
  std::string summaries = actions[0]["HistorySummary"].get<std::string>() + "|" +
                          actions[1]["HistorySummary"].get<std::string>();
  EXPECT_NE(summaries.find("Successfully executed action arn:aws:lambda"), std::string::npos);
  EXPECT_NE(summaries.find("not supported by evoke"), std::string::npos);
  json updates = History("errors", "StateUpdate");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0]["HistorySummary"], "Alarm updated from INSUFFICIENT_DATA to ALARM");
  json data = json::parse(updates[0]["HistoryData"].get<std::string>());
  EXPECT_EQ(data["newState"]["stateValue"], "ALARM");

  // The next minute has no data: back to INSUFFICIENT_DATA (TreatMissingData missing).
  clock_.Advance(60'000);
  ASSERT_TRUE(alarms_->EvaluateBlocking(kNowMs + 120'000).ok());
  EXPECT_EQ(History("errors", "StateUpdate").size(), 2u);
  EXPECT_EQ(queue_.events.size(), 1u);  // no InsufficientDataActions
}

TEST_F(AlarmOperationsTest, SetStateDisableDeleteAndPaging) {
  json put = GoodPut();
  put["OKActions"] = {"arn:aws:lambda:us-east-1:123456789012:function:on-ok"};
  ASSERT_TRUE(Run(PutMetricAlarm, put).ok());
  put["AlarmName"] = "errors-2";
  ASSERT_TRUE(Run(PutMetricAlarm, put).ok());

  ASSERT_TRUE(Run(DisableAlarmActions, {{"AlarmNames", {"errors", "nope"}}}).ok());
  ASSERT_TRUE(Run(SetAlarmState,
                  {{"AlarmName", "errors"}, {"StateValue", "OK"}, {"StateReason", "testing"}})
                  .ok());
  EXPECT_TRUE(queue_.events.empty());
  ASSERT_TRUE(Run(EnableAlarmActions, {{"AlarmNames", {"errors"}}}).ok());
  ASSERT_TRUE(Run(SetAlarmState,
                  {{"AlarmName", "errors"}, {"StateValue", "ALARM"}, {"StateReason", "testing"}})
                  .ok());
  ASSERT_TRUE(Run(SetAlarmState, {{"AlarmName", "errors"},
                                  {"StateValue", "OK"},
                                  {"StateReason", "testing"},
                                  {"StateReasonData", "{\"a\":1}"}})
                  .ok());
  EXPECT_EQ(queue_.events.size(), 1u);

  auto bad_json = Run(SetAlarmState, {{"AlarmName", "errors"},
                                      {"StateValue", "OK"},
                                      {"StateReason", "r"},
                                      {"StateReasonData", "{"}});
  ASSERT_FALSE(bad_json.ok());
  EXPECT_EQ(bad_json.error().code, "InvalidFormat");
  auto unknown =
      Run(SetAlarmState, {{"AlarmName", "nope"}, {"StateValue", "OK"}, {"StateReason", "r"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "ResourceNotFound");

  auto page = Run(DescribeAlarms, {{"MaxRecords", 1}});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ((*page)["MetricAlarms"].size(), 1u);
  ASSERT_TRUE(page->contains("NextToken"));
  auto rest = Run(DescribeAlarms, {{"NextToken", (*page)["NextToken"]}});
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ((*rest)["MetricAlarms"].size(), 1u);
  EXPECT_EQ((*rest)["MetricAlarms"][0]["AlarmName"], "errors-2");
  EXPECT_EQ(Run(DescribeAlarms, {{"NextToken", "zz"}}).error().code, "InvalidNextToken");
  auto prefixed =
      Run(DescribeAlarms, {{"ActionPrefix", "arn:aws:lambda"}, {"AlarmNamePrefix", "errors-"}});
  ASSERT_TRUE(prefixed.ok());
  EXPECT_EQ((*prefixed)["MetricAlarms"].size(), 1u);

  auto history =
      Run(DescribeAlarmHistory,
          {{"AlarmName", "errors"}, {"MaxRecords", 2}, {"ScanBy", "TimestampAscending"}});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ((*history)["AlarmHistoryItems"].size(), 2u);
  EXPECT_EQ((*history)["AlarmHistoryItems"][0]["HistoryItemType"], "ConfigurationUpdate");
  ASSERT_TRUE(history->contains("NextToken"));

  auto missing = Run(DeleteAlarms, {{"AlarmNames", {"errors", "nope"}}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "ResourceNotFound");
  EXPECT_EQ((*Run(DescribeAlarms, json::object()))["MetricAlarms"].size(), 2u);
  ASSERT_TRUE(Run(DeleteAlarms, {{"AlarmNames", {"errors", "errors-2"}}}).ok());
  EXPECT_EQ((*Run(DescribeAlarms, json::object()))["MetricAlarms"].size(), 0u);
}

TEST_F(AlarmOperationsTest, QueryProtocolRendersTimestamps) {
  ASSERT_TRUE(Run(PutMetricAlarm, GoodPut()).ok());
  auto out = Run(DescribeAlarms, json::object(), Protocol::kAwsQuery);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE((*out)["MetricAlarms"][0]["StateUpdatedTimestamp"].is_string());
}

}  // namespace
}  // namespace evoke::observe
