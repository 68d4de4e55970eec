#include "iam/sts_service.h"

#include <array>

#include "api/pipeline.h"
#include "base/time_format.h"
#include "iam/iam_actions.h"
#include "iam/iam_service.h"

namespace evoke::iam {
namespace {

using nlohmann::json;

struct StsContext {
  Directory& dir;
  const Sessions& sessions;
  const PolicyAuthorizer& authorizer;
  api::Call& call;
};

constexpr std::array<api::ErrorStatus, 8> kStsErrors = {{
    {"ExpiredTokenException", 400},
    {"IDPCommunicationError", 400},
    {"IDPRejectedClaim", 403},
    {"InvalidAuthorizationMessageException", 400},
    {"InvalidIdentityToken", 400},
    {"MalformedPolicyDocument", 400},
    {"PackedPolicyTooLarge", 400},
    {"RegionDisabledException", 403},
}};

const std::vector<api::ErrorStatus>& StsErrors() {
  static const std::vector<api::ErrorStatus> all = WithQueryErrors(kStsErrors);
  return all;
}

// A session policy counts against this many characters (AWS packs it; evoke counts it without
// white space, as IAM counts policies).
constexpr size_t kMaxSessionPolicySize = 2048;
// A role chain (a session assuming a role) lasts at most an hour.
constexpr int64_t kRoleChainMaxSeconds = 3600;

json CredentialsJson(const auth::Credential& c) {
  return {{"AccessKeyId", c.access_key_id},
          {"SecretAccessKey", c.secret_access_key},
          {"SessionToken", c.session_token},
          {"Expiration", FormatIso8601(c.expires_ms / 1000)}};
}

Result<json> GetCallerIdentity(StsContext& ctx) {
  const auth::Principal& p = ctx.call.principal;
  return json{{"UserId", p.user_id}, {"Account", p.account_id}, {"Arn", p.arn}};
}

Result<json> GetAccessKeyInfo(StsContext& ctx) {
  auto id = RequiredString(ctx.call.input, "AccessKeyId");
  if (!id.ok()) return std::move(id).error();
  if (id->size() < 16 || id->size() > 128) {
    return ValidationFailure(*id, "accessKeyId",
                             "Member must have length greater than or equal to 16");
  }
  // Every key evoke knows belongs to its one account.
  return json{{"Account", ctx.dir.account_id()}};
}

Result<json> AssumeRole(StsContext& ctx) {
  const json& in = ctx.call.input;
  const auth::Principal& caller = ctx.call.principal;
  auto role_arn = RequiredString(in, "RoleArn");
  if (!role_arn.ok()) return std::move(role_arn).error();
  if (role_arn->size() < 20 || role_arn->size() > 2048) {
    return ValidationFailure(*role_arn, "roleArn",
                             "Member must have length greater than or equal to 20");
  }
  auto session_name = RequiredString(in, "RoleSessionName");
  if (!session_name.ok()) return std::move(session_name).error();
  if (session_name->size() < 2 || session_name->size() > 64) {
    return ValidationFailure(*session_name, "roleSessionName",
                             "Member must have length less than or equal to 64");
  }
  if (Status s = CheckName(*session_name, "roleSessionName", 64); !s.ok()) {
    return std::move(s).error();
  }
  auto duration = IntMember(in, "DurationSeconds", 900, 43200, 3600);
  if (!duration.ok()) return std::move(duration).error();
  std::string session_policy = OptionalString(in, "Policy").value_or("");
  if (in.contains("Policy")) {
    auto checked = PolicyDocumentMember(in, "Policy", auth::PolicyKind::kIdentity);
    if (!checked.ok()) return std::move(checked).error();
    if (PolicySize(session_policy) > kMaxSessionPolicySize) {
      return MakeError("PackedPolicyTooLarge",
                       "Packed size of the session policy exceeds the limit.");
    }
  }
  if (in.contains("PolicyArns") || in.contains("Tags") || in.contains("TransitiveTagKeys") ||
      in.contains("SerialNumber") || in.contains("ProvidedContexts")) {
    return MakeError("NotImplemented",
                     "evoke does not support managed session policies, session tags or MFA in "
                     "AssumeRole yet.");
  }
  auto denied = [&] {
    return MakeError("AccessDenied",
                     DeniedMessage(caller, "sts:AssumeRole", *role_arn, ""));
  };
  if (caller.kind == auth::Principal::Kind::kRoot) {
    return MakeError("AccessDenied", "Roles may not be assumed by root accounts.");
  }
  std::optional<RoleArnParts> parts = ParseRoleArn(*role_arn);
  if (!parts || parts->account != ctx.dir.account_id()) return denied();
  auto t = ctx.dir.txns().Read();
  auto role = ctx.dir.FindRole(*t, parts->name);
  if (!role.ok()) return std::move(role).error();
  if (!role->has_value() || RoleArn(ctx.dir.account_id(), **role) != *role_arn) return denied();
  auto trust = auth::ParsePolicy((*role)->trust_policy, auth::PolicyKind::kTrust);
  if (!trust.ok()) return denied();
  auth::ConditionKeys keys = {{"aws:SourceIp", ctx.call.request.remote_address},
                              {"sts:RoleSessionName", *session_name}};
  AddPrincipalKeys(caller, keys);
  auth::PrincipalInfo who = PrincipalInfoOf(caller);
  auth::RequestContext request{"sts:AssumeRole", *role_arn, who, keys};
  if (!auth::TrustAllows(*trust, request)) return denied();
  auto decision = ctx.authorizer.Decide(caller, "sts:AssumeRole", *role_arn, &*trust, keys);
  if (!decision.ok() || !decision->allowed) return denied();
  if (caller.kind == auth::Principal::Kind::kAssumedRole && *duration > kRoleChainMaxSeconds) {
    return MakeError("ValidationError",
                     "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                     "assumed by role chaining.");
  }
  if (*duration > (*role)->max_session_s) {
    return MakeError("ValidationError",
                     "The requested DurationSeconds exceeds the MaxSessionDuration set for this "
                     "role.");
  }
  auth::Principal session;
  session.kind = auth::Principal::Kind::kAssumedRole;
  session.anonymous = false;
  session.account_id = ctx.dir.account_id();
  session.name = (*role)->name;
  session.role_arn = *role_arn;
  session.arn = "arn:aws:sts::" + ctx.dir.account_id() + ":assumed-role/" + (*role)->name + "/" +
                *session_name;
  session.user_id = (*role)->id + ":" + *session_name;
  session.session_policy = session_policy;
  auth::Credential c =
      ctx.sessions.Issue(session, ctx.dir.clock().NowMs() + *duration * 1000);
  json out = {{"Credentials", CredentialsJson(c)},
              {"AssumedRoleUser", {{"AssumedRoleId", session.user_id}, {"Arn", session.arn}}}};
  if (!session_policy.empty()) {
    out["PackedPolicySize"] = PolicySize(session_policy) * 100 / kMaxSessionPolicySize;
  }
  return out;
}

Result<json> GetSessionToken(StsContext& ctx) {
  const auth::Principal& caller = ctx.call.principal;
  if (caller.access_key_id.starts_with("ASIA")) {
    return MakeError("AccessDenied", "Cannot call GetSessionToken with session credentials");
  }
  // Root's sessions last at most an hour, users' up to 36.
  int64_t max = caller.kind == auth::Principal::Kind::kRoot ? 3600 : 129600;
  auto duration = IntMember(ctx.call.input, "DurationSeconds", 900, 129600,
                            std::min<int64_t>(43200, max));
  if (!duration.ok()) return std::move(duration).error();
  if (ctx.call.input.contains("SerialNumber") || ctx.call.input.contains("TokenCode")) {
    return MakeError("NotImplemented", "evoke does not support MFA yet.");
  }
  auth::Principal session = caller;
  session.session_policy.clear();
  auth::Credential c =
      ctx.sessions.Issue(session, ctx.dir.clock().NowMs() + std::min(*duration, max) * 1000);
  return json{{"Credentials", CredentialsJson(c)}};
}

using StsOperation = Result<json> (*)(StsContext&);

struct OperationRow {
  const char* name;
  StsOperation run;
  const char* iam_action;  // empty: the operation decides itself (AssumeRole) or needs none
};

constexpr std::array kOperations = {
    OperationRow{"GetCallerIdentity", GetCallerIdentity, ""},
    OperationRow{"GetAccessKeyInfo", GetAccessKeyInfo, "sts:GetAccessKeyInfo"},
    OperationRow{"AssumeRole", AssumeRole, ""},
    OperationRow{"GetSessionToken", GetSessionToken, ""},
};

constexpr std::array kUnsupported = {
    "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot",
    "DecodeAuthorizationMessage", "GetDelegatedAccessToken", "GetFederationToken",
    "GetWebIdentityToken",
};

Task<Result<api::Output>> Run(StsOperation run, StsContext ctx) {
  Result<json> out = run(ctx);
  if (!out.ok()) co_return std::move(out).error();
  co_return api::Output::Document(std::move(*out));
}

Task<Result<api::Output>> NotImplemented(const api::Call& call) {
  co_return MakeError("NotImplemented",
                      "evoke does not implement STS's " + call.operation + " operation yet.");
}

api::Service MakeTable(Directory& dir, const Sessions& sessions,
                       const PolicyAuthorizer& authorizer) {
  api::Service service;
  service.name = "sts";
  service.protocol = api::Protocol::kAwsQuery;
  service.target_prefix = "https://sts.amazonaws.com/doc/2011-06-15/";
  service.errors = StsErrors();
  service.internal_error = "InternalFailure";
  service.max_body = 1u << 20;
  service.too_large_error = "ValidationError";
  service.missing_auth_error = "MissingAuthenticationToken";
  service.access_denied_error = "AccessDenied";
  for (const OperationRow& row : kOperations) {
    api::Operation op;
    op.name = row.name;
    op.iam_action = row.iam_action;
    op.run = [run = row.run, &dir, &sessions, &authorizer](api::Call& call) {
      return Run(run, StsContext{dir, sessions, authorizer, call});
    };
    service.operations.push_back(std::move(op));
  }
  for (const char* name : kUnsupported) {
    api::Operation op;
    op.name = name;
    op.iam_action = std::string("sts:") + name;
    op.run = [](api::Call& call) { return NotImplemented(call); };
    service.operations.push_back(std::move(op));
  }
  return service;
}

}  // namespace

StsService::StsService(Directory& directory, const Sessions& sessions,
                       const PolicyAuthorizer& authorizer, const api::Pipeline& pipeline)
    : pipeline_(pipeline), service_(MakeTable(directory, sessions, authorizer)) {}

Task<void> StsService::Handle(http::Exchange& ex) { return pipeline_.Handle(ex, service_); }

}  // namespace evoke::iam
