#include "events/cron_fields.h"

#include <array>
#include <string>
#include <vector>

#include "base/time_format.h"

namespace evoke::events {
namespace {

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames = {"SUN", "MON", "TUE", "WED",
                                                       "THU", "FRI", "SAT"};

// What one field accepts: its value range, names for values (month and day names), whether a
// range may wrap past the end ("FRI-MON", "22-2", as Quartz allows) and the largest step.
struct FieldSpec {
  int min, max;
  const std::string_view* names;  // names[i] is value min + i, or nullptr
  size_t name_count;
  bool wraps;
  int max_step;
};

constexpr FieldSpec kMinuteSpec{0, 59, nullptr, 0, true, 59};
constexpr FieldSpec kHourSpec{0, 23, nullptr, 0, true, 23};
constexpr FieldSpec kMonthDaySpec{1, 31, nullptr, 0, true, 31};
constexpr FieldSpec kMonthSpec{1, 12, kMonthNames.data(), kMonthNames.size(), true, 12};
constexpr FieldSpec kWeekDaySpec{1, 7, kDayNames.data(), kDayNames.size(), true, 7};
constexpr FieldSpec kYearSpec{kFirstCronYear, kLastCronYear, nullptr, 0, false,
                              kLastCronYear - kFirstCronYear + 1};

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t begin = 0;
  while (true) {
    size_t end = s.find(sep, begin);
    if (end == std::string_view::npos) {
      parts.push_back(s.substr(begin));
      return parts;
    }
    parts.push_back(s.substr(begin, end - begin));
    begin = end + 1;
  }
}

std::optional<int> Digits(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// A number or a name, within the field's range.
std::optional<int> Value(std::string_view s, const FieldSpec& spec) {
  std::optional<int> v = Digits(s);
  if (!v && spec.names) {
    for (size_t i = 0; i < spec.name_count; ++i) {
      if (s == spec.names[i]) v = spec.min + static_cast<int>(i);
    }
  }
  if (!v || *v < spec.min || *v > spec.max) return std::nullopt;
  return v;
}

// A comma-separated list of "*", "v", "a-b", with an optional "/step" after each; calls
// `add(value)` for every value it names.
template <class Add>
bool ParseList(std::string_view field, const FieldSpec& spec, Add add) {
  for (std::string_view item : Split(field, ',')) {
    int step = 1;
    bool stepped = false;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      auto s = Digits(item.substr(slash + 1));
      if (!s || *s < 1 || *s > spec.max_step) return false;
      step = *s;
      stepped = true;
      item = item.substr(0, slash);
    }
    int first = 0, last = 0;
    if (item == "*") {
      first = spec.min;
      last = spec.max;
    } else if (size_t dash = item.find('-'); dash != std::string_view::npos) {
      auto a = Value(item.substr(0, dash), spec);
      auto b = Value(item.substr(dash + 1), spec);
      if (!a || !b || (*a > *b && !spec.wraps)) return false;
      first = *a;
      last = *b;
    } else {
      auto v = Value(item, spec);
      if (!v) return false;
      first = *v;
      last = stepped ? spec.max : *v;  // "a/b": from a to the end of the range
    }
    int span = spec.max - spec.min + 1;
    int distance = (last - first + span) % span;  // steps along the (possibly wrapped) range
    for (int k = 0; k <= distance; k += step) add(spec.min + (first - spec.min + k) % span);
  }
  return true;
}

template <size_t N>
bool ParseSet(std::string_view field, const FieldSpec& spec, std::bitset<N>* set, int bias = 0) {
  return ParseList(field, spec, [&](int v) { set->set(static_cast<size_t>(v - bias)); });
}

bool ParseMonthDay(std::string_view field, CronFields* f) {
  using Rule = CronFields::DayRule;
  if (field == "L") {
    f->day_rule = Rule::kLastDay;
    return true;
  }
  if (field == "LW") {
    f->day_rule = Rule::kLastWeekday;
    return true;
  }
  if (field.substr(0, 2) == "L-") {
    auto n = Digits(field.substr(2));
    if (!n || *n > 30) return false;
    f->day_rule = Rule::kLastDay;
    f->day_arg = *n;
    return true;
  }
  if (!field.empty() && field.back() == 'W') {
    auto n = Value(field.substr(0, field.size() - 1), kMonthDaySpec);
    if (!n) return false;
    f->day_rule = Rule::kNearestWeekday;
    f->day_arg = *n;
    return true;
  }
  f->day_rule = Rule::kMonthDays;
  return ParseSet(field, kMonthDaySpec, &f->month_days);
}

bool ParseWeekDay(std::string_view field, CronFields* f) {
  using Rule = CronFields::DayRule;
  if (field == "L") {  // the last day of the week: Saturday
    f->day_rule = Rule::kWeekDays;
    f->week_days.set(7);
    return true;
  }
  if (size_t hash = field.find('#'); hash != std::string_view::npos) {
    // One "#" expression only: "3#1,6#3" is two expressions and refused (EventBridge docs).
    auto day = Value(field.substr(0, hash), kWeekDaySpec);
    auto nth = Digits(field.substr(hash + 1));
    if (!day || !nth || *nth < 1 || *nth > 5) return false;
    f->day_rule = Rule::kNthWeekdayOf;
    f->day_arg = *day;
    f->nth = *nth;
    return true;
  }
  if (field.size() > 1 && field.back() == 'L') {
    auto day = Value(field.substr(0, field.size() - 1), kWeekDaySpec);
    if (!day) return false;
    f->day_rule = Rule::kLastWeekdayOf;
    f->day_arg = *day;
    return true;
  }
  f->day_rule = Rule::kWeekDays;
  // Day-of-week takes no "/" (EventBridge's table lists , - * ? L # only).
  if (field.find('/') != std::string_view::npos) return false;
  return ParseSet(field, kWeekDaySpec, &f->week_days);
}

unsigned LastDayOfMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// 1 = Sunday ... 7 = Saturday, as cron counts.
int WeekDay(int64_t y, unsigned m, unsigned d) {
  int64_t days = DaysFromCivil(y, m, d);
  return static_cast<int>(((days % 7) + 11) % 7) + 1;  // 1970-01-01 was a Thursday
}

}  // namespace

bool CronFields::MatchesDay(int64_t year, unsigned month, unsigned day) const {
  int last = static_cast<int>(LastDayOfMonth(year, month));
  int d = static_cast<int>(day);
  switch (day_rule) {
    case DayRule::kMonthDays:
      return month_days[day];
    case DayRule::kLastDay:
      return d == last - day_arg;
    case DayRule::kLastWeekday: {
      int wd = WeekDay(year, month, static_cast<unsigned>(last));
      int target = wd == 7 ? last - 1 : wd == 1 ? last - 2 : last;
      return d == target;
    }
    case DayRule::kNearestWeekday: {
      // Quartz: the weekday nearest day n, never crossing into another month.
      if (day_arg > last) return false;
      int wd = WeekDay(year, month, static_cast<unsigned>(day_arg));
      int target = day_arg;
      if (wd == 7) target = day_arg == 1 ? 3 : day_arg - 1;          // Saturday
      if (wd == 1) target = day_arg == last ? last - 2 : day_arg + 1;  // Sunday
      return d == target;
    }
    case DayRule::kWeekDays:
      return week_days[static_cast<size_t>(WeekDay(year, month, day))];
    case DayRule::kLastWeekdayOf:
      return WeekDay(year, month, day) == day_arg && d + 7 > last;
    case DayRule::kNthWeekdayOf:
      return WeekDay(year, month, day) == day_arg && (d - 1) / 7 + 1 == nth;
  }
  return false;
}

std::optional<CronFields> ParseCronFields(std::string_view text) {
  // Names and the L/W letters are read case-insensitively, as Quartz upper-cases expressions.
  std::string upper(text);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  std::vector<std::string_view> fields = Split(upper, ' ');
  if (fields.size() != 6) return std::nullopt;
  for (std::string_view field : fields) {
    if (field.empty()) return std::nullopt;
  }
  CronFields f;
  if (!ParseSet(fields[0], kMinuteSpec, &f.minutes) || !ParseSet(fields[1], kHourSpec, &f.hours) ||
      !ParseSet(fields[3], kMonthSpec, &f.months) ||
      !ParseSet(fields[5], kYearSpec, &f.years, kFirstCronYear)) {
    return std::nullopt;
  }
  // Exactly one of day-of-month and day-of-week is "?".
  bool any_month_day = fields[2] == "?";
  bool any_week_day = fields[4] == "?";
  if (any_month_day == any_week_day) return std::nullopt;
  bool ok = any_week_day ? ParseMonthDay(fields[2], &f) : ParseWeekDay(fields[4], &f);
  if (!ok) return std::nullopt;
  return f;
}

}  // namespace evoke::events
