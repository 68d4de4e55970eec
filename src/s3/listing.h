// Listing with prefix, delimiter and paging, as ListObjects, ListObjectsV2 and
// ListObjectVersions define it: keys under the prefix are rolled up into CommonPrefixes at the
// first delimiter after the prefix, and every key or prefix counts toward max-keys. Pure: the
// records come from a fetch function.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/objects.h"

namespace evoke::s3 {

struct ListQuery {
  std::string prefix;
  std::string delimiter;
  // Exclusive: a marker, start-after, or a continuation point; for versions, also where in a
  // key's versions (store::VersionPosition).
  store::VersionPosition after;
  size_t max_keys = 1000;
  bool versions = false;  // ListObjectVersions: each version of a key counts on its own
};

struct ListPage {
  std::vector<store::ObjectRecord> contents;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  // The last key or common prefix returned (S3's NextMarker), and for versions the last
  // version's id (NextVersionIdMarker; empty after a common prefix).
  std::string next_marker;
  std::string next_version_id;
  // Where the next page starts, exclusive: next_marker, or past every key of a trailing common
  // prefix (what a continuation token carries).
  store::VersionPosition resume;
};

// Returns up to `limit` records after `after` under the prefix, in key order (and newest first
// within a key, for versions).
using FetchObjects = std::function<Result<std::vector<store::ObjectRecord>>(
    const store::VersionPosition& after, size_t limit)>;

Result<ListPage> ListObjectsPage(const ListQuery& query, const FetchObjects& fetch);

// A continuation point past every key that starts with `common_prefix`. Keys are UTF-8 and so
// never contain the byte 0xFF.
std::string SkipPrefix(std::string_view common_prefix);

}  // namespace evoke::s3
