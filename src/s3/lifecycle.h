// Lifecycle rules (docs/lifecycle.md): the configuration PutBucketLifecycleConfiguration takes,
// validated as S3 validates it, the form GetBucketLifecycleConfiguration returns, and what a
// rule says about an object: whether it applies and when the object expires. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "s3/tagging.h"
#include "store/objects.h"

namespace evoke::s3 {

struct LifecycleFilter {
  // How the rule spelled its filter, so it is returned as it was given.
  enum class Form { kLegacyPrefix, kEmpty, kPrefix, kTag, kSizeGreater, kSizeLess, kAnd };
  Form form = Form::kEmpty;
  std::string prefix;
  TagSet tags;
  std::optional<uint64_t> size_greater;  // ObjectSizeGreaterThan (exclusive)
  std::optional<uint64_t> size_less;     // ObjectSizeLessThan (exclusive)
};

struct LifecycleRule {
  std::string id;
  bool enabled = false;
  LifecycleFilter filter;
  std::optional<int64_t> expiration_days;
  std::optional<int64_t> expiration_date_ms;  // midnight UTC
  bool expired_object_delete_marker = false;
  std::optional<int64_t> noncurrent_days;
  std::optional<int64_t> newer_noncurrent_versions;
  std::optional<int64_t> abort_upload_days;
};

struct LifecycleConfig {
  std::vector<LifecycleRule> rules;
};

inline constexpr size_t kMaxLifecycleRules = 1000;

// A <LifecycleConfiguration> document: MalformedXML, InvalidArgument, InvalidRequest as S3
// answers; NotImplemented for transitions (evoke has one storage tier).
Result<LifecycleConfig> ParseLifecycleXml(std::string_view xml);
// The document GetBucketLifecycleConfiguration returns (and the bucket record keeps).
std::string LifecycleXml(const LifecycleConfig& config);

// Whether the rule's filter takes an object of this key, size and tags.
bool FilterMatches(const LifecycleFilter& filter, std::string_view key, uint64_t size,
                   const TagSet& tags);
// When something `days` days after `from_ms` is due: that instant rounded up to the next midnight
// UTC, as S3 counts lifecycle days.
int64_t LifecycleDueMs(int64_t from_ms, int64_t days);
// 00:00 UTC of the day `ms` falls in.
int64_t LifecycleDayStartMs(int64_t ms);

struct ObjectExpiration {
  int64_t at_ms = 0;
  std::string rule_id;
};
// When the current version `object` expires under the enabled Expiration rules (the earliest),
// or none.
std::optional<ObjectExpiration> ExpirationOf(const LifecycleConfig& config,
                                             const store::ObjectRecord& object);
// When an upload of `key` initiated at `initiated_ms` is aborted by the enabled
// AbortIncompleteMultipartUpload rules (the earliest), or none.
std::optional<ObjectExpiration> AbortOf(const LifecycleConfig& config, std::string_view key,
                                        int64_t initiated_ms);
// The x-amz-expiration header's value: expiry-date="<HTTP date>", rule-id="<id>".
std::string ExpirationHeader(const ObjectExpiration& expiration);

}  // namespace evoke::s3
