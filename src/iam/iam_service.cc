#include "iam/iam_service.h"

#include <array>

#include "iam/iam_actions.h"

namespace evoke::iam {
namespace {

using nlohmann::json;

struct OperationRow {
  const char* name;
  IamOperation run;
};

constexpr std::array kOperations = {
    OperationRow{"CreateUser", CreateUser},
    OperationRow{"GetUser", GetUser},
    OperationRow{"ListUsers", ListUsers},
    OperationRow{"UpdateUser", UpdateUser},
    OperationRow{"DeleteUser", DeleteUser},
    OperationRow{"TagUser", TagUser},
    OperationRow{"UntagUser", UntagUser},
    OperationRow{"ListUserTags", ListUserTags},
    OperationRow{"CreateAccessKey", CreateAccessKey},
    OperationRow{"ListAccessKeys", ListAccessKeys},
    OperationRow{"UpdateAccessKey", UpdateAccessKey},
    OperationRow{"DeleteAccessKey", DeleteAccessKey},
    OperationRow{"GetAccessKeyLastUsed", GetAccessKeyLastUsed},
    OperationRow{"CreateGroup", CreateGroup},
    OperationRow{"GetGroup", GetGroup},
    OperationRow{"ListGroups", ListGroups},
    OperationRow{"UpdateGroup", UpdateGroup},
    OperationRow{"DeleteGroup", DeleteGroup},
    OperationRow{"AddUserToGroup", AddUserToGroup},
    OperationRow{"RemoveUserFromGroup", RemoveUserFromGroup},
    OperationRow{"ListGroupsForUser", ListGroupsForUser},
    OperationRow{"CreateRole", CreateRole},
    OperationRow{"GetRole", GetRole},
    OperationRow{"ListRoles", ListRoles},
    OperationRow{"UpdateRole", UpdateRole},
    OperationRow{"UpdateRoleDescription", UpdateRoleDescription},
    OperationRow{"UpdateAssumeRolePolicy", UpdateAssumeRolePolicy},
    OperationRow{"DeleteRole", DeleteRole},
    OperationRow{"TagRole", TagRole},
    OperationRow{"UntagRole", UntagRole},
    OperationRow{"ListRoleTags", ListRoleTags},
    OperationRow{"PutUserPolicy", PutUserPolicy},
    OperationRow{"GetUserPolicy", GetUserPolicy},
    OperationRow{"ListUserPolicies", ListUserPolicies},
    OperationRow{"DeleteUserPolicy", DeleteUserPolicy},
    OperationRow{"PutGroupPolicy", PutGroupPolicy},
    OperationRow{"GetGroupPolicy", GetGroupPolicy},
    OperationRow{"ListGroupPolicies", ListGroupPolicies},
    OperationRow{"DeleteGroupPolicy", DeleteGroupPolicy},
    OperationRow{"PutRolePolicy", PutRolePolicy},
    OperationRow{"GetRolePolicy", GetRolePolicy},
    OperationRow{"ListRolePolicies", ListRolePolicies},
    OperationRow{"DeleteRolePolicy", DeleteRolePolicy},
    OperationRow{"CreatePolicy", CreatePolicy},
    OperationRow{"GetPolicy", GetPolicy},
    OperationRow{"ListPolicies", ListPolicies},
    OperationRow{"DeletePolicy", DeletePolicy},
    OperationRow{"CreatePolicyVersion", CreatePolicyVersion},
    OperationRow{"GetPolicyVersion", GetPolicyVersion},
    OperationRow{"ListPolicyVersions", ListPolicyVersions},
    OperationRow{"DeletePolicyVersion", DeletePolicyVersion},
    OperationRow{"SetDefaultPolicyVersion", SetDefaultPolicyVersion},
    OperationRow{"AttachUserPolicy", AttachUserPolicy},
    OperationRow{"DetachUserPolicy", DetachUserPolicy},
    OperationRow{"ListAttachedUserPolicies", ListAttachedUserPolicies},
    OperationRow{"AttachGroupPolicy", AttachGroupPolicy},
    OperationRow{"DetachGroupPolicy", DetachGroupPolicy},
    OperationRow{"ListAttachedGroupPolicies", ListAttachedGroupPolicies},
    OperationRow{"AttachRolePolicy", AttachRolePolicy},
    OperationRow{"DetachRolePolicy", DetachRolePolicy},
    OperationRow{"ListAttachedRolePolicies", ListAttachedRolePolicies},
    OperationRow{"ListEntitiesForPolicy", ListEntitiesForPolicy},
    OperationRow{"SimulatePrincipalPolicy", SimulatePrincipalPolicy},
    OperationRow{"SimulateCustomPolicy", SimulateCustomPolicy},
};

// IAM's other operations (its botocore models, old and new): known, and answered with
// NotImplemented rather than InvalidAction.
constexpr std::array kUnsupported = {
    "AcceptDelegationRequest", "AddClientIDToOpenIDConnectProvider", "AddRoleToInstanceProfile",
    "AssociateDelegationRequest", "ChangePassword", "CreateAccountAlias",
    "CreateDelegationRequest", "CreateInstanceProfile", "CreateLoginProfile",
    "CreateOpenIDConnectProvider", "CreateSAMLProvider", "CreateServiceLinkedRole",
    "CreateServiceSpecificCredential", "CreateVirtualMFADevice", "DeactivateMFADevice",
    "DeleteAccountAlias", "DeleteAccountPasswordPolicy", "DeleteInstanceProfile",
    "DeleteLoginProfile", "DeleteOpenIDConnectProvider", "DeleteRolePermissionsBoundary",
    "DeleteSAMLProvider", "DeleteSSHPublicKey", "DeleteServerCertificate",
    "DeleteServiceLinkedRole", "DeleteServiceSpecificCredential", "DeleteSigningCertificate",
    "DeleteUserPermissionsBoundary", "DeleteVirtualMFADevice",
    "DisableOrganizationsRootCredentialsManagement", "DisableOrganizationsRootSessions",
    "DisableOutboundWebIdentityFederation", "EnableMFADevice",
    "EnableOrganizationsRootCredentialsManagement", "EnableOrganizationsRootSessions",
    "EnableOutboundWebIdentityFederation", "GenerateCredentialReport",
    "GenerateOrganizationsAccessReport", "GenerateServiceLastAccessedDetails",
    "GetAccountAuthorizationDetails", "GetAccountPasswordPolicy", "GetAccountSummary",
    "GetContextKeysForCustomPolicy", "GetContextKeysForPrincipalPolicy", "GetCredentialReport",
    "GetDelegationRequest", "GetHumanReadableSummary", "GetInstanceProfile", "GetLoginProfile",
    "GetMFADevice", "GetOpenIDConnectProvider", "GetOrganizationsAccessReport",
    "GetOutboundWebIdentityFederationInfo", "GetSAMLProvider", "GetSSHPublicKey",
    "GetServerCertificate", "GetServiceLastAccessedDetails",
    "GetServiceLastAccessedDetailsWithEntities", "GetServiceLinkedRoleDeletionStatus",
    "ListAccountAliases", "ListDelegationRequests", "ListInstanceProfileTags",
    "ListInstanceProfiles", "ListInstanceProfilesForRole", "ListMFADeviceTags", "ListMFADevices",
    "ListOpenIDConnectProviderTags", "ListOpenIDConnectProviders", "ListOrganizationsFeatures",
    "ListPoliciesGrantingServiceAccess", "ListPolicyTags", "ListSAMLProviderTags",
    "ListSAMLProviders", "ListSSHPublicKeys", "ListServerCertificateTags",
    "ListServerCertificates", "ListServiceSpecificCredentials", "ListSigningCertificates",
    "ListVirtualMFADevices", "PutRolePermissionsBoundary", "PutUserPermissionsBoundary",
    "RejectDelegationRequest", "RemoveClientIDFromOpenIDConnectProvider",
    "RemoveRoleFromInstanceProfile", "ResetServiceSpecificCredential", "ResyncMFADevice",
    "SendDelegationToken", "SetSecurityTokenServicePreferences", "TagInstanceProfile",
    "TagMFADevice", "TagOpenIDConnectProvider", "TagPolicy", "TagSAMLProvider",
    "TagServerCertificate", "UntagInstanceProfile",
    "UntagMFADevice", "UntagOpenIDConnectProvider", "UntagPolicy", "UntagSAMLProvider",
    "UntagServerCertificate", "UpdateAccountPasswordPolicy", "UpdateDelegationRequest",
    "UpdateLoginProfile", "UpdateOpenIDConnectProviderThumbprint", "UpdateSAMLProvider",
    "UpdateSSHPublicKey", "UpdateServerCertificate", "UpdateServiceSpecificCredential",
    "UpdateSigningCertificate", "UploadSSHPublicKey", "UploadServerCertificate",
    "UploadSigningCertificate",
};

// IAM's errors (its model's statuses) besides the query services' common ones.
constexpr std::array<api::ErrorStatus, 12> kIamErrors = {{
    {"ConcurrentModification", 409},
    {"DeleteConflict", 409},
    {"EntityAlreadyExists", 409},
    {"EntityTemporarilyUnmodifiable", 409},
    {"InvalidInput", 400},
    {"LimitExceeded", 409},
    {"MalformedPolicyDocument", 400},
    {"NoSuchEntity", 404},
    {"PolicyNotAttachable", 400},
    {"UnmodifiableEntity", 400},
    {"ServiceFailure", 500},
    {"PolicyEvaluation", 500},
}};

constexpr std::array<api::ErrorStatus, 14> kQueryErrors = {{
    {"AccessDenied", 403},
    {"ExpiredToken", 403},
    {"IncompleteSignature", 400},
    {"InvalidAction", 400},
    {"InvalidClientTokenId", 403},
    {"InvalidParameterCombination", 400},
    {"InvalidParameterValue", 400},
    {"InvalidQueryParameter", 400},
    {"MalformedQueryString", 404},
    {"MissingAction", 400},
    {"MissingAuthenticationToken", 403},
    {"MissingParameter", 400},
    {"SignatureDoesNotMatch", 403},
    {"ValidationError", 400},
}};

const std::vector<api::ErrorStatus>& IamErrors() {
  static const std::vector<api::ErrorStatus> all = WithQueryErrors(kIamErrors);
  return all;
}

// The ARN an operation is authorized against: the user, group, role or policy its input names
// (IAM's own resource types), or "*".
std::string ResourceOf(const std::string& account, const api::Call& call) {
  auto member = [&](const char* name) -> const std::string* {
    auto it = call.input.find(name);
    return it != call.input.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
  };
  std::string prefix = "arn:aws:iam::" + account + ":";
  if (const std::string* arn = member("PolicyArn")) return *arn;
  if (const std::string* arn = member("PolicySourceArn")) return *arn;  // the simulated entity
  if (const std::string* role = member("RoleName")) return prefix + "role/" + *role;
  if (const std::string* group = member("GroupName")) return prefix + "group/" + *group;
  if (const std::string* user = member("UserName")) return prefix + "user/" + *user;
  if (call.principal.kind == auth::Principal::Kind::kUser &&
      (call.operation == "GetUser" || call.operation.find("AccessKey") != std::string::npos)) {
    return call.principal.arn;  // the caller's own user
  }
  if (const std::string* name = member("PolicyName"); name && call.operation == "CreatePolicy") {
    std::string path = member("Path") ? *member("Path") : "/";
    return prefix + "policy" + path + *name;
  }
  return "*";
}

Task<Result<api::Output>> RunOperation(IamOperation run, Directory& directory,
                                       const auth::ActionCatalog& actions, api::Call& call) {
  IamContext ctx{directory, call.input, call.principal, &actions};
  Result<json> out = co_await run(ctx);
  if (!out.ok()) co_return std::move(out).error();
  co_return api::Output::Document(std::move(*out));
}

Task<Result<api::Output>> NotImplemented(const api::Call& call) {
  co_return MakeError("NotImplemented",
                      "evoke does not implement IAM's " + call.operation + " operation yet.");
}

api::Service MakeTable(Directory& directory, const auth::ActionCatalog& actions) {
  api::Service service;
  service.name = "iam";
  service.protocol = api::Protocol::kAwsQuery;
  service.target_prefix = "https://iam.amazonaws.com/doc/2010-05-08/";
  service.errors = IamErrors();
  service.internal_error = "ServiceFailure";
  service.internal_message = "An internal error occurred. Please try again.";
  service.max_body = 1u << 20;
  service.too_large_error = "ValidationError";
  service.missing_auth_error = "MissingAuthenticationToken";
  service.access_denied_error = "AccessDenied";
  const std::string& account = directory.account_id();
  for (const OperationRow& row : kOperations) {
    api::Operation op;
    op.name = row.name;
    op.iam_action = std::string("iam:") + row.name;
    op.resource = [&account](const api::Call& call) { return ResourceOf(account, call); };
    op.run = [run = row.run, &directory, &actions](api::Call& call) {
      return RunOperation(run, directory, actions, call);
    };
    service.operations.push_back(std::move(op));
  }
  for (const char* name : kUnsupported) {
    api::Operation op;
    op.name = name;
    op.iam_action = std::string("iam:") + name;
    op.run = [](api::Call& call) { return NotImplemented(call); };
    service.operations.push_back(std::move(op));
  }
  return service;
}

}  // namespace

std::vector<api::ErrorStatus> WithQueryErrors(std::span<const api::ErrorStatus> own) {
  std::vector<api::ErrorStatus> all(own.begin(), own.end());
  all.insert(all.end(), kQueryErrors.begin(), kQueryErrors.end());
  return all;
}

IamService::IamService(Directory& directory, const auth::ActionCatalog& actions,
                       const api::Pipeline& pipeline)
    : directory_(directory), pipeline_(pipeline), service_(MakeTable(directory_, actions)) {}

Task<void> IamService::Handle(http::Exchange& ex) { return pipeline_.Handle(ex, service_); }

}  // namespace evoke::iam
