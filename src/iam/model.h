// IAM's entities as the identity module keeps them (docs/identity.md): users, groups, roles,
// customer managed policies and access keys, each a JSON document of the IAM repository
// (store/iam.h), with IAM's names, paths, unique ids and ARNs. Pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace evoke::iam {

// The repository's kinds.
inline constexpr std::string_view kUser = "user";
inline constexpr std::string_view kGroup = "group";
inline constexpr std::string_view kRole = "role";
inline constexpr std::string_view kPolicy = "policy";
inline constexpr std::string_view kAccessKey = "access-key";

using Tags = std::vector<std::pair<std::string, std::string>>;
// Inline policies by name (IAM lists them in name order).
using InlinePolicies = std::map<std::string, std::string>;

struct User {
  std::string name;
  std::string id;    // AIDA...
  std::string path = "/";
  int64_t created_ms = 0;
  Tags tags;
  InlinePolicies inline_policies;
  std::vector<std::string> attached;     // managed policy ARNs
  std::vector<std::string> groups;       // group names
  std::vector<std::string> access_keys;  // key ids
};

struct Group {
  std::string name;
  std::string id;  // AGPA...
  std::string path = "/";
  int64_t created_ms = 0;
  InlinePolicies inline_policies;
  std::vector<std::string> attached;
  std::vector<std::string> members;  // user names
};

struct Role {
  std::string name;
  std::string id;  // AROA...
  std::string path = "/";
  int64_t created_ms = 0;
  std::string trust_policy;  // AssumeRolePolicyDocument
  std::string description;
  int max_session_s = 3600;
  Tags tags;
  InlinePolicies inline_policies;
  std::vector<std::string> attached;
};

struct PolicyVersion {
  std::string id;  // "v1"
  std::string document;
  int64_t created_ms = 0;
};

struct ManagedPolicy {
  std::string name;
  std::string id;  // ANPA...
  std::string arn;
  std::string path = "/";
  std::string description;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::string default_version = "v1";
  int next_version = 2;
  int attachment_count = 0;
  std::vector<PolicyVersion> versions;  // oldest first
  bool aws_managed = false;             // built in (arn:aws:iam::aws:policy/...), read only

  const PolicyVersion* Version(std::string_view id) const;
  const PolicyVersion* DefaultVersion() const { return Version(default_version); }
};

struct AccessKey {
  std::string id;  // AKIA...
  std::string secret;
  std::string user;
  bool active = true;
  int64_t created_ms = 0;
};

std::string ToJson(const User& u);
std::string ToJson(const Group& g);
std::string ToJson(const Role& r);
std::string ToJson(const ManagedPolicy& p);
std::string ToJson(const AccessKey& k);
// Stored documents were written by ToJson; a document that does not read is an internal error.
Result<User> UserFromJson(std::string_view json);
Result<Group> GroupFromJson(std::string_view json);
Result<Role> RoleFromJson(std::string_view json);
Result<ManagedPolicy> PolicyFromJson(std::string_view json);
Result<AccessKey> AccessKeyFromJson(std::string_view json);

// The repository's key of a user, group or role name: IAM's names ignore case ("John" and
// "john" are one user).
std::string NameKey(std::string_view name);

// ARNs: arn:aws:iam::ACCOUNT:user/PATH/NAME (the path's inner part between), ...
std::string UserArn(std::string_view account, const User& u);
std::string GroupArn(std::string_view account, const Group& g);
std::string RoleArn(std::string_view account, const Role& r);
std::string PolicyArn(std::string_view account, std::string_view path, std::string_view name);

// The parts of an IAM ARN of `kind` ("role", "policy"): arn:aws:iam::ACCOUNT:KIND/PATH/NAME.
struct IamArnParts {
  std::string account;  // "aws" for AWS managed policies
  std::string path;     // "/" or "/service-role/"
  std::string name;
};
std::optional<IamArnParts> ParseIamArn(std::string_view arn, std::string_view kind);

// IAM's input rules, as ValidationError "1 validation error detected: Value 'V' at 'member'
// failed to satisfy constraint: ..." (IAM answers ValidationError with HTTP 400).
Error ValidationFailure(std::string_view value, std::string_view member,
                        std::string_view constraint);
Status CheckName(std::string_view value, std::string_view member, size_t max_length);
Status CheckPath(std::string_view value, std::string_view member);
Status CheckPolicyName(std::string_view value, std::string_view member);

}  // namespace evoke::iam
