// The port through which Lambda asks identity about roles: whether Lambda may assume a
// function's execution role, temporary credentials of it for a sandbox (docs/identity.md,
// "Functions run as their role"), and whether a schedule's role may invoke a function. Owned
// here, implemented by iam (iam/lambda_roles.h), wired by app.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace evoke::lambda {

struct RoleCredentials {
  std::string access_key_id;  // ASIA...
  std::string secret_access_key;
  std::string session_token;
  int64_t expires_ms = 0;
};

// How long a sandbox's credentials last, and the age at which the pool retires a sandbox, so
// that a warm sandbox never holds expired credentials.
inline constexpr int64_t kRoleCredentialsLifetimeMs = 12 * 3600 * 1000LL;
inline constexpr int64_t kSandboxMaxAgeMs = 11 * 3600 * 1000LL;

class ExecutionRoles {
 public:
  virtual ~ExecutionRoles() = default;
  // OK when `role_arn` names a role of this account whose trust policy lets
  // lambda.amazonaws.com assume it; an error (any code) otherwise.
  virtual Status CheckAssumable(std::string_view role_arn) const = 0;
  // Credentials of the role for a sandbox of `function_name` (the session's name, as on AWS),
  // valid for kRoleCredentialsLifetimeMs. Errors as CheckAssumable.
  virtual Result<RoleCredentials> Assume(std::string_view role_arn,
                                         std::string_view function_name) const = 0;
  // OK when `service` (scheduler.amazonaws.com), acting for `source_arn` (the schedule), may
  // assume `role_arn` and the role's policies allow lambda:InvokeFunction on `function_arn`:
  // how a schedule invokes a function.
  virtual Status AllowsInvoke(std::string_view role_arn, std::string_view service,
                              std::string_view source_arn,
                              std::string_view function_arn) const = 0;
};

}  // namespace evoke::lambda
