#include "lambda/service.h"

#include <array>
#include <nlohmann/json.hpp>

#include "auth/json_api_errors.h"
#include "base/encoding.h"
#include "base/hash.h"
#include "base/ids.h"
#include "http/read_body.h"
#include "lambda/actions.h"
#include "lambda/function_config.h"
#include "store/await_commit.h"

namespace evoke::lambda {
namespace {

using nlohmann::json;

// CreateFunction's limit: a 50 MB zip as base64 in JSON.
constexpr size_t kMaxRequestBytes = 69'905'067;

struct Route {
  std::string_view method;
  std::string_view path;  // "{}" matches one segment
  std::string_view action;
  Task<Status> (*run)(Context&);
  std::string_view query = {};  // "name=value" the query must carry too; empty: none
  size_t max_body = kMaxRequestBytes;
};

constexpr std::array kRoutes = {
    Route{"POST", "/2015-03-31/functions", "CreateFunction", CreateFunction},
    Route{"GET", "/2015-03-31/functions", "ListFunctions", ListFunctions},
    Route{"GET", "/2015-03-31/functions/{}/configuration", "GetFunctionConfiguration",
          GetFunctionConfiguration},
    Route{"DELETE", "/2015-03-31/functions/{}", "DeleteFunction", DeleteFunction},
    Route{"PUT", "/2015-03-31/functions/{}/configuration", "UpdateFunctionConfiguration",
          UpdateFunctionConfiguration},
    Route{"PUT", "/2015-03-31/functions/{}/code", "UpdateFunctionCode", UpdateFunctionCode},
    Route{"POST", "/2015-03-31/functions/{}/invocations", "Invoke", Invoke, {},
          kMaxInvokePayloadBytes},
    Route{"GET", "/2015-03-31/functions/{}", "GetFunction", GetFunction},
    Route{"POST", "/2015-03-31/functions/{}/policy", "AddPermission", AddPermission},
    Route{"GET", "/2015-03-31/functions/{}/policy", "GetPolicy", GetPolicy},
    Route{"DELETE", "/2015-03-31/functions/{}/policy/{}", "RemovePermission", RemovePermission},
    Route{"PUT", "/2017-10-31/functions/{}/concurrency", "PutFunctionConcurrency",
          PutFunctionConcurrency},
    Route{"GET", "/2019-09-30/functions/{}/concurrency", "GetFunctionConcurrency",
          GetFunctionConcurrency},
    Route{"DELETE", "/2017-10-31/functions/{}/concurrency", "DeleteFunctionConcurrency",
          DeleteFunctionConcurrency},
    Route{"PUT", "/2019-09-25/functions/{}/event-invoke-config", "PutFunctionEventInvokeConfig",
          PutFunctionEventInvokeConfig},
    Route{"POST", "/2019-09-25/functions/{}/event-invoke-config",
          "UpdateFunctionEventInvokeConfig", UpdateFunctionEventInvokeConfig},
    Route{"GET", "/2019-09-25/functions/{}/event-invoke-config", "GetFunctionEventInvokeConfig",
          GetFunctionEventInvokeConfig},
    Route{"DELETE", "/2019-09-25/functions/{}/event-invoke-config",
          "DeleteFunctionEventInvokeConfig", DeleteFunctionEventInvokeConfig},
    Route{"GET", "/2019-09-25/functions/{}/event-invoke-config/list",
          "ListFunctionEventInvokeConfigs", ListFunctionEventInvokeConfigs},
    Route{"GET", "/2016-08-19/account-settings", "GetAccountSettings", GetAccountSettings},
    Route{"POST", "/2018-10-31/layers/{}/versions", "PublishLayerVersion", PublishLayerVersion},
    Route{"GET", "/2018-10-31/layers/{}/versions/{}", "GetLayerVersion", GetLayerVersion},
    Route{"GET", "/2018-10-31/layers", "GetLayerVersionByArn", GetLayerVersionByArn,
          "find=LayerVersion"},
    Route{"GET", "/2018-10-31/layers", "ListLayers", ListLayers},
    Route{"GET", "/2018-10-31/layers/{}/versions", "ListLayerVersions", ListLayerVersions},
    Route{"DELETE", "/2018-10-31/layers/{}/versions/{}", "DeleteLayerVersion",
          DeleteLayerVersion},
    // Targets of the presigned download links (code_link.h); not AWS actions.
    Route{"GET", "/2015-03-31/functions/{}/package/{}", "DownloadFunctionPackage",
          DownloadFunctionPackage},
    Route{"GET", "/2018-10-31/layers/{}/versions/{}/package", "DownloadLayerPackage",
          DownloadLayerPackage},
};

bool QueryMatches(const http::Request& req, std::string_view want) {
  if (want.empty()) return true;
  size_t eq = want.find('=');
  const std::string* have = req.query.Get(want.substr(0, eq));
  return have && *have == want.substr(eq + 1);
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

// The route for the request and its decoded path parameters; nullptr when none matches.
const Route* FindRoute(const http::Request& req, std::vector<std::string>& params) {
  std::vector<std::string_view> have = Segments(req.path);
  for (const Route& r : kRoutes) {
    if (r.method != req.method || !QueryMatches(req, r.query)) continue;
    std::vector<std::string_view> want = Segments(r.path);
    if (want.size() != have.size()) continue;
    std::vector<std::string> found;
    bool match = true;
    for (size_t i = 0; i < want.size() && match; ++i) {
      if (want[i] == "{}") {
        auto decoded = UriDecode(have[i], false);
        match = decoded.has_value();
        if (match) found.push_back(std::move(*decoded));
      } else {
        match = want[i] == have[i];
      }
    }
    if (match) {
      params = std::move(found);
      return &r;
    }
  }
  return nullptr;
}

http::Response JsonResponse(int status, std::string body, const std::string& request_id) {
  http::Response r;
  r.status = status;
  r.headers.Add("Content-Type", "application/json");
  r.headers.Add("x-amzn-RequestId", request_id);
  r.body = std::move(body);
  return r;
}

http::Response ErrorResponse(const Error& error, const std::string& request_id) {
  json body = {{"Type", LambdaStatusForError(error.code) >= 500 ? "Service" : "User"},
               {"message", error.message}};
  std::string retry_after;
  for (const auto& [name, value] : error.details) {
    // TooManyRequestsException's retryAfterSeconds travels in the Retry-After header.
    if (name == "retryAfterSeconds") {
      retry_after = value;
    } else {
      body[name] = value;
    }
  }
  http::Response r = JsonResponse(LambdaStatusForError(error.code), body.dump(-1, ' ', false, json::error_handler_t::replace), request_id);
  if (!retry_after.empty()) r.headers.Add("Retry-After", retry_after);
  r.headers.Add("x-amzn-ErrorType", error.code);
  return r;
}

// The whole body, up to `limit` bytes; `action` names the operation in the error.
Task<Result<std::string>> ReadWholeBody(http::Exchange& ex, size_t limit, std::string_view action) {
  auto body = co_await http::ReadWholeBody(ex, limit);
  if (!body.ok() && body.error().code == "BodyTooLarge") {
    co_return MakeError("RequestEntityTooLargeException",
                        "Request must be smaller than " + std::to_string(limit) + " bytes for the " +
                            std::string(action) + " operation");
  }
  co_return body;
}

}  // namespace

int LambdaStatusForError(std::string_view code) {
  static constexpr std::array<std::pair<std::string_view, int>, 19> kStatuses = {{
      {"CodeStorageExceededException", 400},
      {"InvalidRuntimeException", 502},
      {"InvalidZipFileException", 502},
      {"AccessDeniedException", 403},
      {"InvalidParameterValueException", 400},
      {"InvalidRequestContentException", 400},
      {"InvalidSignatureException", 403},
      {"NotImplemented", 501},
      {"PolicyLengthExceededException", 400},
      {"PreconditionFailedException", 412},
      {"RequestEntityTooLargeException", 413},
      {"ResourceConflictException", 409},
      {"ResourceNotFoundException", 404},
      {"ServiceException", 500},
      {"TooManyRequestsException", 429},
      {"UnrecognizedClientException", 403},
      {"ValidationException", 400},
      {"IncompleteBody", 400},
      {"RequestTimeout", 408},
  }};
  for (const auto& [c, status] : kStatuses) {
    if (c == code) return status;
  }
  return 500;
}

Error AsLambdaAuthError(Error error) { return auth::AsJsonApiAuthError(std::move(error)); }

Task<Status> Context::SendJson(int status, const json& body) {
  return ex.Send(JsonResponse(status, body.dump(-1, ' ', false, json::error_handler_t::replace), request_id));
}

Task<Status> Context::Commit(std::vector<int> fds, std::vector<std::string> dirs,
                             std::function<Status(store::WriteTxn&)> apply) {
  return store::AwaitCommit(deps.committer, std::move(fds), std::move(dirs), std::move(apply));
}

void Context::FunctionChanged(const std::string& name) const {
  deps.execution.functions.Invalidate(name);
  deps.execution.pool.Retire(name);
}

void Context::FunctionSettingsChanged(const std::string& name) const {
  deps.execution.functions.Invalidate(name);
}

Result<store::FunctionRecord> ReadFunction(const Context& ctx, const std::string& name) {
  auto reader = ctx.deps.db.Reader();
  auto found = store::GetFunction(*reader, name);
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

LambdaService::LambdaService(Account account, LambdaDependencies deps)
    : account_(std::move(account)), deps_(deps) {}

Task<void> LambdaService::Handle(http::Exchange& ex) {
  std::string request_id = NewUuid();
  ex.log().request_id = request_id;
  ex.log().service = "lambda";
  Error error;
  bool failed = false;
  do {
    std::vector<std::string> params;
    const Route* route = FindRoute(ex.request(), params);
    if (route) ex.log().action = std::string(route->action);
    // Refused before a byte of the body is read.
    if (auth::DetectAuthKind(ex.request()) == auth::AuthKind::kAnonymous) {
      error = MakeError("AccessDeniedException", "Missing Authentication Token");
      failed = true;
      break;
    }
    // Plain locals: GCC 12 miscompiles conditional expressions inside a co_await's
    // arguments (the null route was dereferenced when the temporaries were destroyed).
    size_t limit = kMaxRequestBytes;
    std::string_view action;
    if (route) {
      limit = route->max_body;
      action = route->action;
    }
    auto body = co_await ReadWholeBody(ex, limit, action);
    if (!body.ok()) {
      error = std::move(body).error();
      failed = true;
      break;
    }
    auto verified = deps_.verifier.VerifyWithBody(ex.request(), Sha256Hex(*body));
    if (!verified.ok()) {
      error = AsLambdaAuthError(std::move(verified).error());
      failed = true;
      break;
    }
    ex.log().principal = verified->principal.access_key_id;
    if (!route) {
      error = MakeError("NotImplemented", "evoke does not serve " + ex.request().method + " " +
                                              ex.request().path + " of the Lambda API yet.");
      failed = true;
      break;
    }
    Context ctx{ex, account_, deps_, std::move(*body), std::move(params), request_id};
    Status s = co_await route->run(ctx);
    if (!s.ok()) {
      error = std::move(s).error();
      failed = true;
    }
  } while (false);

  if (failed && !ex.responded()) {
    ex.log().error_code = error.code;
    (void)co_await ex.Send(ErrorResponse(error, request_id));
  }
}

}  // namespace evoke::lambda
