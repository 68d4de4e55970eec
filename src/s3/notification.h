// Bucket notification configurations: parsing and validating the XML of
// PutBucketNotificationConfiguration (current and legacy element names), rendering it back,
// and matching an event against a rule. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace evoke::s3 {

struct NotificationRule {
  enum class Kind { kTopic, kQueue, kLambda } kind = Kind::kLambda;
  std::string id;
  std::string arn;
  std::vector<std::string> events;  // "s3:ObjectCreated:*"
  std::string prefix;
  std::string suffix;
};

struct NotificationConfig {
  std::vector<NotificationRule> rules;
  bool event_bridge = false;
};

// MalformedXML for a document that does not fit the schema; InvalidArgument for an unknown
// event or filter rule. Rules without an Id get a generated one.
Result<NotificationConfig> ParseNotificationConfiguration(std::string_view xml);
std::string RenderNotificationConfiguration(const NotificationConfig& config);

// InvalidArgument when two rules could both match one event: they share an event type (a
// wildcard covers its specific types), and their prefixes overlap (one starts the other) and
// so do their suffixes (one ends the other), as S3 refuses them.
Status CheckOverlaps(const NotificationConfig& config);

// True when `event_name` ("s3:ObjectCreated:Put") is one of the rule's events, directly or by
// a wildcard ("s3:ObjectCreated:*"), and the key passes its prefix and suffix filters.
bool RuleMatches(const NotificationRule& rule, std::string_view event_name, std::string_view key);

}  // namespace evoke::s3
