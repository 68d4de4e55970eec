#include "lambda/service.h"

#include <array>
#include <nlohmann/json.hpp>

#include "lambda/actions.h"
#include "lambda/function_config.h"
#include "lambda/layer_config.h"
#include "store/errors.h"
#include "store/write.h"

namespace evoke::lambda {
namespace {

using nlohmann::json;

// CreateFunction's limit: a 50 MB zip as base64 in JSON.
constexpr size_t kMaxRequestBytes = 69'905'067;

struct Route {
  const char* method;
  const char* path;  // "{}" matches one segment
  const char* action;
  const char* iam_action;
  Task<Status> (*run)(Context&);
  const char* query = "";  // "name=value" the query must carry too; empty: none
  size_t max_body = kMaxRequestBytes;
};

constexpr std::array kRoutes = {
    Route{"POST", "/2015-03-31/functions", "CreateFunction",
          "lambda:CreateFunction", CreateFunction},
    Route{"GET", "/2015-03-31/functions", "ListFunctions",
          "lambda:ListFunctions", ListFunctions},
    Route{"GET", "/2015-03-31/functions/{}/configuration", "GetFunctionConfiguration",
          "lambda:GetFunctionConfiguration", GetFunctionConfiguration},
    Route{"DELETE", "/2015-03-31/functions/{}", "DeleteFunction",
          "lambda:DeleteFunction", DeleteFunction},
    Route{"PUT", "/2015-03-31/functions/{}/configuration", "UpdateFunctionConfiguration",
          "lambda:UpdateFunctionConfiguration", UpdateFunctionConfiguration},
    Route{"PUT", "/2015-03-31/functions/{}/code", "UpdateFunctionCode",
          "lambda:UpdateFunctionCode", UpdateFunctionCode},
    Route{"POST", "/2015-03-31/functions/{}/invocations", "Invoke",
          "lambda:InvokeFunction", Invoke, "", kMaxInvokePayloadBytes},
    Route{"GET", "/2015-03-31/functions/{}", "GetFunction",
          "lambda:GetFunction", GetFunction},
    Route{"POST", "/2015-03-31/functions/{}/policy", "AddPermission",
          "lambda:AddPermission", AddPermission},
    Route{"GET", "/2015-03-31/functions/{}/policy", "GetPolicy",
          "lambda:GetPolicy", GetPolicy},
    Route{"DELETE", "/2015-03-31/functions/{}/policy/{}", "RemovePermission",
          "lambda:RemovePermission", RemovePermission},
    Route{"PUT", "/2017-10-31/functions/{}/concurrency", "PutFunctionConcurrency",
          "lambda:PutFunctionConcurrency", PutFunctionConcurrency},
    Route{"GET", "/2019-09-30/functions/{}/concurrency", "GetFunctionConcurrency",
          "lambda:GetFunctionConcurrency", GetFunctionConcurrency},
    Route{"DELETE", "/2017-10-31/functions/{}/concurrency", "DeleteFunctionConcurrency",
          "lambda:DeleteFunctionConcurrency", DeleteFunctionConcurrency},
    Route{"PUT", "/2019-09-25/functions/{}/event-invoke-config", "PutFunctionEventInvokeConfig",
          "lambda:PutFunctionEventInvokeConfig", PutFunctionEventInvokeConfig},
    Route{"POST", "/2019-09-25/functions/{}/event-invoke-config", "UpdateFunctionEventInvokeConfig",
          "lambda:UpdateFunctionEventInvokeConfig", UpdateFunctionEventInvokeConfig},
    Route{"GET", "/2019-09-25/functions/{}/event-invoke-config", "GetFunctionEventInvokeConfig",
          "lambda:GetFunctionEventInvokeConfig", GetFunctionEventInvokeConfig},
    Route{"DELETE", "/2019-09-25/functions/{}/event-invoke-config", "DeleteFunctionEventInvokeConfig",
          "lambda:DeleteFunctionEventInvokeConfig", DeleteFunctionEventInvokeConfig},
    Route{"GET", "/2019-09-25/functions/{}/event-invoke-config/list", "ListFunctionEventInvokeConfigs",
          "lambda:ListFunctionEventInvokeConfigs", ListFunctionEventInvokeConfigs},
    Route{"GET", "/2016-08-19/account-settings", "GetAccountSettings",
          "lambda:GetAccountSettings", GetAccountSettings},
    Route{"POST", "/2018-10-31/layers/{}/versions", "PublishLayerVersion",
          "lambda:PublishLayerVersion", PublishLayerVersion},
    Route{"GET", "/2018-10-31/layers/{}/versions/{}", "GetLayerVersion",
          "lambda:GetLayerVersion", GetLayerVersion},
    Route{"GET", "/2018-10-31/layers", "GetLayerVersionByArn",
          "lambda:GetLayerVersion", GetLayerVersionByArn, "find=LayerVersion"},
    Route{"GET", "/2018-10-31/layers", "ListLayers",
          "lambda:ListLayers", ListLayers},
    Route{"GET", "/2018-10-31/layers/{}/versions", "ListLayerVersions",
          "lambda:ListLayerVersions", ListLayerVersions},
    Route{"DELETE", "/2018-10-31/layers/{}/versions/{}", "DeleteLayerVersion",
          "lambda:DeleteLayerVersion", DeleteLayerVersion},
    // Targets of the presigned download links (code_link.h); not AWS actions.
    Route{"GET", "/2015-03-31/functions/{}/package/{}", "DownloadFunctionPackage",
          "lambda:GetFunction", DownloadFunctionPackage},
    Route{"GET", "/2018-10-31/layers/{}/versions/{}/package", "DownloadLayerPackage",
          "lambda:GetLayerVersion", DownloadLayerPackage},
};

// Every error of Lambda's model with its status, and the ones Lambda answers beyond the model:
// the authentication errors, RequestEntityTooLargeException (the model's RequestTooLarge
// spelling is not what the service sends) and the ValidationException of its validators.
constexpr std::array<api::ErrorStatus, 42> kErrors = {{
    {"CodeSigningConfigNotFoundException", 404},
    {"CodeStorageExceededException", 400},
    {"CodeVerificationFailedException", 400},
    {"EC2AccessDeniedException", 502},
    {"EC2ThrottledException", 502},
    {"EC2UnexpectedException", 502},
    {"EFSIOException", 410},
    {"EFSMountConnectivityException", 408},
    {"EFSMountFailureException", 403},
    {"EFSMountTimeoutException", 408},
    {"ENILimitReachedException", 502},
    {"InvalidCodeSignatureException", 400},
    {"InvalidParameterValueException", 400},
    {"InvalidRequestContentException", 400},
    {"InvalidRuntimeException", 502},
    {"InvalidSecurityGroupIDException", 502},
    {"InvalidSubnetIDException", 502},
    {"InvalidZipFileException", 502},
    {"KMSAccessDeniedException", 502},
    {"KMSDisabledException", 502},
    {"KMSInvalidStateException", 502},
    {"KMSNotFoundException", 502},
    {"PolicyLengthExceededException", 400},
    {"PreconditionFailedException", 412},
    {"ProvisionedConcurrencyConfigNotFoundException", 404},
    {"RequestTooLargeException", 413},
    {"ResourceConflictException", 409},
    {"ResourceInUseException", 400},
    {"ResourceNotFoundException", 404},
    {"ResourceNotReadyException", 502},
    {"ServiceException", 500},
    {"SnapStartException", 400},
    {"SnapStartNotReadyException", 409},
    {"SnapStartTimeoutException", 408},
    {"SubnetIPAddressLimitReachedException", 502},
    {"TooManyRequestsException", 429},
    {"UnsupportedMediaTypeException", 415},
    {"AccessDeniedException", 403},
    {"UnrecognizedClientException", 403},
    {"InvalidSignatureException", 403},
    {"RequestEntityTooLargeException", 413},
    {"ValidationException", 400},
}};

// The ARN IAM names for a route: the function or layer (version) of its path, else "*".
std::string RouteResource(const Account& account, std::string_view path, const api::Call& call) {
  if (call.path_params.empty()) return "*";
  if (path.find("/functions/") != std::string_view::npos) {
    auto name = ParseFunctionName(call.path_params[0]);
    return name.ok() ? FunctionArn(account, name->first) : std::string("*");
  }
  if (path.find("/layers/{}/versions/{}") != std::string_view::npos) {
    auto version = ParseLayerVersionNumber(call.path_params[1]);
    return version.ok() ? LayerVersionArn(account, call.path_params[0], *version)
                        : std::string("*");
  }
  return LayerArn(account, call.path_params[0]);
}

// The resource policy of what a Lambda operation is decided on: for a function of this account
// (arn:aws:lambda:REGION:ACCOUNT:function:NAME), its policy; for an S3 object (a code package),
// the bucket's, as S3 would decide; nullptr otherwise.
// `functions` is this account's function ARN without a name ("arn:aws:lambda:R:A:function:").
std::shared_ptr<const auth::Policy> ResourcePolicyOf(std::string_view functions,
                                                     const LambdaDependencies& deps,
                                                     std::string_view action,
                                                     std::string_view resource,
                                                     const auth::Principal& principal) {
  if (resource.starts_with("arn:aws:s3:::")) {
    return deps.objects.PolicyFor(action, resource, principal);
  }
  if (!resource.starts_with(functions)) return nullptr;
  std::string_view name = resource.substr(functions.size());
  name = name.substr(0, name.find(':'));
  auto cached = deps.execution.functions.Get(std::string(name));
  if (!cached.ok() || !*cached) return nullptr;  // no function: the action will say so
  return (*cached)->policy;
}

Task<Result<api::Output>> RunRoute(Task<Status> (*run)(Context&), const Account& account,
                                   const LambdaDependencies& deps, api::Call& call) {
  Context ctx{call.request, account,         deps, std::move(call.body), call.path_params,
              call.request_id, call.authorize_also};
  Status s = co_await run(ctx);
  if (!s.ok()) co_return std::move(s).error();
  co_return std::move(ctx.answer);
}

api::Service MakeTable(const Account& account, const LambdaDependencies& deps) {
  api::Service service;
  service.name = "lambda";
  service.protocol = api::Protocol::kRestJson;
  service.errors = kErrors;
  service.internal_error = "ServiceException";
  service.max_body = kMaxRequestBytes;
  service.too_large_error = "RequestEntityTooLargeException";
  service.too_large_names_operation = true;
  service.missing_auth_error = "AccessDeniedException";
  service.parse_json_body = false;  // each action reads its body (Invoke's is the payload)
  service.error_fault_type = true;
  // A web page may call Lambda with the SDK (the face-detection app's page invokes its
  // function), as AWS's endpoint allows any origin; the page reads these answers' headers.
  service.open_cors = true;
  service.cors_expose =
      "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date, X-Amz-Function-Error, "
      "X-Amz-Log-Result, X-Amz-Executed-Version";
  service.unknown_operation = [](const http::Request& req) {
    return MakeError("NotImplemented", "evoke does not serve " + req.method + " " + req.path +
                                           " of the Lambda API yet.");
  };
  for (const Route& route : kRoutes) {
    api::Operation op;
    op.name = route.action;
    op.method = route.method;
    op.path = route.path;
    op.query = route.query;
    op.iam_action = route.iam_action;
    op.max_body = route.max_body;
    op.resource = [&account, path = std::string_view(route.path)](const api::Call& call) {
      return RouteResource(account, path, call);
    };
    // The function's own policy (AddPermission) grants as a resource policy: within the
    // account, naming a user or role there suffices, as on AWS.
    op.resource_policy = [functions = FunctionArn(account, ""), &deps](
                             const api::Call& call, std::string_view action,
                             std::string_view resource) {
      return ResourcePolicyOf(functions, deps, action, resource, call.principal);
    };
    op.run = [run = route.run, &account, &deps](api::Call& call) {
      return RunRoute(run, account, deps, call);
    };
    service.operations.push_back(std::move(op));
  }
  return service;
}

}  // namespace

Status Context::Reply(int status, const json& body) {
  answer = api::Output::Document(body, status);
  return {};
}

Status Context::Reply(http::Response response) {
  answer = api::Output{};
  answer.status = response.status;
  answer.headers = std::move(response.headers);
  if (!response.body.empty()) answer.payload = std::move(response.body);
  return {};
}

Status Context::Reply(api::Output output) {
  answer = std::move(output);
  return {};
}

Task<Status> Context::Commit(std::vector<store::BlobWriter*> blobs,
                             std::function<Status(store::WriteTxn&)> apply) {
  Status s = co_await store::Write(deps.store.txns, std::move(blobs), std::move(apply));
  if (!s.ok()) co_return LambdaError(account, std::move(s).error());
  co_return Status{};
}

void Context::FunctionChanged(const std::string& name) const {
  deps.execution.functions.Invalidate(name);
  deps.execution.pool.Retire(name);
}

void Context::FunctionSettingsChanged(const std::string& name) const {
  deps.execution.functions.Invalidate(name);
}

Error LambdaError(const Account& account, Error error) {
  if (store::Is(error, store::kNotFound, "function")) {
    return MakeError("ResourceNotFoundException",
                     "Function not found: " + FunctionArn(account, store::NameOf(error)));
  }
  if (store::Is(error, store::kAlreadyExists, "function")) {
    return MakeError("ResourceConflictException",
                     "Function already exist: " + store::NameOf(error));
  }
  return error;
}

Result<store::FunctionRecord> ReadFunction(const Context& ctx, const std::string& name) {
  auto reader = ctx.deps.store.txns.Read();
  auto found = ctx.deps.store.functions.GetFunction(*reader, name);
  if (!found.ok()) return std::move(found).error();
  if (!*found) {
    return MakeError("ResourceNotFoundException",
                     "Function not found: " + FunctionArn(ctx.account, name));
  }
  return std::move(**found);
}

Result<std::string> UnqualifiedFunctionName(const Context& ctx) {
  auto name = ParseFunctionName(ctx.path_params.at(0));
  if (!name.ok()) return std::move(name).error();
  std::string qualifier = name->second;
  if (const std::string* q = ctx.req().query.Get("Qualifier")) qualifier = *q;
  if (!qualifier.empty() && qualifier != "$LATEST") {
    return MakeError("ResourceNotFoundException",
                     "Function not found: " + FunctionArn(ctx.account, name->first) + ":" +
                         qualifier);
  }
  return std::move(name->first);
}

LambdaService::LambdaService(Account account, LambdaDependencies deps,
                             const api::Pipeline& pipeline)
    : account_(std::move(account)),
      deps_(deps),
      pipeline_(pipeline),
      service_(MakeTable(account_, deps_)) {}

Task<void> LambdaService::Handle(http::Exchange& ex) { return pipeline_.Handle(ex, service_); }

}  // namespace evoke::lambda
