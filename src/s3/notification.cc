#include "s3/notification.h"

#include <pugixml.hpp>

#include <algorithm>
#include <array>

#include "base/ids.h"
#include "http/message.h"
#include "s3/xml.h"

namespace evoke::s3 {
namespace {

constexpr std::array<std::string_view, 27> kEvents = {
    "s3:ReducedRedundancyLostObject",
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete",
    "s3:Replication:*",
    "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationNotTracked",
    "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:LifecycleTransition",
    "s3:IntelligentTiering",
    "s3:ObjectAcl:Put",
    "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete",
};

Error Malformed() {
  return MakeError("MalformedXML",
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema");
}

Result<NotificationRule> ParseRule(pugi::xml_node node, NotificationRule::Kind kind,
                                   std::initializer_list<std::string_view> arn_names) {
  NotificationRule rule;
  rule.kind = kind;
  bool have_prefix = false, have_suffix = false;
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    std::string_view text = child.text().get();
    if (name == "Id") {
      rule.id = std::string(text);
    } else if (std::find(arn_names.begin(), arn_names.end(), name) != arn_names.end()) {
      rule.arn = std::string(text);
    } else if (name == "Event") {
      if (std::find(kEvents.begin(), kEvents.end(), text) == kEvents.end()) {
        return MakeError("InvalidArgument", "The event is not supported for notifications")
            .With("ArgumentName", "Event")
            .With("ArgumentValue", std::string(text));
      }
      rule.events.emplace_back(text);
    } else if (name == "Filter") {
      for (pugi::xml_node key : child.children()) {
        if (key.type() != pugi::node_element) continue;
        if (std::string_view(key.name()) != "S3Key") return Malformed();
        for (pugi::xml_node fr : key.children()) {
          if (fr.type() != pugi::node_element) continue;
          if (std::string_view(fr.name()) != "FilterRule") return Malformed();
          std::string rule_name = http::ToLower(fr.child("Name").text().get());
          std::string value = fr.child("Value").text().get();
          if (value.size() > 1024) {
            return MakeError("InvalidArgument", "The filter rule value is longer than 1024 characters.");
          }
          if (rule_name == "prefix") {
            if (have_prefix) {
              return MakeError("InvalidArgument", "Cannot specify more than one prefix rule in a filter.")
                  .With("ArgumentName", "FilterRule");
            }
            have_prefix = true;
            rule.prefix = std::move(value);
          } else if (rule_name == "suffix") {
            if (have_suffix) {
              return MakeError("InvalidArgument", "Cannot specify more than one suffix rule in a filter.")
                  .With("ArgumentName", "FilterRule");
            }
            have_suffix = true;
            rule.suffix = std::move(value);
          } else {
            return MakeError("InvalidArgument", "filter rule name must be either prefix or suffix")
                .With("ArgumentName", "FilterRule");
          }
        }
      }
    } else if (name == "InvocationRole") {
      // Legacy CloudFunctionConfiguration field; S3 no longer uses it.
    } else {
      return Malformed();
    }
  }
  if (rule.arn.empty() || rule.events.empty()) return Malformed();
  if (rule.id.empty()) rule.id = NewUuid();
  return rule;
}

void RenderRule(XmlWriter& x, const NotificationRule& r) {
  std::string_view element = r.kind == NotificationRule::Kind::kTopic   ? "TopicConfiguration"
                             : r.kind == NotificationRule::Kind::kQueue ? "QueueConfiguration"
                                                                        : "CloudFunctionConfiguration";
  std::string_view arn = r.kind == NotificationRule::Kind::kTopic   ? "Topic"
                         : r.kind == NotificationRule::Kind::kQueue ? "Queue"
                                                                    : "CloudFunction";
  x.Open(element).Element("Id", r.id).Element(arn, r.arn);
  for (const auto& e : r.events) x.Element("Event", e);
  if (!r.prefix.empty() || !r.suffix.empty()) {
    x.Open("Filter").Open("S3Key");
    if (!r.prefix.empty()) x.Open("FilterRule").Element("Name", "prefix").Element("Value", r.prefix).Close("FilterRule");
    if (!r.suffix.empty()) x.Open("FilterRule").Element("Name", "suffix").Element("Value", r.suffix).Close("FilterRule");
    x.Close("S3Key").Close("Filter");
  }
  x.Close(element);
}

}  // namespace

Result<NotificationConfig> ParseNotificationConfiguration(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, xml, "NotificationConfiguration");
  if (!root) return Malformed();
  NotificationConfig config;
  for (pugi::xml_node node : root.children()) {
    if (node.type() != pugi::node_element) continue;
    std::string_view name = node.name();
    Result<NotificationRule> rule = Malformed();
    if (name == "TopicConfiguration") {
      rule = ParseRule(node, NotificationRule::Kind::kTopic, {"Topic"});
    } else if (name == "QueueConfiguration") {
      rule = ParseRule(node, NotificationRule::Kind::kQueue, {"Queue"});
    } else if (name == "CloudFunctionConfiguration" || name == "LambdaFunctionConfiguration") {
      rule = ParseRule(node, NotificationRule::Kind::kLambda,
                       {"CloudFunction", "LambdaFunctionArn", "Function"});
    } else if (name == "EventBridgeConfiguration") {
      config.event_bridge = true;
      continue;
    }
    if (!rule.ok()) return std::move(rule).error();
    for (const auto& existing : config.rules) {
      if (existing.id == rule->id) {
        return MakeError("InvalidArgument", "Configuration ID must be unique.")
            .With("ArgumentName", "Id")
            .With("ArgumentValue", rule->id);
      }
    }
    config.rules.push_back(std::move(*rule));
  }
  return config;
}

std::string RenderNotificationConfiguration(const NotificationConfig& config) {
  XmlWriter x("NotificationConfiguration");
  for (const auto& r : config.rules) {
    if (r.kind == NotificationRule::Kind::kTopic) RenderRule(x, r);
  }
  for (const auto& r : config.rules) {
    if (r.kind == NotificationRule::Kind::kQueue) RenderRule(x, r);
  }
  for (const auto& r : config.rules) {
    if (r.kind == NotificationRule::Kind::kLambda) RenderRule(x, r);
  }
  if (config.event_bridge) x.Open("EventBridgeConfiguration").Close("EventBridgeConfiguration");
  return x.Finish();
}

namespace {

bool EventsOverlap(std::string_view a, std::string_view b) {
  if (a == b) return true;
  auto covers = [](std::string_view wildcard, std::string_view e) {
    return wildcard.ends_with(":*") && e.starts_with(wildcard.substr(0, wildcard.size() - 1));
  };
  return covers(a, b) || covers(b, a);
}

}  // namespace

Status CheckOverlaps(const NotificationConfig& config) {
  const auto& rules = config.rules;
  for (size_t i = 0; i < rules.size(); ++i) {
    for (size_t j = i + 1; j < rules.size(); ++j) {
      const NotificationRule& a = rules[i];
      const NotificationRule& b = rules[j];
      bool prefixes = a.prefix.starts_with(b.prefix) || b.prefix.starts_with(a.prefix);
      bool suffixes = a.suffix.ends_with(b.suffix) || b.suffix.ends_with(a.suffix);
      if (!prefixes || !suffixes) continue;
      for (const auto& ea : a.events) {
        for (const auto& eb : b.events) {
          if (EventsOverlap(ea, eb)) {
            return MakeError("InvalidArgument",
                             "Configuration is ambiguously defined. Cannot have overlapping "
                             "suffixes in two rules if the prefixes are overlapping for the same "
                             "event type.");
          }
        }
      }
    }
  }
  return {};
}

bool RuleMatches(const NotificationRule& rule, std::string_view event_name, std::string_view key) {
  bool event_ok = false;
  for (const auto& e : rule.events) {
    if (e == event_name) event_ok = true;
    if (e.ends_with(":*") && event_name.starts_with(std::string_view(e).substr(0, e.size() - 1))) {
      event_ok = true;
    }
  }
  return event_ok && key.starts_with(rule.prefix) && key.ends_with(rule.suffix);
}

}  // namespace evoke::s3
