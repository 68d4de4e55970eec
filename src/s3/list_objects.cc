// ListObjects, ListObjectsV2 and ListObjectVersions: one listing walk (listing.h), three ways
// of spelling its parameters and results.
#include <charconv>

#include "base/encoding.h"
#include "s3/actions.h"
#include "s3/listing.h"
#include "s3/object_io.h"
#include "s3/xml.h"
#include "store/objects.h"

namespace evoke::s3 {
namespace {

struct CommonParams {
  std::string prefix;
  std::string delimiter;
  size_t max_keys = 1000;
  bool url_encoding = false;
};

Result<CommonParams> ParseCommon(const http::Query& q) {
  CommonParams p;
  if (const std::string* v = q.Get("prefix")) p.prefix = *v;
  if (const std::string* v = q.Get("delimiter")) p.delimiter = *v;
  if (const std::string* v = q.Get("max-keys")) {
    int64_t n = -1;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || ptr != v->data() + v->size() || n < 0) {
      return MakeError("InvalidArgument", "Provided max-keys not an integer or within integer range")
          .With("ArgumentName", "max-keys")
          .With("ArgumentValue", *v);
    }
    p.max_keys = static_cast<size_t>(std::min<int64_t>(n, 1000));
  }
  if (const std::string* v = q.Get("encoding-type")) {
    if (*v != "url") {
      return MakeError("InvalidArgument", "Invalid Encoding Method specified in Request")
          .With("ArgumentName", "encoding-type")
          .With("ArgumentValue", *v);
    }
    p.url_encoding = true;
  }
  return p;
}

// A marker naming a common prefix resumes past all of that prefix's keys.
std::string ResumeAfter(const CommonParams& p, const std::string& marker) {
  if (!p.delimiter.empty() && marker.starts_with(p.prefix) && marker.ends_with(p.delimiter) &&
      marker.find(p.delimiter, p.prefix.size()) == marker.size() - p.delimiter.size()) {
    return SkipPrefix(marker);
  }
  return marker;
}

// One page of the request's bucket: its current objects, or (`versions`) every version and
// delete marker.
Result<ListPage> Walk(Context& ctx, const CommonParams& p, store::VersionPosition after,
                      bool versions = false) {
  auto reader = ctx.deps.txns.Read();
  auto bucket = ctx.deps.objects.GetBucket(*reader, ctx.target.bucket);
  if (!bucket.ok()) return std::move(bucket).error();
  if (!bucket->has_value()) {
    return MakeError("NoSuchBucket", "The specified bucket does not exist")
        .With("BucketName", ctx.target.bucket);
  }
  ListQuery q{p.prefix, p.delimiter, std::move(after), p.max_keys, versions};
  return ListObjectsPage(q, [&](const store::VersionPosition& from, size_t limit) {
    return versions
               ? ctx.deps.objects.ListVersions(*reader, ctx.target.bucket, p.prefix, from, limit)
               : ctx.deps.objects.ListObjects(*reader, ctx.target.bucket, p.prefix, from.key,
                                              limit);
  });
}

// Past a whole key (a marker of ListObjects or ListObjectsV2).
store::VersionPosition PastKey(std::string key) {
  return {std::move(key), store::VersionPosition::kPastKey};
}

class Encoder {
 public:
  explicit Encoder(bool url) : url_(url) {}
  std::string operator()(std::string_view s) const {
    return url_ ? UriEncode(s, /*keep_slash=*/true) : std::string(s);
  }

 private:
  bool url_;
};

void WriteOwner(XmlWriter& x, const Context& ctx) {
  x.Open("Owner").Element("ID", ctx.options.owner_id);
  x.Element("DisplayName", ctx.options.owner_display_name).Close("Owner");
}

void WriteObjectFields(XmlWriter& x, const store::ObjectRecord& o, const Encoder& enc) {
  x.Element("Key", enc(o.key)).Element("LastModified", FormatS3Time(o.modified_ms));
  x.Element("ETag", QuoteEtag(o.etag)).Element("Size", o.size);
}

void WriteTail(XmlWriter& x, const ListPage& page, const CommonParams& p, const Encoder& enc) {
  for (const auto& cp : page.common_prefixes) {
    x.Open("CommonPrefixes").Element("Prefix", enc(cp)).Close("CommonPrefixes");
  }
  if (p.url_encoding) x.Element("EncodingType", "url");
}

// A version's id as listings spell it: the null version is "null" however it was stored.
std::string_view VersionIdOf(const std::string& version_id) {
  return version_id.empty() ? store::kNullVersion : std::string_view(version_id);
}

std::string_view StorageClassName(const store::ObjectRecord& o) {
  return o.storage_class.empty() ? std::string_view("STANDARD") : std::string_view(o.storage_class);
}

}  // namespace

Task<Status> ListObjects(Context& ctx) {
  const auto& q = ctx.req().query;
  auto p = ParseCommon(q);
  if (!p.ok()) co_return std::move(p).error();
  std::string marker = q.Get("marker") ? *q.Get("marker") : "";
  auto page = Walk(ctx, *p, PastKey(ResumeAfter(*p, marker)));
  if (!page.ok()) co_return std::move(page).error();
  Encoder enc(p->url_encoding);
  XmlWriter x("ListBucketResult");
  x.Element("Name", ctx.target.bucket).Element("Prefix", enc(p->prefix)).Element("Marker", enc(marker));
  x.Element("MaxKeys", static_cast<uint64_t>(p->max_keys));
  if (!p->delimiter.empty()) x.Element("Delimiter", enc(p->delimiter));
  x.Bool("IsTruncated", page->truncated);
  if (page->truncated && !p->delimiter.empty()) x.Element("NextMarker", enc(page->next_marker));
  for (const auto& o : page->contents) {
    x.Open("Contents");
    WriteObjectFields(x, o, enc);
    WriteOwner(x, ctx);
    x.Element("StorageClass", StorageClassName(o));
    x.Close("Contents");
  }
  WriteTail(x, *page, *p, enc);
  co_return ctx.Reply(ctx.XmlResponse(x.Finish()));
}

Task<Status> ListObjectsV2(Context& ctx) {
  const auto& q = ctx.req().query;
  auto p = ParseCommon(q);
  if (!p.ok()) co_return std::move(p).error();
  const std::string* token = q.Get("continuation-token");
  if (token && token->empty()) token = nullptr;  // S3 takes an empty token as none
  const std::string* start_after = q.Get("start-after");
  std::string after;
  if (token) {
    auto decoded = Base64Decode(*token);
    if (!decoded) {
      co_return MakeError("InvalidArgument", "The continuation token provided is incorrect")
          .With("ArgumentName", "continuation-token");
    }
    after = std::move(*decoded);
  } else if (start_after) {
    after = ResumeAfter(*p, *start_after);
  }
  auto page = Walk(ctx, *p, PastKey(std::move(after)));
  if (!page.ok()) co_return std::move(page).error();
  bool fetch_owner = q.Get("fetch-owner") && *q.Get("fetch-owner") == "true";
  Encoder enc(p->url_encoding);
  XmlWriter x("ListBucketResult");
  x.Element("Name", ctx.target.bucket).Element("Prefix", enc(p->prefix));
  x.Element("KeyCount", static_cast<uint64_t>(page->contents.size() + page->common_prefixes.size()));
  x.Element("MaxKeys", static_cast<uint64_t>(p->max_keys));
  if (!p->delimiter.empty()) x.Element("Delimiter", enc(p->delimiter));
  x.Bool("IsTruncated", page->truncated);
  if (token) x.Element("ContinuationToken", *token);
  if (page->truncated) x.Element("NextContinuationToken", Base64Encode(page->resume.key));
  if (start_after) x.Element("StartAfter", enc(*start_after));
  for (const auto& o : page->contents) {
    x.Open("Contents");
    WriteObjectFields(x, o, enc);
    if (!o.checksum_algorithm.empty()) x.Element("ChecksumAlgorithm", o.checksum_algorithm);
    if (!o.checksum_type.empty()) x.Element("ChecksumType", o.checksum_type);
    if (fetch_owner) WriteOwner(x, ctx);
    x.Element("StorageClass", StorageClassName(o));
    x.Close("Contents");
  }
  WriteTail(x, *page, *p, enc);
  co_return ctx.Reply(ctx.XmlResponse(x.Finish()));
}

Task<Status> ListObjectVersions(Context& ctx) {
  const auto& q = ctx.req().query;
  auto p = ParseCommon(q);
  if (!p.ok()) co_return std::move(p).error();
  std::string key_marker = q.Get("key-marker") ? *q.Get("key-marker") : "";
  const std::string* version_marker_param = q.Get("version-id-marker");
  std::string version_marker = version_marker_param ? *version_marker_param : "";
  if (version_marker_param && version_marker.empty()) {
    co_return MakeError("InvalidArgument", "A version-id marker cannot be empty.")
        .With("ArgumentName", "version-id-marker")
        .With("ArgumentValue", "");
  }
  if (!version_marker.empty() && key_marker.empty()) {
    co_return MakeError("InvalidArgument",
                        "A version-id marker cannot be specified without a key marker.")
        .With("ArgumentName", "version-id-marker");
  }
  store::VersionPosition after = PastKey(ResumeAfter(*p, key_marker));
  if (!version_marker.empty()) {
    // Resume within the key, past the version the marker names.
    auto reader = ctx.deps.txns.Read();
    auto marked = ctx.deps.objects.GetVersion(*reader, ctx.target.bucket, key_marker,
                                              version_marker);
    if (!marked.ok()) co_return std::move(marked).error();
    if (!marked->has_value()) {
      co_return MakeError("InvalidArgument", "Invalid version id specified")
          .With("ArgumentName", "version-id-marker")
          .With("ArgumentValue", version_marker);
    }
    after = {key_marker, (*marked)->seq};
  }
  auto page = Walk(ctx, *p, std::move(after), /*versions=*/true);
  if (!page.ok()) co_return std::move(page).error();
  Encoder enc(p->url_encoding);
  XmlWriter x("ListVersionsResult");
  x.Element("Name", ctx.target.bucket).Element("Prefix", enc(p->prefix));
  x.Element("KeyMarker", enc(key_marker)).Element("VersionIdMarker", version_marker);
  if (page->truncated) {
    x.Element("NextKeyMarker", enc(page->next_marker));
    if (page->resume.seq != store::VersionPosition::kPastKey) {  // a version, not a prefix
      x.Element("NextVersionIdMarker", VersionIdOf(page->next_version_id));
    }
  }
  x.Element("MaxKeys", static_cast<uint64_t>(p->max_keys));
  if (!p->delimiter.empty()) x.Element("Delimiter", enc(p->delimiter));
  x.Bool("IsTruncated", page->truncated);
  for (const auto& o : page->contents) {
    x.Open(o.delete_marker ? "DeleteMarker" : "Version");
    x.Element("Key", enc(o.key)).Element("VersionId", VersionIdOf(o.version_id));
    x.Bool("IsLatest", o.is_latest).Element("LastModified", FormatS3Time(o.modified_ms));
    if (!o.delete_marker) {
      x.Element("ETag", QuoteEtag(o.etag)).Element("Size", o.size);
      if (!o.checksum_algorithm.empty()) x.Element("ChecksumAlgorithm", o.checksum_algorithm);
      if (!o.checksum_type.empty()) x.Element("ChecksumType", o.checksum_type);
    }
    WriteOwner(x, ctx);
    if (!o.delete_marker) x.Element("StorageClass", StorageClassName(o));
    x.Close(o.delete_marker ? "DeleteMarker" : "Version");
  }
  WriteTail(x, *page, *p, enc);
  co_return ctx.Reply(ctx.XmlResponse(x.Finish()));
}

}  // namespace evoke::s3
