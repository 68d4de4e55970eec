// Time formats on the AWS wire: SigV4's basic ISO 8601 (20130524T000000Z), ISO 8601 with
// milliseconds (2009-10-12T17:50:30.000Z), and HTTP dates (Wed, 21 Oct 2015 07:28:00 GMT).
// Pure functions over seconds or milliseconds since the epoch, UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evoke {

std::string FormatAmzDate(int64_t epoch_s);            // 20130524T000000Z
std::optional<int64_t> ParseAmzDate(std::string_view s);
std::string FormatIso8601Ms(int64_t epoch_ms);         // 2009-10-12T17:50:30.000Z
std::string FormatIso8601(int64_t epoch_s);            // 2009-10-12T17:50:30Z
// Accepts 2009-10-12T17:50:30Z, with fractional seconds, and with a +hh:mm offset.
std::optional<int64_t> ParseIso8601Ms(std::string_view s);
std::string FormatHttpDate(int64_t epoch_s);           // Wed, 21 Oct 2015 07:28:00 GMT
// Accepts the three HTTP date forms (RFC 1123, RFC 850, asctime).
std::optional<int64_t> ParseHttpDate(std::string_view s);

// Days since the epoch for a civil date, and back; proleptic Gregorian, any year.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

}  // namespace evoke
