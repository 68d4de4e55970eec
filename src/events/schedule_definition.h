// A Scheduler schedule's definition: what CreateSchedule and UpdateSchedule take, validated as
// EventBridge Scheduler does, and the JSON evoke stores (the members GetSchedule returns, dates
// as epoch seconds). The ScheduleRunner reads stored definitions back with the same parser.
// Pure (time zones come from the system's tz database).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/result.h"
#include "events/schedule_expression.h"

namespace evoke::events {

struct ScheduleDefinition {
  std::string expression;
  std::string timezone = "UTC";
  std::optional<int64_t> start_ms;
  std::optional<int64_t> end_ms;
  std::string description;
  std::string state = "ENABLED";                   // ENABLED | DISABLED
  std::string action_after_completion = "NONE";    // NONE | DELETE
  std::string flexible_mode;                       // OFF | FLEXIBLE
  std::optional<int64_t> maximum_window_minutes;
  std::string kms_key_arn;                         // stored, not used
  nlohmann::json target;                           // Arn, RoleArn, Input?, RetryPolicy, ...
  std::string function;                            // the target's Lambda function name
  std::optional<std::string> input;                // Target.Input

  std::shared_ptr<const ScheduleExpression> parsed;
  std::shared_ptr<const TimeZone> zone;
};

// Reads and validates a definition from a request body or a stored definition.
Result<ScheduleDefinition> ParseScheduleDefinition(const nlohmann::json& in);
// The stored form: every member GetSchedule returns about the definition.
nlohmann::json DefinitionJson(const ScheduleDefinition& d);

}  // namespace evoke::events
