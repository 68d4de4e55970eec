// LambdaRoles: identity's side of Lambda's role port (lambda/execution_roles.h). A role is
// assumable by a service (lambda.amazonaws.com, scheduler.amazonaws.com) when it exists in this
// account and its trust policy lets that service principal perform sts:AssumeRole; a sandbox's
// credentials are a session (iam/sessions.h) named after the function, as on AWS, and a
// schedule's invocation is decided as a session of its role. Thread-safe.
#pragma once

#include <string_view>

#include "iam/directory.h"
#include "iam/policy_authorizer.h"
#include "iam/sessions.h"
#include "lambda/execution_roles.h"

namespace evoke::iam {

class LambdaRoles final : public lambda::ExecutionRoles {
 public:
  LambdaRoles(Directory& directory, const Sessions& sessions, const PolicyAuthorizer& authorizer);
  Status CheckAssumable(std::string_view role_arn) const override;
  Result<lambda::RoleCredentials> Assume(std::string_view role_arn,
                                         std::string_view function_name) const override;
  Status AllowsInvoke(std::string_view role_arn, std::string_view service,
                      std::string_view source_arn, std::string_view function_arn) const override;

 private:
  // The role, when `service` (acting for `source_arn`, if any) may assume it.
  Result<Role> AssumableRole(std::string_view role_arn, std::string_view service,
                             std::string_view source_arn = {}) const;
  // A session of `role` named `session_name`.
  auth::Principal SessionOf(const Role& role, std::string_view role_arn,
                            std::string_view session_name) const;

  Directory& directory_;
  const Sessions& sessions_;
  const PolicyAuthorizer& authorizer_;
};

}  // namespace evoke::iam
