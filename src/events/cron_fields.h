// The six fields of an EventBridge cron() expression ("0 18 ? * MON-FRI *"), parsed with AWS's
// (Quartz-derived) grammar, and the calendar test for a day. Used by schedule_expression.cc.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string_view>

namespace evoke::events {

inline constexpr int kFirstCronYear = 1970;
inline constexpr int kLastCronYear = 2199;

struct CronFields {
  // How the day is chosen: exactly one of day-of-month and day-of-week is "?", and the other
  // is a set of values or one of the special forms.
  enum class DayRule {
    kMonthDays,       // day-of-month values (1-31)
    kLastDay,         // L or L-n: the last day of the month, less `day_arg` days
    kLastWeekday,     // LW: the last Monday-to-Friday of the month
    kNearestWeekday,  // nW: the weekday nearest day `day_arg`, within the month
    kWeekDays,        // day-of-week values (1 = Sunday ... 7 = Saturday)
    kLastWeekdayOf,   // nL: the last weekday `day_arg` of the month
    kNthWeekdayOf,    // n#k: weekday `day_arg`, the `nth`-th of the month
  };

  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<13> months;  // 1-12
  std::bitset<kLastCronYear - kFirstCronYear + 1> years;
  DayRule day_rule = DayRule::kMonthDays;
  std::bitset<32> month_days;  // 1-31
  std::bitset<8> week_days;    // 1-7
  int day_arg = 0;
  int nth = 0;

  bool HasYear(int64_t year) const {
    return year >= kFirstCronYear && year <= kLastCronYear && years[year - kFirstCronYear];
  }
  // Whether the civil date (in the schedule's time zone) is one the expression fires on,
  // ignoring the year and month fields.
  bool MatchesDay(int64_t year, unsigned month, unsigned day) const;
};

// `text` is what stands between "cron(" and ")": six fields separated by single spaces.
// nullopt for anything EventBridge refuses.
std::optional<CronFields> ParseCronFields(std::string_view text);

}  // namespace evoke::events
