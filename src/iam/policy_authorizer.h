// PolicyAuthorizer: the pipeline's authorize stage (api/authorizer.h) with IAM's policies
// (docs/identity.md, The decision). Root is always allowed; users and assumed roles are
// allowed what their identity policies (inline, attached, their groups') allow, within what a
// session policy allows; anonymous requests are denied. A principal's parsed policies are
// cached and rebuilt after any IAM change. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/authorizer.h"
#include "auth/policy.h"
#include "iam/directory.h"

namespace evoke::iam {

class PolicyAuthorizer final : public api::Authorizer {
 public:
  explicit PolicyAuthorizer(Directory& directory);

  Status Authorize(const api::AuthorizationRequest& request) const override;

  // AWS's decision for `principal` with a resource policy beside its identity policies (a
  // role's trust policy, for AssumeRole). `keys` are the request's condition keys.
  Result<auth::Decision> Decide(const auth::Principal& principal, std::string_view action,
                                std::string_view resource, const auth::Policy* resource_policy,
                                const auth::ConditionKeys& keys) const;

 private:
  struct PolicySet {
    PolicySet() = default;
    PolicySet(const PolicySet&) = delete;  // identity_ptrs and session_ptrs point into it
    PolicySet& operator=(const PolicySet&) = delete;
    std::vector<auth::Policy> identity;
    std::vector<auth::Policy> session;
    auth::ConditionKeys principal_tags;  // aws:PrincipalTag/<key>: the user's or role's tags
    bool uses_keys = false;              // some policy reads condition keys
    // What each decision hands the evaluator, made once with the set: the policies' addresses
    // and the principal as the policy language sees it (none for the anonymous set).
    std::vector<const auth::Policy*> identity_ptrs;
    std::vector<const auth::Policy*> session_ptrs;
    std::optional<auth::PrincipalInfo> who;
  };
  // The principal's policies (none for anonymous callers).
  Result<std::shared_ptr<const PolicySet>> PoliciesOf(const auth::Principal& principal) const;
  static auth::Decision DecideWith(const PolicySet& set, const auth::Principal& principal,
                                   std::string_view action, std::string_view resource,
                                   const auth::Policy* resource_policy,
                                   const auth::ConditionKeys& keys);
  Result<std::shared_ptr<const PolicySet>> LoadPolicies(const auth::Principal& principal) const;

  Directory& directory_;
  mutable std::mutex mutex_;
  mutable uint64_t cached_generation_ = 0;
  struct KeyHash {  // lookups by string_view: no allocation per request
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  mutable std::unordered_map<std::string, std::shared_ptr<const PolicySet>, KeyHash,
                             std::equal_to<>>
      cache_;
};

// The principal as the policy language sees it.
auth::PrincipalInfo PrincipalInfoOf(const auth::Principal& principal);
// The condition keys IAM sets for every request of `principal` besides the request's own:
// aws:username (users), aws:userid, aws:PrincipalType, aws:PrincipalArn (an assumed role's is
// its role's ARN), aws:PrincipalAccount.
void AddPrincipalKeys(const auth::Principal& principal, auth::ConditionKeys& keys);
// "User: ARN is not authorized to perform: ACTION on resource: RESOURCE REASON".
std::string DeniedMessage(const auth::Principal& principal, std::string_view action,
                          std::string_view resource, std::string_view reason);
// The name of a role ARN (arn:aws:iam::ACCOUNT:role/PATH/NAME), its path, and its account.
using RoleArnParts = IamArnParts;
inline std::optional<RoleArnParts> ParseRoleArn(std::string_view arn) {
  return ParseIamArn(arn, "role");
}

}  // namespace evoke::iam
