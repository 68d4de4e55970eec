#include "events/rule_payload.h"

#include "base/time_format.h"

namespace evoke::events {

using nlohmann::json;
using nlohmann::ordered_json;

std::string ScheduledEventJson(std::string_view id, std::string_view account,
                               std::string_view region, std::string_view rule_arn,
                               int64_t time_ms) {
  ordered_json event;
  event["version"] = "0";
  event["id"] = id;
  event["detail-type"] = "Scheduled Event";
  event["source"] = "aws.events";
  event["account"] = account;
  event["time"] = FormatIso8601(time_ms / 1000);
  event["region"] = region;
  event["resources"] = ordered_json::array({rule_arn});
  event["detail"] = ordered_json::object();
  return event.dump();
}

std::optional<ordered_json> SelectJsonPath(const ordered_json& event, std::string_view path) {
  if (path == "$") return event;
  if (!path.starts_with("$.")) return std::nullopt;
  const ordered_json* at = &event;
  path.remove_prefix(2);
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    if (key.empty() || !at->is_object()) return std::nullopt;
    auto it = at->find(std::string(key));
    if (it == at->end()) return std::nullopt;
    at = &*it;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return *at;
}

std::optional<std::string> TargetPayload(const json& target, std::string_view event_json,
                                         std::string_view rule_arn, std::string_view rule_name) {
  if (auto input = target.find("Input"); input != target.end() && input->is_string()) {
    return input->get<std::string>();
  }
  ordered_json event = ordered_json::parse(event_json);
  if (auto path = target.find("InputPath"); path != target.end() && path->is_string()) {
    auto selected = SelectJsonPath(event, path->get<std::string>());
    if (!selected) return std::nullopt;
    return selected->dump();
  }
  auto transformer = target.find("InputTransformer");
  if (transformer == target.end() || !transformer->is_object()) return std::string(event_json);
  std::string out = transformer->value("InputTemplate", "");
  auto replace = [&out](const std::string& name, const std::string& value) {
    std::string placeholder = "<" + name + ">";
    for (size_t pos = out.find(placeholder); pos != std::string::npos;
         pos = out.find(placeholder, pos + value.size())) {
      out.replace(pos, placeholder.size(), value);
    }
  };
  if (auto paths = transformer->find("InputPathsMap"); paths != transformer->end()) {
    for (const auto& [name, path] : paths->items()) {
      auto selected = SelectJsonPath(event, path.get<std::string>());
      std::string value;
      if (selected) value = selected->is_string() ? selected->get<std::string>() : selected->dump();
      replace(name, value);
    }
  }
  replace("aws.events.rule-arn", std::string(rule_arn));
  replace("aws.events.rule-name", std::string(rule_name));
  replace("aws.events.event", std::string(event_json));
  return out;
}

}  // namespace evoke::events
