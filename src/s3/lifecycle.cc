#include "s3/lifecycle.h"

#include <algorithm>
#include <charconv>
#include <pugixml.hpp>

#include "base/encoding.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "s3/xml.h"

namespace evoke::s3 {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr size_t kMaxRuleIdChars = 255;

Error InvalidArgument(std::string message) {
  return MakeError("InvalidArgument", std::move(message));
}

Error InvalidRequest(std::string message) {
  return MakeError("InvalidRequest", std::move(message));
}

// The elements of `node`, each name at most once; MalformedXML for a name not in `allowed` or
// given twice.
Result<std::vector<pugi::xml_node>> Children(pugi::xml_node node,
                                             std::initializer_list<std::string_view> allowed,
                                             std::initializer_list<std::string_view> repeatable =
                                                 {}) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) return MalformedXmlError();
    bool again = std::any_of(out.begin(), out.end(),
                             [&](pugi::xml_node n) { return name == n.name(); });
    if (again && std::find(repeatable.begin(), repeatable.end(), name) == repeatable.end()) {
      return MalformedXmlError();
    }
    out.push_back(child);
  }
  return out;
}

// A whole number element; MalformedXML when it is not one.
Result<int64_t> Integer(pugi::xml_node node) {
  std::string_view text = node.text().get();
  int64_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) return MalformedXmlError();
  return value;
}

Result<int64_t> PositiveDays(pugi::xml_node node, std::string_view field, std::string_view action) {
  auto days = Integer(node);
  if (!days.ok()) return days;
  if (*days <= 0) {
    return InvalidArgument("'" + std::string(field) + "' for " + std::string(action) +
                           " action must be a positive integer");
  }
  return days;
}

Result<std::pair<std::string, std::string>> ParseTag(pugi::xml_node tag) {
  pugi::xml_node key = tag.child("Key"), value = tag.child("Value");
  if (!key || !value) return MalformedXmlError();
  return std::make_pair(std::string(key.text().get()), std::string(value.text().get()));
}

Status ParseSize(pugi::xml_node node, std::optional<uint64_t>& out) {
  auto n = Integer(node);
  if (!n.ok()) return std::move(n).error();
  if (*n < 0) return InvalidArgument("Object size must be a non-negative integer");
  out = static_cast<uint64_t>(*n);
  return {};
}

Result<LifecycleFilter> ParseFilter(pugi::xml_node node) {
  LifecycleFilter f;
  auto children = Children(node, {"Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan",
                                  "And"});
  if (!children.ok()) return std::move(children).error();
  if (children->empty()) return f;  // an empty filter takes every object
  if (children->size() > 1) return MalformedXmlError();
  pugi::xml_node c = children->front();
  std::string_view name = c.name();
  if (name == "Prefix") {
    f.form = LifecycleFilter::Form::kPrefix;
    f.prefix = c.text().get();
  } else if (name == "Tag") {
    f.form = LifecycleFilter::Form::kTag;
    auto tag = ParseTag(c);
    if (!tag.ok()) return std::move(tag).error();
    f.tags.push_back(std::move(*tag));
  } else if (name == "ObjectSizeGreaterThan") {
    f.form = LifecycleFilter::Form::kSizeGreater;
    if (Status s = ParseSize(c, f.size_greater); !s.ok()) return std::move(s).error();
  } else if (name == "ObjectSizeLessThan") {
    f.form = LifecycleFilter::Form::kSizeLess;
    if (Status s = ParseSize(c, f.size_less); !s.ok()) return std::move(s).error();
  } else {
    f.form = LifecycleFilter::Form::kAnd;
    auto parts = Children(c, {"Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan"},
                          {"Tag"});
    if (!parts.ok()) return std::move(parts).error();
    for (pugi::xml_node p : *parts) {
      std::string_view part = p.name();
      if (part == "Prefix") {
        f.prefix = p.text().get();
      } else if (part == "Tag") {
        auto tag = ParseTag(p);
        if (!tag.ok()) return std::move(tag).error();
        f.tags.push_back(std::move(*tag));
      } else if (Status s = ParseSize(p, part == "ObjectSizeGreaterThan" ? f.size_greater
                                                                           : f.size_less);
                 !s.ok()) {
        return std::move(s).error();
      }
    }
  }
  if (!f.tags.empty()) {
    for (size_t i = 0; i < f.tags.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (f.tags[i].first == f.tags[j].first) {
          return InvalidRequest("Duplicate Tag Keys are not allowed.");
        }
      }
    }
    if (Status s = ValidateTags(f.tags); !s.ok()) return std::move(s).error();
  }
  if (f.size_greater && f.size_less && *f.size_less <= *f.size_greater) {
    return InvalidRequest("ObjectSizeLessThan must be greater than ObjectSizeGreaterThan");
  }
  return f;
}

Status ParseExpiration(pugi::xml_node node, LifecycleRule& rule) {
  auto children = Children(node, {"Days", "Date", "ExpiredObjectDeleteMarker"});
  if (!children.ok()) return std::move(children).error();
  if (children->size() != 1) return MalformedXmlError();
  pugi::xml_node c = children->front();
  std::string_view name = c.name();
  if (name == "Days") {
    auto days = PositiveDays(c, "Days", "Expiration");
    if (!days.ok()) return std::move(days).error();
    rule.expiration_days = *days;
  } else if (name == "Date") {
    auto ms = ParseIso8601Ms(c.text().get());
    if (!ms) return InvalidArgument("Invalid date");
    if (*ms % kDayMs != 0) return InvalidArgument("'Date' must be at midnight GMT");
    rule.expiration_date_ms = *ms;
  } else {
    std::string_view text = c.text().get();
    if (text != "true" && text != "false") return MalformedXmlError();
    rule.expired_object_delete_marker = text == "true";
  }
  return {};
}

Status ParseNoncurrentExpiration(pugi::xml_node node, LifecycleRule& rule) {
  auto children = Children(node, {"NoncurrentDays", "NewerNoncurrentVersions"});
  if (!children.ok()) return std::move(children).error();
  for (pugi::xml_node c : *children) {
    if (std::string_view(c.name()) == "NoncurrentDays") {
      auto days = PositiveDays(c, "NoncurrentDays", "NoncurrentVersionExpiration");
      if (!days.ok()) return std::move(days).error();
      rule.noncurrent_days = *days;
    } else {
      auto n = Integer(c);
      if (!n.ok()) return std::move(n).error();
      if (*n < 1 || *n > 100) {
        return InvalidArgument(
            "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive "
            "integer up to 100");
      }
      rule.newer_noncurrent_versions = *n;
    }
  }
  if (!rule.noncurrent_days) return MalformedXmlError();
  return {};
}

Result<LifecycleRule> ParseRule(pugi::xml_node node) {
  auto children = Children(node, {"ID", "Status", "Filter", "Prefix", "Expiration", "Transition",
                                  "NoncurrentVersionExpiration", "NoncurrentVersionTransition",
                                  "AbortIncompleteMultipartUpload"},
                           {"Transition", "NoncurrentVersionTransition"});
  if (!children.ok()) return std::move(children).error();
  LifecycleRule rule;
  bool has_status = false, has_filter = false, has_action = false;
  for (pugi::xml_node c : *children) {
    std::string_view name = c.name(), text = c.text().get();
    if (name == "ID") {
      rule.id = std::string(text);
    } else if (name == "Status") {
      if (text != "Enabled" && text != "Disabled") return MalformedXmlError();
      rule.enabled = text == "Enabled";
      has_status = true;
    } else if (name == "Filter" || name == "Prefix") {
      if (has_filter) return MalformedXmlError();  // a filter or the old Prefix, not both
      has_filter = true;
      if (name == "Prefix") {
        rule.filter.form = LifecycleFilter::Form::kLegacyPrefix;
        rule.filter.prefix = std::string(text);
      } else {
        auto filter = ParseFilter(c);
        if (!filter.ok()) return std::move(filter).error();
        rule.filter = std::move(*filter);
      }
    } else if (name == "Expiration") {
      if (Status s = ParseExpiration(c, rule); !s.ok()) return std::move(s).error();
      has_action = true;
    } else if (name == "NoncurrentVersionExpiration") {
      if (Status s = ParseNoncurrentExpiration(c, rule); !s.ok()) return std::move(s).error();
      has_action = true;
    } else if (name == "AbortIncompleteMultipartUpload") {
      pugi::xml_node days = c.child("DaysAfterInitiation");
      if (!days) return MalformedXmlError();
      auto n = PositiveDays(days, "DaysAfterInitiation", "AbortIncompleteMultipartUpload");
      if (!n.ok()) return std::move(n).error();
      rule.abort_upload_days = *n;
      has_action = true;
    } else {  // Transition, NoncurrentVersionTransition
      return MakeError("NotImplemented",
                       "evoke keeps every storage class alike: lifecycle transitions are not "
                       "supported.")
          .With("Header", std::string(name));
    }
  }
  if (!has_status || !has_filter) return MalformedXmlError();
  if (!has_action) return InvalidRequest("At least one action needs to be specified in a rule");
  if (rule.id.size() > kMaxRuleIdChars) {
    return InvalidArgument("ID length should not exceed allowed limit of 255");
  }
  // These act on delete markers and uploads, which have neither tags nor a size.
  const bool sized = rule.filter.size_greater || rule.filter.size_less;
  if (rule.expired_object_delete_marker) {
    if (!rule.filter.tags.empty()) {
      return InvalidRequest("ExpiredObjectDeleteMarker cannot be specified with a tag filter");
    }
    if (sized) {
      return InvalidRequest("ExpiredObjectDeleteMarker cannot be specified with Object Size.");
    }
  }
  if (rule.abort_upload_days) {
    if (!rule.filter.tags.empty()) {
      return InvalidRequest(
          "AbortIncompleteMultipartUpload cannot be specified with a tag filter");
    }
    if (sized) {
      return InvalidRequest(
          "AbortIncompleteMultipartUpload cannot be specified with Object Size.");
    }
  }
  if (rule.newer_noncurrent_versions &&
      rule.filter.form == LifecycleFilter::Form::kLegacyPrefix) {
    return InvalidRequest("NewerNoncurrentVersions cannot be specified without a Filter.");
  }
  if (rule.id.empty()) rule.id = Base64Encode(RandomBytes(36));  // as S3 names unnamed rules
  return rule;
}

void WriteTag(XmlWriter& x, const std::pair<std::string, std::string>& tag) {
  x.Open("Tag").Element("Key", tag.first).Element("Value", tag.second).Close("Tag");
}

void WriteFilter(XmlWriter& x, const LifecycleFilter& f) {
  using Form = LifecycleFilter::Form;
  if (f.form == Form::kLegacyPrefix) {
    x.Element("Prefix", f.prefix);
    return;
  }
  x.Open("Filter");
  switch (f.form) {
    case Form::kLegacyPrefix:
    case Form::kEmpty: break;
    case Form::kPrefix: x.Element("Prefix", f.prefix); break;
    case Form::kTag: WriteTag(x, f.tags.front()); break;
    case Form::kSizeGreater: x.Element("ObjectSizeGreaterThan", *f.size_greater); break;
    case Form::kSizeLess: x.Element("ObjectSizeLessThan", *f.size_less); break;
    case Form::kAnd:
      x.Open("And");
      if (!f.prefix.empty()) x.Element("Prefix", f.prefix);
      for (const auto& tag : f.tags) WriteTag(x, tag);
      if (f.size_greater) x.Element("ObjectSizeGreaterThan", *f.size_greater);
      if (f.size_less) x.Element("ObjectSizeLessThan", *f.size_less);
      x.Close("And");
      break;
  }
  x.Close("Filter");
}

}  // namespace

Result<LifecycleConfig> ParseLifecycleXml(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, xml, "LifecycleConfiguration");
  if (!root) return MalformedXmlError();
  auto rules = Children(root, {"Rule"}, {"Rule"});
  if (!rules.ok()) return std::move(rules).error();
  if (rules->empty() || rules->size() > kMaxLifecycleRules) return MalformedXmlError();
  LifecycleConfig config;
  for (pugi::xml_node node : *rules) {
    auto rule = ParseRule(node);
    if (!rule.ok()) return std::move(rule).error();
    for (const auto& other : config.rules) {
      if (other.id == rule->id) {
        return InvalidArgument("Rule ID must be unique. Found same ID for more than one rule");
      }
    }
    config.rules.push_back(std::move(*rule));
  }
  return config;
}

std::string LifecycleXml(const LifecycleConfig& config) {
  XmlWriter x("LifecycleConfiguration");
  for (const LifecycleRule& r : config.rules) {
    x.Open("Rule").Element("ID", r.id);
    WriteFilter(x, r.filter);
    x.Element("Status", r.enabled ? "Enabled" : "Disabled");
    if (r.expiration_days || r.expiration_date_ms || r.expired_object_delete_marker) {
      x.Open("Expiration");
      if (r.expiration_days) x.Element("Days", *r.expiration_days);
      if (r.expiration_date_ms) x.Element("Date", FormatIso8601Ms(*r.expiration_date_ms));
      if (!r.expiration_days && !r.expiration_date_ms) {
        x.Bool("ExpiredObjectDeleteMarker", r.expired_object_delete_marker);
      }
      x.Close("Expiration");
    }
    if (r.noncurrent_days) {
      x.Open("NoncurrentVersionExpiration").Element("NoncurrentDays", *r.noncurrent_days);
      if (r.newer_noncurrent_versions) {
        x.Element("NewerNoncurrentVersions", *r.newer_noncurrent_versions);
      }
      x.Close("NoncurrentVersionExpiration");
    }
    if (r.abort_upload_days) {
      x.Open("AbortIncompleteMultipartUpload");
      x.Element("DaysAfterInitiation", *r.abort_upload_days);
      x.Close("AbortIncompleteMultipartUpload");
    }
    x.Close("Rule");
  }
  return x.Finish();
}

bool FilterMatches(const LifecycleFilter& f, std::string_view key, uint64_t size,
                   const TagSet& tags) {
  if (!key.starts_with(f.prefix)) return false;
  if (f.size_greater && !(size > *f.size_greater)) return false;
  if (f.size_less && !(size < *f.size_less)) return false;
  for (const auto& wanted : f.tags) {
    if (std::find(tags.begin(), tags.end(), wanted) == tags.end()) return false;
  }
  return true;
}

int64_t LifecycleDayStartMs(int64_t ms) { return ms / kDayMs * kDayMs; }

int64_t LifecycleDueMs(int64_t from_ms, int64_t days) {
  int64_t due = from_ms + days * kDayMs;
  int64_t midnight = LifecycleDayStartMs(due);
  return midnight == due ? due : midnight + kDayMs;
}

std::optional<ObjectExpiration> ExpirationOf(const LifecycleConfig& config,
                                             const store::ObjectRecord& object) {
  std::optional<ObjectExpiration> best;
  std::optional<TagSet> tags;  // read once, when a rule filters on tags
  for (const LifecycleRule& r : config.rules) {
    if (!r.enabled || (!r.expiration_days && !r.expiration_date_ms)) continue;
    if (!r.filter.tags.empty() && !tags) tags = TagsOf(object.headers);
    if (!FilterMatches(r.filter, object.key, object.size, tags ? *tags : TagSet{})) continue;
    int64_t at = r.expiration_days ? LifecycleDueMs(object.modified_ms, *r.expiration_days)
                                   : *r.expiration_date_ms;
    if (!best || at < best->at_ms) best = ObjectExpiration{at, r.id};
  }
  return best;
}

std::optional<ObjectExpiration> AbortOf(const LifecycleConfig& config, std::string_view key,
                                        int64_t initiated_ms) {
  std::optional<ObjectExpiration> best;
  for (const LifecycleRule& r : config.rules) {
    if (!r.enabled || !r.abort_upload_days || !key.starts_with(r.filter.prefix)) continue;
    int64_t at = LifecycleDueMs(initiated_ms, *r.abort_upload_days);
    if (!best || at < best->at_ms) best = ObjectExpiration{at, r.id};
  }
  return best;
}

std::string ExpirationHeader(const ObjectExpiration& e) {
  return "expiry-date=\"" + FormatHttpDate(e.at_ms / 1000) + "\", rule-id=\"" + e.rule_id + "\"";
}

}  // namespace evoke::s3
