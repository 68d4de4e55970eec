// HTTP Range and conditional requests as S3 evaluates them (RFC 9110 with S3's choices):
// single byte ranges, If-Match / If-None-Match / If-Modified-Since / If-Unmodified-Since, the
// x-amz-copy-source-if-* family, and conditional writes. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "http/message.h"

namespace evoke::s3 {

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
  uint64_t length() const { return last - first + 1; }
};

struct RangeSpec {
  enum class Kind { kWhole, kRange, kUnsatisfiable } kind = Kind::kWhole;
  ByteRange range;
};

// S3 serves one range; a header it cannot parse, or one with several ranges, gets the whole
// object. bytes=a-b, bytes=a-, bytes=-n.
RangeSpec ParseRange(std::string_view header, uint64_t size);

enum class Precondition { kProceed, kNotModified, kFailed };

// For GET and HEAD: failed If-Match / If-Unmodified-Since → kFailed (412); matching
// If-None-Match / unmodified If-Modified-Since → kNotModified (304).
Precondition EvaluateConditions(const http::Headers& headers, std::string_view etag,
                                int64_t last_modified_s);
// For the copy source: every failure is kFailed.
Precondition EvaluateCopySourceConditions(const http::Headers& headers, std::string_view etag,
                                          int64_t last_modified_s);

// Conditional writes (PutObject, CopyObject, CompleteMultipartUpload; S3 since 2024):
// If-None-Match: * writes only where no object is, If-Match: ETag only over that object.
struct WriteConditions {
  bool if_none_match = false;
  std::optional<std::string> if_match;
  bool any() const { return if_none_match || if_match.has_value(); }
};
// NotImplemented for an If-None-Match other than "*" (S3 takes no other on a write).
Result<WriteConditions> ParseWriteConditions(const http::Headers& headers);
// Against the ETag of the object `key` has when the write commits (nullopt: none): 412
// PreconditionFailed, or NoSuchKey for If-Match where there is no object.
Status CheckWriteConditions(const WriteConditions& conditions,
                            std::optional<std::string_view> current_etag, std::string_view key);

// True when `header` (a comma-separated list of quoted ETags, or *) names `etag`.
bool EtagListMatches(std::string_view header, std::string_view etag);

}  // namespace evoke::s3
