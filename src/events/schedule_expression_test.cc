// Unit tests for schedule expressions and time zones. Expected instants were worked out by hand
// and cross-checked with Python's zoneinfo over the same tz database, not with this code.
#include "events/schedule_expression.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "base/time_format.h"

namespace evoke::events {
namespace {

constexpr const char* kRuleError = "Parameter ScheduleExpression is not valid.";

int64_t Ms(const std::string& iso) {
  auto ms = ParseIso8601Ms(iso);
  EXPECT_TRUE(ms.has_value()) << iso;
  return ms.value_or(0);
}

std::string Iso(int64_t ms) { return FormatIso8601(ms / 1000); }

std::shared_ptr<const TimeZone> Zone(const std::string& name) {
  auto zone = LoadTimeZone(name);
  EXPECT_TRUE(zone.ok()) << name;
  return zone.ok() ? *zone : UtcZone();
}

std::shared_ptr<const ScheduleExpression> Rule(const std::string& text) {
  auto parsed = ParseRuleSchedule(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? *parsed : nullptr;
}

// The next `n` firings after `after`, chained, as ISO strings ("none" once they run out).
std::vector<std::string> Firings(const ScheduleExpression& e, const std::string& after, int n,
                                 const TimeZone& zone, int64_t anchor_ms = 0) {
  std::vector<std::string> out;
  int64_t t = Ms(after);
  for (int i = 0; i < n; ++i) {
    auto next = e.NextFiring(t, anchor_ms, zone);
    if (!next) {
      out.push_back("none");
      break;
    }
    EXPECT_GT(*next, t);
    out.push_back(Iso(*next));
    t = *next;
  }
  return out;
}

std::vector<std::string> RuleFirings(const std::string& text, const std::string& after, int n) {
  auto e = Rule(text);
  if (!e) return {};
  return Firings(*e, after, n, *UtcZone());
}

using V = std::vector<std::string>;

// --- parsing -----------------------------------------------------------------------------------

TEST(ScheduleExpressionParse, AcceptsEventBridgeDocumentedExamples) {
  for (const char* text : {
           "rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)",
           "rate(7 days)", "cron(0 10 * * ? *)", "cron(15 12 * * ? *)",
           "cron(0 18 ? * MON-FRI *)", "cron(0 8 1 * ? *)", "cron(0/15 * * * ? *)",
           "cron(0/10 * ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)",
           "cron(0/30 20-23 ? * MON-FRI *)", "cron(0/30 0-2 ? * MON-FRI *)",
           "cron(15 10 ? * 6L 2019-2022)", "cron(0 9 ? * 3#2 *)", "cron(0 12 3W * ? *)",
           // Accepted by AWS (LocalStack issue 13572, checked against AWS).
           "cron(0-15/1 8-8 ? * 2,3,4,5,6,7 *)", "cron(30-30 13-13 ? * 2,4,6 *)",
           "cron(1-31/30 1-1 ? * 1,7 *)",
           // Every special character and name form.
           "cron(* * * * ? *)", "cron(*/5 * * * ? *)", "cron(0 0 L * ? *)", "cron(0 0 LW * ? *)",
           "cron(0 0 L-3 * ? *)", "cron(0 0 ? * L *)", "cron(0 0 ? * FRIL *)",
           "cron(0 0 ? * MON#1 *)", "cron(0 0 1 JAN,JUL ? *)", "cron(0 0 1 JAN-MAR ? 2030/2)",
           "cron(0 0 ? * FRI-MON *)", "cron(0 22-2 * * ? *)", "cron(0 18 ? jan-mar mon-fri *)",
           "cron(0 0 * * ? 1970-2199)", "cron(0 0 15w * ? *)"}) {
    auto parsed = ParseRuleSchedule(text);
    EXPECT_TRUE(parsed.ok()) << text;
    if (parsed.ok()) {
      auto kind = (*parsed)->kind();
      EXPECT_EQ(kind, text[0] == 'r' ? ScheduleExpression::Kind::kRate
                                     : ScheduleExpression::Kind::kCron)
          << text;
    }
  }
}

TEST(ScheduleExpressionParse, RejectsInvalidRuleExpressionsWithEventBridgeMessage) {
  for (const char* text : {
           // Rates: the first 17 are AWS-validated in LocalStack's PutRule tests.
           "rate(10 seconds)", "rate(10 years)", "rate(1 minutes)", "rate(1 hours)",
           "rate(1 days)", "rate(10 minute)", "rate(10 hour)", "rate(10 day)", "rate()",
           "rate(10)", "rate(10 minutess)", "rate(foo minutes)", "rate(0 minutes)",
           "rate(-10 minutes)", "rate(10 MINUTES)", "rate( 10 minutes )", " rate(10 minutes)",
           "rate(10 minutes) ", "RATE(10 minutes)", "rate(10  minutes)", "rate(1.5 hours)",
           "",
           // Cron: day-of-month and day-of-week (exactly one "?").
           "cron(0 1 * * * *)", "cron(7 20 * * 1-7 *)", "cron(0 10 ? * ? *)",
           "cron(0 10 5 * MON *)",
           // Cron: shape.
           "cron()", "cron(INVALID)", "cron(0 10 * * ?)", "cron(0 0 10 * * ? *)",
           "cron(0  10 * * ? *)", "cron( 0 10 * * ? *)", "cron(0 10 * * ? *", "CRON(0 10 * * ? *)",
           "cron(1,,2 * * * ? *)", "cron(0 10 * * ? *) ",
           // Cron: values out of range or of the wrong kind.
           "cron(7 20 * * NOT *)", "cron(0 dummy ? * MON-FRI *)", "cron(71 8 1 * ? *)",
           "cron(5-70 * * * ? *)", "cron(0 24 * * ? *)", "cron(0 10 32 * ? *)",
           "cron(0 10 0 * ? *)", "cron(0 10 * 13 ? *)", "cron(0 10 * 0 ? *)",
           "cron(0 10 ? * 8 *)", "cron(0 10 ? * 0 *)", "cron(0 10 * JANUARY ? *)",
           "cron(0 10 * * ? 1969)", "cron(0 10 * * ? 2200)", "cron(0 10 * * ? 2020-2019)",
           "cron(MON 10 * * ? *)", "cron(0 10 * MON ? *)", "cron(0 10 ? MON * *)", "cron(0 10 ? * JAN *)",
           // Cron: steps.
           "cron(0/0 * * * ? *)", "cron(0/60 * * * ? *)", "cron(0 */24 * * ? *)",
           "cron(0 10 ? * 1/2 *)", "cron(*/ * * * ? *)",
           // Cron: L, W and #.
           "cron(0 10 ? * 3#1,6#3 *)", "cron(0 10 ? * 3#6 *)", "cron(0 10 ? * 3#0 *)",
           "cron(0 10 ? * 8#1 *)", "cron(0 10 32W * ? *)", "cron(0 10 W * ? *)",
           "cron(0 10 1W,15 * ? *)", "cron(0 10 L-31 * ? *)", "cron(0 10 ? * L-2 *)",
           "cron(0 10 ? * 8L *)", "cron(0 10 L,15 * ? *)", "cron(L 10 * * ? *)",
           "cron(0 10 ?,1 * ? *)", "cron(0 10 1 * ? L)",
           // at() is EventBridge Scheduler's only.
           "at(2030-01-01T00:00:00)"}) {
    auto parsed = ParseRuleSchedule(text);
    ASSERT_FALSE(parsed.ok()) << "accepted: " << text;
    EXPECT_EQ(parsed.error().code, "ValidationException") << text;
    EXPECT_EQ(parsed.error().message, kRuleError) << text;
  }
}

TEST(ScheduleExpressionParse, SchedulerRejectsWithItsOwnMessage) {
  // The expressions and messages of LocalStack's AWS-recorded CreateSchedule snapshots.
  for (std::string text : {
           "cron(0 1 * * * *)", "cron(7 20 * * NOT *)", "cron(INVALID)",
           "cron(0 dummy ? * MON-FRI *)", "cron(71 8 1 * ? *)", "cron()", "rate(10 seconds)",
           "rate(10 years)", "rate()", "rate(10)", "rate(10 minutess)", "rate(foo minutes)",
           "rate(-10 minutes)", "rate( 10 minutes )", " rate(10 minutes)",
           "at(2021-12-31T23:59:59Z)", "at(2021-12-31)",
           // And more at() shapes.
           "at(2023-02-29T00:00:00)", "at(2024-13-01T00:00:00)", "at(2024-01-01T24:00:00)",
           "at(2024-01-01 00:00:00)", "at(2024-01-01T00:00)", "at(2024-04-31T00:00:00)",
           "at(2024-01-01T00:00:00.000)", "at()", "rate(0 minutes)"}) {
    auto parsed = ParseSchedulerSchedule(text);
    ASSERT_FALSE(parsed.ok()) << "accepted: " << text;
    EXPECT_EQ(parsed.error().code, "ValidationException");
    EXPECT_EQ(parsed.error().message, "Invalid Schedule Expression " + text + ".");
  }
}

TEST(ScheduleExpressionParse, SchedulerAcceptsAtRateAndCron) {
  for (const char* text : {"at(2022-12-31T23:59:59)", "at(2024-02-29T12:00:00)",
                           "rate(5 minutes)", "rate(1 minute)", "cron(0 18 ? * MON-FRI *)",
                           // Scheduler took "rate(2 minute)" in an AWS-recorded UpdateSchedule.
                           "rate(2 minute)", "rate(1 days)"}) {
    EXPECT_TRUE(ParseSchedulerSchedule(text).ok()) << text;
  }
  EXPECT_EQ((*ParseSchedulerSchedule("at(2024-02-29T12:00:00)"))->kind(),
            ScheduleExpression::Kind::kAt);
}

// --- rates -------------------------------------------------------------------------------------

TEST(ScheduleRate, EveryUnitCountsFromTheAnchor) {
  int64_t anchor = Ms("2024-01-01T00:00:00Z");
  struct Case {
    const char* text;
    const char* first;
    const char* second;
  } cases[] = {
      {"rate(1 minute)", "2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z"},
      {"rate(15 minutes)", "2024-01-01T00:15:00Z", "2024-01-01T00:30:00Z"},
      {"rate(1 hour)", "2024-01-01T01:00:00Z", "2024-01-01T02:00:00Z"},
      {"rate(6 hours)", "2024-01-01T06:00:00Z", "2024-01-01T12:00:00Z"},
      {"rate(1 day)", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"},
      {"rate(3 days)", "2024-01-04T00:00:00Z", "2024-01-07T00:00:00Z"},
  };
  for (const auto& c : cases) {
    auto e = Rule(c.text);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind(), ScheduleExpression::Kind::kRate);
    // Not at the anchor itself: the first firing is one period after it.
    EXPECT_EQ(Firings(*e, "2024-01-01T00:00:00Z", 2, *UtcZone(), anchor),
              (V{c.first, c.second}))
        << c.text;
  }
}

TEST(ScheduleRate, AnchoredInThePast) {
  auto e = Rule("rate(5 minutes)");
  ASSERT_TRUE(e);
  int64_t anchor = Ms("2024-01-01T00:00:00.123Z");
  // 62 minutes later: the 13th period ends at 01:05:00.123.
  EXPECT_EQ(*e->NextFiring(Ms("2024-01-01T01:02:03Z"), anchor, *UtcZone()),
            Ms("2024-01-01T01:05:00.123Z"));
  // Strictly after: a firing instant itself yields the next one.
  EXPECT_EQ(*e->NextFiring(Ms("2024-01-01T01:05:00.123Z"), anchor, *UtcZone()),
            Ms("2024-01-01T01:10:00.123Z"));
  // Years later, still on the anchor's grid.
  EXPECT_EQ(*e->NextFiring(Ms("2030-06-15T12:01:00Z"), anchor, *UtcZone()),
            Ms("2030-06-15T12:05:00.123Z"));
  // Before the anchor (a future start date): one period after the anchor.
  EXPECT_EQ(*e->NextFiring(Ms("2023-01-01T00:00:00Z"), anchor, *UtcZone()),
            Ms("2024-01-01T00:05:00.123Z"));
}

TEST(ScheduleRate, IgnoresDaylightSavingTime) {
  // A rate of days is 24 hours, also across New York's spring-forward.
  auto e = ParseSchedulerSchedule("rate(1 day)");
  ASSERT_TRUE(e.ok());
  auto ny = Zone("America/New_York");
  int64_t anchor = Ms("2024-03-09T12:00:00Z");
  EXPECT_EQ(Firings(**e, "2024-03-09T12:00:00Z", 2, *ny, anchor),
            (V{"2024-03-10T12:00:00Z", "2024-03-11T12:00:00Z"}));
}

// --- cron in UTC -------------------------------------------------------------------------------

TEST(ScheduleCron, EveryHour) {
  EXPECT_EQ(RuleFirings("cron(0 * * * ? *)", "2024-12-31T22:30:00Z", 3),
            (V{"2024-12-31T23:00:00Z", "2025-01-01T00:00:00Z", "2025-01-01T01:00:00Z"}));
  // Strictly after, and at second 0 of the minute.
  EXPECT_EQ(RuleFirings("cron(0 * * * ? *)", "2024-12-31T23:00:00Z", 1),
            (V{"2025-01-01T00:00:00Z"}));
  EXPECT_EQ(RuleFirings("cron(0 * * * ? *)", "2024-12-31T22:59:59.999Z", 1),
            (V{"2024-12-31T23:00:00Z"}));
}

TEST(ScheduleCron, EveryMinuteAndSteps) {
  EXPECT_EQ(RuleFirings("cron(* * * * ? *)", "2024-05-05T10:00:30Z", 2),
            (V{"2024-05-05T10:01:00Z", "2024-05-05T10:02:00Z"}));
  EXPECT_EQ(RuleFirings("cron(1/10 * * * ? *)", "2024-05-05T10:45:00Z", 3),
            (V{"2024-05-05T10:51:00Z", "2024-05-05T11:01:00Z", "2024-05-05T11:11:00Z"}));
  EXPECT_EQ(RuleFirings("cron(*/20 * * * ? *)", "2024-05-05T10:00:00Z", 3),
            (V{"2024-05-05T10:20:00Z", "2024-05-05T10:40:00Z", "2024-05-05T11:00:00Z"}));
  EXPECT_EQ(RuleFirings("cron(0-15/5 8 * * ? *)", "2024-05-05T08:07:00Z", 3),
            (V{"2024-05-05T08:10:00Z", "2024-05-05T08:15:00Z", "2024-05-06T08:00:00Z"}));
  EXPECT_EQ(RuleFirings("cron(0 0/8 * * ? *)", "2024-05-05T00:00:00Z", 3),
            (V{"2024-05-05T08:00:00Z", "2024-05-05T16:00:00Z", "2024-05-06T00:00:00Z"}));
}

TEST(ScheduleCron, ListsRangesAndNames) {
  EXPECT_EQ(RuleFirings("cron(0 10,15 * * ? *)", "2024-05-05T12:00:00Z", 3),
            (V{"2024-05-05T15:00:00Z", "2024-05-06T10:00:00Z", "2024-05-06T15:00:00Z"}));
  EXPECT_EQ(RuleFirings("cron(0 0 1 JAN,JUL ? *)", "2024-01-01T00:00:00Z", 2),
            (V{"2024-07-01T00:00:00Z", "2025-01-01T00:00:00Z"}));
  EXPECT_EQ(RuleFirings("cron(0 0 1 jul-aug ? *)", "2024-01-01T00:00:00Z", 3),
            (V{"2024-07-01T00:00:00Z", "2024-08-01T00:00:00Z", "2025-07-01T00:00:00Z"}));
  // 2024-06-07 is a Friday.
  EXPECT_EQ(RuleFirings("cron(0 18 ? * MON-FRI *)", "2024-06-07T18:00:00Z", 3),
            (V{"2024-06-10T18:00:00Z", "2024-06-11T18:00:00Z", "2024-06-12T18:00:00Z"}));
  EXPECT_EQ(RuleFirings("cron(0 18 ? * 2-6 *)", "2024-06-07T17:59:00Z", 2),
            (V{"2024-06-07T18:00:00Z", "2024-06-10T18:00:00Z"}));
}

TEST(ScheduleCron, WrapAroundRanges) {
  // FRI-MON is Friday, Saturday, Sunday, Monday; 2024-06-06 is a Thursday.
  EXPECT_EQ(RuleFirings("cron(0 12 ? * FRI-MON *)", "2024-06-06T12:00:00Z", 5),
            (V{"2024-06-07T12:00:00Z", "2024-06-08T12:00:00Z", "2024-06-09T12:00:00Z",
               "2024-06-10T12:00:00Z", "2024-06-14T12:00:00Z"}));
  EXPECT_EQ(RuleFirings("cron(0 22-1 * * ? *)", "2024-06-06T12:00:00Z", 5),
            (V{"2024-06-06T22:00:00Z", "2024-06-06T23:00:00Z", "2024-06-07T00:00:00Z",
               "2024-06-07T01:00:00Z", "2024-06-07T22:00:00Z"}));
}

TEST(ScheduleCron, LastFridayOfTheMonthWithinYears) {
  EXPECT_EQ(RuleFirings("cron(15 10 ? * 6L 2019-2022)", "2018-06-01T00:00:00Z", 3),
            (V{"2019-01-25T10:15:00Z", "2019-02-22T10:15:00Z", "2019-03-29T10:15:00Z"}));
  EXPECT_EQ(RuleFirings("cron(15 10 ? * 6L 2019-2022)", "2022-11-01T00:00:00Z", 3),
            (V{"2022-11-25T10:15:00Z", "2022-12-30T10:15:00Z", "none"}));
}

TEST(ScheduleCron, LastDayForms) {
  EXPECT_EQ(RuleFirings("cron(0 0 L * ? *)", "2024-01-31T00:00:00Z", 3),
            (V{"2024-02-29T00:00:00Z", "2024-03-31T00:00:00Z", "2024-04-30T00:00:00Z"}));
  EXPECT_EQ(RuleFirings("cron(0 0 L-3 * ? *)", "2024-02-01T00:00:00Z", 2),
            (V{"2024-02-26T00:00:00Z", "2024-03-28T00:00:00Z"}));
  // The last weekday: 2024-03-31 is a Sunday, 2024-11-30 a Saturday.
  EXPECT_EQ(RuleFirings("cron(0 0 LW 3,11 ? 2024)", "2024-01-01T00:00:00Z", 3),
            (V{"2024-03-29T00:00:00Z", "2024-11-29T00:00:00Z", "none"}));
  // "L" alone in day-of-week is its last day, Saturday; 2024-06-01 is one.
  EXPECT_EQ(RuleFirings("cron(0 0 ? * L *)", "2024-05-31T00:00:00Z", 2),
            (V{"2024-06-01T00:00:00Z", "2024-06-08T00:00:00Z"}));
}

TEST(ScheduleCron, NearestWeekdayAroundWeekends) {
  // 2024-02-03 is a Saturday (-> Friday 2nd), 2024-03-03 a Sunday (-> Monday 4th),
  // 2024-04-03 a Wednesday.
  EXPECT_EQ(RuleFirings("cron(0 12 3W * ? *)", "2024-01-31T00:00:00Z", 3),
            (V{"2024-02-02T12:00:00Z", "2024-03-04T12:00:00Z", "2024-04-03T12:00:00Z"}));
  // 2024-06-01 is a Saturday: not back into May but forward to Monday the 3rd.
  EXPECT_EQ(RuleFirings("cron(0 12 1W 6 ? 2024)", "2024-01-01T00:00:00Z", 1),
            (V{"2024-06-03T12:00:00Z"}));
  // 2024-03-31 is a Sunday: not into April but back to Friday the 29th; April has no 31st.
  EXPECT_EQ(RuleFirings("cron(0 12 31W 3-5 ? 2024)", "2024-01-01T00:00:00Z", 3),
            (V{"2024-03-29T12:00:00Z", "2024-05-31T12:00:00Z", "none"}));
}

TEST(ScheduleCron, NthWeekday) {
  EXPECT_EQ(RuleFirings("cron(0 9 ? * 3#2 *)", "2024-01-01T00:00:00Z", 4),
            (V{"2024-01-09T09:00:00Z", "2024-02-13T09:00:00Z", "2024-03-12T09:00:00Z",
               "2024-04-09T09:00:00Z"}));
  // A fifth Monday exists only in some months.
  EXPECT_EQ(RuleFirings("cron(0 9 ? * MON#5 *)", "2024-01-01T00:00:00Z", 5),
            (V{"2024-01-29T09:00:00Z", "2024-04-29T09:00:00Z", "2024-07-29T09:00:00Z",
               "2024-09-30T09:00:00Z", "2024-12-30T09:00:00Z"}));
}

TEST(ScheduleCron, LeapYears) {
  EXPECT_EQ(RuleFirings("cron(0 0 29 2 ? *)", "2021-01-01T00:00:00Z", 2),
            (V{"2024-02-29T00:00:00Z", "2028-02-29T00:00:00Z"}));
  // 2100 is not a leap year.
  EXPECT_EQ(RuleFirings("cron(0 0 29 2 ? *)", "2096-03-01T00:00:00Z", 1),
            (V{"2104-02-29T00:00:00Z"}));
  EXPECT_EQ(RuleFirings("cron(0 0 L 2 ? 2100)", "2000-01-01T00:00:00Z", 2),
            (V{"2100-02-28T00:00:00Z", "none"}));
}

TEST(ScheduleCron, EndsWithYear2199) {
  EXPECT_EQ(RuleFirings("cron(59 23 31 12 ? *)", "2199-12-31T23:58:00Z", 2),
            (V{"2199-12-31T23:59:00Z", "none"}));
  EXPECT_EQ(RuleFirings("cron(0 0 1 1 ? 2199)", "1970-01-01T00:00:00Z", 2),
            (V{"2199-01-01T00:00:00Z", "none"}));
  EXPECT_EQ(RuleFirings("cron(0 0 * * ? 2020)", "2021-01-01T00:00:00Z", 1), (V{"none"}));
  // Before 1970, the first firing is in 1970.
  EXPECT_EQ(RuleFirings("cron(0 0 1 1 ? *)", "1960-06-01T00:00:00Z", 1),
            (V{"1970-01-01T00:00:00Z"}));
}

TEST(ScheduleCron, NeverMatchingDaysEndQuickly) {
  // February 31st never comes: the search must end (at 2199) without scanning minutes.
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(RuleFirings("cron(* * 31 2 ? *)", "1970-01-01T00:00:00Z", 1), (V{"none"}));
  EXPECT_EQ(RuleFirings("cron(0 0 30 FEB ? *)", "1970-01-01T00:00:00Z", 1), (V{"none"}));
  EXPECT_EQ(RuleFirings("cron(0 0 29 2 ? 2196)", "1970-01-01T00:00:00Z", 1),
            (V{"2196-02-29T00:00:00Z"}));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

// --- cron and at() in a time zone --------------------------------------------------------------

TEST(ScheduleCronZone, NewYorkSpringForwardSkipsTheMissingHour) {
  auto ny = Zone("America/New_York");
  auto e = ParseSchedulerSchedule("cron(30 2 * * ? *)");
  ASSERT_TRUE(e.ok());
  // 2024-03-10 02:30 does not exist in New York: that day has no firing.
  EXPECT_EQ(Firings(**e, "2024-03-09T00:00:00Z", 2, *ny),
            (V{"2024-03-09T07:30:00Z", "2024-03-11T06:30:00Z"}));
  auto hourly = ParseSchedulerSchedule("cron(0 * * * ? *)");
  ASSERT_TRUE(hourly.ok());
  // 01:00 EST, then 03:00 EDT: one hour apart in UTC too, 02:00 never happened.
  EXPECT_EQ(Firings(**hourly, "2024-03-10T05:30:00Z", 3, *ny),
            (V{"2024-03-10T06:00:00Z", "2024-03-10T07:00:00Z", "2024-03-10T08:00:00Z"}));
}

TEST(ScheduleCronZone, NewYorkFallBackFiresTheRepeatedHourOnce) {
  auto ny = Zone("America/New_York");
  auto e = ParseSchedulerSchedule("cron(30 1 * * ? *)");
  ASSERT_TRUE(e.ok());
  // 2024-11-03 01:30 happens twice (05:30Z EDT, 06:30Z EST): it fires at the first only.
  EXPECT_EQ(Firings(**e, "2024-11-02T12:00:00Z", 3, *ny),
            (V{"2024-11-03T05:30:00Z", "2024-11-04T06:30:00Z", "2024-11-05T06:30:00Z"}));
  // Asked from inside the repeated hour's second pass, it does not fire again.
  EXPECT_EQ(*(*e)->NextFiring(Ms("2024-11-03T06:00:00Z"), 0, *ny), Ms("2024-11-04T06:30:00Z"));
  auto hourly = ParseSchedulerSchedule("cron(0 * * * ? *)");
  ASSERT_TRUE(hourly.ok());
  EXPECT_EQ(Firings(**hourly, "2024-11-03T03:30:00Z", 3, *ny),
            (V{"2024-11-03T04:00:00Z", "2024-11-03T05:00:00Z", "2024-11-03T07:00:00Z"}));
}

TEST(ScheduleCronZone, WeekdaysInAZoneAheadOfUtc) {
  // 09:00 Monday in Tokyo is 00:00 Monday UTC; Friday 2024-06-07 -> Monday 2024-06-10.
  auto tokyo = Zone("Asia/Tokyo");
  auto e = ParseSchedulerSchedule("cron(0 9 ? * MON-FRI *)");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(Firings(**e, "2024-06-07T00:00:00Z", 2, *tokyo),
            (V{"2024-06-10T00:00:00Z", "2024-06-11T00:00:00Z"}));
}

TEST(ScheduleAt, FiresOnceAtTheLocalTime) {
  auto e = ParseSchedulerSchedule("at(2025-01-01T09:00:00)");
  ASSERT_TRUE(e.ok());
  auto tokyo = Zone("Asia/Tokyo");
  EXPECT_EQ(*(*e)->NextFiring(Ms("2024-12-31T00:00:00Z"), 0, *tokyo),
            Ms("2025-01-01T00:00:00Z"));
  EXPECT_EQ(*(*e)->NextFiring(Ms("2024-12-31T23:59:59.999Z"), 0, *tokyo),
            Ms("2025-01-01T00:00:00Z"));
  EXPECT_FALSE((*e)->NextFiring(Ms("2025-01-01T00:00:00Z"), 0, *tokyo));
  EXPECT_EQ(*(*e)->NextFiring(Ms("2024-12-31T00:00:00Z"), 0, *UtcZone()),
            Ms("2025-01-01T09:00:00Z"));
  // In the past: nothing to fire.
  auto past = ParseSchedulerSchedule("at(2022-12-31T23:59:59)");
  ASSERT_TRUE(past.ok());
  EXPECT_FALSE((*past)->NextFiring(Ms("2024-01-01T00:00:00Z"), 0, *UtcZone()));
}

TEST(ScheduleAt, AcrossDaylightSavingTime) {
  auto ny = Zone("America/New_York");
  // A repeated local time: the first occurrence (EDT).
  auto repeated = ParseSchedulerSchedule("at(2024-11-03T01:30:00)");
  ASSERT_TRUE(repeated.ok());
  EXPECT_EQ(*(*repeated)->NextFiring(Ms("2024-11-01T00:00:00Z"), 0, *ny),
            Ms("2024-11-03T05:30:00Z"));
  // A skipped local time moves forward by the gap: 02:30 -> 03:30 EDT.
  auto skipped = ParseSchedulerSchedule("at(2024-03-10T02:30:00)");
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(*(*skipped)->NextFiring(Ms("2024-03-01T00:00:00Z"), 0, *ny),
            Ms("2024-03-10T07:30:00Z"));
}

// --- time zones --------------------------------------------------------------------------------

int OffsetAt(const std::string& zone, const std::string& iso) {
  return Zone(zone)->OffsetAt(Ms(iso) / 1000);
}

TEST(TimeZone, UtcNeedsNoFile) {
  EXPECT_EQ(UtcZone()->name(), "UTC");
  EXPECT_EQ(UtcZone()->OffsetAt(0), 0);
  auto utc = LoadTimeZone("UTC");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(utc->get(), UtcZone().get());
  EXPECT_EQ(OffsetAt("Etc/UTC", "2024-07-01T00:00:00Z"), 0);
}

TEST(TimeZone, OffsetsFromTransitions) {
  EXPECT_EQ(OffsetAt("America/New_York", "2024-01-01T00:00:00Z"), -18000);
  EXPECT_EQ(OffsetAt("America/New_York", "2024-07-01T00:00:00Z"), -14400);
  EXPECT_EQ(OffsetAt("America/New_York", "2024-03-10T06:59:59Z"), -18000);
  EXPECT_EQ(OffsetAt("America/New_York", "2024-03-10T07:00:00Z"), -14400);
  EXPECT_EQ(OffsetAt("Europe/Paris", "2024-03-31T00:59:59Z"), 3600);
  EXPECT_EQ(OffsetAt("Europe/Paris", "2024-03-31T01:00:00Z"), 7200);
  EXPECT_EQ(OffsetAt("Asia/Kathmandu", "2024-07-01T00:00:00Z"), 20700);
  EXPECT_EQ(OffsetAt("Asia/Tehran", "2021-07-01T00:00:00Z"), 16200);
  EXPECT_EQ(OffsetAt("Asia/Tehran", "2024-07-01T00:00:00Z"), 12600);
  // Before the first transition: local mean time.
  EXPECT_EQ(OffsetAt("America/New_York", "1850-01-01T00:00:00Z"), -17762);
  EXPECT_EQ(Zone("Europe/Paris")->name(), "Europe/Paris");
}

TEST(TimeZone, FooterRuleAfterTheLastTransition) {
  EXPECT_EQ(OffsetAt("America/New_York", "2150-07-01T00:00:00Z"), -14400);
  EXPECT_EQ(OffsetAt("America/New_York", "2150-12-01T00:00:00Z"), -18000);
  EXPECT_EQ(OffsetAt("America/New_York", "2150-03-08T06:59:59Z"), -18000);
  EXPECT_EQ(OffsetAt("America/New_York", "2150-03-08T07:00:00Z"), -14400);
  // Southern hemisphere, negative DST (Dublin's winter "GMT" is the DST), half-hour DST.
  EXPECT_EQ(OffsetAt("Australia/Sydney", "2150-01-01T00:00:00Z"), 39600);
  EXPECT_EQ(OffsetAt("Australia/Sydney", "2150-07-01T00:00:00Z"), 36000);
  EXPECT_EQ(OffsetAt("Europe/Dublin", "2150-01-01T00:00:00Z"), 0);
  EXPECT_EQ(OffsetAt("Europe/Dublin", "2150-07-01T00:00:00Z"), 3600);
  EXPECT_EQ(OffsetAt("Australia/Lord_Howe", "2150-01-01T00:00:00Z"), 39600);
  EXPECT_EQ(OffsetAt("Australia/Lord_Howe", "2150-07-01T00:00:00Z"), 37800);
}

TEST(TimeZone, RejectsNamesOutsideTheDatabase) {
  for (const char* name : {"", "/etc/localtime", "../../etc/passwd", "America/../UTC",
                           "America/./New_York", "America//New_York", "America/New_York/",
                           ".hidden", "Not/AZone", "America", "zone.tab", "tzdata.zi",
                           "America/New York", "America\\New_York", "right/UTC",
                           "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/B"}) {
    auto zone = LoadTimeZone(name);
    ASSERT_FALSE(zone.ok()) << name;
    EXPECT_EQ(zone.error().code, "ValidationException");
    EXPECT_EQ(zone.error().message,
              "Invalid ScheduleExpressionTimezone " + std::string(name) + ".");
  }
}

TEST(TimeZone, LoadedOnceAndSharedAcrossThreads) {
  std::vector<const TimeZone*> seen(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] {
      auto zone = LoadTimeZone("Europe/Berlin");
      seen[i] = zone.ok() ? zone->get() : nullptr;
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_NE(seen[0], nullptr);
  auto again = LoadTimeZone("Europe/Berlin");
  ASSERT_TRUE(again.ok());
  for (const TimeZone* z : seen) EXPECT_EQ(z, again->get());
}

}  // namespace
}  // namespace evoke::events
