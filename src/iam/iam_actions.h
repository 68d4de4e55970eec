// The IAM operations evoke serves, one function each, for IamService's table, and the input
// and output helpers they share. Each returns the operation's result document (null: a
// response with no result element) or an error in IAM's vocabulary.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/credentials.h"
#include "auth/policy.h"
#include "auth/policy_lint.h"
#include "base/asio.h"
#include "base/result.h"
#include "iam/directory.h"
#include "iam/model.h"

namespace evoke::iam {

struct IamContext {
  Directory& dir;
  const nlohmann::json& input;  // the query's parameters, every scalar a string
  const auth::Principal& principal;
  // The actions the linter knows, for the warning on stored policies (WarnIfFlawed); filled at
  // start-up, read-only afterwards. nullptr: no warnings.
  const auth::ActionCatalog* actions = nullptr;

  const std::string& account() const { return dir.account_id(); }
  int64_t now_ms() const { return dir.clock().NowMs(); }
};

using IamOperation = Task<Result<nlohmann::json>> (*)(IamContext&);

// user_actions.cc: users, their access keys, groups and membership.
Task<Result<nlohmann::json>> CreateUser(IamContext& ctx);
Task<Result<nlohmann::json>> GetUser(IamContext& ctx);
Task<Result<nlohmann::json>> ListUsers(IamContext& ctx);
Task<Result<nlohmann::json>> UpdateUser(IamContext& ctx);
Task<Result<nlohmann::json>> DeleteUser(IamContext& ctx);
Task<Result<nlohmann::json>> TagUser(IamContext& ctx);
Task<Result<nlohmann::json>> UntagUser(IamContext& ctx);
Task<Result<nlohmann::json>> ListUserTags(IamContext& ctx);
Task<Result<nlohmann::json>> CreateAccessKey(IamContext& ctx);
Task<Result<nlohmann::json>> ListAccessKeys(IamContext& ctx);
Task<Result<nlohmann::json>> UpdateAccessKey(IamContext& ctx);
Task<Result<nlohmann::json>> DeleteAccessKey(IamContext& ctx);
Task<Result<nlohmann::json>> GetAccessKeyLastUsed(IamContext& ctx);
Task<Result<nlohmann::json>> CreateGroup(IamContext& ctx);
Task<Result<nlohmann::json>> GetGroup(IamContext& ctx);
Task<Result<nlohmann::json>> ListGroups(IamContext& ctx);
Task<Result<nlohmann::json>> UpdateGroup(IamContext& ctx);
Task<Result<nlohmann::json>> DeleteGroup(IamContext& ctx);
Task<Result<nlohmann::json>> AddUserToGroup(IamContext& ctx);
Task<Result<nlohmann::json>> RemoveUserFromGroup(IamContext& ctx);
Task<Result<nlohmann::json>> ListGroupsForUser(IamContext& ctx);

// role_actions.cc
Task<Result<nlohmann::json>> CreateRole(IamContext& ctx);
Task<Result<nlohmann::json>> GetRole(IamContext& ctx);
Task<Result<nlohmann::json>> ListRoles(IamContext& ctx);
Task<Result<nlohmann::json>> UpdateRole(IamContext& ctx);
Task<Result<nlohmann::json>> UpdateRoleDescription(IamContext& ctx);
Task<Result<nlohmann::json>> UpdateAssumeRolePolicy(IamContext& ctx);
Task<Result<nlohmann::json>> DeleteRole(IamContext& ctx);
Task<Result<nlohmann::json>> TagRole(IamContext& ctx);
Task<Result<nlohmann::json>> UntagRole(IamContext& ctx);
Task<Result<nlohmann::json>> ListRoleTags(IamContext& ctx);

// inline_policy_actions.cc: the inline policies of users, groups and roles.
Task<Result<nlohmann::json>> PutUserPolicy(IamContext& ctx);
Task<Result<nlohmann::json>> GetUserPolicy(IamContext& ctx);
Task<Result<nlohmann::json>> ListUserPolicies(IamContext& ctx);
Task<Result<nlohmann::json>> DeleteUserPolicy(IamContext& ctx);
Task<Result<nlohmann::json>> PutGroupPolicy(IamContext& ctx);
Task<Result<nlohmann::json>> GetGroupPolicy(IamContext& ctx);
Task<Result<nlohmann::json>> ListGroupPolicies(IamContext& ctx);
Task<Result<nlohmann::json>> DeleteGroupPolicy(IamContext& ctx);
Task<Result<nlohmann::json>> PutRolePolicy(IamContext& ctx);
Task<Result<nlohmann::json>> GetRolePolicy(IamContext& ctx);
Task<Result<nlohmann::json>> ListRolePolicies(IamContext& ctx);
Task<Result<nlohmann::json>> DeleteRolePolicy(IamContext& ctx);

// managed_policy_actions.cc: managed policies, their versions and attachments.
Task<Result<nlohmann::json>> CreatePolicy(IamContext& ctx);
Task<Result<nlohmann::json>> GetPolicy(IamContext& ctx);
Task<Result<nlohmann::json>> ListPolicies(IamContext& ctx);
Task<Result<nlohmann::json>> DeletePolicy(IamContext& ctx);
Task<Result<nlohmann::json>> CreatePolicyVersion(IamContext& ctx);
Task<Result<nlohmann::json>> GetPolicyVersion(IamContext& ctx);
Task<Result<nlohmann::json>> ListPolicyVersions(IamContext& ctx);
Task<Result<nlohmann::json>> DeletePolicyVersion(IamContext& ctx);
Task<Result<nlohmann::json>> SetDefaultPolicyVersion(IamContext& ctx);
Task<Result<nlohmann::json>> AttachUserPolicy(IamContext& ctx);
Task<Result<nlohmann::json>> DetachUserPolicy(IamContext& ctx);
Task<Result<nlohmann::json>> ListAttachedUserPolicies(IamContext& ctx);
Task<Result<nlohmann::json>> AttachGroupPolicy(IamContext& ctx);
Task<Result<nlohmann::json>> DetachGroupPolicy(IamContext& ctx);
Task<Result<nlohmann::json>> ListAttachedGroupPolicies(IamContext& ctx);
Task<Result<nlohmann::json>> AttachRolePolicy(IamContext& ctx);
Task<Result<nlohmann::json>> DetachRolePolicy(IamContext& ctx);
Task<Result<nlohmann::json>> ListAttachedRolePolicies(IamContext& ctx);
Task<Result<nlohmann::json>> ListEntitiesForPolicy(IamContext& ctx);

// simulate_actions.cc: the policy simulator, with the authorizer's evaluator (auth/policy.h).
Task<Result<nlohmann::json>> SimulatePrincipalPolicy(IamContext& ctx);
Task<Result<nlohmann::json>> SimulateCustomPolicy(IamContext& ctx);

// One line in the server log (LogWarning) when a policy being stored has an ERROR finding of
// the linter (auth::PolicyWarning): a statement that never matches, an unknown action...
// `what` names it ("the inline policy P of user U").
void WarnIfFlawed(const IamContext& ctx, std::string_view document, auth::LintPolicyType type,
                  std::string_view what);

// iam_input.cc: reading parameters. `member` is the parameter's name ("UserName"); messages
// name it as IAM does, in lower camel case ("userName").
Result<std::string> RequiredString(const nlohmann::json& in, std::string_view member);
std::optional<std::string> OptionalString(const nlohmann::json& in, std::string_view member);
// A user, group or role name: required, [\w+=,.@-], at most `max_length` characters.
Result<std::string> RequiredName(const nlohmann::json& in, std::string_view member,
                                 size_t max_length);
// The path member (PathPrefix, Path, NewPath): "/" when absent.
Result<std::string> PathMember(const nlohmann::json& in, std::string_view member);
// UpdateUser's and UpdateGroup's input: the entity (`member`), and its new name (`new_member`,
// at most `new_max` characters) and new path (NewPath) when given.
struct Rename {
  std::string name;
  std::optional<std::string> new_name;
  std::optional<std::string> new_path;
};
Result<Rename> RenameMembers(const nlohmann::json& in, std::string_view member,
                             std::string_view new_member, size_t new_max);
// "true"/"false"; `fallback` when absent.
Result<bool> BoolMember(const nlohmann::json& in, std::string_view member, bool fallback);
// An integer within [min, max]; `fallback` when absent.
Result<int64_t> IntMember(const nlohmann::json& in, std::string_view member, int64_t min,
                          int64_t max, int64_t fallback);
// Tags.member.N.{Key,Value}: at most 50, keys 1-128 characters, values at most 256.
Result<Tags> TagsMember(const nlohmann::json& in, std::string_view member);
// A policy document member: required, 1-131072 characters, a valid policy of `kind`
// (MalformedPolicyDocument with IAM's message otherwise).
Result<std::string> PolicyDocumentMember(const nlohmann::json& in, std::string_view member,
                                         auth::PolicyKind kind);
// A document's size as IAM's quotas count it: white space does not count.
size_t PolicySize(std::string_view document);
// A policy ARN member: required, 20-2048 characters.
Result<std::string> PolicyArnMember(const nlohmann::json& in, std::string_view member);

// Paging: Marker (the key after which the page starts) and MaxItems (1-1000, 100).
struct Page {
  std::string marker;
  size_t max_items = 100;
};
Result<Page> PageMembers(const nlohmann::json& in);
// Takes the page of `items` (sorted by `key`) after page.marker, and sets IsTruncated and
// Marker on `out`; `name` is the list member.
template <typename T, typename KeyOf, typename Render>
void RenderPage(const std::vector<T>& items, const Page& page, KeyOf key, Render render,
                std::string_view name, nlohmann::json& out) {
  nlohmann::json list = nlohmann::json::array();
  bool truncated = false;
  std::string last;
  for (const T& item : items) {
    std::string k = key(item);
    if (!page.marker.empty() && k <= page.marker) continue;
    if (list.size() == page.max_items) {
      truncated = true;
      break;
    }
    list.push_back(render(item));
    last = std::move(k);
  }
  out[std::string(name)] = std::move(list);
  out["IsTruncated"] = truncated;
  if (truncated) out["Marker"] = last;
}

// Tags: adds or replaces (keys compare without case); LimitExceeded "Cannot exceed quota for
// QUOTA: 50" past 50.
inline constexpr size_t kMaxTagsPerEntity = 50;
Status MergeTags(Tags& tags, const Tags& added, std::string_view quota);
// TagKeys.member.N.
Result<std::vector<std::string>> TagKeysMember(const nlohmann::json& in);
void RemoveTags(Tags& tags, const std::vector<std::string>& keys);

// Name lists of users, groups and roles, compared without case.
void Erase(std::vector<std::string>& list, std::string_view value);
bool Contains(const std::vector<std::string>& list, std::string_view value);

// Output shapes.
std::string IamTime(int64_t ms);                // 2026-12-06T18:00:00Z
std::string EncodedDocument(std::string_view);  // a policy document as IAM returns it: %-encoded
nlohmann::json TagsJson(const Tags& tags);      // [{"Key": k, "Value": v}]
nlohmann::json UserJson(std::string_view account, const User& u);
nlohmann::json GroupJson(std::string_view account, const Group& g);
nlohmann::json RoleJson(std::string_view account, const Role& r, bool with_tags);
nlohmann::json PolicyJson(const ManagedPolicy& p, bool with_description);

// The user an operation names with `member`, or the calling user when the member is absent
// (GetUser, ListAccessKeys...). nullopt for root's own (it is no IAM user).
Result<std::optional<std::string>> UserNameOrCaller(const IamContext& ctx,
                                                    std::string_view member);

// Adds or removes a managed policy's attachment (counts kept on the policy); NoSuchEntity
// "Policy ARN does not exist or is not attachable." for a policy there is none of.
Status ChangeAttachment(const IamContext& ctx, store::WriteTxn& t, std::string_view arn,
                        int delta);

// The most managed policies one user, group or role may have attached.
inline constexpr size_t kMaxAttachedPolicies = 10;

}  // namespace evoke::iam
