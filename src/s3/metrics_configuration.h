// Bucket metrics configurations (docs/metrics.md, "AWS/S3"): the documents of
// Put/Get/List/DeleteBucketMetricsConfiguration, their stored form, and which requests a
// configuration's filter counts. Pure; used by bucket_metrics.cc and request_metrics.cc.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "s3/tagging.h"

namespace evoke::s3 {

// S3's limit on a bucket's configurations (TooManyConfigurations past it), and the page size of
// ListBucketMetricsConfigurations.
inline constexpr size_t kMaxMetricsConfigurations = 1000;
inline constexpr size_t kMetricsListPage = 100;

// A configuration's Filter: none (every request to the bucket), a Prefix, a Tag, an
// AccessPointArn, or an And of at least two of them (tags more than once).
struct MetricsFilter {
  enum class Form { kNone, kPrefix, kTag, kAccessPointArn, kAnd };
  Form form = Form::kNone;
  std::optional<std::string> prefix;
  TagSet tags;
  std::optional<std::string> access_point_arn;
};

struct MetricsConfiguration {
  std::string id;
  MetricsFilter filter;
};

// S3's rule for an Id: 1 to 64 letters, digits, periods, dashes and underscores.
bool IsValidMetricsId(std::string_view id);

// A <MetricsConfiguration> as PutBucketMetricsConfiguration takes it: an Id and at most one
// Filter of exactly one predicate (And: at least two); MalformedXML otherwise; a bad Id or
// tag InvalidArgument.
Result<MetricsConfiguration> ParseMetricsConfiguration(std::string_view xml);
// The document GetBucketMetricsConfiguration returns.
std::string MetricsConfigurationXml(const MetricsConfiguration& config);
// ListBucketMetricsConfigurations' answer: `page` of the bucket's configurations (in Id order),
// the token it was asked with (empty: none) and the one that continues it (empty: the last page).
std::string ListMetricsConfigurationsXml(std::span<const MetricsConfiguration> page,
                                         std::string_view continuation_token,
                                         std::string_view next_token);

// The bucket record's form of its configurations (empty: none), and back. Stored documents were
// validated on the way in; one that does not parse is MalformedXML.
std::string StoredMetricsConfigurations(std::span<const MetricsConfiguration> configs);
Result<std::vector<MetricsConfiguration>> ParseStoredMetricsConfigurations(std::string_view stored);

// Whether a configuration with `filter` counts a request. `key`: the request's object key,
// none for a request on the bucket itself (a listing, a bucket sub-resource), which only
// filter-less configurations count; `tags`: the object's tags. An AccessPointArn never matches:
// evoke has no access points.
bool MetricsFilterMatches(const MetricsFilter& filter, const std::optional<std::string_view>& key,
                          const TagSet& tags);
// Whether matching `filter` needs the object's tags.
inline bool MetricsFilterNeedsTags(const MetricsFilter& filter) { return !filter.tags.empty(); }

}  // namespace evoke::s3
