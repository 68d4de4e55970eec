// The JSON protocols' codec: awsJson1.0 and awsJson1.1 (operation named by X-Amz-Target,
// members in the body) and rest-json (operation named by method and path). Parses input
// documents and renders results and errors exactly as those protocols do. Pure; used by the
// pipeline (api/pipeline.cc) and its unit tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/service.h"
#include "base/result.h"
#include "http/message.h"

namespace evoke::api {

// The operation an awsJson request names in X-Amz-Target ("Logs_20140328.PutLogEvents");
// nullptr when the target has another prefix or names no operation of the service.
const Operation* FindTargetOperation(const Service& service, const http::Request& request);

// A JSON body as an input document: an empty body is {}; anything but an object is
// SerializationException.
Result<nlohmann::json> ParseJsonInput(std::string_view body);

// A result: the document as a JSON body with the protocol's Content-Type; a payload or an
// empty body as they are.
http::Response RenderJsonOutput(const Service& service, Output output);

// An error with its status: `__type` (awsJson) or x-amzn-ErrorType plus the service's message
// member (rest-json); error details become members beside the message, except
// retryAfterSeconds, which travels as Retry-After.
http::Response RenderJsonError(const Service& service, const Error& error, int status);

}  // namespace evoke::api
