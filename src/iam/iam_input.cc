// The parameters IAM's operations share (names, paths, tags, paging, policy documents) and
// the shapes of its results.
#include <algorithm>
#include <cctype>

#include "base/encoding.h"
#include "base/log.h"
#include "base/time_format.h"
#include "iam/iam_actions.h"

namespace evoke::iam {
namespace {

using nlohmann::json;

// "UserName" -> "userName", as IAM names members in its validation messages.
std::string Camel(std::string_view member) {
  std::string out(member);
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

Error NotNull(std::string_view member) {
  return MakeError("ValidationError", "1 validation error detected: Value null at '" +
                                          Camel(member) +
                                          "' failed to satisfy constraint: Member must not be "
                                          "null");
}

// A member that is present but not a single value (A.member.1=x where A is a string).
Error NotAString(std::string_view member) {
  return MakeError("ValidationError", "1 validation error detected: Value at '" + Camel(member) +
                                          "' failed to satisfy constraint: Member must be a "
                                          "string");
}

}  // namespace

Result<std::string> RequiredString(const json& in, std::string_view member) {
  auto it = in.find(member);
  if (it == in.end() || it->is_null()) return NotNull(member);
  if (!it->is_string()) return NotAString(member);
  return it->get<std::string>();
}

std::optional<std::string> OptionalString(const json& in, std::string_view member) {
  auto it = in.find(member);
  if (it == in.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Result<std::string> RequiredName(const json& in, std::string_view member, size_t max_length) {
  auto value = RequiredString(in, member);
  if (!value.ok()) return value;
  if (Status s = CheckName(*value, Camel(member), max_length); !s.ok()) {
    return std::move(s).error();
  }
  return value;
}

Result<std::string> PathMember(const json& in, std::string_view member) {
  auto it = in.find(member);
  if (it == in.end()) return std::string("/");
  if (!it->is_string()) return NotAString(member);
  std::string value = it->get<std::string>();
  if (Status s = CheckPath(value, Camel(member)); !s.ok()) return std::move(s).error();
  return value;
}

Result<Rename> RenameMembers(const json& in, std::string_view member,
                             std::string_view new_member, size_t new_max) {
  Rename r;
  auto name = RequiredName(in, member, 128);
  if (!name.ok()) return std::move(name).error();
  r.name = std::move(*name);
  if (in.contains(new_member)) {
    auto n = RequiredName(in, new_member, new_max);
    if (!n.ok()) return std::move(n).error();
    r.new_name = std::move(*n);
  }
  if (in.contains("NewPath")) {
    auto p = PathMember(in, "NewPath");
    if (!p.ok()) return std::move(p).error();
    r.new_path = std::move(*p);
  }
  return r;
}

Result<bool> BoolMember(const json& in, std::string_view member, bool fallback) {
  auto it = in.find(member);
  if (it == in.end()) return fallback;
  if (it->is_string() && *it == "true") return true;
  if (it->is_string() && *it == "false") return false;
  return MakeError("ValidationError", "1 validation error detected: Value at '" + Camel(member) +
                                          "' failed to satisfy constraint: Member must be a "
                                          "boolean");
}

Result<int64_t> IntMember(const json& in, std::string_view member, int64_t min, int64_t max,
                          int64_t fallback) {
  auto it = in.find(member);
  if (it == in.end()) return fallback;
  std::string text = it->is_string() ? it->get<std::string>() : std::string();
  int64_t value = 0;
  bool digits = !text.empty() && text.size() <= 12;
  size_t start = text.starts_with('-') ? 1 : 0;
  digits = digits && text.size() > start;
  for (size_t i = start; digits && i < text.size(); ++i) {
    digits = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
  }
  if (!digits) {
    return MakeError("ValidationError", "1 validation error detected: Value '" + text + "' at '" +
                                            Camel(member) +
                                            "' failed to satisfy constraint: Member must be an "
                                            "integer");
  }
  value = std::stoll(text);
  if (value < min) {
    return ValidationFailure(text, Camel(member),
                             "Member must have value greater than or equal to " +
                                 std::to_string(min));
  }
  if (value > max) {
    return ValidationFailure(text, Camel(member),
                             "Member must have value less than or equal to " +
                                 std::to_string(max));
  }
  return value;
}

Result<Tags> TagsMember(const json& in, std::string_view member) {
  Tags tags;
  auto it = in.find(member);
  if (it == in.end() || (it->is_string() && it->get<std::string>().empty())) return tags;
  if (!it->is_array()) return NotAString(member);
  if (it->size() > 50) {
    return ValidationFailure("[...]", Camel(member),
                             "Member must have length less than or equal to 50");
  }
  for (const json& tag : *it) {
    if (!tag.is_object()) return NotAString(member);
    auto key = RequiredString(tag, "Key");
    if (!key.ok()) return std::move(key).error();
    auto value = RequiredString(tag, "Value");
    if (!value.ok()) return std::move(value).error();
    if (key->empty() || key->size() > 128) {
      return ValidationFailure(*key, "tags.member.key",
                               "Member must have length less than or equal to 128");
    }
    if (value->size() > 256) {
      return ValidationFailure(*value, "tags.member.value",
                               "Member must have length less than or equal to 256");
    }
    for (const auto& [k, v] : tags) {
      if (NameKey(k) == NameKey(*key)) {
        return MakeError("InvalidInput", "Duplicate tag keys found. Please note that Tag keys "
                                         "are case insensitive.");
      }
    }
    tags.emplace_back(std::move(*key), std::move(*value));
  }
  return tags;
}

Result<std::string> PolicyDocumentMember(const json& in, std::string_view member,
                                         auth::PolicyKind kind) {
  auto doc = RequiredString(in, member);
  if (!doc.ok()) return doc;
  if (doc->empty() || doc->size() > auth::kMaxPolicyChars) {
    return ValidationFailure(doc->substr(0, 64), Camel(member),
                             "Member must have length less than or equal to 131072");
  }
  auto parsed = auth::ParsePolicy(*doc, kind);
  if (!parsed.ok()) return std::move(parsed).error();
  return doc;
}

size_t PolicySize(std::string_view document) {
  size_t n = 0;
  for (char c : document) n += std::isspace(static_cast<unsigned char>(c)) ? 0 : 1;
  return n;
}

Result<std::string> PolicyArnMember(const json& in, std::string_view member) {
  auto arn = RequiredString(in, member);
  if (!arn.ok()) return arn;
  if (arn->size() < 20 || arn->size() > 2048) {
    return ValidationFailure(*arn, Camel(member),
                             "Member must have length greater than or equal to 20");
  }
  if (!arn->starts_with("arn:")) {
    return MakeError("InvalidInput", "ARN " + *arn + " is not valid.");
  }
  return arn;
}

Result<Page> PageMembers(const json& in) {
  Page page;
  if (auto marker = OptionalString(in, "Marker")) {
    if (marker->empty() || marker->size() > 320) {
      return ValidationFailure(*marker, "marker",
                               "Member must have length less than or equal to 320");
    }
    page.marker = std::move(*marker);
  }
  auto max = IntMember(in, "MaxItems", 1, 1000, 100);
  if (!max.ok()) return std::move(max).error();
  page.max_items = static_cast<size_t>(*max);
  return page;
}

std::string IamTime(int64_t ms) { return FormatIso8601(ms / 1000); }

std::string EncodedDocument(std::string_view document) { return UriEncode(document, false); }

json TagsJson(const Tags& tags) {
  json out = json::array();
  for (const auto& [k, v] : tags) out.push_back({{"Key", k}, {"Value", v}});
  return out;
}

json UserJson(std::string_view account, const User& u) {
  json out = {{"Path", u.path},
              {"UserName", u.name},
              {"UserId", u.id},
              {"Arn", UserArn(account, u)},
              {"CreateDate", IamTime(u.created_ms)}};
  if (!u.tags.empty()) out["Tags"] = TagsJson(u.tags);
  return out;
}

json GroupJson(std::string_view account, const Group& g) {
  return {{"Path", g.path},
          {"GroupName", g.name},
          {"GroupId", g.id},
          {"Arn", GroupArn(account, g)},
          {"CreateDate", IamTime(g.created_ms)}};
}

json RoleJson(std::string_view account, const Role& r, bool with_tags) {
  json out = {{"Path", r.path},
              {"RoleName", r.name},
              {"RoleId", r.id},
              {"Arn", RoleArn(account, r)},
              {"CreateDate", IamTime(r.created_ms)},
              {"AssumeRolePolicyDocument", EncodedDocument(r.trust_policy)},
              {"MaxSessionDuration", r.max_session_s}};
  if (!r.description.empty()) out["Description"] = r.description;
  if (with_tags && !r.tags.empty()) out["Tags"] = TagsJson(r.tags);
  if (with_tags) out["RoleLastUsed"] = json::object();
  return out;
}

json PolicyJson(const ManagedPolicy& p, bool with_description) {
  json out = {{"PolicyName", p.name},
              {"PolicyId", p.id},
              {"Arn", p.arn},
              {"Path", p.path},
              {"DefaultVersionId", p.default_version},
              {"AttachmentCount", p.attachment_count},
              {"PermissionsBoundaryUsageCount", 0},
              {"IsAttachable", true},
              {"CreateDate", IamTime(p.created_ms)},
              {"UpdateDate", IamTime(p.updated_ms)}};
  if (with_description && !p.description.empty()) out["Description"] = p.description;
  return out;
}

Result<std::optional<std::string>> UserNameOrCaller(const IamContext& ctx,
                                                    std::string_view member) {
  auto it = ctx.input.find(member);
  if (it != ctx.input.end()) {
    auto name = RequiredName(ctx.input, member, 128);
    if (!name.ok()) return std::move(name).error();
    return std::optional<std::string>(std::move(*name));
  }
  switch (ctx.principal.kind) {
    case auth::Principal::Kind::kUser:
      return std::optional<std::string>(ctx.principal.name);
    case auth::Principal::Kind::kRoot:
      return std::optional<std::string>();
    default:
      // AWS: an assumed role is no user ("Must specify userName when calling with non-User
      // credentials").
      return MakeError("ValidationError",
                       "Must specify userName when calling with non-User credentials");
  }
}

Status ChangeAttachment(const IamContext& ctx, store::WriteTxn& t, std::string_view arn,
                        int delta) {
  auto policy = ctx.dir.FindPolicy(t, arn);
  if (!policy.ok()) return std::move(policy).error();
  if (!policy->has_value()) {
    return MakeError("NoSuchEntity",
                     "Policy " + std::string(arn) + " does not exist or is not attachable.");
  }
  (*policy)->attachment_count = std::max(0, (*policy)->attachment_count + delta);
  return ctx.dir.Put(t, **policy);
}

void Erase(std::vector<std::string>& list, std::string_view value) {
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const std::string& v) { return NameKey(v) == NameKey(value); }),
             list.end());
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& v) { return NameKey(v) == NameKey(value); });
}

Status MergeTags(Tags& tags, const Tags& added, std::string_view quota) {
  for (const auto& [k, v] : added) {
    auto it = std::find_if(tags.begin(), tags.end(),
                           [&](const auto& t) { return NameKey(t.first) == NameKey(k); });
    if (it != tags.end()) {
      it->second = v;
    } else {
      tags.emplace_back(k, v);
    }
  }
  if (tags.size() > kMaxTagsPerEntity) {
    return MakeError("LimitExceeded",
                     "Cannot exceed quota for " + std::string(quota) + ": 50");
  }
  return {};
}

Result<std::vector<std::string>> TagKeysMember(const json& in) {
  auto keys = in.find("TagKeys");
  std::vector<std::string> out;
  if (keys == in.end() || (keys->is_string() && keys->get<std::string>().empty())) return out;
  if (!keys->is_array()) return MakeError("ValidationError", "TagKeys must be a list");
  for (const json& k : *keys) {
    if (!k.is_string()) return MakeError("ValidationError", "TagKeys must be strings");
    out.push_back(k.get<std::string>());
  }
  if (out.size() > kMaxTagsPerEntity) {
    return ValidationFailure("[...]", "tagKeys", "Member must have length less than or equal to 50");
  }
  return out;
}

void RemoveTags(Tags& tags, const std::vector<std::string>& keys) {
  tags.erase(std::remove_if(tags.begin(), tags.end(),
                            [&](const auto& t) { return Contains(keys, t.first); }),
             tags.end());
}

void WarnIfFlawed(const IamContext& ctx, std::string_view document, auth::LintPolicyType type,
                  std::string_view what) {
  if (ctx.actions == nullptr) return;
  if (auto line = auth::PolicyWarning(document, type, *ctx.actions, what)) {
    LogWarning("iam: " + *line);
  }
}

}  // namespace evoke::iam
