// The answer to a request for an AWS service evoke does not serve, in the protocol the request
// speaks, so the client's own parser reads it: awsJson (X-Amz-Target or an x-amz-json content
// type) gets {"__type": "UnknownOperationException"}, RPCv2-CBOR the same in CBOR, awsQuery
// (Action= in the form or the query) an InvalidAction ErrorResponse. Anything else is REST, and
// the caller answers it as S3 does. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace evoke::api {

struct UnknownServiceAnswer {
  std::string error_code;  // for the access log
  http::Response response;
};

std::optional<UnknownServiceAnswer> RenderUnknownService(const http::Request& request,
                                                   std::string_view service,
                                                   const std::string& request_id);

}  // namespace evoke::api
