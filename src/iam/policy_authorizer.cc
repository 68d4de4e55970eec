#include "iam/policy_authorizer.h"

#include "base/log.h"

namespace evoke::iam {
namespace {

// Beyond this many cached principals the cache starts over.
constexpr size_t kMaxCachedPrincipals = 10'000;

Status AddParsed(std::string_view document, auth::PolicyKind kind, std::string_view where,
                 std::vector<auth::Policy>& out) {
  auto policy = auth::ParsePolicy(document, kind);
  if (!policy.ok()) {
    // Stored policies were checked when they were written; one that no longer parses must not
    // silently drop a Deny, so the principal is refused everything until it is fixed.
    LogError("iam: the stored policy " + std::string(where) + " does not parse: " +
             policy.error().message);
    return MakeError("AccessDenied", "A policy of the principal cannot be read.");
  }
  out.push_back(std::move(*policy));
  return {};
}

template <typename T>
Status AddEntityPolicies(const Directory& dir, store::ReadTxn& t, const T& entity,
                         std::vector<auth::Policy>& out) {
  for (const auto& [name, document] : entity.inline_policies) {
    if (Status s = AddParsed(document, auth::PolicyKind::kIdentity, entity.name + "/" + name, out);
        !s.ok()) {
      return s;
    }
  }
  for (const std::string& arn : entity.attached) {
    auto policy = dir.FindPolicy(t, arn);
    if (!policy.ok()) return std::move(policy).error();
    if (!policy->has_value()) continue;  // deleted since: grants nothing
    const PolicyVersion* version = (*policy)->DefaultVersion();
    if (!version) continue;
    if (Status s = AddParsed(version->document, auth::PolicyKind::kManaged, arn, out); !s.ok()) {
      return s;
    }
  }
  return {};
}

}  // namespace

auth::PrincipalInfo PrincipalInfoOf(const auth::Principal& p) {
  using Kind = auth::PrincipalInfo::Kind;
  auth::PrincipalInfo info{Kind::kAnonymous, p.arn, p.account_id, p.role_arn, ""};
  switch (p.kind) {
    case auth::Principal::Kind::kRoot: info.kind = Kind::kRoot; break;
    case auth::Principal::Kind::kUser: info.kind = Kind::kUser; break;
    case auth::Principal::Kind::kAssumedRole: info.kind = Kind::kAssumedRole; break;
    case auth::Principal::Kind::kAnonymous: info = {Kind::kAnonymous, "", "", "", ""}; break;
  }
  return info;
}

namespace {

void AddPrincipalTags(const Tags& tags, auth::ConditionKeys& keys) {
  for (const auto& [key, value] : tags) keys.emplace_back("aws:PrincipalTag/" + key, value);
}

}  // namespace

void AddPrincipalKeys(const auth::Principal& p, auth::ConditionKeys& keys) {
  std::erase_if(keys, [](const auto& k) { return k.first == "aws:PrincipalArn"; });
  switch (p.kind) {
    case auth::Principal::Kind::kRoot:
      keys.emplace_back("aws:PrincipalType", "Account");
      keys.emplace_back("aws:PrincipalArn", p.arn);
      break;
    case auth::Principal::Kind::kUser:
      keys.emplace_back("aws:PrincipalType", "User");
      keys.emplace_back("aws:username", p.name);
      keys.emplace_back("aws:PrincipalArn", p.arn);
      break;
    case auth::Principal::Kind::kAssumedRole:
      keys.emplace_back("aws:PrincipalType", "AssumedRole");
      keys.emplace_back("aws:PrincipalArn", p.role_arn);
      break;
    case auth::Principal::Kind::kAnonymous:
      keys.emplace_back("aws:PrincipalType", "Anonymous");
      return;
  }
  keys.emplace_back("aws:userid", p.user_id);
  keys.emplace_back("aws:PrincipalAccount", p.account_id);
}

std::string DeniedMessage(const auth::Principal& principal, std::string_view action,
                          std::string_view resource, std::string_view reason) {
  std::string m = "User: " + principal.arn + " is not authorized to perform: " +
                  std::string(action) + " on resource: " + std::string(resource);
  if (!reason.empty()) m += " " + std::string(reason);
  return m;
}

PolicyAuthorizer::PolicyAuthorizer(Directory& directory) : directory_(directory) {}

Result<std::shared_ptr<const PolicyAuthorizer::PolicySet>> PolicyAuthorizer::LoadPolicies(
    const auth::Principal& principal) const {
  auto set = std::make_shared<PolicySet>();
  auto t = directory_.txns().Read();
  if (principal.kind == auth::Principal::Kind::kUser) {
    auto user = directory_.FindUser(*t, principal.name);
    if (!user.ok()) return std::move(user).error();
    if (user->has_value()) {
      AddPrincipalTags((*user)->tags, set->principal_tags);
      if (Status s = AddEntityPolicies(directory_, *t, **user, set->identity); !s.ok()) {
        return std::move(s).error();
      }
      for (const std::string& group_name : (*user)->groups) {
        auto group = directory_.FindGroup(*t, group_name);
        if (!group.ok()) return std::move(group).error();
        if (!group->has_value()) continue;
        if (Status s = AddEntityPolicies(directory_, *t, **group, set->identity); !s.ok()) {
          return std::move(s).error();
        }
      }
    }
  } else if (principal.kind == auth::Principal::Kind::kAssumedRole) {
    std::optional<RoleArnParts> parts = ParseRoleArn(principal.role_arn);
    if (parts) {
      auto role = directory_.FindRole(*t, parts->name);
      if (!role.ok()) return std::move(role).error();
      // A role deleted (or deleted and made anew) since the session began grants nothing.
      if (role->has_value() && RoleArn(directory_.account_id(), **role) == principal.role_arn &&
          principal.user_id.starts_with((*role)->id)) {
        AddPrincipalTags((*role)->tags, set->principal_tags);
        if (Status s = AddEntityPolicies(directory_, *t, **role, set->identity); !s.ok()) {
          return std::move(s).error();
        }
      }
    }
  }
  if (!principal.session_policy.empty()) {
    if (Status s = AddParsed(principal.session_policy, auth::PolicyKind::kIdentity,
                             "(session policy)", set->session);
        !s.ok()) {
      return std::move(s).error();
    }
  }
  for (const auto* list : {&set->identity, &set->session}) {
    for (const auth::Policy& p : *list) set->uses_keys |= p.uses_keys();
  }
  for (const auth::Policy& p : set->identity) set->identity_ptrs.push_back(&p);
  for (const auth::Policy& p : set->session) set->session_ptrs.push_back(&p);
  set->who = PrincipalInfoOf(principal);
  return std::shared_ptr<const PolicySet>(std::move(set));
}

Result<std::shared_ptr<const PolicyAuthorizer::PolicySet>> PolicyAuthorizer::PoliciesOf(
    const auth::Principal& principal) const {
  if (principal.anonymous) {
    static const std::shared_ptr<const PolicySet> none = std::make_shared<PolicySet>();
    return none;
  }
  uint64_t generation = directory_.generation();
  // An access key names one user, or one session with its policy; principals made up inside
  // the server (a schedule's role session) have none.
  std::string made_up;
  if (principal.access_key_id.empty()) {
    made_up = principal.arn + "\n" + principal.user_id + "\n" + principal.session_policy;
  }
  std::string_view key = principal.access_key_id.empty() ? made_up : principal.access_key_id;
  {
    std::lock_guard lock(mutex_);
    if (cached_generation_ != generation) {
      cache_.clear();
      cached_generation_ = generation;
    }
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  auto loaded = LoadPolicies(principal);
  if (!loaded.ok()) return loaded;
  std::lock_guard lock(mutex_);
  if (cached_generation_ == generation) {
    if (cache_.size() >= kMaxCachedPrincipals) cache_.clear();
    cache_.emplace(std::string(key), *loaded);
  }
  return loaded;
}

Result<auth::Decision> PolicyAuthorizer::Decide(const auth::Principal& principal,
                                                std::string_view action,
                                                std::string_view resource,
                                                const auth::Policy* resource_policy,
                                                const auth::ConditionKeys& keys) const {
  auto set = PoliciesOf(principal);
  if (!set.ok()) return std::move(set).error();
  return DecideWith(**set, principal, action, resource, resource_policy, keys);
}

auth::Decision PolicyAuthorizer::DecideWith(const PolicySet& set,
                                            const auth::Principal& principal,
                                            std::string_view action, std::string_view resource,
                                            const auth::Policy* resource_policy,
                                            const auth::ConditionKeys& keys) {
  std::optional<auth::PrincipalInfo> made;
  if (!set.who) made = PrincipalInfoOf(principal);
  const auth::PrincipalInfo& who = set.who ? *set.who : *made;
  if (set.principal_tags.empty()) {
    return auth::Decide(set.identity_ptrs, resource_policy, set.session_ptrs, nullptr,
                        auth::RequestContext{action, resource, who, keys});
  }
  auth::ConditionKeys with_tags = keys;
  with_tags.insert(with_tags.end(), set.principal_tags.begin(), set.principal_tags.end());
  return auth::Decide(set.identity_ptrs, resource_policy, set.session_ptrs, nullptr,
                      auth::RequestContext{action, resource, who, with_tags});
}

Status PolicyAuthorizer::Authorize(const api::AuthorizationRequest& request) const {
  const auth::Principal& principal = request.principal;
  if (principal.kind == auth::Principal::Kind::kRoot) return {};
  std::shared_ptr<const auth::Policy> resource_policy =
      request.resource_policy ? request.resource_policy() : nullptr;
  // Anonymous callers have only what a resource policy grants everyone, and S3's terse denial.
  if (principal.anonymous && !resource_policy) return MakeError("AccessDenied", "Access Denied");
  auto set = PoliciesOf(principal);
  if (!set.ok()) {
    return MakeError("AccessDenied", DeniedMessage(principal, request.action, request.resource,
                                                   "because its policies cannot be read"));
  }
  // The condition keys cost more than most decisions: computed only when a policy reads them.
  auth::ConditionKeys keys;
  if ((*set)->uses_keys || (resource_policy && resource_policy->uses_keys())) {
    if (request.conditions) keys = request.conditions();
    AddPrincipalKeys(principal, keys);
  }
  auth::Decision decision = DecideWith(**set, principal, request.action, request.resource,
                                       resource_policy.get(), keys);
  if (decision.allowed) return {};
  if (principal.anonymous) return MakeError("AccessDenied", "Access Denied");
  return MakeError("AccessDenied",
                   DeniedMessage(principal, request.action, request.resource, decision.reason));
}

}  // namespace evoke::iam
