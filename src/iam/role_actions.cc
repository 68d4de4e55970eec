// Roles: their trust policies (who may assume them), descriptions, session lengths and tags.
#include "base/ids.h"
#include "iam/iam_actions.h"

namespace evoke::iam {
namespace {

using nlohmann::json;

constexpr size_t kAll = 100'000;
// IAM's default quota on a role's trust policy.
constexpr size_t kMaxTrustPolicySize = 2048;

Result<std::string> TrustPolicyMember(const json& in, std::string_view member) {
  auto doc = PolicyDocumentMember(in, member, auth::PolicyKind::kTrust);
  if (!doc.ok()) return doc;
  if (PolicySize(*doc) > kMaxTrustPolicySize) {
    return MakeError("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048");
  }
  return doc;
}

Result<std::optional<std::string>> DescriptionMember(const json& in) {
  auto it = in.find("Description");
  if (it == in.end()) return std::optional<std::string>();
  if (!it->is_string()) return MakeError("ValidationError", "Description must be a string");
  std::string value = it->get<std::string>();
  if (value.size() > 1000) {
    return ValidationFailure(value.substr(0, 64), "description",
                             "Member must have length less than or equal to 1000");
  }
  return std::optional<std::string>(std::move(value));
}

Result<int64_t> MaxSessionMember(const json& in, int64_t fallback) {
  return IntMember(in, "MaxSessionDuration", 3600, 43200, fallback);
}

// Reads the role `name`, changes it with `change` and writes it back, in one job.
Task<Result<Role>> ChangeRole(IamContext& ctx, const std::string& name,
                              std::function<Status(Role&)> change) {
  Role changed;
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto role = ctx.dir.GetRole(t, name);
    if (!role.ok()) return std::move(role).error();
    if (Status c = change(*role); !c.ok()) return c;
    changed = *role;
    return ctx.dir.Put(t, *role);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return changed;
}

}  // namespace

Task<Result<json>> CreateRole(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "RoleName", 64);
  if (!name.ok()) co_return std::move(name).error();
  auto path = PathMember(ctx.input, "Path");
  if (!path.ok()) co_return std::move(path).error();
  auto trust = TrustPolicyMember(ctx.input, "AssumeRolePolicyDocument");
  if (!trust.ok()) co_return std::move(trust).error();
  auto description = DescriptionMember(ctx.input);
  if (!description.ok()) co_return std::move(description).error();
  auto max_session = MaxSessionMember(ctx.input, 3600);
  if (!max_session.ok()) co_return std::move(max_session).error();
  auto tags = TagsMember(ctx.input, "Tags");
  if (!tags.ok()) co_return std::move(tags).error();
  if (ctx.input.contains("PermissionsBoundary")) {
    co_return MakeError("InvalidInput", "evoke does not support permissions boundaries yet.");
  }
  Role role;
  role.name = *name;
  role.path = *path;
  role.id = NewAwsId("AROA", 21);
  role.created_ms = ctx.now_ms();
  role.trust_policy = std::move(*trust);
  role.description = description->value_or("");
  role.max_session_s = static_cast<int>(*max_session);
  role.tags = std::move(*tags);
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto existing = ctx.dir.FindRole(t, role.name);
    if (!existing.ok()) return std::move(existing).error();
    if (existing->has_value()) {
      return MakeError("EntityAlreadyExists", "Role with name " + role.name + " already exists.");
    }
    return ctx.dir.Put(t, role);
  });
  if (!s.ok()) co_return std::move(s).error();
  WarnIfFlawed(ctx, role.trust_policy, auth::LintPolicyType::kResource,
               "the trust policy of role " + role.name);
  json out = RoleJson(ctx.account(), role, true);
  out.erase("RoleLastUsed");
  co_return json{{"Role", std::move(out)}};
}

Task<Result<json>> GetRole(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "RoleName", 64);
  if (!name.ok()) co_return std::move(name).error();
  auto t = ctx.dir.txns().Read();
  auto role = ctx.dir.GetRole(*t, *name);
  if (!role.ok()) co_return std::move(role).error();
  co_return json{{"Role", RoleJson(ctx.account(), *role, true)}};
}

Task<Result<json>> ListRoles(IamContext& ctx) {
  auto prefix = PathMember(ctx.input, "PathPrefix");
  if (!prefix.ok()) co_return std::move(prefix).error();
  auto page = PageMembers(ctx.input);
  if (!page.ok()) co_return std::move(page).error();
  auto t = ctx.dir.txns().Read();
  auto roles = ctx.dir.ListRoles(*t, "", kAll);
  if (!roles.ok()) co_return std::move(roles).error();
  std::erase_if(*roles, [&](const Role& r) { return !r.path.starts_with(*prefix); });
  json out = json::object();
  RenderPage(
      *roles, *page, [](const Role& r) { return NameKey(r.name); },
      [&](const Role& r) { return RoleJson(ctx.account(), r, false); }, "Roles", out);
  co_return out;
}

Task<Result<json>> UpdateRole(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "RoleName", 64);
  if (!name.ok()) co_return std::move(name).error();
  auto description = DescriptionMember(ctx.input);
  if (!description.ok()) co_return std::move(description).error();
  auto max_session = MaxSessionMember(ctx.input, 0);
  if (!max_session.ok()) co_return std::move(max_session).error();
  auto changed = co_await ChangeRole(ctx, *name, [&](Role& role) -> Status {
    if (description->has_value()) role.description = **description;
    if (*max_session != 0) role.max_session_s = static_cast<int>(*max_session);
    return {};
  });
  if (!changed.ok()) co_return std::move(changed).error();
  co_return json::object();
}

Task<Result<json>> UpdateRoleDescription(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "RoleName", 64);
  if (!name.ok()) co_return std::move(name).error();
  auto description = DescriptionMember(ctx.input);
  if (!description.ok()) co_return std::move(description).error();
  if (!description->has_value()) {
    co_return MakeError("ValidationError",
                        "1 validation error detected: Value null at 'description' failed to "
                        "satisfy constraint: Member must not be null");
  }
  auto changed = co_await ChangeRole(ctx, *name, [&](Role& role) -> Status {
    role.description = **description;
    return {};
  });
  if (!changed.ok()) co_return std::move(changed).error();
  co_return json{{"Role", RoleJson(ctx.account(), *changed, true)}};
}

Task<Result<json>> UpdateAssumeRolePolicy(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "RoleName", 64);
  if (!name.ok()) co_return std::move(name).error();
  auto trust = TrustPolicyMember(ctx.input, "PolicyDocument");
  if (!trust.ok()) co_return std::move(trust).error();
  auto changed = co_await ChangeRole(ctx, *name, [&](Role& role) -> Status {
    role.trust_policy = *trust;
    return {};
  });
  if (!changed.ok()) co_return std::move(changed).error();
  WarnIfFlawed(ctx, *trust, auth::LintPolicyType::kResource,
               "the trust policy of role " + changed->name);
  co_return json();
}

Task<Result<json>> DeleteRole(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "RoleName", 64);
  if (!name.ok()) co_return std::move(name).error();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto role = ctx.dir.GetRole(t, *name);
    if (!role.ok()) return std::move(role).error();
    if (!role->inline_policies.empty()) {
      return MakeError("DeleteConflict", "Cannot delete entity, must delete policies first.");
    }
    if (!role->attached.empty()) {
      return MakeError("DeleteConflict",
                       "Cannot delete entity, must detach all policies first.");
    }
    return ctx.dir.Remove(t, kRole, NameKey(role->name));
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> TagRole(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "RoleName", 64);
  if (!name.ok()) co_return std::move(name).error();
  auto tags = TagsMember(ctx.input, "Tags");
  if (!tags.ok()) co_return std::move(tags).error();
  auto changed = co_await ChangeRole(
      ctx, *name, [&](Role& role) { return MergeTags(role.tags, *tags, "TagsPerRole"); });
  if (!changed.ok()) co_return std::move(changed).error();
  co_return json();
}

Task<Result<json>> UntagRole(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "RoleName", 64);
  if (!name.ok()) co_return std::move(name).error();
  auto keys = TagKeysMember(ctx.input);
  if (!keys.ok()) co_return std::move(keys).error();
  auto changed = co_await ChangeRole(ctx, *name, [&](Role& role) -> Status {
    RemoveTags(role.tags, *keys);
    return {};
  });
  if (!changed.ok()) co_return std::move(changed).error();
  co_return json();
}

Task<Result<json>> ListRoleTags(IamContext& ctx) {
  auto name = RequiredName(ctx.input, "RoleName", 64);
  if (!name.ok()) co_return std::move(name).error();
  auto t = ctx.dir.txns().Read();
  auto role = ctx.dir.GetRole(*t, *name);
  if (!role.ok()) co_return std::move(role).error();
  co_return json{{"Tags", TagsJson(role->tags)}, {"IsTruncated", false}};
}

}  // namespace evoke::iam
