// Schedule expressions: EventBridge rules' rate() and cron() (UTC), and EventBridge Scheduler's
// at(), rate() and cron() in a time zone. Parsing with AWS's validation, and the next firing
// time after a given instant. Pure (time zones are read from the system's tz database).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace evoke::events {

// An IANA time zone ("Europe/Paris", "UTC"), loaded from /usr/share/zoneinfo.
class TimeZone {
 public:
  virtual ~TimeZone() = default;
  virtual const std::string& name() const = 0;
  // Seconds east of UTC at the UTC instant `utc_s`.
  virtual int OffsetAt(int64_t utc_s) const = 0;
};
// ValidationException for a name the tz database does not have.
Result<std::shared_ptr<const TimeZone>> LoadTimeZone(std::string_view name);
std::shared_ptr<const TimeZone> UtcZone();

class ScheduleExpression {
 public:
  enum class Kind { kRate, kCron, kAt };
  virtual ~ScheduleExpression() = default;
  virtual Kind kind() const = 0;
  // The first firing strictly after `after_ms` (milliseconds since the epoch), or nullopt when
  // there is none (an at() in the past, a cron whose years are over). Rates count from
  // `anchor_ms` (when the rule or schedule was created or its start date): anchor + k * period.
  // cron() and at() fields are read in `zone`.
  virtual std::optional<int64_t> NextFiring(int64_t after_ms, int64_t anchor_ms,
                                            const TimeZone& zone) const = 0;
};

// EventBridge rules: rate() or cron(); ValidationException "Parameter ScheduleExpression is not
// valid." otherwise, as EventBridge answers.
Result<std::shared_ptr<const ScheduleExpression>> ParseRuleSchedule(std::string_view text);
// EventBridge Scheduler: at(yyyy-mm-ddThh:mm:ss), rate() or cron(); ValidationException with
// Scheduler's messages otherwise.
Result<std::shared_ptr<const ScheduleExpression>> ParseSchedulerSchedule(std::string_view text);

}  // namespace evoke::events
