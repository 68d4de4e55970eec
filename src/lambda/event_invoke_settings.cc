#include "lambda/event_invoke_settings.h"

#include <nlohmann/json.hpp>

#include "lambda/validation.h"

namespace evoke::lambda {
namespace {

using nlohmann::json;

// DestinationArn as Lambda's own validation messages quote it.
const char kDestinationPattern[] =
    "^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1})?:"
    "(\\d{12})?:(.*)";
constexpr size_t kMaxDestinationLength = 350;

Error BadContent(std::string_view member) {
  return MakeError("InvalidRequestContentException",
                   "Could not parse request body into json: Could not parse payload into json: "
                   "unexpected value for " +
                       std::string(member));
}

// An optional integer member; a value of another JSON type is unreadable content.
Result<std::optional<int64_t>> IntMember(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<int64_t>();
  if (!it->is_number_integer()) return BadContent(name);
  return std::optional<int64_t>(it->get<int64_t>());
}

// OnSuccess / OnFailure: {"Destination": "arn"}; absent or null: none.
Result<std::string> DestinationMember(const json& config, const char* name,
                                      std::string_view field, Violations& v) {
  auto it = config.find(name);
  if (it == config.end() || it->is_null()) return std::string();
  if (!it->is_object()) return BadContent(std::string("DestinationConfig.") + name);
  auto d = it->find("Destination");
  if (d == it->end() || d->is_null()) return std::string();
  if (!d->is_string()) return BadContent(std::string("DestinationConfig.") + name + ".Destination");
  std::string arn = d->get<std::string>();
  if (arn.size() > kMaxDestinationLength) {
    v.MaxLength(arn, field, kMaxDestinationLength);
  } else {
    v.Pattern(arn, field, kDestinationPattern);
  }
  return arn;
}

int Clamp(int64_t v) { return static_cast<int>(std::clamp<int64_t>(v, -1, 1 << 30)); }

// ARN components: arn:partition:service:region:account:resource (resource keeps its colons).
std::vector<std::string_view> ArnParts(std::string_view arn) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (parts.size() < 5) {
    size_t colon = arn.find(':', pos);
    if (colon == std::string_view::npos) break;
    parts.push_back(arn.substr(pos, colon - pos));
    pos = colon + 1;
  }
  parts.push_back(arn.substr(pos));
  return parts;
}

std::string DescribeDestination(const char* type, const std::string& arn) {
  return arn.empty() ? "null" : std::string(type) + "(destination=" + arn + ")";
}

}  // namespace

Result<EventInvokeConfigRequest> ParseEventInvokeConfigRequest(const json& body) {
  if (!body.is_object()) return BadContent("the request");
  EventInvokeConfigRequest r;
  Violations v;
  auto retries = IntMember(body, "MaximumRetryAttempts");
  if (!retries.ok()) return std::move(retries).error();
  if (*retries) {
    v.Range(**retries, "maximumRetryAttempts", 0, 2);
    r.maximum_retry_attempts = Clamp(**retries);
  }
  auto age = IntMember(body, "MaximumEventAgeInSeconds");
  if (!age.ok()) return std::move(age).error();
  if (*age) {
    v.Range(**age, "maximumEventAgeInSeconds", 60, 21'600);
    r.maximum_event_age_s = Clamp(**age);
  }
  if (auto it = body.find("DestinationConfig"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return BadContent("DestinationConfig");
    r.has_destination_config = true;
    auto on_success =
        DestinationMember(*it, "OnSuccess", "destinationConfig.onSuccess.destination", v);
    if (!on_success.ok()) return std::move(on_success).error();
    auto on_failure =
        DestinationMember(*it, "OnFailure", "destinationConfig.onFailure.destination", v);
    if (!on_failure.ok()) return std::move(on_failure).error();
    r.on_success = std::move(*on_success);
    r.on_failure = std::move(*on_failure);
  }
  Status s = v.ToStatus();
  if (!s.ok()) return std::move(s).error();
  if (!r.maximum_retry_attempts && !r.maximum_event_age_s && !r.has_destination_config) {
    return MakeError("InvalidParameterValueException",
                     "You must specify at least one of error handling or destination setting.");
  }
  return r;
}

StoredEventInvokeConfig ReplacedConfig(const EventInvokeConfigRequest& request, int64_t now_ms) {
  StoredEventInvokeConfig c;
  c.maximum_retry_attempts = request.maximum_retry_attempts;
  c.maximum_event_age_s = request.maximum_event_age_s;
  c.on_success = request.on_success;
  c.on_failure = request.on_failure;
  c.last_modified_ms = now_ms;
  return c;
}

StoredEventInvokeConfig UpdatedConfig(const StoredEventInvokeConfig& stored,
                                      const EventInvokeConfigRequest& request, int64_t now_ms) {
  StoredEventInvokeConfig c = stored;
  if (request.maximum_retry_attempts) c.maximum_retry_attempts = request.maximum_retry_attempts;
  if (request.maximum_event_age_s) c.maximum_event_age_s = request.maximum_event_age_s;
  // DestinationConfig is one member of the request: given, it replaces the stored one whole.
  if (request.has_destination_config) {
    c.on_success = request.on_success;
    c.on_failure = request.on_failure;
  }
  c.last_modified_ms = now_ms;
  return c;
}

std::string SerializeEventInvokeConfig(const StoredEventInvokeConfig& c) {
  json j = {{"last_modified_ms", c.last_modified_ms}};
  if (c.maximum_retry_attempts) j["maximum_retry_attempts"] = *c.maximum_retry_attempts;
  if (c.maximum_event_age_s) j["maximum_event_age_s"] = *c.maximum_event_age_s;
  if (!c.on_success.empty()) j["on_success"] = c.on_success;
  if (!c.on_failure.empty()) j["on_failure"] = c.on_failure;
  return j.dump();
}

Result<StoredEventInvokeConfig> ParseStoredEventInvokeConfig(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError("ServiceException", "a stored event invoke configuration is unreadable");
  }
  StoredEventInvokeConfig c;
  c.last_modified_ms = j.value("last_modified_ms", int64_t{0});
  if (auto it = j.find("maximum_retry_attempts"); it != j.end() && it->is_number_integer()) {
    c.maximum_retry_attempts = it->get<int>();
  }
  if (auto it = j.find("maximum_event_age_s"); it != j.end() && it->is_number_integer()) {
    c.maximum_event_age_s = it->get<int>();
  }
  c.on_success = j.value("on_success", "");
  c.on_failure = j.value("on_failure", "");
  return c;
}

Destination ClassifyDestination(std::string_view arn, const Account& account) {
  std::vector<std::string_view> p = ArnParts(arn);
  if (p.size() != 6 || p[0] != "arn") return {DestinationKind::kUnsupported, ""};
  std::string_view service = p[2], region = p[3], owner = p[4], resource = p[5];
  if (service == "lambda") {
    if (!resource.starts_with("function:")) return {DestinationKind::kUnsupported, ""};
    std::string_view name = resource.substr(9);
    std::string_view qualifier;
    if (size_t colon = name.find(':'); colon != std::string_view::npos) {
      qualifier = name.substr(colon + 1);
      name = name.substr(0, colon);
    }
    bool here = p[1] == "aws" && region == account.region && owner == account.account_id;
    // evoke keeps only $LATEST: a version or alias cannot exist.
    if (!here || name.empty() || (!qualifier.empty() && qualifier != "$LATEST")) {
      return {DestinationKind::kUnreachable, ""};
    }
    return {DestinationKind::kFunction, std::string(name)};
  }
  if (service == "s3") {
    // A bucket ARN has neither region nor account, and no key.
    if (p[1] != "aws" || !region.empty() || !owner.empty() || resource.empty() ||
        resource.find('/') != std::string_view::npos) {
      return {DestinationKind::kUnreachable, ""};
    }
    return {DestinationKind::kBucket, std::string(resource)};
  }
  if (service == "sqs" || service == "sns" || service == "events") {
    return {DestinationKind::kUnreachable, ""};
  }
  return {DestinationKind::kUnsupported, ""};
}

Error InvalidDestination(std::string_view arn) {
  return MakeError("InvalidParameterValueException",
                   "The destination ARN " + std::string(arn) + " is invalid.");
}

Status CheckDestinations(const StoredEventInvokeConfig& c, const Account& account,
                         std::string_view function_name) {
  Destination success = ClassifyDestination(c.on_success, account);
  Destination failure = ClassifyDestination(c.on_failure, account);
  bool unsupported = (!c.on_success.empty() && (success.kind == DestinationKind::kUnsupported ||
                                                success.kind == DestinationKind::kBucket)) ||
                     (!c.on_failure.empty() && failure.kind == DestinationKind::kUnsupported);
  if (unsupported) {
    return MakeError("InvalidParameterValueException",
                     "The provided destination config DestinationConfig(onSuccess=" +
                         DescribeDestination("OnSuccess", c.on_success) +
                         ", onFailure=" + DescribeDestination("OnFailure", c.on_failure) +
                         ") is invalid.");
  }
  for (const auto* d : {&success, &failure}) {
    const std::string& arn = d == &success ? c.on_success : c.on_failure;
    if (arn.empty()) continue;
    if (d->kind == DestinationKind::kUnreachable) return InvalidDestination(arn);
    if (d->kind == DestinationKind::kFunction && d->name == function_name) {
      return MakeError("InvalidParameterValueException",
                       "You can't specify the function as a destination for itself.");
    }
  }
  return {};
}

json EventInvokeConfigJson(const Account& account, std::string_view function_name,
                           const StoredEventInvokeConfig& c) {
  json on_success = json::object();
  if (!c.on_success.empty()) on_success["Destination"] = c.on_success;
  json on_failure = json::object();
  if (!c.on_failure.empty()) on_failure["Destination"] = c.on_failure;
  // LastModified is a timestamp in epoch seconds, as the rest-json protocol writes them.
  json j = {{"LastModified", static_cast<double>(c.last_modified_ms) / 1000.0},
            {"FunctionArn", FunctionArn(account, function_name) + ":$LATEST"}};
  if (c.maximum_retry_attempts) j["MaximumRetryAttempts"] = *c.maximum_retry_attempts;
  if (c.maximum_event_age_s) j["MaximumEventAgeInSeconds"] = *c.maximum_event_age_s;
  j["DestinationConfig"] = {{"OnSuccess", on_success}, {"OnFailure", on_failure}};
  return j;
}

}  // namespace evoke::lambda
