// The IAM policy language: parsing (with IAM's MalformedPolicyDocument and S3's MalformedPolicy
// messages) and evaluation against one request, for the identity module's authorizer. Pure.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace evoke::auth {

// Who a request comes from, as resource policies' Principal/NotPrincipal and policy variables
// see it.
struct PrincipalInfo {
  enum class Kind { kRoot, kUser, kAssumedRole, kAnonymous, kService } kind;
  // arn:aws:iam::123456789012:root | arn:aws:iam::123456789012:user/path/alice |
  // arn:aws:sts::123456789012:assumed-role/Role/session
  std::string arn;
  std::string account_id;  // "123456789012" (empty for anonymous and services)
  // kAssumedRole: arn:aws:iam::123456789012:role/path/Role (a resource policy naming it applies
  // to its sessions).
  std::string role_arn;
  std::string service;  // kService: "s3.amazonaws.com"
};

// Condition keys of a request: name -> values (several entries with one name = a multi-valued
// key). Names compare case-insensitively, as IAM's do; values are compared as the operator says.
using ConditionKeys = std::vector<std::pair<std::string, std::string>>;

struct RequestContext {
  std::string_view action;    // "s3:GetObject"
  std::string_view resource;  // an ARN, or "*" for actions that name no resource
  const PrincipalInfo& principal;
  // Global keys (aws:SourceIp, aws:CurrentTime, aws:EpochTime, aws:username, aws:userid,
  // aws:PrincipalArn, aws:SecureTransport ...) and service keys (s3:prefix ...). Policy
  // variables (${aws:username}) are resolved from these too.
  const ConditionKeys& keys;
};

// Which grammar and which error dialect a document is parsed with.
enum class PolicyKind {
  kIdentity,  // inline user/group/role policy, session policy: no Principal
  kManaged,   // customer managed policy (and permissions boundary): as kIdentity, and IAM
              // requires "Version": "2012-10-17"
  kResource,  // a resource-based policy other than S3's (Lambda's function policy)
  kTrust,     // a role's assume-role policy: Principal required, Resource prohibited
  kBucket,    // an S3 bucket policy, with S3's MalformedPolicy messages
};

class PolicyAccess;  // policy.cc

// A parsed policy: immutable and cheap to copy (the statements are shared), safe to evaluate
// from any thread. A default-constructed Policy has no statements (never applies).
class Policy {
 public:
  struct Data;

  Policy();

  PolicyKind kind() const;
  // "2012-10-17", or "2008-10-17" (also when the document names no Version). Policy variables
  // are recognised only in 2012-10-17 documents.
  std::string_view version() const;
  size_t statement_count() const;
  // Whether evaluating it may read the request's condition keys (a Condition, or a policy
  // variable in a Resource); when no policy of a decision does, the keys need not be computed.
  bool uses_keys() const;

 private:
  friend class PolicyAccess;
  explicit Policy(std::shared_ptr<const Data> data) : data_(std::move(data)) {}

  std::shared_ptr<const Data> data_;
};

// Parses a policy document. Errors: code "MalformedPolicyDocument" with IAM's messages for every
// kind but kBucket, code "MalformedPolicy" with S3's messages for kBucket. Documents over
// kMaxPolicyChars or nested deeper than a policy can be are refused before they are read.
Result<Policy> ParsePolicy(std::string_view json, PolicyKind kind);
// PutBucketPolicy's check: as ParsePolicy(kBucket), and every Resource/NotResource must name
// `bucket` or objects in it ("Policy has invalid resource" otherwise).
Result<Policy> ParseBucketPolicy(std::string_view json, std::string_view bucket);
// One policy holding the statements of `first` and then those of `second`, of first's kind;
// each statement keeps the version of the document it came from. How S3 joins the grants of a
// bucket's or an object's ACL to the bucket policy (docs/identity.md, "ACLs").
Policy Combine(const Policy& first, const Policy& second);

inline constexpr size_t kMaxPolicyChars = 131'072;

enum class Effect { kNotApplicable, kAllow, kDeny };

// One policy against one request: Deny if any matching Deny statement, else Allow if any
// matching Allow, else NotApplicable. Principal/NotPrincipal are checked for every kind but
// kIdentity/kManaged. Never throws.
Effect Evaluate(const Policy& policy, const RequestContext& request);

// AWS's decision within one account (IAM guide, "Policy evaluation logic"): an explicit Deny in
// any policy wins; otherwise the request is allowed if the identity side allows it (an identity
// policy allows, and the permissions boundary and session policies, when present, allow too) or
// the resource policy allows it for this principal: naming the user, the session ARN, a
// service, or everyone ("*") suffices; naming the role of an assumed-role session suffices when
// the boundary and session policies allow too; naming only the account grants nothing by itself
// (the account's identity policies decide). Root is not special-cased (the caller allows root
// before asking).
struct Decision {
  bool allowed = false;
  // What AWS's AccessDenied message appends after "User: ARN is not authorized to perform:
  // ACTION on resource: RESOURCE ": "with an explicit deny in an identity-based policy" | "...
  // in a resource-based policy" | "... in a permissions boundary" | "... in a session policy" |
  // "because no identity-based policy allows the ACTION action" | "because no permissions
  // boundary allows ..." | "because no session policy allows ..." | "because no resource-based
  // policy allows ..." (anonymous and service principals, which have no identity policies).
  // Empty when allowed.
  std::string reason;
};
Decision Decide(std::span<const Policy* const> identity, const Policy* resource,
                std::span<const Policy* const> session, const Policy* boundary,
                const RequestContext& request);

// Whether a resource policy is public as S3 means it (S3 User Guide, "The meaning of 'public'"):
// an Allow statement names everyone ("*", or through NotPrincipal) without a condition that
// fixes the caller's account, organization, ARN, source IP range, source ARN or VPC.
bool IsPublic(const Policy& policy);

// Whether a role's trust policy lets the request's principal perform its action
// ("sts:AssumeRole") on the role: the trust policy must allow explicitly.
bool TrustAllows(const Policy& trust, const RequestContext& request);

// The resource an S3 action is authorized against (Service Authorization Reference, Amazon S3).
enum class S3ResourceType { kBucket, kObject };
// nullopt for actions outside the table, for wildcards ("s3:*", "s3:Get*": they apply to both)
// and for actions that name no bucket (s3:ListAllMyBuckets). Case-insensitive.
std::optional<S3ResourceType> S3ResourceTypeOf(std::string_view action);
// The actions of that table, lower case and without "s3:", sorted (the policy linter's known S3
// actions, auth/policy_lint.h).
std::vector<std::string_view> S3ActionNames();

// IAM's policy simulator (SimulatePrincipalPolicy, SimulateCustomPolicy): the statements of
// `policy` that apply to `request`, by their index in the document (0 for a Statement written as
// an object), in document order, with their effect.
struct StatementMatch {
  size_t index = 0;
  bool deny = false;
};
std::vector<StatementMatch> MatchingStatements(const Policy& policy, const RequestContext& request);
// The condition keys, as the policy spells them and each once, that the statements of `policy`
// read when their action, resource and principal match `request`, whatever their conditions say
// (the simulator's MissingContextValues are those the request does not carry).
std::vector<std::string> ConditionKeysRead(const Policy& policy, const RequestContext& request);

}  // namespace evoke::auth
