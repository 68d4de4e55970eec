#include "events/schedule_expression.h"

#include <algorithm>
#include <limits>

#include "base/time_format.h"
#include "events/cron_fields.h"

namespace evoke::events {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kDay = 86'400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The UTC instants (seconds) whose wall-clock time in `zone` is `local_s`, earliest first:
// none when a spring-forward gap skips it, two when a fall-back repeats it. Assumes at most one
// offset change within a day either side, which holds for every zone in use.
int ResolveLocal(const TimeZone& zone, int64_t local_s, int64_t out[2]) {
  int before = zone.OffsetAt(local_s - kDay);
  int after = zone.OffsetAt(local_s + kDay);
  int n = 0;
  for (int offset : {before, after}) {
    int64_t utc = local_s - offset;
    if (zone.OffsetAt(utc) == offset && (n == 0 || out[0] != utc)) out[n++] = utc;
  }
  if (n == 2 && out[1] < out[0]) std::swap(out[0], out[1]);
  return n;
}

class RateSchedule final : public ScheduleExpression {
 public:
  explicit RateSchedule(int64_t period_ms) : period_ms_(period_ms) {}
  Kind kind() const override { return Kind::kRate; }

  // Rates are fixed durations, whatever the zone: EventBridge Scheduler evaluates a rate of
  // days 24 hours after the last invocation even across daylight saving changes.
  std::optional<int64_t> NextFiring(int64_t after_ms, int64_t anchor_ms,
                                    const TimeZone&) const override {
    int64_t k = after_ms < anchor_ms ? 1 : (after_ms - anchor_ms) / period_ms_ + 1;
    if (k > (std::numeric_limits<int64_t>::max() - anchor_ms) / period_ms_) return std::nullopt;
    return anchor_ms + k * period_ms_;
  }

 private:
  int64_t period_ms_;
};

class CronSchedule final : public ScheduleExpression {
 public:
  explicit CronSchedule(CronFields fields) : f_(fields) {}
  Kind kind() const override { return Kind::kCron; }

  // Walks the zone's calendar from the day `after_ms` falls on, skipping whole years and months
  // the expression excludes, then tries the day's hours and minutes in order. A local time a
  // spring-forward gap skips does not fire; one a fall-back repeats fires once, at its first
  // occurrence (EventBridge Scheduler's documented behaviour). Mapping each local time to its
  // first occurrence keeps instants in the same order as local times, so the first local time
  // that lands after `after_ms` is the answer.
  std::optional<int64_t> NextFiring(int64_t after_ms, int64_t,
                                    const TimeZone& zone) const override {
    int64_t after_s = FloorDiv(after_ms, 1000);
    int64_t day = FloorDiv(after_s + zone.OffsetAt(after_s), kDay);
    int64_t first_day = DaysFromCivil(kFirstCronYear, 1, 1);
    day = std::max(day, first_day - 1);
    while (true) {
      int64_t y = 0;
      unsigned m = 0, d = 0;
      CivilFromDays(day, &y, &m, &d);
      if (y > kLastCronYear) return std::nullopt;
      if (!f_.HasYear(y)) {
        day = DaysFromCivil(y + 1, 1, 1);
        continue;
      }
      if (!f_.months[m]) {
        day = m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, m + 1, 1);
        continue;
      }
      if (f_.MatchesDay(y, m, d)) {
        if (auto t = FirstTimeInDay(day, after_ms, zone)) return t;
      }
      ++day;
    }
  }

 private:
  std::optional<int64_t> FirstTimeInDay(int64_t day, int64_t after_ms,
                                        const TimeZone& zone) const {
    for (int h = 0; h < 24; ++h) {
      if (!f_.hours[static_cast<size_t>(h)]) continue;
      for (int mi = 0; mi < 60; ++mi) {
        if (!f_.minutes[static_cast<size_t>(mi)]) continue;
        int64_t instants[2];
        if (ResolveLocal(zone, day * kDay + h * 3600 + mi * 60, instants) == 0) continue;
        if (instants[0] * 1000 > after_ms) return instants[0] * 1000;
      }
    }
    return std::nullopt;
  }

  CronFields f_;
};

class AtSchedule final : public ScheduleExpression {
 public:
  explicit AtSchedule(int64_t local_s) : local_s_(local_s) {}
  Kind kind() const override { return Kind::kAt; }

  // The wall-clock time in `zone`: its first occurrence when a fall-back repeats it, and moved
  // forward by the gap when a spring-forward skips it (a one-time schedule still runs once).
  std::optional<int64_t> NextFiring(int64_t after_ms, int64_t,
                                    const TimeZone& zone) const override {
    int64_t instants[2];
    int64_t utc = ResolveLocal(zone, local_s_, instants) > 0
                      ? instants[0]
                      : local_s_ - zone.OffsetAt(local_s_ - kDay);
    if (utc * 1000 <= after_ms) return std::nullopt;
    return utc * 1000;
  }

 private:
  int64_t local_s_;  // the wall-clock time as if it were UTC
};

// "rate(value unit)": a positive integer, one space, a lower-case unit. EventBridge rules insist
// on the singular exactly when the value is 1; Scheduler accepts either.
std::optional<int64_t> ParseRate(std::string_view inner, bool strict_plural) {
  size_t space = inner.find(' ');
  if (space == std::string_view::npos || space == 0 || space > 9) return std::nullopt;
  int64_t value = 0;
  for (char c : inner.substr(0, space)) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < 1) return std::nullopt;
  std::string_view unit = inner.substr(space + 1);
  bool plural = !unit.empty() && unit.back() == 's';
  if (plural) unit.remove_suffix(1);
  int64_t unit_ms = 0;
  if (unit == "minute") {
    unit_ms = kMinuteMs;
  } else if (unit == "hour") {
    unit_ms = 60 * kMinuteMs;
  } else if (unit == "day") {
    unit_ms = 24 * 60 * kMinuteMs;
  } else {
    return std::nullopt;
  }
  if (strict_plural && plural != (value != 1)) return std::nullopt;
  return value * unit_ms;
}

// "yyyy-mm-ddThh:mm:ss", a wall-clock time without zone or fraction; seconds as if UTC.
std::optional<int64_t> ParseAtTime(std::string_view s) {
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':') {
    return std::nullopt;
  }
  auto num = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
      sec = num(17, 2);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
      sec > 59) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap)) return std::nullopt;
  return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * kDay + h * 3600 +
         mi * 60 + sec;
}

// The text between "<keyword>(" and the final ")", or nullopt when `text` is not that shape.
std::optional<std::string_view> Inner(std::string_view text, std::string_view keyword) {
  if (text.size() < keyword.size() + 2 || text.substr(0, keyword.size()) != keyword ||
      text[keyword.size()] != '(' || text.back() != ')') {
    return std::nullopt;
  }
  return text.substr(keyword.size() + 1, text.size() - keyword.size() - 2);
}

std::shared_ptr<const ScheduleExpression> Parse(std::string_view text, bool scheduler) {
  if (auto inner = Inner(text, "rate")) {
    if (auto period = ParseRate(*inner, !scheduler)) return std::make_shared<RateSchedule>(*period);
    return nullptr;
  }
  if (auto inner = Inner(text, "cron")) {
    if (auto fields = ParseCronFields(*inner)) return std::make_shared<CronSchedule>(*fields);
    return nullptr;
  }
  if (auto inner = Inner(text, "at"); inner && scheduler) {
    if (auto local = ParseAtTime(*inner)) return std::make_shared<AtSchedule>(*local);
  }
  return nullptr;
}

}  // namespace

Result<std::shared_ptr<const ScheduleExpression>> ParseRuleSchedule(std::string_view text) {
  if (auto parsed = Parse(text, false)) return parsed;
  // PutRule's answer, verbatim (../shared/reference/aws-wire.md §3.4).
  return MakeError("ValidationException", "Parameter ScheduleExpression is not valid.");
}

Result<std::shared_ptr<const ScheduleExpression>> ParseSchedulerSchedule(std::string_view text) {
  if (auto parsed = Parse(text, true)) return parsed;
  // CreateSchedule's answer as recorded against AWS (LocalStack's validated snapshots).
  return MakeError("ValidationException",
                   "Invalid Schedule Expression " + std::string(text) + ".");
}

}  // namespace evoke::events
