// Unit tests for Object Lock's pure rules (s3/object_lock_rules.h): the configuration document,
// the x-amz-object-lock-* headers, the retention and legal-hold documents, and what a retention
// change or a delete may do to a locked version.
#include <gtest/gtest.h>

#include "base/time_format.h"
#include "s3/object_lock_rules.h"

namespace evoke::s3 {
namespace {

constexpr int64_t kDay = 86'400'000;
// 2024-02-29T12:00:00Z: a leap day, for calendar years.
const int64_t kNow = *ParseIso8601Ms("2024-02-29T12:00:00Z");

std::string Config(std::string_view inner) {
  return "<ObjectLockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
         std::string(inner) + "</ObjectLockConfiguration>";
}

std::string Retention(std::string_view mode, std::string_view days_or_years) {
  return Config("<ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>" +
                std::string(mode) + "</Mode>" + std::string(days_or_years) +
                "</DefaultRetention></Rule>");
}

std::string CodeOf(const Result<ObjectLockConfig>& r) { return r.ok() ? "" : r.error().code; }

TEST(ObjectLockConfig, ParsesAndRendersBack) {
  auto enabled = ParseObjectLockConfigXml(Config("<ObjectLockEnabled>Enabled</ObjectLockEnabled>"));
  ASSERT_TRUE(enabled.ok()) << enabled.error().message;
  EXPECT_EQ(*enabled, ObjectLockConfig{});
  auto days = ParseObjectLockConfigXml(Retention("GOVERNANCE", "<Days>7</Days>"));
  ASSERT_TRUE(days.ok()) << days.error().message;
  EXPECT_EQ(days->default_mode, "GOVERNANCE");
  EXPECT_EQ(days->days, 7);
  auto years = ParseObjectLockConfigXml(Retention("COMPLIANCE", "<Years>2</Years>"));
  ASSERT_TRUE(years.ok());
  EXPECT_EQ(years->years, 2);
  // What GetObjectLockConfiguration answers parses to the same configuration.
  for (const auto& c : {*enabled, *days, *years}) {
    auto again = ParseObjectLockConfigXml(ObjectLockConfigXml(c));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, c);
  }
  EXPECT_NE(ObjectLockConfigXml(*days).find("<Rule><DefaultRetention><Mode>GOVERNANCE</Mode>"
                                            "<Days>7</Days></DefaultRetention></Rule>"),
            std::string::npos);
}

TEST(ObjectLockConfig, RefusesWhatS3Refuses) {
  const char* malformed[] = {
      "",
      "not xml",
      "<Other><ObjectLockEnabled>Enabled</ObjectLockEnabled></Other>",
      "<ObjectLockConfiguration/>",
      "<ObjectLockConfiguration><ObjectLockEnabled>Disabled</ObjectLockEnabled>"
      "</ObjectLockConfiguration>",
      "<ObjectLockConfiguration><ObjectLockEnabled>enabled</ObjectLockEnabled>"
      "</ObjectLockConfiguration>",
      "<ObjectLockConfiguration><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days>"
      "</DefaultRetention></Rule></ObjectLockConfiguration>",
      "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule/>"
      "</ObjectLockConfiguration>",
      "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule>"
      "<DefaultRetention/></Rule></ObjectLockConfiguration>",
      "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
      "<ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>",
      "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Extra/>"
      "</ObjectLockConfiguration>",
  };
  for (const char* xml : malformed) {
    EXPECT_EQ(CodeOf(ParseObjectLockConfigXml(xml)), "MalformedXML") << xml;
  }
  const std::pair<const char*, const char*> retention_malformed[] = {
      {"GOVERNANCE", ""},
      {"GOVERNANCE", "<Days>1</Days><Years>1</Years>"},
      {"governance", "<Days>1</Days>"},
      {"LEGAL", "<Days>1</Days>"},
      {"", "<Days>1</Days>"},
      {"GOVERNANCE", "<Days>abc</Days>"},
      {"GOVERNANCE", "<Days>1.5</Days>"},
      {"GOVERNANCE", "<Days></Days>"},
      {"GOVERNANCE", "<Days>1</Days><Days>2</Days>"},
  };
  for (auto [mode, period] : retention_malformed) {
    EXPECT_EQ(CodeOf(ParseObjectLockConfigXml(Retention(mode, period))), "MalformedXML")
        << mode << " " << period;
  }
  const char* invalid[] = {"<Days>0</Days>",     "<Days>-1</Days>",    "<Years>0</Years>",
                           "<Days>36501</Days>", "<Years>101</Years>", "<Days>999999999</Days>"};
  for (const char* period : invalid) {
    auto r = ParseObjectLockConfigXml(Retention("COMPLIANCE", period));
    ASSERT_EQ(CodeOf(r), "InvalidArgument") << period;
    EXPECT_EQ(r.error().details.at(0).first, "ArgumentName");
  }
  auto zero = ParseObjectLockConfigXml(Retention("COMPLIANCE", "<Days>0</Days>"));
  EXPECT_EQ(zero.error().message, "Default retention period must be a positive integer value.");
  EXPECT_TRUE(ParseObjectLockConfigXml(Retention("COMPLIANCE", "<Days>36500</Days>")).ok());
  EXPECT_TRUE(ParseObjectLockConfigXml(Retention("COMPLIANCE", "<Years>100</Years>")).ok());
}

TEST(ObjectLockConfig, DefaultRetentionInDaysAndCalendarYears) {
  ObjectLockConfig none;
  EXPECT_FALSE(DefaultRetainUntilMs(none, kNow));
  ObjectLockConfig days{"GOVERNANCE", 3, 0};
  EXPECT_EQ(DefaultRetainUntilMs(days, kNow), kNow + 3 * kDay);
  ObjectLockConfig one_year{"COMPLIANCE", 0, 1};
  EXPECT_EQ(DefaultRetainUntilMs(one_year, kNow), *ParseIso8601Ms("2025-02-28T12:00:00Z"));
  ObjectLockConfig four_years{"COMPLIANCE", 0, 4};
  EXPECT_EQ(DefaultRetainUntilMs(four_years, kNow), *ParseIso8601Ms("2028-02-29T12:00:00Z"));
  // An explicit retention wins over the default; a legal hold goes with either.
  store::ObjectLockState hold_only;
  hold_only.legal_hold = "ON";
  auto lock = LockForNewVersion(hold_only, &days, kNow);
  EXPECT_EQ(lock.mode, "GOVERNANCE");
  EXPECT_EQ(lock.retain_until_ms, kNow + 3 * kDay);
  EXPECT_EQ(lock.legal_hold, "ON");
  store::ObjectLockState explicit_lock{"COMPLIANCE", kNow + 10 * kDay, ""};
  EXPECT_EQ(LockForNewVersion(explicit_lock, &days, kNow), explicit_lock);
  EXPECT_EQ(LockForNewVersion({}, nullptr, kNow), store::ObjectLockState{});
}

TEST(ObjectLockHeaders, ParsesWhatAWriteAsksFor) {
  http::Headers h;
  auto none = ParseObjectLockHeaders(h, kNow);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(HasObjectLock(*none));
  EXPECT_FALSE(HasObjectLockHeaders(h));
  h.Add("x-amz-object-lock-mode", "COMPLIANCE");
  h.Add("x-amz-object-lock-retain-until-date", "2030-01-02T03:04:05Z");
  h.Add("x-amz-object-lock-legal-hold", "OFF");
  auto lock = ParseObjectLockHeaders(h, kNow);
  ASSERT_TRUE(lock.ok()) << lock.error().message;
  EXPECT_EQ(lock->mode, "COMPLIANCE");
  EXPECT_EQ(lock->retain_until_ms, *ParseIso8601Ms("2030-01-02T03:04:05Z"));
  EXPECT_EQ(lock->legal_hold, "OFF");
  EXPECT_TRUE(HasObjectLockHeaders(h));
}

TEST(ObjectLockHeaders, RefusesWithS3sMessages) {
  struct Case {
    const char* mode;
    const char* date;
    const char* hold;
    const char* message;
    const char* argument;
  };
  const Case cases[] = {
      {"GOVERNANCE", "", "",
       "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
       "x-amz-object-lock-retain-until-date"},
      {"", "2030-01-01T00:00:00Z", "",
       "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
       "x-amz-object-lock-mode"},
      {"governance", "2030-01-01T00:00:00Z", "", "Unknown wormMode directive.",
       "x-amz-object-lock-mode"},
      {"GOVERNANCE", "tomorrow", "", "The retain until date must be provided in ISO 8601 format",
       "x-amz-object-lock-retain-until-date"},
      {"GOVERNANCE", "2020-01-01T00:00:00Z", "", "The retain until date must be in the future!",
       "x-amz-object-lock-retain-until-date"},
      {"", "", "on", "Legal Hold must be either of 'ON' or 'OFF'", "x-amz-object-lock-legal-hold"},
  };
  for (const Case& c : cases) {
    http::Headers h;
    if (*c.mode) h.Add("x-amz-object-lock-mode", c.mode);
    if (*c.date) h.Add("x-amz-object-lock-retain-until-date", c.date);
    if (*c.hold) h.Add("x-amz-object-lock-legal-hold", c.hold);
    auto r = ParseObjectLockHeaders(h, kNow);
    ASSERT_FALSE(r.ok()) << c.message;
    EXPECT_EQ(r.error().code, "InvalidArgument");
    EXPECT_EQ(r.error().message, c.message);
    EXPECT_EQ(r.error().details.at(0).second, c.argument);
  }
  // The date is judged by the clock it is given, to the millisecond.
  http::Headers at_now;
  at_now.Add("x-amz-object-lock-mode", "GOVERNANCE");
  at_now.Add("x-amz-object-lock-retain-until-date", FormatIso8601Ms(kNow));
  EXPECT_FALSE(ParseObjectLockHeaders(at_now, kNow).ok());
  EXPECT_TRUE(ParseObjectLockHeaders(at_now, kNow - 1).ok());
}

TEST(ObjectLockHeaders, AnUploadKeepsItsLockAmongItsHeaders) {
  store::HeaderList headers = {{"Content-Type", "text/plain"}};
  store::ObjectLockState lock{"GOVERNANCE", kNow + 123, "ON"};
  StashObjectLock(headers, lock);
  EXPECT_EQ(headers.size(), 4u);
  EXPECT_EQ(TakeStashedObjectLock(headers), lock);
  EXPECT_EQ(headers, (store::HeaderList{{"Content-Type", "text/plain"}}));
  EXPECT_EQ(TakeStashedObjectLock(headers), store::ObjectLockState{});
}

TEST(ObjectLockDocuments, RetentionAndLegalHold) {
  auto r = ParseRetentionXml(
      "<Retention xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Mode>COMPLIANCE</Mode>"
      "<RetainUntilDate>2030-01-01T00:00:00.123456Z</RetainUntilDate></Retention>");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->mode, "COMPLIANCE");
  EXPECT_EQ(r->retain_until_ms, *ParseIso8601Ms("2030-01-01T00:00:00.123Z"));
  auto removal = ParseRetentionXml("<Retention/>");
  ASSERT_TRUE(removal.ok());
  EXPECT_TRUE(removal->mode.empty());
  for (const char* bad :
       {"", "<Retention>", "<Other/>", "<Retention><Mode>GOVERNANCE</Mode></Retention>",
        "<Retention><RetainUntilDate>2030-01-01T00:00:00Z</RetainUntilDate></Retention>",
        "<Retention><Mode>governance</Mode><RetainUntilDate>2030-01-01T00:00:00Z"
        "</RetainUntilDate></Retention>",
        "<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>soon</RetainUntilDate></Retention>",
        "<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2030-01-01T00:00:00Z"
        "</RetainUntilDate><Extra/></Retention>"}) {
    auto parsed = ParseRetentionXml(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, "MalformedXML") << bad;
  }
  store::ObjectLockState lock{"GOVERNANCE", *ParseIso8601Ms("2030-01-01T00:00:00.5Z"), ""};
  EXPECT_NE(RetentionXml(lock).find("<Mode>GOVERNANCE</Mode><RetainUntilDate>"
                                    "2030-01-01T00:00:00.500Z</RetainUntilDate>"),
            std::string::npos);

  EXPECT_EQ(*ParseLegalHoldXml("<LegalHold><Status>ON</Status></LegalHold>"), "ON");
  EXPECT_EQ(*ParseLegalHoldXml("<LegalHold><Status>OFF</Status></LegalHold>"), "OFF");
  for (const char* bad : {"", "<LegalHold/>", "<LegalHold><Status>on</Status></LegalHold>",
                          "<LegalHold><Status/></LegalHold>", "<Hold><Status>ON</Status></Hold>",
                          "<LegalHold><Status>ON</Status><Status>OFF</Status></LegalHold>"}) {
    auto parsed = ParseLegalHoldXml(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, "MalformedXML") << bad;
  }
  EXPECT_NE(LegalHoldXml("ON").find("<Status>ON</Status>"), std::string::npos);
}

TEST(ObjectLockRules, WhatADeleteMayRemove) {
  store::ObjectLockState none;
  EXPECT_TRUE(CheckVersionDeletable(none, kNow, false).ok());
  store::ObjectLockState governance{"GOVERNANCE", kNow + kDay, ""};
  EXPECT_EQ(CheckVersionDeletable(governance, kNow, false).error().code, "AccessDenied");
  EXPECT_EQ(CheckVersionDeletable(governance, kNow, false).error().message,
            "Access Denied because object protected by object lock.");
  EXPECT_TRUE(CheckVersionDeletable(governance, kNow, true).ok());
  EXPECT_TRUE(CheckVersionDeletable(governance, kNow + kDay, false).ok());  // it has run out
  store::ObjectLockState compliance{"COMPLIANCE", kNow + kDay, "OFF"};
  EXPECT_FALSE(CheckVersionDeletable(compliance, kNow, true).ok());
  EXPECT_TRUE(CheckVersionDeletable(compliance, kNow + kDay + 1, false).ok());
  store::ObjectLockState held{"", 0, "ON"};
  EXPECT_FALSE(CheckVersionDeletable(held, kNow, true).ok());  // bypass is no use on a hold
  EXPECT_TRUE(IsLocked(held, kNow));
  EXPECT_TRUE(IsLocked(compliance, kNow));
  EXPECT_FALSE(IsLocked(compliance, kNow + kDay));
}

TEST(ObjectLockRules, WhatARetentionChangeMayDo) {
  const int64_t until = kNow + 10 * kDay;
  store::ObjectLockState governance{"GOVERNANCE", until, ""};
  store::ObjectLockState compliance{"COMPLIANCE", until, ""};
  RetentionRequest longer_g{"GOVERNANCE", until + kDay};
  RetentionRequest same_g{"GOVERNANCE", until};
  RetentionRequest shorter_g{"GOVERNANCE", until - kDay};
  RetentionRequest longer_c{"COMPLIANCE", until + kDay};
  RetentionRequest shorter_c{"COMPLIANCE", until - kDay};
  RetentionRequest remove{};

  EXPECT_TRUE(CheckRetentionChange({}, shorter_g, kNow, false).ok());  // nothing runs yet
  EXPECT_TRUE(CheckRetentionChange(governance, longer_g, kNow, false).ok());
  EXPECT_TRUE(CheckRetentionChange(governance, same_g, kNow, false).ok());
  for (const auto& r : {shorter_g, remove, longer_c}) {
    EXPECT_FALSE(CheckRetentionChange(governance, r, kNow, false).ok()) << r.mode;
    EXPECT_TRUE(CheckRetentionChange(governance, r, kNow, true).ok()) << r.mode;
  }
  EXPECT_TRUE(CheckRetentionChange(compliance, longer_c, kNow, false).ok());
  for (const auto& r : {shorter_c, remove, longer_g}) {
    EXPECT_EQ(CheckRetentionChange(compliance, r, kNow, true).error().code, "AccessDenied")
        << r.mode;
  }
  // Once a retention has run out it protects nothing.
  EXPECT_TRUE(CheckRetentionChange(compliance, remove, until, false).ok());
}

}  // namespace
}  // namespace evoke::s3
