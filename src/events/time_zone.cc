// Time zones for EventBridge Scheduler: TZif files (RFC 8536, versions 1 to 3) from the system's
// tz database, with the footer's POSIX TZ rule for instants after the last transition.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time_format.h"
#include "events/schedule_expression.h"

namespace evoke::events {
namespace {

constexpr const char* kZoneDirectory = "/usr/share/zoneinfo";
constexpr size_t kMaxZoneNameLength = 50;  // ScheduleExpressionTimezone: length 1-50
constexpr uintmax_t kMaxZoneFileBytes = 1 << 20;

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// --- POSIX TZ strings ("EST5EDT,M3.2.0,M11.1.0"), the TZif footer -------------------------------

// One end of daylight saving time: a day rule and the local time of day it happens at.
struct PosixDate {
  enum class Kind { kJulian1, kJulian0, kMonthWeekDay } kind = Kind::kMonthWeekDay;
  int day = 0;                      // Jn: 1..365 (no Feb 29); n: 0..365
  int month = 0, week = 0, weekday = 0;  // Mm.w.d
  int64_t time_s = 2 * 3600;        // may be negative or beyond 24h (TZif v3)

  // Days since the epoch of the rule's date in year `y`.
  int64_t Day(int64_t y) const {
    int64_t jan1 = DaysFromCivil(y, 1, 1);
    switch (kind) {
      case Kind::kJulian1:
        return jan1 + day - 1 + (IsLeapYear(y) && day >= 60 ? 1 : 0);
      case Kind::kJulian0:
        return jan1 + day;
      case Kind::kMonthWeekDay: {
        int64_t first = DaysFromCivil(y, static_cast<unsigned>(month), 1);
        int first_weekday = static_cast<int>(((first % 7) + 11) % 7);  // 0 = Sunday
        int64_t d = first + (weekday - first_weekday + 7) % 7 + (week - 1) * 7;
        int64_t last = first + DaysInMonth(y, static_cast<unsigned>(month)) - 1;
        while (d > last) d -= 7;  // week 5 means "the last"
        return d;
      }
    }
    return jan1;
  }
};

struct PosixTz {
  int std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  int dst_offset = 0;
  PosixDate start, end;

  int OffsetAt(int64_t utc_s) const {
    if (!has_dst) return std_offset;
    int64_t year = 0;
    unsigned m = 0, d = 0;
    CivilFromDays(FloorDiv(utc_s + std_offset, 86400), &year, &m, &d);
    // The start is given in standard time, the end in daylight saving time.
    int64_t begins = start.Day(year) * 86400 + start.time_s - std_offset;
    int64_t ends = end.Day(year) * 86400 + end.time_s - dst_offset;
    bool in_dst = begins < ends ? (utc_s >= begins && utc_s < ends)
                                : !(utc_s >= ends && utc_s < begins);  // southern hemisphere
    return in_dst ? dst_offset : std_offset;
  }
};

class PosixParser {
 public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  std::optional<PosixTz> Parse() {
    PosixTz tz;
    if (!Name()) return std::nullopt;
    auto std_west = Offset();
    if (!std_west) return std::nullopt;
    tz.std_offset = -*std_west;
    if (AtEnd()) return tz;
    if (!Name()) return std::nullopt;
    tz.has_dst = true;
    tz.dst_offset = tz.std_offset + 3600;
    if (!AtEnd() && Peek() != ',') {
      auto dst_west = Offset();
      if (!dst_west) return std::nullopt;
      tz.dst_offset = -*dst_west;
    }
    if (AtEnd()) {  // no rule: POSIX leaves it to the implementation; the US rule is usual
      tz.start = {PosixDate::Kind::kMonthWeekDay, 0, 3, 2, 0, 7200};
      tz.end = {PosixDate::Kind::kMonthWeekDay, 0, 11, 1, 0, 7200};
      return tz;
    }
    if (!Eat(',') || !Date(&tz.start) || !Eat(',') || !Date(&tz.end) || !AtEnd()) {
      return std::nullopt;
    }
    return tz;
  }

 private:
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  bool IsDigit() const { return Peek() >= '0' && Peek() <= '9'; }

  bool Name() {
    if (Eat('<')) {
      size_t close = s_.find('>', pos_);
      if (close == std::string_view::npos || close == pos_) return false;
      pos_ = close + 1;
      return true;
    }
    size_t begin = pos_;
    while ((Peek() >= 'A' && Peek() <= 'Z') || (Peek() >= 'a' && Peek() <= 'z')) ++pos_;
    return pos_ - begin >= 3;
  }

  std::optional<int> Number(int max) {
    if (!IsDigit()) return std::nullopt;
    int v = 0;
    while (IsDigit()) {
      v = v * 10 + (Peek() - '0');
      if (v > max) return std::nullopt;
      ++pos_;
    }
    return v;
  }

  // [+-]hh[:mm[:ss]], in seconds; hours up to 167 (TZif v3 allows that for rule times).
  std::optional<int> Offset() {
    int sign = 1;
    if (Eat('-')) {
      sign = -1;
    } else {
      Eat('+');
    }
    auto h = Number(167);
    if (!h) return std::nullopt;
    int seconds = *h * 3600;
    if (Eat(':')) {
      auto m = Number(59);
      if (!m) return std::nullopt;
      seconds += *m * 60;
      if (Eat(':')) {
        auto sec = Number(59);
        if (!sec) return std::nullopt;
        seconds += *sec;
      }
    }
    return sign * seconds;
  }

  bool Date(PosixDate* date) {
    if (Eat('J')) {
      auto n = Number(365);
      if (!n || *n < 1) return false;
      date->kind = PosixDate::Kind::kJulian1;
      date->day = *n;
    } else if (Eat('M')) {
      auto m = Number(12);
      if (!m || *m < 1 || !Eat('.')) return false;
      auto w = Number(5);
      if (!w || *w < 1 || !Eat('.')) return false;
      auto d = Number(6);
      if (!d) return false;
      date->kind = PosixDate::Kind::kMonthWeekDay;
      date->month = *m;
      date->week = *w;
      date->weekday = *d;
    } else {
      auto n = Number(365);
      if (!n) return false;
      date->kind = PosixDate::Kind::kJulian0;
      date->day = *n;
    }
    date->time_s = 7200;
    if (Eat('/')) {
      auto t = Offset();
      if (!t) return false;
      date->time_s = *t;
    }
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// --- TZif -------------------------------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool Has(size_t n) const { return data_.size() - pos_ >= n; }
  size_t pos() const { return pos_; }
  void Skip(size_t n) { pos_ += n; }
  std::string_view Rest() const { return data_.substr(pos_); }
  uint8_t U8() { return static_cast<uint8_t>(data_[pos_++]); }
  int64_t Int(size_t size) {  // big-endian two's complement, 4 or 8 bytes
    uint64_t v = 0;
    for (size_t i = 0; i < size; ++i) v = (v << 8) | U8();
    if (size == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
    return static_cast<int64_t>(v);
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

struct TzifCounts {
  char version = 0;
  uint32_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
};

std::optional<TzifCounts> ReadHeader(Reader& r) {
  if (!r.Has(44) || r.Rest().substr(0, 4) != "TZif") return std::nullopt;
  r.Skip(4);
  TzifCounts c;
  c.version = static_cast<char>(r.U8());
  r.Skip(15);
  c.isut = static_cast<uint32_t>(r.Int(4));
  c.isstd = static_cast<uint32_t>(r.Int(4));
  c.leap = static_cast<uint32_t>(r.Int(4));
  c.time = static_cast<uint32_t>(r.Int(4));
  c.type = static_cast<uint32_t>(r.Int(4));
  c.chars = static_cast<uint32_t>(r.Int(4));
  if (c.type == 0 || c.type > 256 || c.time > 100000 || c.leap > 100000) return std::nullopt;
  return c;
}

size_t BodySize(const TzifCounts& c, size_t time_size) {
  return c.time * (time_size + 1) + c.type * 6 + c.chars + c.leap * (time_size + 4) + c.isstd +
         c.isut;
}

class TzifZone final : public TimeZone {
 public:
  TzifZone(std::string name, std::vector<int64_t> transitions, std::vector<int> offsets_after,
           int initial_offset, std::optional<PosixTz> footer)
      : name_(std::move(name)),
        transitions_(std::move(transitions)),
        offsets_after_(std::move(offsets_after)),
        initial_offset_(initial_offset),
        footer_(footer) {}

  const std::string& name() const override { return name_; }

  int OffsetAt(int64_t utc_s) const override {
    if (footer_ && (transitions_.empty() || utc_s >= transitions_.back())) {
      return footer_->OffsetAt(utc_s);
    }
    auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_s);
    if (it == transitions_.begin()) return initial_offset_;
    return offsets_after_[static_cast<size_t>(it - transitions_.begin() - 1)];
  }

 private:
  std::string name_;
  std::vector<int64_t> transitions_;  // ascending UTC instants
  std::vector<int> offsets_after_;    // the offset from each transition on
  int initial_offset_;                // before the first transition (time type 0, RFC 8536)
  std::optional<PosixTz> footer_;     // after the last transition
};

std::shared_ptr<const TimeZone> ParseTzif(std::string name, std::string_view data) {
  Reader r(data);
  auto v1 = ReadHeader(r);
  if (!v1) return nullptr;
  size_t time_size = 4;
  TzifCounts c = *v1;
  if (v1->version >= '2') {  // skip the 32-bit data; the 64-bit block follows its own header
    if (!r.Has(BodySize(*v1, 4))) return nullptr;
    r.Skip(BodySize(*v1, 4));
    auto v2 = ReadHeader(r);
    if (!v2) return nullptr;
    c = *v2;
    time_size = 8;
  }
  if (!r.Has(BodySize(c, time_size))) return nullptr;
  // Leap-second zones ("right/...") count TAI-like seconds; schedules never want them.
  if (c.leap != 0) return nullptr;
  std::vector<int64_t> transitions(c.time);
  for (auto& t : transitions) t = r.Int(time_size);
  std::vector<uint8_t> type_of(c.time);
  for (auto& i : type_of) {
    i = r.U8();
    if (i >= c.type) return nullptr;
  }
  std::vector<int> type_offset(c.type);
  for (auto& o : type_offset) {
    o = static_cast<int>(r.Int(4));
    r.Skip(2);  // isdst, designation index
    if (o < -25 * 3600 || o > 26 * 3600) return nullptr;
  }
  r.Skip(c.chars + c.isstd + c.isut);
  for (size_t i = 1; i < transitions.size(); ++i) {
    if (transitions[i] <= transitions[i - 1]) return nullptr;
  }
  std::vector<int> offsets_after(c.time);
  for (size_t i = 0; i < c.time; ++i) offsets_after[i] = type_offset[type_of[i]];

  std::optional<PosixTz> footer;
  if (time_size == 8) {
    std::string_view rest = r.Rest();
    if (rest.size() >= 2 && rest[0] == '\n') {
      size_t close = rest.find('\n', 1);
      std::string_view tz = rest.substr(1, close == std::string_view::npos ? 0 : close - 1);
      if (!tz.empty()) {
        footer = PosixParser(tz).Parse();
        if (!footer) return nullptr;
      }
    }
  }
  return std::make_shared<TzifZone>(std::move(name), std::move(transitions),
                                    std::move(offsets_after), type_offset[0], footer);
}

// Names are looked up as paths below the zone directory, so anything that could leave it, or
// name something other than a zone file, is refused before the file system sees it.
bool IsPlausibleZoneName(std::string_view name) {
  if (name.empty() || name.size() > kMaxZoneNameLength) return false;
  if (name.front() == '/' || name.back() == '/') return false;
  size_t begin = 0;
  while (begin <= name.size()) {
    size_t end = name.find('/', begin);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(begin, end - begin);
    if (part.empty() || part.front() == '.' || part.front() == '-') return false;
    for (char ch : part) {
      bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                ch == '_' || ch == '-' || ch == '+';
      if (!ok) return false;
    }
    begin = end + 1;
  }
  return true;
}

std::shared_ptr<const TimeZone> ReadZoneFile(std::string_view name) {
  std::error_code ec;
  std::filesystem::path path = std::filesystem::path(kZoneDirectory) / std::string(name);
  if (!std::filesystem::is_regular_file(path, ec)) return nullptr;
  auto size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxZoneFileBytes) return nullptr;
  std::ifstream in(path, std::ios::binary);
  std::string data(static_cast<size_t>(size), '\0');
  if (!in.read(data.data(), static_cast<std::streamsize>(data.size()))) return nullptr;
  return ParseTzif(std::string(name), data);
}

class FixedUtc final : public TimeZone {
 public:
  const std::string& name() const override { return name_; }
  int OffsetAt(int64_t) const override { return 0; }

 private:
  std::string name_ = "UTC";
};

Error InvalidZone(std::string_view name) {
  // EventBridge Scheduler's exact text for an unknown zone was not found; this follows the shape
  // of its "Invalid Schedule Expression <expression>." message.
  return MakeError("ValidationException",
                   "Invalid ScheduleExpressionTimezone " + std::string(name) + ".");
}

}  // namespace

std::shared_ptr<const TimeZone> UtcZone() {
  static const auto utc = std::make_shared<const FixedUtc>();
  return utc;
}

Result<std::shared_ptr<const TimeZone>> LoadTimeZone(std::string_view name) {
  if (name == "UTC") return UtcZone();
  if (!IsPlausibleZoneName(name)) return InvalidZone(name);
  // Zones are immutable once loaded, so one shared copy per name serves every schedule.
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;  // by mutex
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(name); it != cache.end()) return it->second;
  }
  auto zone = ReadZoneFile(name);
  if (!zone) return InvalidZone(name);
  std::lock_guard lock(mutex);
  return cache.emplace(std::string(name), zone).first->second;
}

}  // namespace evoke::events
