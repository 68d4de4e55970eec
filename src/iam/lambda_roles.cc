#include "iam/lambda_roles.h"

#include <string>
#include <utility>

#include "auth/policy.h"
#include "base/time_format.h"
#include "iam/policy_authorizer.h"

namespace evoke::iam {

namespace {

constexpr std::string_view kLambdaService = "lambda.amazonaws.com";

}  // namespace

LambdaRoles::LambdaRoles(Directory& directory, const Sessions& sessions,
                         const PolicyAuthorizer& authorizer)
    : directory_(directory), sessions_(sessions), authorizer_(authorizer) {}

Result<Role> LambdaRoles::AssumableRole(std::string_view role_arn, std::string_view service,
                                        std::string_view source_arn) const {
  std::optional<RoleArnParts> parts = ParseRoleArn(role_arn);
  if (!parts || parts->account != directory_.account_id()) {
    return MakeError("NoSuchEntity", "the role is not a role of this account");
  }
  auto t = directory_.txns().Read();
  auto role = directory_.FindRole(*t, parts->name);
  if (!role.ok()) return std::move(role).error();
  if (!role->has_value() || RoleArn(directory_.account_id(), **role) != role_arn) {
    return MakeError("NoSuchEntity", "the role does not exist");
  }
  auto trust = auth::ParsePolicy((*role)->trust_policy, auth::PolicyKind::kTrust);
  if (!trust.ok()) return MakeError("AccessDenied", "the role's trust policy does not parse");
  auth::PrincipalInfo who{.kind = auth::PrincipalInfo::Kind::kService,
                          .service = std::string(service)};
  // The confused-deputy keys AWS's trust policies test (aws:SourceAccount, aws:SourceArn).
  auth::ConditionKeys keys = {{"aws:PrincipalType", "Service"},
                              {"aws:PrincipalServiceName", std::string(service)},
                              {"aws:SourceAccount", directory_.account_id()}};
  if (!source_arn.empty()) keys.emplace_back("aws:SourceArn", std::string(source_arn));
  if (!auth::TrustAllows(*trust, {"sts:AssumeRole", role_arn, who, keys})) {
    return MakeError("AccessDenied", "the role does not trust " + std::string(service));
  }
  return std::move(**role);
}

auth::Principal LambdaRoles::SessionOf(const Role& role, std::string_view role_arn,
                                       std::string_view session_name) const {
  auth::Principal session;
  session.kind = auth::Principal::Kind::kAssumedRole;
  session.anonymous = false;
  session.account_id = directory_.account_id();
  session.name = role.name;
  session.role_arn = std::string(role_arn);
  session.arn = "arn:aws:sts::" + directory_.account_id() + ":assumed-role/" + role.name + "/" +
                std::string(session_name);
  session.user_id = role.id + ":" + std::string(session_name);
  return session;
}

Status LambdaRoles::CheckAssumable(std::string_view role_arn) const {
  auto role = AssumableRole(role_arn, kLambdaService);
  if (!role.ok()) return std::move(role).error();
  return {};
}

Result<lambda::RoleCredentials> LambdaRoles::Assume(std::string_view role_arn,
                                                    std::string_view function_name) const {
  auto role = AssumableRole(role_arn, kLambdaService);
  if (!role.ok()) return std::move(role).error();
  auth::Credential c = sessions_.Issue(SessionOf(*role, role_arn, function_name),
                                       directory_.clock().NowMs() +
                                           lambda::kRoleCredentialsLifetimeMs);
  return lambda::RoleCredentials{std::move(c.access_key_id), std::move(c.secret_access_key),
                                 std::move(c.session_token), c.expires_ms};
}

Status LambdaRoles::AllowsInvoke(std::string_view role_arn, std::string_view service,
                                 std::string_view source_arn,
                                 std::string_view function_arn) const {
  auto role = AssumableRole(role_arn, service, source_arn);
  if (!role.ok()) return std::move(role).error();
  // A session of the role, as the service would hold, asks for lambda:InvokeFunction.
  const auth::Principal session = SessionOf(*role, role_arn, "evoke-scheduler");
  const int64_t now_s = directory_.clock().NowMs() / 1000;
  auth::ConditionKeys keys = {{"aws:CurrentTime", FormatIso8601(now_s)},
                              {"aws:EpochTime", std::to_string(now_s)},
                              {"aws:SourceAccount", directory_.account_id()}};
  AddPrincipalKeys(session, keys);
  auto decision = authorizer_.Decide(session, "lambda:InvokeFunction", function_arn, nullptr, keys);
  if (!decision.ok()) return std::move(decision).error();
  if (!decision->allowed) {
    return MakeError("AccessDenied", DeniedMessage(session, "lambda:InvokeFunction",
                                                   function_arn, decision->reason));
  }
  return {};
}

}  // namespace evoke::iam
