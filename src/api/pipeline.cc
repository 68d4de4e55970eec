#include "api/pipeline.h"

#include <array>

#include "api/cbor_codec.h"
#include "api/gzip.h"
#include "api/json_codec.h"
#include "api/query_codec.h"
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
      {"aws:PrincipalArn", call.principal.kind == auth::Principal::Kind::kAssumedRole
                               ? call.principal.role_arn
                               : call.principal.arn},
      {"aws:PrincipalAccount", call.principal.account_id},
  };
  return keys;
}

nlohmann::ordered_json ToOrdered(const nlohmann::json& value) {
  if (value.is_object()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& [k, v] : value.items()) out[k] = ToOrdered(v);
    return out;
  }
  if (value.is_array()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& v : value) out.push_back(ToOrdered(v));
    return out;
  }
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_float()) return value.get<double>();
  return nullptr;
}

// The xmlns of a service's awsQuery answers.
const std::string& QueryNamespace(const Service& service) {
  return service.xml_namespace.empty() ? service.target_prefix : service.xml_namespace;
}

// The RPCv2-CBOR path of a service's operations: /service/<shape name>/operation/.
std::string CborPathPrefix(const Service& service) {
  std::string_view name = service.target_prefix;
  if (name.ends_with('.')) name.remove_suffix(1);
  return "/service/" + std::string(name) + "/operation/";
}

const Operation* FindCborOperation(const Service& service, const http::Request& request) {
  std::string prefix = CborPathPrefix(service);
  if (!request.path.starts_with(prefix)) return nullptr;
  std::string_view name = std::string_view(request.path).substr(prefix.size());
  for (const Operation& op : service.operations) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

// The headers of every RPCv2-CBOR answer.
void AddCborHeaders(http::Headers& headers) {
  headers.Set(std::string(kSmithyProtocolHeader), std::string(kRpcV2CborProtocol));
  headers.Set("Content-Type", std::string(kCborContentType));
}

// An awsQuery result: <ActionResponse><ActionResult>the document</ActionResult>...; a payload
// goes out as it is.
http::Response RenderQueryOutput(const Service& service, const std::string& action,
                                 Output output, const std::string& request_id) {
  http::Response r;
  r.status = output.status;
  r.headers = std::move(output.headers);
  r.headers.Set("Content-Type", "text/xml");
  r.headers.Set("x-amzn-RequestId", request_id);
  if (output.payload) {
    r.body = std::move(*output.payload);
  } else {
    nlohmann::ordered_json result =
        output.document ? ToOrdered(*output.document) : nlohmann::ordered_json();
    r.body = RenderQueryResponse(action, QueryNamespace(service), result, request_id);
  }
  return r;
}

// An RPCv2-CBOR result: the document as CBOR, no document as an empty body.
http::Response RenderCborOutput(Output output) {
  http::Response r;
  r.status = output.status;
  r.headers = std::move(output.headers);
  if (output.document) {
    r.body = EncodeCborOutput(*output.document);
  } else if (output.payload) {
    r.body = std::move(*output.payload);
  }
  AddCborHeaders(r.headers);
  return r;
}

// An error ClassifyError has classified, in the protocol of the request.
http::Response RenderClassified(const Service& service, Protocol protocol, const Error& error,
                                int status, const std::string& request_id,
                                std::string_view resource) {
  if (protocol == Protocol::kRestXml) {
    return RenderXmlError(error, status, resource, request_id, XmlHostId(request_id));
  }
  const char* fault = status >= 500 ? "Receiver" : "Sender";
  if (protocol == Protocol::kAwsQuery) {
    http::Response r;
    r.status = status;
    r.headers.Add("Content-Type", "text/xml");
    r.headers.Add("x-amzn-RequestId", request_id);
    r.body = RenderQueryError(fault, error, request_id, QueryNamespace(service));
    return r;
  }
  // JSON and CBOR bodies name a query-compatible service's error by its shape; the query code
  // travels in x-amzn-query-error (botocore's _do_query_compatible_error_parse).
  Error shaped = error;
  if (service.query_compatible) shaped.code = std::string(service.ShapeOf(error.code));
  http::Response r;
  if (protocol == Protocol::kRpcV2Cbor) {
    r.status = status;
    r.body = EncodeCborError(shaped);
    AddCborHeaders(r.headers);
  } else {
    r = RenderJsonError(service, shaped, status);
  }
  if (service.query_compatible) r.headers.Set("x-amzn-query-error", error.code + ";" + fault);
  r.headers.Set("x-amzn-RequestId", request_id);
  return r;
}

// The answer of a service endpoint that takes calls from any web page (Service::open_cors) to a
// preflight: any origin, the methods REST APIs use, the headers asked for, cached for two days.
http::Response OpenPreflight(const http::Request& req, const std::string& request_id) {
  http::Response r;
  r.status = 200;
  r.headers.Set("x-amzn-RequestId", request_id);
  r.headers.Set("Access-Control-Allow-Origin", "*");
  r.headers.Set("Access-Control-Allow-Methods", "GET, PUT, POST, DELETE, HEAD, PATCH");
  if (auto asked = req.headers.Get("Access-Control-Request-Headers")) {
    r.headers.Set("Access-Control-Allow-Headers", std::string(*asked));
  }
  r.headers.Set("Access-Control-Max-Age", "172800");
  return r;
}

void AddCrossOrigin(const Service& service, const Call& call, http::Headers& headers) {
  if (service.open_cors) {
    headers.Set("Access-Control-Allow-Origin", "*");
    if (!service.cors_expose.empty()) {
      headers.Set("Access-Control-Expose-Headers", service.cors_expose);
    }
  }
  if (service.cross_origin) service.cross_origin(call, headers);
}

// A gzip body (Service::gzip_requests) decompressed, after its signature was verified.
Status Decompress(const Service& service, const http::Request& req, std::string& body) {
  if (!service.gzip_requests) return {};
  auto encoding = req.headers.GetCombined("Content-Encoding");
  if (!encoding || !IsGzipEncoding(*encoding)) return {};
  auto plain = Gunzip(body, service.max_decompressed_body);
  if (!plain.ok()) {
    if (plain.error().code == "BodyTooLarge") {
      return MakeError(service.too_large_error,
                       TooLargeMessage(service, nullptr, service.max_decompressed_body));
    }
    return std::move(plain).error();
  }
  body = std::move(*plain);
  return {};
}

}  // namespace

Protocol RequestProtocol(const Service& service, const http::Request& request) {
  if (service.also_speaks.empty()) return service.protocol;
  if (service.Speaks(Protocol::kRpcV2Cbor) && request.path.starts_with(CborPathPrefix(service))) {
    return Protocol::kRpcV2Cbor;
  }
  if (request.headers.Has("X-Amz-Target")) {
    if (service.Speaks(Protocol::kAwsJson10)) return Protocol::kAwsJson10;
    if (service.Speaks(Protocol::kAwsJson11)) return Protocol::kAwsJson11;
  }
  if (service.Speaks(Protocol::kAwsQuery)) {
    auto content_type = request.headers.Get("Content-Type");
    bool form = content_type && content_type->starts_with("application/x-www-form-urlencoded");
    if (form || request.query.Has("Action")) return Protocol::kAwsQuery;
  }
  return service.protocol;
}

Error AsJsonAuthError(Error error) { return auth::AsJsonApiAuthError(std::move(error)); }

Error AsQueryAuthError(Error error) { return auth::AsQueryApiAuthError(std::move(error)); }

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
  return RenderServiceError(service, service.protocol, std::move(error), request_id, resource);
}

http::Response RenderServiceError(const Service& service, Protocol protocol, Error error,
                                  const std::string& request_id, std::string_view resource) {
  int status = ClassifyError(service, error);
  return RenderClassified(service, protocol, error, status, request_id, resource);
}

http::Response RenderServiceOutput(const Service& service, Protocol protocol,
                                   const std::string& operation, Output output,
                                   const std::string& request_id) {
  http::Response r;
  if (protocol == Protocol::kRestXml) {
    r = RenderXmlOutput(std::move(output), request_id, XmlHostId(request_id));
  } else if (protocol == Protocol::kAwsQuery) {
    r = RenderQueryOutput(service, operation, std::move(output), request_id);
  } else if (protocol == Protocol::kRpcV2Cbor) {
    r = RenderCborOutput(std::move(output));
    r.headers.Set("x-amzn-RequestId", request_id);
  } else {
    r = RenderJsonOutput(service, std::move(output));
    r.headers.Set("x-amzn-RequestId", request_id);
  }
  return r;
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
  call.operation = (*op)->name;
  if (Status allowed = Authorize(service, **op, call); !allowed.ok()) co_return allowed.error();

  // execute
  co_return co_await (*op)->run(call);
}

Task<Result<Output>> Pipeline::Run(http::Exchange& ex, const Service& service,
                                   Call& call) const {
  const http::Request& req = ex.request();
  // parse (the part that needs no body): which operation, for its body limit.
  const Operation* op = nullptr;
  if (call.protocol == Protocol::kRestJson) {
    op = MatchRestOperation(service, req, call.path_params);
  } else if (call.protocol == Protocol::kRpcV2Cbor) {
    op = FindCborOperation(service, req);
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
  if (!verified.ok()) {
    // A query-compatible service's table names its errors by their query codes, which its
    // JSON and CBOR answers carry in x-amzn-query-error.
    Error refused = std::move(verified).error();
    co_return service.query_compatible ? AsQueryAuthError(std::move(refused))
                                       : AsJsonAuthError(std::move(refused));
  }
  call.principal = verified->principal;
  ex.log().principal = call.principal.access_key_id;
  call.body = std::move(*body);
  if (Status s = Decompress(service, req, call.body); !s.ok()) co_return std::move(s).error();

  // parse
  if (!op) {
    if (service.unknown_operation) co_return service.unknown_operation(req);
    co_return MakeError("UnknownOperationException", "");
  }
  if (call.protocol == Protocol::kRpcV2Cbor) {
    auto input = DecodeCborInput(call.body);
    if (!input.ok()) co_return std::move(input).error();
    call.input = std::move(*input);
  } else if (call.protocol != Protocol::kRestJson || service.parse_json_body) {
    auto input = ParseJsonInput(call.body);
    if (!input.ok()) co_return std::move(input).error();
    call.input = std::move(*input);
  } else {
    call.input = nlohmann::json::object();
  }

  // authorize
  call.operation = op->name;
  if (Status allowed = Authorize(service, *op, call); !allowed.ok()) co_return allowed.error();

  // execute
  try {
    co_return co_await op->run(call);
  } catch (const nlohmann::json::exception& e) {
    // A member of an unexpected shape deeper than the operation checks.
    co_return MakeError("SerializationException", e.what());
  }
}

Status Pipeline::Authorize(const Service& service, const Operation& op, Call& call) const {
  call.authorize_also = [this, &service, &op, &call](
                            std::string_view action, const std::string& resource,
                            const std::vector<std::pair<std::string, std::string>>& extra) {
    return Decide(service, op, call, action, resource, extra);
  };
  if (op.iam_action.empty()) return {};  // the operation decides itself, or needs no permission
  return Decide(service, op, call, op.iam_action,
                op.resource ? op.resource(call) : std::string("*"), {});
}

Status Pipeline::Decide(const Service& service, const Operation& op, const Call& call,
                        std::string_view action, const std::string& resource,
                        const std::vector<std::pair<std::string, std::string>>& extra) const {
  // The callbacks capture one pointer, so std::function keeps them without allocating.
  struct Asked {
    const Call& call;
    const Operation& op;
    std::string_view action;
    const std::string& resource;
    const std::vector<std::pair<std::string, std::string>>& extra;
  } asked{call, op, action, resource, extra};
  AuthorizationRequest request{call.principal, action, resource, [&asked] {
                                 auto keys = GlobalConditions(asked.call);
                                 if (asked.op.condition_keys) {
                                   asked.op.condition_keys(asked.call, keys);
                                 }
                                 keys.insert(keys.end(), asked.extra.begin(), asked.extra.end());
                                 return keys;
                               }};
  if (op.resource_policy) {
    request.resource_policy = [&asked] {
      return asked.op.resource_policy(asked.call, asked.action, asked.resource);
    };
  }
  Status allowed = authorizer_.Authorize(request);
  if (allowed.ok()) return {};
  Error denied = std::move(allowed).error();
  denied.code = service.access_denied_error;
  return denied;
}

Task<Result<Output>> Pipeline::RunQuery(http::Exchange& ex, const Service& service,
                                        Call& call) const {
  const http::Request& req = ex.request();
  // authenticate, refusing unsigned requests before a byte of the body is read.
  if (auth::DetectAuthKind(req) == auth::AuthKind::kAnonymous) {
    co_return MakeError(service.missing_auth_error, "Request is missing Authentication Token");
  }
  // read
  auto body = co_await http::ReadWholeBody(ex, service.max_body);
  if (!body.ok()) {
    if (body.error().code == "BodyTooLarge") {
      co_return MakeError(service.too_large_error, TooLargeMessage(service, nullptr,
                                                                   service.max_body));
    }
    co_return std::move(body).error();
  }
  auto verified = verifier_.VerifyWithBody(req, Sha256Hex(*body));
  if (!verified.ok()) co_return AsQueryAuthError(std::move(verified).error());
  call.principal = verified->principal;
  ex.log().principal = call.principal.access_key_id;
  if (Status s = Decompress(service, req, *body); !s.ok()) co_return std::move(s).error();

  // parse: Action= names the operation, the rest of the form is its input.
  auto parsed = ParseQueryRequest(*body, req.raw_query);
  if (!parsed.ok()) co_return std::move(parsed).error();
  const Operation* op = nullptr;
  for (const Operation& candidate : service.operations) {
    if (candidate.name == parsed->action) op = &candidate;
  }
  if (!op) {
    co_return MakeError("InvalidAction", "The action or operation requested is invalid. Verify "
                                         "that the action is typed correctly.");
  }
  ex.log().action = op->name;
  call.input = std::move(parsed->params);
  call.body = std::move(*body);

  // authorize
  call.operation = op->name;
  if (Status allowed = Authorize(service, *op, call); !allowed.ok()) co_return allowed.error();

  // execute
  try {
    co_return co_await op->run(call);
  } catch (const nlohmann::json::exception& e) {
    co_return MakeError("InvalidParameterValue", e.what());
  }
}

Task<Result<Output>> Pipeline::RunStages(http::Exchange& ex, const Service& service,
                                         Call& call) const {
  // Not one expression with two co_awaits (a conditional, or an assignment of a co_await's
  // result): GCC 12 destroys the wrong temporaries there.
  if (call.protocol == Protocol::kRestXml) co_return co_await RunRestXml(ex, service, call);
  if (call.protocol == Protocol::kAwsQuery) co_return co_await RunQuery(ex, service, call);
  co_return co_await Run(ex, service, call);
}

Task<void> Pipeline::Handle(http::Exchange& ex, const Service& service) const {
  const Protocol protocol = RequestProtocol(service, ex.request());
  const bool xml = protocol == Protocol::kRestXml;
  std::string request_id = xml ? NewRequestId() : NewUuid();
  ex.log().request_id = request_id;
  ex.log().service = service.name;
  if (service.open_cors && ex.request().method == "OPTIONS") {
    ex.log().action = "PreflightRequest";
    http::Response r = OpenPreflight(ex.request(), request_id);
    (void)co_await ex.Send(std::move(r));
    co_return;
  }
  Call call{ex.request(), {}, request_id};
  call.exchange = &ex;
  call.protocol = protocol;
  Result<Output> out = co_await RunStages(ex, service, call);
  if (ex.responded()) co_return;
  const bool from_page = ex.request().headers.Has("Origin");
  if (!out.ok()) {
    Error error = std::move(out).error();
    int status = ClassifyError(service, error);
    ex.log().error_code = error.code;
    // The path as the request named it: S3's <Resource>. Rendered before the co_await: GCC 12
    // mishandles temporaries built inside a co_await's arguments.
    http::Response r =
        RenderClassified(service, protocol, error, status, request_id, ex.request().path);
    if (from_page) AddCrossOrigin(service, call, r.headers);
    (void)co_await ex.Send(std::move(r));
    co_return;
  }
  std::shared_ptr<BodySource> stream = std::move(out->stream);
  http::Response r =
      RenderServiceOutput(service, protocol, call.operation, std::move(*out), request_id);
  if (from_page) AddCrossOrigin(service, call, r.headers);
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
