// The REST-XML protocol's codec (S3): a result goes out as the operation built it (its status,
// its headers, its XML or object bytes, or a stream), an error as S3's <Error> document with
// the service's status for its code. Every answer carries x-amz-request-id and x-amz-id-2. Pure;
// used by the pipeline (api/pipeline.cc) and its unit tests.
#pragma once

#include <string>
#include <string_view>

#include "api/service.h"
#include "base/result.h"
#include "http/message.h"

namespace evoke::api {

// S3's host id for a request id (x-amz-id-2, <HostId>).
std::string XmlHostId(std::string_view request_id);

http::Response RenderXmlOutput(Output output, std::string_view request_id,
                               std::string_view host_id);

// <Error><Code/><Message/>[details]<Resource/><RequestId/><HostId/></Error>; a "Region" detail
// also travels as x-amz-bucket-region (redirect hints), a detail named "x-amz-..." (lower case)
// or "Last-Modified" only as that header; a 304 carries no body.
http::Response RenderXmlError(const Error& error, int status, std::string_view resource,
                              std::string_view request_id, std::string_view host_id);

}  // namespace evoke::api
