#include "events/schedule_runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "base/asio.h"
#include "base/clock.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "events/rule_payload.h"
#include "store/schedules.h"
#include "store/sqlite/temp_store.h"

namespace evoke::events {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;
constexpr char kFunctionArn[] = "arn:aws:lambda:us-east-1:123456789012:function:tick";

// An AsyncQueue that records what it is given, in the firing's transaction.
class RecordingQueue final : public lambda::AsyncQueue {
 public:
  Status Enqueue(store::WriteTxn&, lambda::AsyncEvent event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
    return {};
  }
  std::vector<lambda::AsyncEvent> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  std::mutex mutex_;
  std::vector<lambda::AsyncEvent> events_;
};

int64_t At(const char* iso) { return *ParseIso8601Ms(iso); }

class ScheduleRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.Open().ok());
  }

  store::Transactions& txns() { return store_.view().txns; }
  store::ScheduleRepository& schedules() { return store_.view().schedules; }
  void TearDown() override {
    runner_.reset();
    io_.restart();
    io_.poll();
    // Jobs the committer still holds keep the runner (and its timer on io_) alive: finish them
    // before io_ goes.
    store_.Close();
  }

  std::unique_ptr<ScheduleRunner> NewRunner() {
    return std::make_unique<ScheduleRunner>(io_, txns(), schedules(), clock_, queue_,
                                            "123456789012", "us-east-1");
  }

  // Runs what the runner has ready, then waits for the firings it submitted to commit.
  void Settle() {
    io_.restart();
    io_.poll();
    ASSERT_TRUE(txns().WriteBlocking([](store::WriteTxn&) { return Status(); }).ok());
  }

  void AdvanceAndWake(int64_t ms) {
    clock_.Advance(ms);
    runner_->Wake();
    Settle();
  }

  void PutRule(const std::string& name, const std::string& expression, const char* state,
               bool with_target) {
    int64_t now = clock_.NowMs();
    store::RuleRecord r{name, expression, "", state, "", "", now, now};
    ASSERT_TRUE(txns()
                    .WriteBlocking([&](store::WriteTxn& t) -> Status {
                      if (Status s = schedules().PutRule(t, r); !s.ok()) return s;
                      if (!with_target) return {};
                      return schedules().PutRuleTarget(
                          t, {name, "1", json{{"Id", "1"}, {"Arn", kFunctionArn}}.dump()});
                    })
                    .ok());
  }

  void PutSchedule(const std::string& name, json definition) {
    int64_t now = clock_.NowMs();
    definition["FlexibleTimeWindow"] = {{"Mode", "OFF"}};
    definition["Target"]["Arn"] = kFunctionArn;
    definition["Target"]["RoleArn"] = "arn:aws:iam::123456789012:role/scheduler";
    std::string state = definition.value("State", "ENABLED");
    ASSERT_TRUE(txns()
                    .WriteBlocking([&](store::WriteTxn& t) {
                      return schedules().CreateSchedule(
                          t, {"default", name, state, definition.dump(), now, now});
                    })
                    .ok());
  }

  bool ScheduleExists(const std::string& name) {
    auto reader = txns().Read();
    auto found = schedules().GetSchedule(*reader, "default", name);
    return found.ok() && found->has_value();
  }

  FakeClock clock_{At("2026-01-01T00:30:00Z")};
  store::sqlite::TempStore store_{clock_, "schedules"};
  asio::io_context io_;
  RecordingQueue queue_;
  std::unique_ptr<ScheduleRunner> runner_;
};

TEST_F(ScheduleRunnerTest, HourlyCronFiresOncePerHourOverADay) {
  PutRule("hourly", "cron(0 * * * ? *)", "ENABLED", true);
  runner_ = NewRunner();
  runner_->Start();
  Settle();
  for (int i = 0; i < 24 * 4; ++i) AdvanceAndWake(15 * kMinute);
  auto events = queue_.events();
  ASSERT_EQ(events.size(), 24u);
  for (size_t i = 0; i < events.size(); ++i) {
    const lambda::AsyncEvent& e = events[i];
    EXPECT_EQ(e.function, "tick");
    EXPECT_EQ(e.principal, "events.amazonaws.com");
    EXPECT_EQ(e.source_arn, "arn:aws:events:us-east-1:123456789012:rule/hourly");
    EXPECT_EQ(e.source_account, "123456789012");
    json payload = json::parse(e.payload);
    EXPECT_EQ(payload["detail-type"], "Scheduled Event");
    EXPECT_EQ(payload["time"], FormatIso8601(At("2026-01-01T01:00:00Z") / 1000 + 3600 * i));
  }
}

TEST_F(ScheduleRunnerTest, ClockLeapFiresEachMissedOccurrenceWhileRunning) {
  PutRule("hourly", "cron(0 * * * ? *)", "ENABLED", true);
  runner_ = NewRunner();
  runner_->Start();
  Settle();
  AdvanceAndWake(3 * kHour);  // 00:30 -> 03:30: 01:00, 02:00, 03:00
  EXPECT_EQ(queue_.events().size(), 3u);
}

TEST_F(ScheduleRunnerTest, DisabledRulesAndSchedulesAndRulesWithoutTargetsDoNotFire) {
  PutRule("off", "rate(1 minute)", "DISABLED", true);
  PutRule("lonely", "rate(1 minute)", "ENABLED", false);
  PutSchedule("paused", json{{"ScheduleExpression", "rate(1 minute)"}, {"State", "DISABLED"}});
  runner_ = NewRunner();
  runner_->Start();
  Settle();
  for (int i = 0; i < 10; ++i) AdvanceAndWake(kMinute);
  EXPECT_TRUE(queue_.events().empty());
}

TEST_F(ScheduleRunnerTest, DisablingARuleStopsIt) {
  PutRule("minutely", "rate(1 minute)", "ENABLED", true);
  runner_ = NewRunner();
  runner_->Start();
  Settle();
  AdvanceAndWake(kMinute);
  ASSERT_EQ(queue_.events().size(), 1u);
  ASSERT_TRUE(txns()
                  .WriteBlocking([&](store::WriteTxn& t) -> Status {
                    auto changed = schedules().SetRuleState(t, "minutely", "DISABLED");
                    return changed.ok() ? Status() : Status(changed.error());
                  })
                  .ok());
  runner_->Wake();
  for (int i = 0; i < 5; ++i) AdvanceAndWake(kMinute);
  EXPECT_EQ(queue_.events().size(), 1u);
}

TEST_F(ScheduleRunnerTest, AtScheduleWithDeleteFiresOnceAndIsDeletedInTheSameCommit) {
  PutSchedule("once", json{{"ScheduleExpression", "at(2026-01-01T02:00:00)"},
                           {"ActionAfterCompletion", "DELETE"},
                           {"Target", {{"Input", "{\"job\":42}"}}}});
  PutSchedule("kept", json{{"ScheduleExpression", "at(2026-01-01T02:00:00)"}});
  runner_ = NewRunner();
  runner_->Start();
  Settle();
  AdvanceAndWake(kHour);  // 01:30
  EXPECT_TRUE(queue_.events().empty());
  AdvanceAndWake(kHour);  // 02:30
  auto events = queue_.events();
  ASSERT_EQ(events.size(), 2u);
  for (const auto& e : events) {
    EXPECT_EQ(e.principal, "scheduler.amazonaws.com");
    EXPECT_EQ(e.function, "tick");
  }
  EXPECT_EQ(events[0].source_arn,
            "arn:aws:scheduler:us-east-1:123456789012:schedule/default/kept");
  EXPECT_EQ(events[0].payload, "{}");  // no Input
  EXPECT_EQ(events[1].source_arn,
            "arn:aws:scheduler:us-east-1:123456789012:schedule/default/once");
  EXPECT_EQ(events[1].payload, "{\"job\":42}");
  EXPECT_FALSE(ScheduleExists("once"));
  EXPECT_TRUE(ScheduleExists("kept"));
  AdvanceAndWake(24 * kHour);
  EXPECT_EQ(queue_.events().size(), 2u);
}

TEST_F(ScheduleRunnerTest, ScheduleRespectsStartAndEndDates) {
  // rate(1 hour) counted from the StartDate 03:00 (the first firing one period after the
  // anchor, as for rules), ending 05:30: fires at 04:00 and 05:00 only.
  PutSchedule("window", json{{"ScheduleExpression", "rate(1 hour)"},
                             {"StartDate", At("2026-01-01T03:00:00Z") / 1000},
                             {"EndDate", At("2026-01-01T05:30:00Z") / 1000}});
  runner_ = NewRunner();
  runner_->Start();
  Settle();
  for (int i = 0; i < 12; ++i) AdvanceAndWake(kHour);
  auto events = queue_.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].payload, "{}");
}

TEST_F(ScheduleRunnerTest, FiringsMissedWhileDownAreNotReplayed) {
  PutRule("hourly-rate", "rate(1 hour)", "ENABLED", true);  // anchored at 00:30
  runner_ = NewRunner();
  runner_->Start();
  Settle();
  AdvanceAndWake(kHour);  // 01:30
  ASSERT_EQ(queue_.events().size(), 1u);
  runner_->Stop();
  runner_.reset();
  Settle();

  clock_.Advance(5 * kHour);  // down from 01:30 to 06:30: five firings missed
  runner_ = NewRunner();
  runner_->Start();
  Settle();
  EXPECT_EQ(queue_.events().size(), 1u);
  AdvanceAndWake(30 * kMinute);  // 07:00: nothing, the rate counts from 00:30
  EXPECT_EQ(queue_.events().size(), 1u);
  AdvanceAndWake(30 * kMinute);  // 07:30
  auto events = queue_.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(json::parse(events[1].payload)["time"], "2026-01-01T07:30:00Z");
}

TEST(RulePayloadTest, ScheduledEventHasEventBridgeShape) {
  EXPECT_EQ(ScheduledEventJson("53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "123456789012",
                               "us-east-1",
                               "arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule",
                               At("2015-10-08T16:53:06Z")),
            "{\"version\":\"0\",\"id\":\"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa\",\"detail-type\":"
            "\"Scheduled Event\",\"source\":\"aws.events\",\"account\":\"123456789012\",\"time\":"
            "\"2015-10-08T16:53:06Z\",\"region\":\"us-east-1\",\"resources\":[\"arn:aws:events:"
            "us-east-1:123456789012:rule/my-scheduled-rule\"],\"detail\":{}}");
}

TEST(RulePayloadTest, InputInputPathAndTransformer) {
  std::string event = ScheduledEventJson("id-1", "123456789012", "us-east-1", "arn:r", 0);
  EXPECT_EQ(*TargetPayload(json{{"Input", "{\"a\":1}"}}, event, "arn:r", "r"), "{\"a\":1}");
  EXPECT_EQ(*TargetPayload(json::object(), event, "arn:r", "r"), event);
  EXPECT_EQ(*TargetPayload(json{{"InputPath", "$.detail"}}, event, "arn:r", "r"), "{}");
  EXPECT_EQ(*TargetPayload(json{{"InputPath", "$.time"}}, event, "arn:r", "r"),
            "\"1970-01-01T00:00:00Z\"");
  EXPECT_EQ(*TargetPayload(json{{"InputPath", "$"}}, event, "arn:r", "r"), event);
  EXPECT_FALSE(TargetPayload(json{{"InputPath", "$.nope.deeper"}}, event, "arn:r", "r"));
  json transformer = {{"InputTransformer",
                       {{"InputPathsMap", {{"t", "$.time"}, {"res", "$.resources"}}},
                        {"InputTemplate", "{\"when\":\"<t>\",\"what\":<res>,\"rule\":\"<aws.events.rule-name>\"}"}}}};
  EXPECT_EQ(*TargetPayload(transformer, event, "arn:r", "r"),
            "{\"when\":\"1970-01-01T00:00:00Z\",\"what\":[\"arn:r\"],\"rule\":\"r\"}");
}

}  // namespace
}  // namespace evoke::events
