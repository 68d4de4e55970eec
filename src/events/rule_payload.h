// What a scheduled rule's Lambda target receives: EventBridge's "Scheduled Event" (or the
// target's Input, InputPath selection or InputTransformer rendering of it). Pure.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace evoke::events {

// {"version":"0","id":ID,"detail-type":"Scheduled Event","source":"aws.events","account":...,
//  "time":"YYYY-MM-DDThh:mm:ssZ","region":...,"resources":[RULE_ARN],"detail":{}}, members in
// EventBridge's order. `time_ms` is the scheduled firing time.
std::string ScheduledEventJson(std::string_view id, std::string_view account,
                               std::string_view region, std::string_view rule_arn,
                               int64_t time_ms);

// The part of `event` a JSONPath of the simple form $ or $.a.b.c selects; nullopt when the
// path is of another form or selects nothing.
std::optional<nlohmann::ordered_json> SelectJsonPath(const nlohmann::ordered_json& event,
                                                     std::string_view path);

// The payload for a target (its stored PutTargets JSON) given the event: Input verbatim,
// InputPath's selection, InputTransformer's template with <name> placeholders replaced (string
// values as their text, others as JSON), or else the event itself. nullopt when an InputPath
// selects nothing (the target is skipped).
std::optional<std::string> TargetPayload(const nlohmann::json& target, std::string_view event_json,
                                         std::string_view rule_arn, std::string_view rule_name);

}  // namespace evoke::events
