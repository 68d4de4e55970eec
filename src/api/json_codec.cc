#include "api/json_codec.h"

namespace evoke::api {
namespace {

using nlohmann::json;

std::string_view ContentType(Protocol protocol) {
  switch (protocol) {
    case Protocol::kAwsJson10:
      return "application/x-amz-json-1.0";
    case Protocol::kAwsJson11:
      return "application/x-amz-json-1.1";
    default:
      return "application/json";
  }
}

bool IsAwsJson(Protocol protocol) {
  return protocol == Protocol::kAwsJson10 || protocol == Protocol::kAwsJson11;
}

}  // namespace

const Operation* FindTargetOperation(const Service& service, const http::Request& request) {
  auto target = request.headers.Get("X-Amz-Target");
  if (!target || !target->starts_with(service.target_prefix)) return nullptr;
  std::string_view name = target->substr(service.target_prefix.size());
  for (const Operation& op : service.operations) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

Result<json> ParseJsonInput(std::string_view body) {
  if (body.empty()) return json::object();
  json input = json::parse(body, nullptr, false);
  if (input.is_discarded() || !input.is_object()) {
    return MakeError("SerializationException", "");
  }
  return input;
}

http::Response RenderJsonOutput(const Service& service, Output output) {
  http::Response r;
  r.status = output.status;
  r.headers = std::move(output.headers);
  if (output.document) {
    r.headers.Set("Content-Type", std::string(ContentType(service.protocol)));
    r.body = output.document->dump(-1, ' ', false, json::error_handler_t::replace);
  } else if (output.payload) {
    r.body = std::move(*output.payload);
  }
  return r;
}

http::Response RenderJsonError(const Service& service, const Error& error, int status) {
  http::Response r;
  r.status = status;
  r.headers.Add("Content-Type", std::string(ContentType(service.protocol)));
  r.headers.Add("x-amzn-ErrorType", error.code);
  json body = json::object();
  if (IsAwsJson(service.protocol)) {
    body["__type"] = error.code;
    if (!error.message.empty()) body["message"] = error.message;
  } else {
    if (service.error_fault_type) body["Type"] = status >= 500 ? "Service" : "User";
    body[service.error_message_member] = error.message;
  }
  for (const auto& [name, value] : error.details) {
    if (name == "retryAfterSeconds") {
      r.headers.Add("Retry-After", value);
    } else {
      body[name] = value;
    }
  }
  if (service.query_compatible) {
    r.headers.Add("x-amzn-query-error",
                  error.code + ";" + (status >= 500 ? "Receiver" : "Sender"));
  }
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

}  // namespace evoke::api
