// The policy of a browser's form upload (S3 POST Object): a base64 JSON document with an
// expiration and the conditions every form field must meet (exact match, starts-with, and the
// file's content-length-range). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace evoke::s3 {

struct PostCondition {
  enum class Kind { kEq, kStartsWith, kContentLengthRange };
  Kind kind = Kind::kEq;
  std::string field;  // lower case, without the "$"
  std::string written;  // the field as the policy writes it, for error messages
  std::string value;
  int64_t min = 0;    // content-length-range only
  int64_t max = 0;
};

struct PostPolicy {
  int64_t expiration_ms = 0;
  std::vector<PostCondition> conditions;
};

// The form's fields S3 checks against a policy: lower-case names, in form order. The bucket is
// one ("bucket"), and the key is the one with ${filename} replaced.
using FormFields = std::vector<std::pair<std::string, std::string>>;

// Decodes and parses the policy field: InvalidPolicyDocument with S3's reason.
Result<PostPolicy> ParsePostPolicy(std::string_view base64);

// The policy's expiration and its field conditions, and that every field is covered by one
// (except the ones S3 exempts: the signature, the policy itself, the file and x-ignore-*):
// AccessDenied "Invalid according to Policy: ...".
Status CheckPostPolicy(const PostPolicy& policy, const FormFields& fields, int64_t now_ms);

// The largest file the policy's content-length-range conditions allow (UINT64_MAX: none).
uint64_t PostMaxLength(const PostPolicy& policy);
// The file's size against the policy's content-length-range: EntityTooSmall, EntityTooLarge.
Status CheckPostLength(const PostPolicy& policy, uint64_t size);

}  // namespace evoke::s3
