#include "iam/model.h"

#include <cctype>
#include <nlohmann/json.hpp>

namespace evoke::iam {
namespace {

using nlohmann::json;

json TagsJson(const Tags& tags) {
  json out = json::array();
  for (const auto& [k, v] : tags) out.push_back({k, v});
  return out;
}

Tags TagsOf(const json& j) {
  Tags out;
  for (const auto& t : j) out.emplace_back(t.at(0).get<std::string>(), t.at(1).get<std::string>());
  return out;
}

template <class T>
Result<T> Read(std::string_view text, const char* what, void (*fill)(const json&, T&)) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return MakeError("InternalError", std::string("unreadable stored ") + what);
  T out;
  try {
    fill(j, out);
  } catch (const json::exception& e) {
    return MakeError("InternalError", std::string("unreadable stored ") + what + ": " + e.what());
  }
  return out;
}

std::string InnerPath(std::string_view path) {
  return path.size() > 1 ? std::string(path.substr(1)) : std::string();  // "/a/b/" -> "a/b/"
}

}  // namespace

Error ValidationFailure(std::string_view value, std::string_view member, std::string_view constraint) {
  return MakeError("ValidationError", "1 validation error detected: Value '" + std::string(value) +
                                          "' at '" + std::string(member) +
                                          "' failed to satisfy constraint: " +
                                          std::string(constraint));
}

const PolicyVersion* ManagedPolicy::Version(std::string_view id) const {
  for (const auto& v : versions) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

std::string ToJson(const User& u) {
  return json{{"name", u.name},
              {"id", u.id},
              {"path", u.path},
              {"created", u.created_ms},
              {"tags", TagsJson(u.tags)},
              {"inline", u.inline_policies},
              {"attached", u.attached},
              {"groups", u.groups},
              {"keys", u.access_keys}}
      .dump();
}

std::string ToJson(const Group& g) {
  return json{{"name", g.name},         {"id", g.id},
              {"path", g.path},         {"created", g.created_ms},
              {"inline", g.inline_policies}, {"attached", g.attached},
              {"members", g.members}}
      .dump();
}

std::string ToJson(const Role& r) {
  return json{{"name", r.name},
              {"id", r.id},
              {"path", r.path},
              {"created", r.created_ms},
              {"trust", r.trust_policy},
              {"description", r.description},
              {"max_session", r.max_session_s},
              {"tags", TagsJson(r.tags)},
              {"inline", r.inline_policies},
              {"attached", r.attached}}
      .dump();
}

std::string ToJson(const ManagedPolicy& p) {
  json versions = json::array();
  for (const auto& v : p.versions) {
    versions.push_back({{"id", v.id}, {"document", v.document}, {"created", v.created_ms}});
  }
  return json{{"name", p.name},
              {"id", p.id},
              {"arn", p.arn},
              {"path", p.path},
              {"description", p.description},
              {"created", p.created_ms},
              {"updated", p.updated_ms},
              {"default", p.default_version},
              {"next", p.next_version},
              {"attachments", p.attachment_count},
              {"versions", versions}}
      .dump();
}

std::string ToJson(const AccessKey& k) {
  return json{{"id", k.id},
              {"secret", k.secret},
              {"user", k.user},
              {"active", k.active},
              {"created", k.created_ms}}
      .dump();
}

Result<User> UserFromJson(std::string_view text) {
  return Read<User>(text, "user", [](const json& j, User& u) {
    u.name = j.at("name");
    u.id = j.at("id");
    u.path = j.at("path");
    u.created_ms = j.at("created");
    u.tags = TagsOf(j.at("tags"));
    u.inline_policies = j.at("inline").get<InlinePolicies>();
    u.attached = j.at("attached").get<std::vector<std::string>>();
    u.groups = j.at("groups").get<std::vector<std::string>>();
    u.access_keys = j.at("keys").get<std::vector<std::string>>();
  });
}

Result<Group> GroupFromJson(std::string_view text) {
  return Read<Group>(text, "group", [](const json& j, Group& g) {
    g.name = j.at("name");
    g.id = j.at("id");
    g.path = j.at("path");
    g.created_ms = j.at("created");
    g.inline_policies = j.at("inline").get<InlinePolicies>();
    g.attached = j.at("attached").get<std::vector<std::string>>();
    g.members = j.at("members").get<std::vector<std::string>>();
  });
}

Result<Role> RoleFromJson(std::string_view text) {
  return Read<Role>(text, "role", [](const json& j, Role& r) {
    r.name = j.at("name");
    r.id = j.at("id");
    r.path = j.at("path");
    r.created_ms = j.at("created");
    r.trust_policy = j.at("trust");
    r.description = j.at("description");
    r.max_session_s = j.at("max_session");
    r.tags = TagsOf(j.at("tags"));
    r.inline_policies = j.at("inline").get<InlinePolicies>();
    r.attached = j.at("attached").get<std::vector<std::string>>();
  });
}

Result<ManagedPolicy> PolicyFromJson(std::string_view text) {
  return Read<ManagedPolicy>(text, "policy", [](const json& j, ManagedPolicy& p) {
    p.name = j.at("name");
    p.id = j.at("id");
    p.arn = j.at("arn");
    p.path = j.at("path");
    p.description = j.at("description");
    p.created_ms = j.at("created");
    p.updated_ms = j.at("updated");
    p.default_version = j.at("default");
    p.next_version = j.at("next");
    p.attachment_count = j.at("attachments");
    for (const auto& v : j.at("versions")) {
      p.versions.push_back({v.at("id"), v.at("document"), v.at("created")});
    }
  });
}

Result<AccessKey> AccessKeyFromJson(std::string_view text) {
  return Read<AccessKey>(text, "access key", [](const json& j, AccessKey& k) {
    k.id = j.at("id");
    k.secret = j.at("secret");
    k.user = j.at("user");
    k.active = j.at("active");
    k.created_ms = j.at("created");
  });
}

std::string NameKey(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string UserArn(std::string_view account, const User& u) {
  return "arn:aws:iam::" + std::string(account) + ":user/" + InnerPath(u.path) + u.name;
}

std::string GroupArn(std::string_view account, const Group& g) {
  return "arn:aws:iam::" + std::string(account) + ":group/" + InnerPath(g.path) + g.name;
}

std::string RoleArn(std::string_view account, const Role& r) {
  return "arn:aws:iam::" + std::string(account) + ":role/" + InnerPath(r.path) + r.name;
}

std::string PolicyArn(std::string_view account, std::string_view path, std::string_view name) {
  return "arn:aws:iam::" + std::string(account) + ":policy/" + InnerPath(path) +
         std::string(name);
}

std::optional<IamArnParts> ParseIamArn(std::string_view arn, std::string_view kind) {
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  if (!arn.starts_with(kPrefix)) return std::nullopt;
  arn.remove_prefix(kPrefix.size());
  size_t colon = arn.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  IamArnParts parts;
  parts.account = std::string(arn.substr(0, colon));
  std::string_view rest = arn.substr(colon + 1);
  if (!rest.starts_with(kind) || rest.substr(kind.size(), 1) != "/") return std::nullopt;
  rest.remove_prefix(kind.size());  // keeps the leading '/'
  size_t last = rest.rfind('/');
  parts.path = std::string(rest.substr(0, last + 1));
  parts.name = std::string(rest.substr(last + 1));
  if (parts.name.empty() || parts.account.empty()) return std::nullopt;
  return parts;
}

Status CheckName(std::string_view value, std::string_view member, size_t max_length) {
  if (value.empty() || value.size() > max_length) {
    return ValidationFailure(value, member,
                   "Member must have length less than or equal to " + std::to_string(max_length));
  }
  for (char c : value) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' || c == '=' ||
              c == ',' || c == '.' || c == '@' || c == '-';
    if (!ok) return ValidationFailure(value, member, "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  }
  return {};
}

Status CheckPolicyName(std::string_view value, std::string_view member) {
  return CheckName(value, member, 128);
}

Status CheckPath(std::string_view value, std::string_view member) {
  bool ok = !value.empty() && value.size() <= 512 && value.front() == '/' && value.back() == '/';
  for (char c : value) ok = ok && c >= 0x21 && c <= 0x7e;
  if (!ok) {
    return ValidationFailure(value, member,
                   "Member must satisfy regular expression pattern: "
                   "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
  }
  return {};
}

}  // namespace evoke::iam
