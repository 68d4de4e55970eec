#include "base/time_format.h"

#include <array>
#include <cstdio>
#include <cstring>

namespace evoke {
namespace {

constexpr std::array<const char*, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second, weekday;
};

Civil ToCivil(int64_t epoch_s) {
  int64_t days = epoch_s >= 0 ? epoch_s / 86400 : (epoch_s - 86399) / 86400;
  int64_t secs = epoch_s - days * 86400;
  Civil c{};
  CivilFromDays(days, &c.year, &c.month, &c.day);
  c.hour = static_cast<unsigned>(secs / 3600);
  c.minute = static_cast<unsigned>(secs / 60 % 60);
  c.second = static_cast<unsigned>(secs % 60);
  c.weekday = static_cast<unsigned>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  return c;
}

bool ReadInt(std::string_view s, size_t pos, size_t len, unsigned* out) {
  if (pos + len > s.size()) return false;
  unsigned v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  *out = v;
  return true;
}

std::optional<int64_t> FromFields(int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi,
                                  unsigned s) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[mo - 1]) return std::nullopt;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return std::nullopt;
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (s == 60 ? 59 : s);
}

int MonthIndex(std::string_view m) {
  for (int i = 0; i < 12; ++i) {
    if (m == kMonths[i]) return i + 1;
  }
  return -1;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

std::string FormatAmzDate(int64_t epoch_s) {
  Civil c = ToCivil(epoch_s);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld%02u%02uT%02u%02u%02uZ", static_cast<long long>(c.year),
                c.month, c.day, c.hour, c.minute, c.second);
  return buf;
}

std::optional<int64_t> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  unsigned y, mo, d, h, mi, sec;
  if (!ReadInt(s, 0, 4, &y) || !ReadInt(s, 4, 2, &mo) || !ReadInt(s, 6, 2, &d) ||
      !ReadInt(s, 9, 2, &h) || !ReadInt(s, 11, 2, &mi) || !ReadInt(s, 13, 2, &sec)) {
    return std::nullopt;
  }
  return FromFields(y, mo, d, h, mi, sec);
}

std::string FormatIso8601Ms(int64_t epoch_ms) {
  int64_t s = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
  unsigned ms = static_cast<unsigned>(epoch_ms - s * 1000);
  Civil c = ToCivil(s);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ",
                static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second, ms);
  return buf;
}

std::string FormatIso8601(int64_t epoch_s) {
  Civil c = ToCivil(epoch_s);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(c.year),
                c.month, c.day, c.hour, c.minute, c.second);
  return buf;
}

std::optional<int64_t> ParseIso8601Ms(std::string_view s) {
  unsigned y, mo, d, h, mi, sec;
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  if (!ReadInt(s, 0, 4, &y) || !ReadInt(s, 5, 2, &mo) || !ReadInt(s, 8, 2, &d) ||
      !ReadInt(s, 11, 2, &h) || !ReadInt(s, 14, 2, &mi) || !ReadInt(s, 17, 2, &sec)) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) ms = ms * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) ms *= 10;
  }
  int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    unsigned oh, om;
    if (!ReadInt(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ReadInt(s, pos + 4, 2, &om)) {
      return std::nullopt;
    }
    offset_s = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  }
  if (pos != s.size()) return std::nullopt;
  auto base = FromFields(y, mo, d, h, mi, sec);
  if (!base) return std::nullopt;
  return (*base - offset_s) * 1000 + ms;
}

std::string FormatHttpDate(int64_t epoch_s) {
  Civil c = ToCivil(epoch_s);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02u:%02u:%02u GMT", kWeekdays[c.weekday],
                c.day, kMonths[c.month - 1], static_cast<long long>(c.year), c.hour, c.minute,
                c.second);
  return buf;
}

std::optional<int64_t> ParseHttpDate(std::string_view s) {
  unsigned d, y, h, mi, sec;
  // RFC 1123: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (s.size() == 29 && s[3] == ',' && s[4] == ' ' && s.substr(26) == "GMT") {
    int mo = MonthIndex(s.substr(8, 3));
    if (mo < 0 || !ReadInt(s, 5, 2, &d) || !ReadInt(s, 12, 4, &y) || !ReadInt(s, 17, 2, &h) ||
        !ReadInt(s, 20, 2, &mi) || !ReadInt(s, 23, 2, &sec) || s[19] != ':' || s[22] != ':') {
      return std::nullopt;
    }
    return FromFields(y, static_cast<unsigned>(mo), d, h, mi, sec);
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
  auto comma = s.find(", ");
  if (comma != std::string_view::npos && comma > 3 && s.size() == comma + 24 &&
      s.substr(s.size() - 3) == "GMT") {
    std::string_view r = s.substr(comma + 2);
    int mo = MonthIndex(r.substr(3, 3));
    if (mo < 0 || r[2] != '-' || r[6] != '-' || !ReadInt(r, 0, 2, &d) || !ReadInt(r, 7, 2, &y) ||
        !ReadInt(r, 10, 2, &h) || !ReadInt(r, 13, 2, &mi) || !ReadInt(r, 16, 2, &sec)) {
      return std::nullopt;
    }
    y += y < 70 ? 2000 : 1900;
    return FromFields(y, static_cast<unsigned>(mo), d, h, mi, sec);
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (s.size() == 24 && s[3] == ' ' && s[7] == ' ') {
    int mo = MonthIndex(s.substr(4, 3));
    std::string day(s.substr(8, 2));
    if (day[0] == ' ') day[0] = '0';
    if (mo < 0 || !ReadInt(day, 0, 2, &d) || !ReadInt(s, 11, 2, &h) || !ReadInt(s, 14, 2, &mi) ||
        !ReadInt(s, 17, 2, &sec) || !ReadInt(s, 20, 4, &y)) {
      return std::nullopt;
    }
    return FromFields(y, static_cast<unsigned>(mo), d, h, mi, sec);
  }
  return std::nullopt;
}

}  // namespace evoke
