#include "s3/object_lock_rules.h"

#include <charconv>
#include <pugixml.hpp>

#include "base/time_format.h"
#include "s3/xml.h"

namespace evoke::s3 {
namespace {

constexpr int64_t kDayMs = 86'400'000;

bool IsMode(std::string_view mode) { return mode == kGovernance || mode == kCompliance; }

Error InvalidArgument(std::string message, std::string_view name, std::string_view value) {
  Error e =
      MakeError("InvalidArgument", std::move(message)).With("ArgumentName", std::string(name));
  if (!value.empty()) e.With("ArgumentValue", std::string(value));
  return e;
}

// The element children of `node`, or none when it has text or anything else of its own.
bool OnlyElements(const pugi::xml_node& node) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element || child.type() == pugi::node_comment) continue;
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      std::string_view text = child.value();
      if (text.find_first_not_of(" \t\r\n") != std::string_view::npos) return false;
      continue;
    }
    return false;
  }
  return true;
}

// A Days or Years element: a positive integer no larger than `max`.
Result<int64_t> ParsePeriod(const pugi::xml_node& node, int64_t max) {
  std::string_view text = node.text().get();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return MalformedXmlError();
  }
  if (value <= 0) {
    return InvalidArgument("Default retention period must be a positive integer value.",
                           node.name(), text);
  }
  if (value > max) return InvalidArgument("Default retention period too large.", node.name(), text);
  return value;
}

Result<ObjectLockConfig> ParseDefaultRetention(const pugi::xml_node& node) {
  const Error malformed = MalformedXmlError();
  if (!OnlyElements(node)) return malformed;
  pugi::xml_node mode, days, years;
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    pugi::xml_node* slot = name == "Mode"    ? &mode
                           : name == "Days"  ? &days
                           : name == "Years" ? &years
                                             : nullptr;
    if (!slot || *slot) return malformed;  // unknown or repeated
    *slot = child;
  }
  if (!mode || !IsMode(mode.text().get()) || bool(days) == bool(years)) return malformed;
  ObjectLockConfig config;
  config.default_mode = mode.text().get();
  if (days) {
    auto n = ParsePeriod(days, kMaxDefaultRetentionDays);
    if (!n.ok()) return std::move(n).error();
    config.days = *n;
  } else {
    auto n = ParsePeriod(years, kMaxDefaultRetentionYears);
    if (!n.ok()) return std::move(n).error();
    config.years = *n;
  }
  return config;
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

Result<ObjectLockConfig> ParseObjectLockConfigXml(std::string_view xml) {
  const Error malformed = MalformedXmlError();
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, xml, "ObjectLockConfiguration");
  if (!root || !OnlyElements(root)) {
    return malformed;
  }
  pugi::xml_node enabled, rule;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    pugi::xml_node* slot = name == "ObjectLockEnabled" ? &enabled
                           : name == "Rule"            ? &rule
                                                       : nullptr;
    if (!slot || *slot) return malformed;
    *slot = child;
  }
  if (!enabled || std::string_view(enabled.text().get()) != "Enabled") return malformed;
  ObjectLockConfig config;
  if (rule) {
    if (!OnlyElements(rule)) return malformed;
    pugi::xml_node retention;
    for (pugi::xml_node child : rule.children()) {
      if (child.type() != pugi::node_element) continue;
      if (std::string_view(child.name()) != "DefaultRetention" || retention) return malformed;
      retention = child;
    }
    if (!retention) return malformed;
    auto parsed = ParseDefaultRetention(retention);
    if (!parsed.ok()) return std::move(parsed).error();
    config = std::move(*parsed);
  }
  return config;
}

std::string ObjectLockConfigXml(const ObjectLockConfig& config) {
  XmlWriter x("ObjectLockConfiguration");
  x.Element("ObjectLockEnabled", "Enabled");
  if (!config.default_mode.empty()) {
    x.Open("Rule").Open("DefaultRetention").Element("Mode", config.default_mode);
    if (config.days > 0) x.Element("Days", config.days);
    if (config.years > 0) x.Element("Years", config.years);
    x.Close("DefaultRetention").Close("Rule");
  }
  return x.Finish();
}

std::optional<int64_t> DefaultRetainUntilMs(const ObjectLockConfig& config, int64_t now_ms) {
  if (config.default_mode.empty()) return std::nullopt;
  if (config.days > 0) return now_ms + config.days * kDayMs;
  int64_t day = now_ms >= 0 ? now_ms / kDayMs : (now_ms - kDayMs + 1) / kDayMs;
  int64_t time_of_day = now_ms - day * kDayMs;
  int64_t y;
  unsigned m, d;
  CivilFromDays(day, &y, &m, &d);
  y += config.years;
  if (m == 2 && d == 29 && !IsLeapYear(y)) d = 28;
  return DaysFromCivil(y, m, d) * kDayMs + time_of_day;
}

Result<store::ObjectLockState> ParseObjectLockHeaders(const http::Headers& headers,
                                                      int64_t now_ms) {
  auto get = [&](std::string_view name) {
    std::string_view v = headers.Get(name).value_or("");
    return v;
  };
  std::string_view mode = get(kObjectLockModeHeader);
  std::string_view date = get(kObjectLockRetainUntilHeader);
  std::string_view hold = get(kObjectLockLegalHoldHeader);
  const std::string both =
      "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied";
  if (!mode.empty() && date.empty()) return InvalidArgument(both, kObjectLockRetainUntilHeader, "");
  if (mode.empty() && !date.empty()) return InvalidArgument(both, kObjectLockModeHeader, "");
  store::ObjectLockState lock;
  if (!mode.empty()) {
    if (!IsMode(mode)) {
      return InvalidArgument("Unknown wormMode directive.", kObjectLockModeHeader, mode);
    }
    auto until = ParseIso8601Ms(date);
    if (!until) {
      return InvalidArgument("The retain until date must be provided in ISO 8601 format",
                             kObjectLockRetainUntilHeader, date);
    }
    if (*until <= now_ms) return RetainUntilDateInThePast(kObjectLockRetainUntilHeader, date);
    lock.mode = std::string(mode);
    lock.retain_until_ms = *until;
  }
  if (!hold.empty()) {
    if (hold != "ON" && hold != "OFF") {
      return InvalidArgument("Legal Hold must be either of 'ON' or 'OFF'",
                             kObjectLockLegalHoldHeader, hold);
    }
    lock.legal_hold = std::string(hold);
  }
  return lock;
}

bool HasObjectLockHeaders(const http::Headers& headers) {
  for (std::string_view name :
       {kObjectLockModeHeader, kObjectLockRetainUntilHeader, kObjectLockLegalHoldHeader}) {
    if (!headers.Get(name).value_or("").empty()) return true;
  }
  return false;
}

store::ObjectLockState LockForNewVersion(const store::ObjectLockState& requested,
                                         const ObjectLockConfig* config, int64_t now_ms) {
  store::ObjectLockState lock = requested;
  if (lock.mode.empty() && config) {
    if (auto until = DefaultRetainUntilMs(*config, now_ms)) {
      lock.mode = config->default_mode;
      lock.retain_until_ms = *until;
    }
  }
  return lock;
}

void StashObjectLock(store::HeaderList& headers, const store::ObjectLockState& lock) {
  if (!lock.mode.empty()) {
    headers.emplace_back(std::string(kObjectLockModeHeader), lock.mode);
    headers.emplace_back(std::string(kObjectLockRetainUntilHeader),
                         FormatIso8601Ms(lock.retain_until_ms));
  }
  if (!lock.legal_hold.empty()) {
    headers.emplace_back(std::string(kObjectLockLegalHoldHeader), lock.legal_hold);
  }
}

store::ObjectLockState TakeStashedObjectLock(store::HeaderList& headers) {
  store::ObjectLockState lock;
  std::erase_if(headers, [&](const std::pair<std::string, std::string>& h) {
    if (h.first == kObjectLockModeHeader) {
      lock.mode = h.second;
    } else if (h.first == kObjectLockRetainUntilHeader) {
      lock.retain_until_ms = ParseIso8601Ms(h.second).value_or(0);
    } else if (h.first == kObjectLockLegalHoldHeader) {
      lock.legal_hold = h.second;
    } else {
      return false;
    }
    return true;
  });
  if (lock.mode.empty()) lock.retain_until_ms = 0;
  return lock;
}

Result<RetentionRequest> ParseRetentionXml(std::string_view xml) {
  const Error malformed = MalformedXmlError();
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, xml, "Retention");
  if (!root || !OnlyElements(root)) return malformed;
  pugi::xml_node mode, date;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    pugi::xml_node* slot = name == "Mode" ? &mode : name == "RetainUntilDate" ? &date : nullptr;
    if (!slot || *slot) return malformed;
    *slot = child;
  }
  RetentionRequest r;
  if (!mode && !date) return r;  // an empty <Retention/>: remove it
  if (!mode || !date || !IsMode(mode.text().get())) return malformed;
  auto until = ParseIso8601Ms(date.text().get());
  if (!until) return malformed;
  r.mode = mode.text().get();
  r.retain_until_ms = *until;
  return r;
}

std::string RetentionXml(const store::ObjectLockState& lock) {
  XmlWriter x("Retention");
  x.Element("Mode", lock.mode).Element("RetainUntilDate", FormatIso8601Ms(lock.retain_until_ms));
  return x.Finish();
}

Result<std::string> ParseLegalHoldXml(std::string_view xml) {
  const Error malformed = MalformedXmlError();
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, xml, "LegalHold");
  if (!root || !OnlyElements(root)) return malformed;
  pugi::xml_node status;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    if (std::string_view(child.name()) != "Status" || status) return malformed;
    status = child;
  }
  std::string_view text = status.text().get();
  if (!status || (text != "ON" && text != "OFF")) return malformed;
  return std::string(text);
}

std::string LegalHoldXml(std::string_view status) {
  XmlWriter x("LegalHold");
  x.Element("Status", status);
  return x.Finish();
}

Status CheckVersionDeletable(const store::ObjectLockState& current, int64_t now_ms,
                             bool bypass_governance) {
  if (current.legal_hold == "ON") return ObjectLockDenied();
  if (!RetentionInForce(current, now_ms)) return {};
  if (current.mode == kGovernance && bypass_governance) return {};
  return ObjectLockDenied();
}

Status CheckRetentionChange(const store::ObjectLockState& current,
                            const RetentionRequest& requested, int64_t now_ms,
                            bool bypass_governance) {
  if (!RetentionInForce(current, now_ms)) return {};
  bool keeps =
      requested.mode == current.mode && requested.retain_until_ms >= current.retain_until_ms;
  if (keeps) return {};
  if (current.mode == kGovernance && bypass_governance) return {};
  return ObjectLockDenied();
}

Error ObjectLockDenied() {
  return MakeError("AccessDenied", "Access Denied because object protected by object lock.");
}

Error MissingObjectLockConfiguration() {
  return MakeError("InvalidRequest", "Bucket is missing Object Lock Configuration");
}

Error NoSuchObjectLockConfiguration() {
  return MakeError("NoSuchObjectLockConfiguration",
                   "The specified object does not have a ObjectLock configuration");
}

Error RetainUntilDateInThePast(std::string_view argument_name, std::string_view value) {
  return InvalidArgument("The retain until date must be in the future!", argument_name, value);
}

}  // namespace evoke::s3
