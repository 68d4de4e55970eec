// Object tags: parsing and validating the two forms S3 accepts (the x-amz-tagging header's
// URL-query form and the <Tagging> document), and the forms evoke stores and returns. Pure;
// used by the object actions and the *ObjectTagging actions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/objects.h"

namespace evoke::s3 {

using TagSet = std::vector<std::pair<std::string, std::string>>;

// The pseudo-header under which an object's tags are kept in its stored header list, in the
// x-amz-tagging form. Never sent to clients as such: they see x-amz-tagging-count.
inline constexpr std::string_view kTaggingHeader = "x-amz-tagging";

// What tags belong to: an object takes 10, a bucket 50.
enum class Tagged { kObject, kBucket };

// "k1=v1&k2=v2" (URL-encoded); InvalidArgument when malformed, InvalidTag when invalid.
Result<TagSet> ParseTaggingHeader(std::string_view value, Tagged what = Tagged::kObject);
// <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>; MalformedXML, InvalidTag.
Result<TagSet> ParseTaggingXml(std::string_view xml, Tagged what = Tagged::kObject);
// At most 10 tags (50 for a bucket), keys of 1-128 and values of 0-256 characters, no key twice.
Status ValidateTags(const TagSet& tags, Tagged what = Tagged::kObject);

std::string EncodeTagging(const TagSet& tags);
std::string TaggingXml(const TagSet& tags);

// The tags kept in a stored header list (none when it has no tagging entry).
TagSet TagsOf(const store::HeaderList& headers);
// Replaces the tagging entry of `headers` by `tags` (removes it when `tags` is empty).
void SetTags(store::HeaderList& headers, const TagSet& tags);

}  // namespace evoke::s3
