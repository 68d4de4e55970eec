// Where an S3 request points: the bucket and key from a path-style or virtual-hosted-style
// request, and AWS's rules for bucket names and keys. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "http/message.h"
#include "s3/dispatch.h"

namespace evoke::s3 {

inline constexpr size_t kMaxKeyBytes = 1024;

struct Target {
  Level level = Level::kService;
  std::string bucket;
  std::string key;  // decoded
  bool virtual_host = false;  // the bucket came from the Host header
};

// `domains` are the host names under which buckets are virtual hosts ("localhost" makes
// "photos.localhost" the bucket "photos"). Errors: InvalidURI for an undecodable path.
Result<Target> ParseTarget(const http::Request& request, const std::vector<std::string>& domains);

// The rules of CreateBucket (InvalidBucketName).
Status ValidateBucketName(std::string_view name);
// KeyTooLongError past 1024 bytes; InvalidArgument for a key that is not UTF-8.
Status ValidateKey(std::string_view key);

}  // namespace evoke::s3
