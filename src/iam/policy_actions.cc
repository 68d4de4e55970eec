// Policies: the inline policies of users, groups and roles; managed policies (this account's,
// with up to five versions, and AWS's, read only) and their attachments. The three kinds of
// owner share one implementation, told apart by OwnerTraits.
#include <algorithm>

#include "base/ids.h"
#include "iam/iam_actions.h"

namespace evoke::iam {
namespace {

using nlohmann::json;

constexpr size_t kAll = 100'000;
constexpr size_t kMaxPolicyVersions = 5;
constexpr size_t kMaxManagedPolicySize = 6144;

template <typename T>
struct OwnerTraits;

template <>
struct OwnerTraits<User> {
  static constexpr std::string_view kMember = "UserName";
  static constexpr std::string_view kWord = "user";
  static constexpr std::string_view kQuota = "PoliciesPerUser";
  static constexpr size_t kNameMax = 128;
  static constexpr size_t kInlineMax = 2048;  // all of a user's inline policies together
  static Result<User> Get(const Directory& d, store::ReadTxn& t, std::string_view name) {
    return d.GetUser(t, name);
  }
};

template <>
struct OwnerTraits<Group> {
  static constexpr std::string_view kMember = "GroupName";
  static constexpr std::string_view kWord = "group";
  static constexpr std::string_view kQuota = "PoliciesPerGroup";
  static constexpr size_t kNameMax = 128;
  static constexpr size_t kInlineMax = 5120;
  static Result<Group> Get(const Directory& d, store::ReadTxn& t, std::string_view name) {
    return d.GetGroup(t, name);
  }
};

template <>
struct OwnerTraits<Role> {
  static constexpr std::string_view kMember = "RoleName";
  static constexpr std::string_view kWord = "role";
  static constexpr std::string_view kQuota = "PoliciesPerRole";
  static constexpr size_t kNameMax = 64;
  static constexpr size_t kInlineMax = 10240;
  static Result<Role> Get(const Directory& d, store::ReadTxn& t, std::string_view name) {
    return d.GetRole(t, name);
  }
};

Result<std::string> PolicyNameMember(const json& in) {
  auto name = RequiredString(in, "PolicyName");
  if (!name.ok()) return name;
  if (Status s = CheckPolicyName(*name, "policyName"); !s.ok()) return std::move(s).error();
  return name;
}

// --- inline policies ---

template <typename T>
Task<Result<json>> PutInline(IamContext& ctx) {
  using Traits = OwnerTraits<T>;
  auto owner = RequiredName(ctx.input, Traits::kMember, Traits::kNameMax);
  if (!owner.ok()) co_return std::move(owner).error();
  auto policy_name = PolicyNameMember(ctx.input);
  if (!policy_name.ok()) co_return std::move(policy_name).error();
  auto doc = PolicyDocumentMember(ctx.input, "PolicyDocument", auth::PolicyKind::kIdentity);
  if (!doc.ok()) co_return std::move(doc).error();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto entity = Traits::Get(ctx.dir, t, *owner);
    if (!entity.ok()) return std::move(entity).error();
    entity->inline_policies[*policy_name] = *doc;
    size_t total = 0;
    for (const auto& [name, text] : entity->inline_policies) total += PolicySize(text);
    if (total > Traits::kInlineMax) {
      return MakeError("LimitExceeded", "Maximum policy size of " +
                                            std::to_string(Traits::kInlineMax) +
                                            " bytes exceeded for " + std::string(Traits::kWord) +
                                            " " + entity->name);
    }
    return ctx.dir.Put(t, *entity);
  });
  if (!s.ok()) co_return std::move(s).error();
  WarnIfFlawed(ctx, *doc, auth::LintPolicyType::kIdentity,
               "the inline policy " + *policy_name + " of " + std::string(Traits::kWord) + " " +
                   *owner);
  co_return json();
}

template <typename T>
Task<Result<json>> GetInline(IamContext& ctx) {
  using Traits = OwnerTraits<T>;
  auto owner = RequiredName(ctx.input, Traits::kMember, Traits::kNameMax);
  if (!owner.ok()) co_return std::move(owner).error();
  auto policy_name = PolicyNameMember(ctx.input);
  if (!policy_name.ok()) co_return std::move(policy_name).error();
  auto t = ctx.dir.txns().Read();
  auto entity = Traits::Get(ctx.dir, *t, *owner);
  if (!entity.ok()) co_return std::move(entity).error();
  auto it = entity->inline_policies.find(*policy_name);
  if (it == entity->inline_policies.end()) {
    co_return MakeError("NoSuchEntity", "The " + std::string(Traits::kWord) +
                                            " policy with name " + *policy_name +
                                            " cannot be found.");
  }
  co_return json{{std::string(Traits::kMember), entity->name},
                 {"PolicyName", it->first},
                 {"PolicyDocument", EncodedDocument(it->second)}};
}

template <typename T>
Task<Result<json>> ListInline(IamContext& ctx) {
  using Traits = OwnerTraits<T>;
  auto owner = RequiredName(ctx.input, Traits::kMember, Traits::kNameMax);
  if (!owner.ok()) co_return std::move(owner).error();
  auto page = PageMembers(ctx.input);
  if (!page.ok()) co_return std::move(page).error();
  auto t = ctx.dir.txns().Read();
  auto entity = Traits::Get(ctx.dir, *t, *owner);
  if (!entity.ok()) co_return std::move(entity).error();
  std::vector<std::string> names;
  for (const auto& [name, text] : entity->inline_policies) names.push_back(name);
  json out = json::object();
  RenderPage(
      names, *page, [](const std::string& n) { return n; },
      [](const std::string& n) { return n; }, "PolicyNames", out);
  co_return out;
}

template <typename T>
Task<Result<json>> DeleteInline(IamContext& ctx) {
  using Traits = OwnerTraits<T>;
  auto owner = RequiredName(ctx.input, Traits::kMember, Traits::kNameMax);
  if (!owner.ok()) co_return std::move(owner).error();
  auto policy_name = PolicyNameMember(ctx.input);
  if (!policy_name.ok()) co_return std::move(policy_name).error();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto entity = Traits::Get(ctx.dir, t, *owner);
    if (!entity.ok()) return std::move(entity).error();
    if (entity->inline_policies.erase(*policy_name) == 0) {
      return MakeError("NoSuchEntity", "The " + std::string(Traits::kWord) +
                                           " policy with name " + *policy_name +
                                           " cannot be found.");
    }
    return ctx.dir.Put(t, *entity);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

// --- attachments ---

template <typename T>
Task<Result<json>> Attach(IamContext& ctx) {
  using Traits = OwnerTraits<T>;
  auto owner = RequiredName(ctx.input, Traits::kMember, Traits::kNameMax);
  if (!owner.ok()) co_return std::move(owner).error();
  auto arn = PolicyArnMember(ctx.input, "PolicyArn");
  if (!arn.ok()) co_return std::move(arn).error();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto entity = Traits::Get(ctx.dir, t, *owner);
    if (!entity.ok()) return std::move(entity).error();
    if (std::find(entity->attached.begin(), entity->attached.end(), *arn) !=
        entity->attached.end()) {
      auto policy = ctx.dir.FindPolicy(t, *arn);  // still refuse a policy deleted since
      if (!policy.ok()) return std::move(policy).error();
      return {};
    }
    if (entity->attached.size() >= kMaxAttachedPolicies) {
      return MakeError("LimitExceeded",
                       "Cannot exceed quota for " + std::string(Traits::kQuota) + ": 10");
    }
    if (Status c = ChangeAttachment(ctx, t, *arn, +1); !c.ok()) return c;
    entity->attached.push_back(*arn);
    return ctx.dir.Put(t, *entity);
  });
  if (!s.ok()) co_return std::move(s).error();
  {
    auto t = ctx.dir.txns().Read();
    auto policy = ctx.dir.FindPolicy(*t, *arn);
    const PolicyVersion* version =
        policy.ok() && policy->has_value() ? (*policy)->DefaultVersion() : nullptr;
    if (version) {
      WarnIfFlawed(ctx, version->document, auth::LintPolicyType::kIdentity,
                   "the managed policy " + *arn + " attached to " + std::string(Traits::kWord) +
                       " " + *owner);
    }
  }
  co_return json();
}

template <typename T>
Task<Result<json>> Detach(IamContext& ctx) {
  using Traits = OwnerTraits<T>;
  auto owner = RequiredName(ctx.input, Traits::kMember, Traits::kNameMax);
  if (!owner.ok()) co_return std::move(owner).error();
  auto arn = PolicyArnMember(ctx.input, "PolicyArn");
  if (!arn.ok()) co_return std::move(arn).error();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto entity = Traits::Get(ctx.dir, t, *owner);
    if (!entity.ok()) return std::move(entity).error();
    auto it = std::find(entity->attached.begin(), entity->attached.end(), *arn);
    if (it == entity->attached.end()) {
      return MakeError("NoSuchEntity", "Policy " + *arn + " was not found.");
    }
    entity->attached.erase(it);
    if (Status c = ChangeAttachment(ctx, t, *arn, -1); !c.ok() && c.error().code != "NoSuchEntity") {
      return c;
    }
    return ctx.dir.Put(t, *entity);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

template <typename T>
Task<Result<json>> ListAttached(IamContext& ctx) {
  using Traits = OwnerTraits<T>;
  auto owner = RequiredName(ctx.input, Traits::kMember, Traits::kNameMax);
  if (!owner.ok()) co_return std::move(owner).error();
  auto prefix = PathMember(ctx.input, "PathPrefix");
  if (!prefix.ok()) co_return std::move(prefix).error();
  auto page = PageMembers(ctx.input);
  if (!page.ok()) co_return std::move(page).error();
  auto t = ctx.dir.txns().Read();
  auto entity = Traits::Get(ctx.dir, *t, *owner);
  if (!entity.ok()) co_return std::move(entity).error();
  std::vector<PolicyArnParts> attached;
  for (const std::string& arn : entity->attached) {
    std::optional<PolicyArnParts> parts = ParsePolicyArn(arn);
    if (parts && parts->path.starts_with(*prefix)) attached.push_back(std::move(*parts));
  }
  json out = json::object();
  auto arn_of = [](const PolicyArnParts& p) {
    return "arn:aws:iam::" + p.account + ":policy" + p.path + p.name;
  };
  RenderPage(
      attached, *page, arn_of,
      [&](const PolicyArnParts& p) { return json{{"PolicyName", p.name}, {"PolicyArn", arn_of(p)}}; },
      "AttachedPolicies", out);
  co_return out;
}

// --- managed policies ---

Result<std::string> ManagedDocumentMember(const json& in) {
  auto doc = PolicyDocumentMember(in, "PolicyDocument", auth::PolicyKind::kManaged);
  if (!doc.ok()) return doc;
  if (PolicySize(*doc) > kMaxManagedPolicySize) {
    return MakeError("LimitExceeded", "Cannot exceed quota for PolicySize: 6144");
  }
  return doc;
}

Result<std::string> VersionIdMember(const json& in) {
  auto id = RequiredString(in, "VersionId");
  if (!id.ok()) return id;
  bool ok = id->size() >= 2 && (*id)[0] == 'v' && (*id)[1] >= '1' && (*id)[1] <= '9';
  for (size_t i = 2; ok && i < id->size(); ++i) ok = std::isdigit(static_cast<unsigned char>((*id)[i]));
  if (!ok) {
    return ValidationFailure(*id, "versionId",
                             "Member must satisfy regular expression pattern: "
                             "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?");
  }
  return id;
}

Error PolicyNotFound(std::string_view arn) {
  return MakeError("NoSuchEntity", "Policy " + std::string(arn) + " was not found.");
}

Result<ManagedPolicy> GetManaged(const IamContext& ctx, store::ReadTxn& t, std::string_view arn) {
  auto policy = ctx.dir.FindPolicy(t, arn);
  if (!policy.ok()) return std::move(policy).error();
  if (!policy->has_value()) return PolicyNotFound(arn);
  return std::move(**policy);
}

// Changes this account's policy `arn` inside one job; AWS's own cannot be changed.
Task<Status> ChangePolicy(IamContext& ctx, const std::string& arn,
                          std::function<Status(ManagedPolicy&)> change) {
  std::function<Status(store::WriteTxn&)> apply = [&](store::WriteTxn& t) -> Status {
    auto policy = GetManaged(ctx, t, arn);
    if (!policy.ok()) return std::move(policy).error();
    if (policy->aws_managed) {
      return MakeError("InvalidInput", "Cannot change the AWS managed policy " + arn + ".");
    }
    if (Status c = change(*policy); !c.ok()) return c;
    policy->updated_ms = ctx.now_ms();
    return ctx.dir.Put(t, *policy);
  };
  Status s = co_await ctx.dir.Commit(std::move(apply));
  co_return s;
}

json VersionJson(const ManagedPolicy& p, const PolicyVersion& v, bool with_document) {
  json out = {{"VersionId", v.id},
              {"IsDefaultVersion", v.id == p.default_version},
              {"CreateDate", IamTime(v.created_ms)}};
  if (with_document) out["Document"] = EncodedDocument(v.document);
  return out;
}

}  // namespace

Task<Result<json>> PutUserPolicy(IamContext& ctx) { return PutInline<User>(ctx); }
Task<Result<json>> GetUserPolicy(IamContext& ctx) { return GetInline<User>(ctx); }
Task<Result<json>> ListUserPolicies(IamContext& ctx) { return ListInline<User>(ctx); }
Task<Result<json>> DeleteUserPolicy(IamContext& ctx) { return DeleteInline<User>(ctx); }
Task<Result<json>> PutGroupPolicy(IamContext& ctx) { return PutInline<Group>(ctx); }
Task<Result<json>> GetGroupPolicy(IamContext& ctx) { return GetInline<Group>(ctx); }
Task<Result<json>> ListGroupPolicies(IamContext& ctx) { return ListInline<Group>(ctx); }
Task<Result<json>> DeleteGroupPolicy(IamContext& ctx) { return DeleteInline<Group>(ctx); }
Task<Result<json>> PutRolePolicy(IamContext& ctx) { return PutInline<Role>(ctx); }
Task<Result<json>> GetRolePolicy(IamContext& ctx) { return GetInline<Role>(ctx); }
Task<Result<json>> ListRolePolicies(IamContext& ctx) { return ListInline<Role>(ctx); }
Task<Result<json>> DeleteRolePolicy(IamContext& ctx) { return DeleteInline<Role>(ctx); }
Task<Result<json>> AttachUserPolicy(IamContext& ctx) { return Attach<User>(ctx); }
Task<Result<json>> DetachUserPolicy(IamContext& ctx) { return Detach<User>(ctx); }
Task<Result<json>> ListAttachedUserPolicies(IamContext& ctx) { return ListAttached<User>(ctx); }
Task<Result<json>> AttachGroupPolicy(IamContext& ctx) { return Attach<Group>(ctx); }
Task<Result<json>> DetachGroupPolicy(IamContext& ctx) { return Detach<Group>(ctx); }
Task<Result<json>> ListAttachedGroupPolicies(IamContext& ctx) { return ListAttached<Group>(ctx); }
Task<Result<json>> AttachRolePolicy(IamContext& ctx) { return Attach<Role>(ctx); }
Task<Result<json>> DetachRolePolicy(IamContext& ctx) { return Detach<Role>(ctx); }
Task<Result<json>> ListAttachedRolePolicies(IamContext& ctx) { return ListAttached<Role>(ctx); }

Task<Result<json>> CreatePolicy(IamContext& ctx) {
  auto name = PolicyNameMember(ctx.input);
  if (!name.ok()) co_return std::move(name).error();
  auto path = PathMember(ctx.input, "Path");
  if (!path.ok()) co_return std::move(path).error();
  auto doc = ManagedDocumentMember(ctx.input);
  if (!doc.ok()) co_return std::move(doc).error();
  auto tags = TagsMember(ctx.input, "Tags");
  if (!tags.ok()) co_return std::move(tags).error();
  ManagedPolicy policy;
  policy.name = *name;
  policy.path = *path;
  policy.id = NewAwsId("ANPA", 21);
  policy.arn = PolicyArn(ctx.account(), policy.path, policy.name);
  policy.description = OptionalString(ctx.input, "Description").value_or("");
  if (policy.description.size() > 1000) {
    co_return ValidationFailure(policy.description.substr(0, 64), "description",
                                "Member must have length less than or equal to 1000");
  }
  policy.created_ms = policy.updated_ms = ctx.now_ms();
  policy.versions.push_back({"v1", *doc, policy.created_ms});
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto existing = ctx.dir.ListPolicies(t, "", kAll);
    if (!existing.ok()) return std::move(existing).error();
    for (const ManagedPolicy& p : *existing) {
      if (NameKey(p.name) == NameKey(policy.name)) {
        return MakeError("EntityAlreadyExists", "A policy called " + policy.name +
                                                    " already exists. Duplicate names are not "
                                                    "allowed.");
      }
    }
    return ctx.dir.Put(t, policy);
  });
  if (!s.ok()) co_return std::move(s).error();
  WarnIfFlawed(ctx, *doc, auth::LintPolicyType::kIdentity, "the managed policy " + policy.arn);
  json out = PolicyJson(policy, false);
  if (!tags->empty()) out["Tags"] = TagsJson(*tags);
  co_return json{{"Policy", std::move(out)}};
}

Task<Result<json>> GetPolicy(IamContext& ctx) {
  auto arn = PolicyArnMember(ctx.input, "PolicyArn");
  if (!arn.ok()) co_return std::move(arn).error();
  auto t = ctx.dir.txns().Read();
  auto policy = GetManaged(ctx, *t, *arn);
  if (!policy.ok()) co_return std::move(policy).error();
  co_return json{{"Policy", PolicyJson(*policy, true)}};
}

Task<Result<json>> ListPolicies(IamContext& ctx) {
  std::string scope = OptionalString(ctx.input, "Scope").value_or("All");
  if (scope != "All" && scope != "AWS" && scope != "Local") {
    co_return ValidationFailure(scope, "scope", "Member must satisfy enum value set: [All, AWS, Local]");
  }
  auto only_attached = BoolMember(ctx.input, "OnlyAttached", false);
  if (!only_attached.ok()) co_return std::move(only_attached).error();
  auto prefix = PathMember(ctx.input, "PathPrefix");
  if (!prefix.ok()) co_return std::move(prefix).error();
  auto page = PageMembers(ctx.input);
  if (!page.ok()) co_return std::move(page).error();
  auto t = ctx.dir.txns().Read();
  std::vector<ManagedPolicy> policies;
  if (scope != "AWS") {
    auto local = ctx.dir.ListPolicies(*t, "", kAll);
    if (!local.ok()) co_return std::move(local).error();
    policies = std::move(*local);
  }
  if (scope != "Local") {
    auto aws = ctx.dir.AwsManagedPolicies(*t);
    if (!aws.ok()) co_return std::move(aws).error();
    for (ManagedPolicy& p : *aws) policies.push_back(std::move(p));
  }
  std::erase_if(policies, [&](const ManagedPolicy& p) {
    return !p.path.starts_with(*prefix) || (*only_attached && p.attachment_count == 0);
  });
  std::sort(policies.begin(), policies.end(),
            [](const ManagedPolicy& a, const ManagedPolicy& b) { return a.arn < b.arn; });
  json out = json::object();
  RenderPage(
      policies, *page, [](const ManagedPolicy& p) { return p.arn; },
      [](const ManagedPolicy& p) { return PolicyJson(p, false); }, "Policies", out);
  co_return out;
}

Task<Result<json>> DeletePolicy(IamContext& ctx) {
  auto arn = PolicyArnMember(ctx.input, "PolicyArn");
  if (!arn.ok()) co_return std::move(arn).error();
  Status s = co_await ctx.dir.Commit([&](store::WriteTxn& t) -> Status {
    auto policy = GetManaged(ctx, t, *arn);
    if (!policy.ok()) return std::move(policy).error();
    if (policy->aws_managed) {
      return MakeError("InvalidInput", "Cannot delete the AWS managed policy " + *arn + ".");
    }
    if (policy->attachment_count > 0) {
      return MakeError("DeleteConflict", "Cannot delete a policy attached to entities.");
    }
    if (policy->versions.size() > 1) {
      return MakeError("DeleteConflict",
                       "This policy has more than one version. Before you delete a policy, you "
                       "must delete the policy's versions. The default version is deleted with "
                       "the policy.");
    }
    return ctx.dir.Remove(t, kPolicy, PolicyKey(policy->name));
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> CreatePolicyVersion(IamContext& ctx) {
  auto arn = PolicyArnMember(ctx.input, "PolicyArn");
  if (!arn.ok()) co_return std::move(arn).error();
  auto doc = ManagedDocumentMember(ctx.input);
  if (!doc.ok()) co_return std::move(doc).error();
  auto set_default = BoolMember(ctx.input, "SetAsDefault", false);
  if (!set_default.ok()) co_return std::move(set_default).error();
  PolicyVersion created;
  ManagedPolicy after;
  Status s = co_await ChangePolicy(ctx, *arn, [&](ManagedPolicy& policy) -> Status {
    if (policy.versions.size() >= kMaxPolicyVersions) {
      return MakeError("LimitExceeded",
                       "A managed policy can have up to 5 versions. Before you create a new "
                       "version, you must delete an existing version.");
    }
    created = {"v" + std::to_string(policy.next_version++), *doc, ctx.now_ms()};
    policy.versions.push_back(created);
    if (*set_default) policy.default_version = created.id;
    after = policy;
    return {};
  });
  if (!s.ok()) co_return std::move(s).error();
  WarnIfFlawed(ctx, *doc, auth::LintPolicyType::kIdentity,
               "version " + created.id + " of the managed policy " + *arn);
  co_return json{{"PolicyVersion", VersionJson(after, created, false)}};
}

Task<Result<json>> GetPolicyVersion(IamContext& ctx) {
  auto arn = PolicyArnMember(ctx.input, "PolicyArn");
  if (!arn.ok()) co_return std::move(arn).error();
  auto version = VersionIdMember(ctx.input);
  if (!version.ok()) co_return std::move(version).error();
  auto t = ctx.dir.txns().Read();
  auto policy = GetManaged(ctx, *t, *arn);
  if (!policy.ok()) co_return std::move(policy).error();
  const PolicyVersion* v = policy->Version(*version);
  if (!v) {
    co_return MakeError("NoSuchEntity",
                        "Policy " + *arn + " version " + *version + " does not exist.");
  }
  co_return json{{"PolicyVersion", VersionJson(*policy, *v, true)}};
}

Task<Result<json>> ListPolicyVersions(IamContext& ctx) {
  auto arn = PolicyArnMember(ctx.input, "PolicyArn");
  if (!arn.ok()) co_return std::move(arn).error();
  auto page = PageMembers(ctx.input);
  if (!page.ok()) co_return std::move(page).error();
  auto t = ctx.dir.txns().Read();
  auto policy = GetManaged(ctx, *t, *arn);
  if (!policy.ok()) co_return std::move(policy).error();
  // Newest first, as IAM lists them; the marker is the position.
  std::vector<std::pair<std::string, PolicyVersion>> versions;
  for (auto it = policy->versions.rbegin(); it != policy->versions.rend(); ++it) {
    char key[8];
    std::snprintf(key, sizeof key, "%03zu", versions.size());
    versions.emplace_back(key, *it);
  }
  json out = json::object();
  RenderPage(
      versions, *page, [](const auto& v) { return v.first; },
      [&](const auto& v) { return VersionJson(*policy, v.second, false); }, "Versions", out);
  co_return out;
}

Task<Result<json>> DeletePolicyVersion(IamContext& ctx) {
  auto arn = PolicyArnMember(ctx.input, "PolicyArn");
  if (!arn.ok()) co_return std::move(arn).error();
  auto version = VersionIdMember(ctx.input);
  if (!version.ok()) co_return std::move(version).error();
  Status s = co_await ChangePolicy(ctx, *arn, [&](ManagedPolicy& policy) -> Status {
    if (policy.default_version == *version) {
      return MakeError("DeleteConflict", "Cannot delete the default version of a policy.");
    }
    auto it = std::find_if(policy.versions.begin(), policy.versions.end(),
                           [&](const PolicyVersion& v) { return v.id == *version; });
    if (it == policy.versions.end()) {
      return MakeError("NoSuchEntity",
                       "Policy " + *arn + " version " + *version + " does not exist.");
    }
    policy.versions.erase(it);
    return {};
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> SetDefaultPolicyVersion(IamContext& ctx) {
  auto arn = PolicyArnMember(ctx.input, "PolicyArn");
  if (!arn.ok()) co_return std::move(arn).error();
  auto version = VersionIdMember(ctx.input);
  if (!version.ok()) co_return std::move(version).error();
  Status s = co_await ChangePolicy(ctx, *arn, [&](ManagedPolicy& policy) -> Status {
    if (!policy.Version(*version)) {
      return MakeError("NoSuchEntity",
                       "Policy " + *arn + " version " + *version + " does not exist.");
    }
    policy.default_version = *version;
    return {};
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> ListEntitiesForPolicy(IamContext& ctx) {
  auto arn = PolicyArnMember(ctx.input, "PolicyArn");
  if (!arn.ok()) co_return std::move(arn).error();
  std::string filter = OptionalString(ctx.input, "EntityFilter").value_or("");
  auto t = ctx.dir.txns().Read();
  auto policy = GetManaged(ctx, *t, *arn);
  if (!policy.ok()) co_return std::move(policy).error();
  auto attached = [&](const std::vector<std::string>& arns) {
    return std::find(arns.begin(), arns.end(), *arn) != arns.end();
  };
  json users = json::array(), groups = json::array(), roles = json::array();
  if (filter.empty() || filter == "User") {
    auto all = ctx.dir.ListUsers(*t, "", kAll);
    if (!all.ok()) co_return std::move(all).error();
    for (const User& u : *all) {
      if (attached(u.attached)) users.push_back({{"UserName", u.name}, {"UserId", u.id}});
    }
  }
  if (filter.empty() || filter == "Group") {
    auto all = ctx.dir.ListGroups(*t, "", kAll);
    if (!all.ok()) co_return std::move(all).error();
    for (const Group& g : *all) {
      if (attached(g.attached)) groups.push_back({{"GroupName", g.name}, {"GroupId", g.id}});
    }
  }
  if (filter.empty() || filter == "Role") {
    auto all = ctx.dir.ListRoles(*t, "", kAll);
    if (!all.ok()) co_return std::move(all).error();
    for (const Role& r : *all) {
      if (attached(r.attached)) roles.push_back({{"RoleName", r.name}, {"RoleId", r.id}});
    }
  }
  co_return json{{"PolicyGroups", groups},
                 {"PolicyUsers", users},
                 {"PolicyRoles", roles},
                 {"IsTruncated", false}};
}

}  // namespace evoke::iam
