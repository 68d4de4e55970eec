// SigV2 (HMAC-SHA1) as S3 still accepts it: "Authorization: AWS AKID:signature" and presigned
// URLs with AWSAccessKeyId, Expires and Signature. boto3 and the aws CLI v1 presign with it by
// default in us-east-1. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "http/message.h"

namespace evoke::auth {

struct SigV2Params {
  std::string access_key_id;
  std::string signature;  // base64
  bool presigned = false;
  int64_t expires_s = 0;  // presigned: X seconds since the epoch
  std::string expires;    // presigned: Expires as sent (what was signed)
};

// "AWS AKID:signature"; nullopt-like error for anything else.
Result<SigV2Params> ParseSigV2Header(std::string_view header);
// AWSAccessKeyId, Signature and Expires from the query.
Result<SigV2Params> ParseSigV2Query(const http::Query& query);

// The string to sign. `resource` is the request path as sent, always starting with the bucket
// (virtual-hosted requests put "/bucket" in front). For presigned requests the Expires value
// takes the Date line, and headers that presigning moved into the query count as headers.
std::string SigV2StringToSign(const http::Request& request, std::string_view resource,
                              const SigV2Params& params);
std::string SigV2Signature(std::string_view secret, std::string_view string_to_sign);

// After a presigned SigV2 request verified: the Content-MD5, Content-Type and x-amz-* values it
// signed in its query apply to it as headers (clients move them there when presigning), so what
// is used is what was signed. A header of the same name that differs is AccessDenied.
Status ApplySigV2QueryHeaders(http::Request& request);

}  // namespace evoke::auth
