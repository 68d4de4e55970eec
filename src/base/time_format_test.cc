#include "base/time_format.h"

#include <gtest/gtest.h>

namespace evoke {
namespace {

constexpr int64_t k20130524 = 1369353600;  // 2013-05-24T00:00:00Z

TEST(TimeFormat, AmzDate) {
  EXPECT_EQ(FormatAmzDate(k20130524), "20130524T000000Z");
  EXPECT_EQ(ParseAmzDate("20130524T000000Z"), k20130524);
  EXPECT_FALSE(ParseAmzDate("20130524T000000"));
  EXPECT_FALSE(ParseAmzDate("20130230T000000Z"));  // no 30 February
}

TEST(TimeFormat, Iso8601) {
  EXPECT_EQ(FormatIso8601Ms(k20130524 * 1000 + 7), "2013-05-24T00:00:00.007Z");
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(ParseIso8601Ms("2013-05-24T00:00:00.007Z"), k20130524 * 1000 + 7);
  EXPECT_EQ(ParseIso8601Ms("2013-05-24T00:00:00Z"), k20130524 * 1000);
  EXPECT_EQ(ParseIso8601Ms("2013-05-24T02:00:00+02:00"), k20130524 * 1000);
  EXPECT_FALSE(ParseIso8601Ms("2013-05-24"));
  EXPECT_FALSE(ParseIso8601Ms("2013-05-24T00:00:00Zjunk"));
}

TEST(TimeFormat, HttpDate) {
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), 784111777);
  EXPECT_FALSE(ParseHttpDate("yesterday"));
}

TEST(TimeFormat, CivilDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  int64_t y;
  unsigned m, d;
  CivilFromDays(11017, &y, &m, &d);
  EXPECT_EQ(y, 2000);
  EXPECT_EQ(m, 3u);
  EXPECT_EQ(d, 1u);
}

}  // namespace
}  // namespace evoke
