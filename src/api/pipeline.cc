#include "api/pipeline.h"

#include <array>

#include "api/json_codec.h"
#include "api/xml_codec.h"
#include "auth/json_api_errors.h"
#include "base/hash.h"
#include "base/ids.h"
#include "base/log.h"
#include "base/clock.h"
#include "base/time_format.h"
#include "http/read_body.h"

namespace evoke::api {
namespace {

// Codes any service may answer with, whatever its table says.
constexpr std::array<ErrorStatus, 8> kCommonErrors = {{
    {"IncompleteBody", 400},
    {"RequestTimeout", 408},
    {"NotImplemented", 501},
    {"UnknownOperationException", 400},
    {"SerializationException", 400},
    {"MissingAuthenticationTokenException", 403},
    {"UnrecognizedClientException", 403},
    {"InvalidSignatureException", 403},
}};

std::string TooLargeMessage(const Service& service, const Operation* op, size_t limit) {
  std::string m = "Request must be smaller than " + std::to_string(limit) + " bytes";
  if (service.too_large_names_operation && op) m += " for the " + op->name + " operation";
  return m;
}


// The condition keys IAM evaluates for every request.
std::vector<std::pair<std::string, std::string>> GlobalConditions(const Call& call) {
  int64_t now_ms = SystemClock().NowMs();
  std::vector<std::pair<std::string, std::string>> keys = {
      {"aws:SourceIp", call.request.remote_address},
      {"aws:SecureTransport", "false"},
      {"aws:CurrentTime", FormatIso8601(now_ms / 1000)},
      {"aws:EpochTime", std::to_string(now_ms / 1000)},
      {"aws:PrincipalArn", call.principal.arn},
      {"aws:PrincipalAccount", call.principal.account_id},
  };
  return keys;
}

// An error ClassifyError has classified, in the service's protocol.
http::Response RenderClassified(const Service& service, const Error& error, int status,
                                const std::string& request_id, std::string_view resource) {
  if (service.protocol == Protocol::kRestXml) {
    return RenderXmlError(error, status, resource, request_id, XmlHostId(request_id));
  }
  http::Response r = RenderJsonError(service, error, status);
  r.headers.Set("x-amzn-RequestId", request_id);
  return r;
}

}  // namespace

Error AsJsonAuthError(Error error) { return auth::AsJsonApiAuthError(std::move(error)); }

int ClassifyError(const Service& service, Error& error) {
  if (int status = service.StatusOf(error.code); status != 0) return status;
  for (const ErrorStatus& e : kCommonErrors) {
    if (e.code == error.code) return e.status;
  }
  LogError(service.name + ": internal failure answered as " + service.internal_error + ": " +
           error.code + ": " + error.message);
  error = MakeError(service.internal_error, service.internal_message);
  return 500;
}

Pipeline::Pipeline(auth::Verifier& verifier, const Authorizer& authorizer)
    : verifier_(verifier), authorizer_(authorizer) {}

http::Response Pipeline::RenderError(const Service& service, Error error,
                                     const std::string& request_id,
                                     std::string_view resource) const {
  int status = ClassifyError(service, error);
  return RenderClassified(service, error, status, request_id, resource);
}

Task<Result<Output>> Pipeline::RunRestXml(http::Exchange& ex, const Service& service,
                                          Call& call) const {
  // parse (the part that needs no body): which operation, and the resource it names.
  auto op = service.route(ex.request(), call);
  if (!op.ok()) co_return std::move(op).error();
  ex.log().action = (*op)->name;

  // authenticate the head; the operation verifies its body (payload hash, chunk signatures) as
  // it reads it.
  auto verified = verifier_.VerifyS3(ex.request(), call.sigv2_resource);
  if (!verified.ok()) co_return std::move(verified).error();
  if (auth::DetectAuthKind(ex.request()) == auth::AuthKind::kPresignedV2) {
    // The headers a SigV2 presigned URL carries in its query apply to the request, and may
    // change its operation (x-amz-copy-source makes a PUT a copy): route it again.
    if (Status s = auth::ApplySigV2QueryHeaders(ex.mutable_request()); !s.ok()) {
      co_return std::move(s).error();
    }
    op = service.route(ex.request(), call);
    if (!op.ok()) co_return std::move(op).error();
    ex.log().action = (*op)->name;
  }
  call.principal = verified->principal;
  call.verified = std::move(*verified);
  ex.log().principal = call.principal.access_key_id;

  // authorize
  std::string resource = (*op)->resource ? (*op)->resource(call) : std::string("*");
  Status allowed = authorizer_.Authorize(AuthorizationRequest{
      call.principal, (*op)->iam_action, resource, [&call] { return GlobalConditions(call); }});
  if (!allowed.ok()) co_return MakeError("AccessDenied", "Access Denied");

  // execute
  co_return co_await (*op)->run(call);
}

Task<Result<Output>> Pipeline::Run(http::Exchange& ex, const Service& service,
                                   Call& call) const {
  const http::Request& req = ex.request();
  // parse (the part that needs no body): which operation, for its body limit.
  const Operation* op = nullptr;
  if (service.protocol == Protocol::kRestJson) {
    op = MatchRestOperation(service, req, call.path_params);
  } else {
    op = FindTargetOperation(service, req);
  }
  if (op) ex.log().action = op->name;

  // authenticate, refusing unsigned requests before a byte of the body is read.
  if (auth::DetectAuthKind(req) == auth::AuthKind::kAnonymous) {
    co_return MakeError(service.missing_auth_error, "Missing Authentication Token");
  }
  // read
  size_t limit = service.max_body;
  if (op && op->max_body != 0) limit = op->max_body;
  auto body = co_await http::ReadWholeBody(ex, limit);
  if (!body.ok()) {
    if (body.error().code == "BodyTooLarge") {
      co_return MakeError(service.too_large_error, TooLargeMessage(service, op, limit));
    }
    co_return std::move(body).error();
  }
  auto verified = verifier_.VerifyWithBody(req, Sha256Hex(*body));
  if (!verified.ok()) co_return AsJsonAuthError(std::move(verified).error());
  call.principal = verified->principal;
  ex.log().principal = call.principal.access_key_id;
  call.body = std::move(*body);

  // parse
  if (!op) {
    if (service.unknown_operation) co_return service.unknown_operation(req);
    co_return MakeError("UnknownOperationException", "");
  }
  if (service.protocol != Protocol::kRestJson || service.parse_json_body) {
    auto input = ParseJsonInput(call.body);
    if (!input.ok()) co_return std::move(input).error();
    call.input = std::move(*input);
  } else {
    call.input = nlohmann::json::object();
  }

  // authorize
  std::string resource = op->resource ? op->resource(call) : std::string("*");
  Status allowed = authorizer_.Authorize(AuthorizationRequest{
      call.principal, op->iam_action, resource, [&call] { return GlobalConditions(call); }});
  if (!allowed.ok()) {
    co_return MakeError("AccessDeniedException", "User: " + call.principal.arn +
                                                     " is not authorized to perform: " +
                                                     op->iam_action + " on resource: " + resource);
  }

  // execute
  try {
    co_return co_await op->run(call);
  } catch (const nlohmann::json::exception& e) {
    // A member of an unexpected shape deeper than the operation checks.
    co_return MakeError("SerializationException", e.what());
  }
}

Task<Result<Output>> Pipeline::RunStages(http::Exchange& ex, const Service& service,
                                         Call& call) const {
  // Not one expression with two co_awaits (a conditional, or an assignment of a co_await's
  // result): GCC 12 destroys the wrong temporaries there.
  if (service.protocol == Protocol::kRestXml) co_return co_await RunRestXml(ex, service, call);
  co_return co_await Run(ex, service, call);
}

Task<void> Pipeline::Handle(http::Exchange& ex, const Service& service) const {
  const bool xml = service.protocol == Protocol::kRestXml;
  std::string request_id = xml ? NewRequestId() : NewUuid();
  ex.log().request_id = request_id;
  ex.log().service = service.name;
  Call call{ex.request(), {}, request_id};
  call.exchange = &ex;
  Result<Output> out = co_await RunStages(ex, service, call);
  if (ex.responded()) co_return;
  if (!out.ok()) {
    Error error = std::move(out).error();
    int status = ClassifyError(service, error);
    ex.log().error_code = error.code;
    // The path as the request named it: S3's <Resource>. Rendered before the co_await: GCC 12
    // mishandles temporaries built inside a co_await's arguments.
    http::Response r = RenderClassified(service, error, status, request_id, ex.request().path);
    (void)co_await ex.Send(std::move(r));
    co_return;
  }
  std::shared_ptr<BodySource> stream = std::move(out->stream);
  http::Response r;
  if (xml) {
    r = RenderXmlOutput(std::move(*out), request_id, XmlHostId(request_id));
  } else {
    r = RenderJsonOutput(service, std::move(*out));
    r.headers.Set("x-amzn-RequestId", request_id);
  }
  if (!stream) {
    (void)co_await ex.Send(std::move(r));
    co_return;
  }
  r.content_length = stream->size();
  if (Status s = co_await ex.SendHead(r); !s.ok()) co_return;
  std::string piece;
  for (uint64_t sent = 0; sent < stream->size();) {
    piece.resize(std::min<uint64_t>(1 << 20, stream->size() - sent));
    auto got = stream->Read(piece.data(), piece.size());
    if (!got.ok() || *got == 0) {
      // The head is out: all that is left is to cut the response short.
      LogError(service.name + ": response body ended early: " +
               (got.ok() ? std::string("short read") : got.error().message));
      ex.CloseAfterResponse();
      co_return;
    }
    piece.resize(*got);
    if (Status s = co_await ex.SendBody(piece); !s.ok()) co_return;
    sent += *got;
  }
}

}  // namespace evoke::api
