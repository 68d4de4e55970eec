#include "api/unknown_service.h"

#include "api/cbor_codec.h"
#include "api/json_codec.h"
#include "api/query_codec.h"
#include "api/service.h"

namespace evoke::api {
namespace {

bool HasPrefix(const std::optional<std::string_view>& value, std::string_view prefix) {
  return value && value->starts_with(prefix);
}

}  // namespace

std::optional<UnknownServiceAnswer> RenderUnknownService(const http::Request& request,
                                                   std::string_view service,
                                                   const std::string& request_id) {
  std::string message = "evoke does not serve the '" + std::string(service) + "' service yet.";
  auto content_type = request.headers.Get("Content-Type");
  http::Response r;
  r.status = 400;
  if (HasPrefix(request.headers.Get("smithy-protocol"), "rpc-v2-cbor")) {
    r.headers.Add("smithy-protocol", "rpc-v2-cbor");
    r.headers.Add("Content-Type", "application/cbor");
    r.headers.Add("x-amzn-RequestId", request_id);
    r.body = EncodeCborError(MakeError("UnknownOperationException", message));
    return UnknownServiceAnswer{"UnknownOperationException", std::move(r)};
  }
  if (request.headers.Get("X-Amz-Target") || HasPrefix(content_type, "application/x-amz-json")) {
    Service json_service;
    json_service.name = std::string(service);
    json_service.protocol = HasPrefix(content_type, "application/x-amz-json-1.0")
                                ? Protocol::kAwsJson10
                                : Protocol::kAwsJson11;
    r = RenderJsonError(json_service, MakeError("UnknownOperationException", message), 400);
    r.headers.Set("x-amzn-RequestId", request_id);
    return UnknownServiceAnswer{"UnknownOperationException", std::move(r)};
  }
  bool form = HasPrefix(content_type, "application/x-www-form-urlencoded");
  if ((form && request.method == "POST") || request.query.Get("Action")) {
    r.headers.Add("Content-Type", "text/xml");
    r.headers.Add("x-amzn-RequestId", request_id);
    r.body = RenderQueryError("Sender", MakeError("InvalidAction", message), request_id);
    return UnknownServiceAnswer{"InvalidAction", std::move(r)};
  }
  return std::nullopt;
}

}  // namespace evoke::api
