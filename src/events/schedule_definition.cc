#include "events/schedule_definition.h"

#include <cmath>

#include "events/events_input.h"

namespace evoke::events {
namespace {

using nlohmann::json;

// Scheduler's timestamps travel as epoch seconds, possibly fractional.
Result<std::optional<int64_t>> OptionalDate(const json& in, const char* member) {
  auto it = in.find(member);
  if (it == in.end() || it->is_null()) return std::optional<int64_t>();
  if (!it->is_number()) {
    return MakeError("SerializationException",
                     std::string("Unexpected value type for member '") + member + "'");
  }
  return std::optional<int64_t>(std::llround(it->get<double>() * 1000.0));
}

json Seconds(int64_t ms) {
  if (ms % 1000 == 0) return json(ms / 1000);
  return json(static_cast<double>(ms) / 1000.0);
}

Status ReadTarget(const json& in, ScheduleDefinition& d) {
  auto target = OptionalObject(in, "Target");
  if (!target.ok()) return std::move(target).error();
  if (!target->has_value()) return NullError("target");
  const json& t = **target;
  auto arn = OptionalString(t, "Arn");
  if (!arn.ok()) return std::move(arn).error();
  if (!arn->has_value()) return NullError("target.arn");
  if (Status s = CheckLength(**arn, "target.arn", 1, 1600); !s.ok()) return s;
  auto role = OptionalString(t, "RoleArn");
  if (!role.ok()) return std::move(role).error();
  if (!role->has_value()) return NullError("target.roleArn");
  if (Status s = CheckLength(**role, "target.roleArn", 1, 1600); !s.ok()) return s;
  auto input = OptionalString(t, "Input");
  if (!input.ok()) return std::move(input).error();
  if (input->has_value()) {
    if (Status s = CheckLength(**input, "target.input", 1, -1); !s.ok()) return s;
  }
  json retry = {{"MaximumEventAgeInSeconds", 86400}, {"MaximumRetryAttempts", 185}};
  auto given_retry = OptionalObject(t, "RetryPolicy");
  if (!given_retry.ok()) return std::move(given_retry).error();
  if (given_retry->has_value()) {
    auto age = OptionalInt(**given_retry, "MaximumEventAgeInSeconds");
    if (!age.ok()) return std::move(age).error();
    if (age->has_value()) {
      Status s = CheckRange(**age, "target.retryPolicy.maximumEventAgeInSeconds", 60, 86400);
      if (!s.ok()) return s;
      retry["MaximumEventAgeInSeconds"] = **age;
    }
    auto attempts = OptionalInt(**given_retry, "MaximumRetryAttempts");
    if (!attempts.ok()) return std::move(attempts).error();
    if (attempts->has_value()) {
      Status s = CheckRange(**attempts, "target.retryPolicy.maximumRetryAttempts", 0, 185);
      if (!s.ok()) return s;
      retry["MaximumRetryAttempts"] = **attempts;
    }
  }
  auto dlq = OptionalObject(t, "DeadLetterConfig");
  if (!dlq.ok()) return std::move(dlq).error();

  auto function = LambdaFunctionName(**arn);
  if (!function) {
    return MakeError("ValidationException",
                     "Invalid request provided: evoke's Scheduler delivers only to Lambda "
                     "functions (arn:aws:lambda:REGION:ACCOUNT:function:NAME), not " +
                         **arn + ".");
  }
  // Lambda targets take their Input as the invocation payload: it must be JSON.
  if (input->has_value() && json::parse(**input, nullptr, false).is_discarded()) {
    return MakeError("ValidationException",
                     "Invalid request provided: Target Input must be a valid JSON for target " +
                         **arn + ".");
  }
  d.function = std::move(*function);
  d.input = *input;
  d.target = json::object();
  d.target["Arn"] = **arn;
  d.target["RoleArn"] = **role;
  if (input->has_value()) d.target["Input"] = **input;
  d.target["RetryPolicy"] = retry;
  if (dlq->has_value()) d.target["DeadLetterConfig"] = **dlq;
  return {};
}

}  // namespace

Result<ScheduleDefinition> ParseScheduleDefinition(const json& in) {
  ScheduleDefinition d;
  auto expression = OptionalString(in, "ScheduleExpression");
  if (!expression.ok()) return std::move(expression).error();
  if (!expression->has_value()) return NullError("scheduleExpression");
  d.expression = **expression;
  if (Status s = CheckLength(d.expression, "scheduleExpression", 1, 256); !s.ok()) {
    return std::move(s).error();
  }
  auto parsed = ParseSchedulerSchedule(d.expression);
  if (!parsed.ok()) return std::move(parsed).error();
  d.parsed = std::move(*parsed);

  auto timezone = OptionalString(in, "ScheduleExpressionTimezone");
  if (!timezone.ok()) return std::move(timezone).error();
  if (timezone->has_value()) {
    if (Status s = CheckLength(**timezone, "scheduleExpressionTimezone", 1, 50); !s.ok()) {
      return std::move(s).error();
    }
    d.timezone = **timezone;
  }
  auto zone = LoadTimeZone(d.timezone);
  if (!zone.ok()) return std::move(zone).error();
  d.zone = std::move(*zone);

  auto start = OptionalDate(in, "StartDate");
  if (!start.ok()) return std::move(start).error();
  d.start_ms = *start;
  auto end = OptionalDate(in, "EndDate");
  if (!end.ok()) return std::move(end).error();
  d.end_ms = *end;
  if (d.start_ms && d.end_ms && *d.end_ms <= *d.start_ms) {
    return MakeError("ValidationException",
                     "The EndDate you specify must be later than the StartDate.");
  }

  auto description = OptionalString(in, "Description");
  if (!description.ok()) return std::move(description).error();
  d.description = description->value_or("");
  if (Status s = CheckLength(d.description, "description", 0, 512); !s.ok()) {
    return std::move(s).error();
  }
  auto state = OptionalString(in, "State");
  if (!state.ok()) return std::move(state).error();
  d.state = state->value_or("ENABLED");
  if (Status s = CheckEnum(d.state, "state", {"ENABLED", "DISABLED"}); !s.ok()) {
    return std::move(s).error();
  }
  auto action = OptionalString(in, "ActionAfterCompletion");
  if (!action.ok()) return std::move(action).error();
  d.action_after_completion = action->value_or("NONE");
  if (Status s = CheckEnum(d.action_after_completion, "actionAfterCompletion", {"NONE", "DELETE"});
      !s.ok()) {
    return std::move(s).error();
  }
  auto kms = OptionalString(in, "KmsKeyArn");
  if (!kms.ok()) return std::move(kms).error();
  d.kms_key_arn = kms->value_or("");
  if (kms->has_value()) {
    if (Status s = CheckLength(d.kms_key_arn, "kmsKeyArn", 1, 2048); !s.ok()) {
      return std::move(s).error();
    }
  }

  auto window = OptionalObject(in, "FlexibleTimeWindow");
  if (!window.ok()) return std::move(window).error();
  if (!window->has_value()) return NullError("flexibleTimeWindow");
  auto mode = OptionalString(**window, "Mode");
  if (!mode.ok()) return std::move(mode).error();
  if (!mode->has_value()) return NullError("flexibleTimeWindow.mode");
  d.flexible_mode = **mode;
  if (Status s = CheckEnum(d.flexible_mode, "flexibleTimeWindow.mode", {"OFF", "FLEXIBLE"});
      !s.ok()) {
    return std::move(s).error();
  }
  auto minutes = OptionalInt(**window, "MaximumWindowInMinutes");
  if (!minutes.ok()) return std::move(minutes).error();
  d.maximum_window_minutes = *minutes;
  if (minutes->has_value()) {
    Status s = CheckRange(**minutes, "flexibleTimeWindow.maximumWindowInMinutes", 1, 1440);
    if (!s.ok()) return std::move(s).error();
  }
  if (d.flexible_mode == "FLEXIBLE" && !d.maximum_window_minutes) {
    return MakeError("ValidationException",
                     "MaximumWindowInMinutes is required when Mode is FLEXIBLE.");
  }
  if (d.flexible_mode == "OFF" && d.maximum_window_minutes) {
    return MakeError("ValidationException",
                     "MaximumWindowInMinutes must not be provided when Mode is OFF.");
  }

  if (Status s = ReadTarget(in, d); !s.ok()) return std::move(s).error();
  return d;
}

json DefinitionJson(const ScheduleDefinition& d) {
  json out = json::object();
  out["ScheduleExpression"] = d.expression;
  out["ScheduleExpressionTimezone"] = d.timezone;
  if (d.start_ms) out["StartDate"] = Seconds(*d.start_ms);
  if (d.end_ms) out["EndDate"] = Seconds(*d.end_ms);
  if (!d.description.empty()) out["Description"] = d.description;
  out["State"] = d.state;
  out["ActionAfterCompletion"] = d.action_after_completion;
  json window = {{"Mode", d.flexible_mode}};
  if (d.maximum_window_minutes) window["MaximumWindowInMinutes"] = *d.maximum_window_minutes;
  out["FlexibleTimeWindow"] = window;
  if (!d.kms_key_arn.empty()) out["KmsKeyArn"] = d.kms_key_arn;
  out["Target"] = d.target;
  return out;
}

}  // namespace evoke::events
