#include "s3/object_io.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "base/time_format.h"
#include "s3/acl.h"
#include "s3/bucket_rules.h"
#include "s3/tagging.h"
#include "s3/xml.h"
#include "store/errors.h"

namespace evoke::s3 {
namespace {

constexpr std::array<std::string_view, 6> kStoredHeaderNames = {
    "Content-Type", "Content-Encoding", "Content-Disposition", "Content-Language",
    "Cache-Control", "Expires"};

constexpr std::array<std::string_view, 11> kStorageClasses = {
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE"};

// Removes the aws-chunked coding from a Content-Encoding list and keeps the rest as sent
// ("aws-chunked, deflate, gzip" -> "deflate, gzip"; empty items are dropped with it).
std::string WithoutAwsChunked(std::string_view value) {
  std::string out;
  bool changed = false;
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = value.find(',', pos);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view raw = value.substr(pos, comma - pos);
    std::string_view item = raw;
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.empty() || http::EqualsIgnoreCase(item, "aws-chunked")) {
      changed = true;
    } else {
      if (!out.empty()) out += ',';
      out += out.empty() ? item : raw;
    }
    pos = comma + 1;
  }
  return changed ? out : std::string(value);
}

}  // namespace

Result<store::HeaderList> StoredHeaders(const http::Headers& headers) {
  store::HeaderList out;
  for (std::string_view name : kStoredHeaderNames) {
    auto v = headers.Get(name);
    if (!v) continue;
    std::string value(*v);
    if (name == "Content-Encoding") {
      value = WithoutAwsChunked(value);
      if (value.empty()) continue;
    }
    out.emplace_back(std::string(name), std::move(value));
  }
  size_t meta_bytes = 0;
  for (const auto& [name, value] : headers.fields()) {
    std::string lower = http::ToLower(name);
    if (!lower.starts_with("x-amz-meta-")) continue;
    meta_bytes += lower.size() - 11 + value.size();
    out.emplace_back(std::move(lower), value);
  }
  if (auto tagging = headers.Get(kTaggingHeader)) {
    auto tags = ParseTaggingHeader(*tagging);
    if (!tags.ok()) return std::move(tags).error();
    SetTags(out, *tags);
  }
  if (meta_bytes > kMaxUserMetadataBytes) {
    return MakeError("MetadataTooLarge",
                     "Your metadata headers exceed the maximum allowed metadata size.")
        .With("Size", std::to_string(meta_bytes))
        .With("MaxSizeAllowed", std::to_string(kMaxUserMetadataBytes));
  }
  return out;
}

Result<std::string> StorageClassOf(const http::Headers& headers) {
  auto v = headers.Get("x-amz-storage-class");
  if (!v) return std::string();
  for (std::string_view c : kStorageClasses) {
    if (*v == c) return c == "STANDARD" ? std::string() : std::string(c);
  }
  return MakeError("InvalidStorageClass", "The storage class you specified is not valid")
      .With("StorageClassRequested", std::string(*v));
}

void AddObjectHeaders(http::Response& r, const store::ObjectRecord& o) {
  r.headers.Add("ETag", QuoteEtag(o.etag));
  r.headers.Add("Last-Modified", FormatHttpDate(o.modified_ms / 1000));
  bool has_type = false;
  for (const auto& [name, value] : o.headers) {
    has_type |= name == "Content-Type";
    if (name != kTaggingHeader && name != kAclHeader) r.headers.Add(name, value);
  }
  if (size_t tags = TagsOf(o.headers).size(); tags > 0) {
    r.headers.Add("x-amz-tagging-count", std::to_string(tags));
  }
  if (!has_type) r.headers.Add("Content-Type", "binary/octet-stream");
  if (!o.storage_class.empty()) r.headers.Add("x-amz-storage-class", o.storage_class);
  AddVersionHeader(r, o);
}

void AddVersionHeader(http::Response& r, const store::ObjectRecord& o) {
  if (!o.version_id.empty()) r.headers.Add("x-amz-version-id", o.version_id);
}

void AddExpirationHeader(http::Response& r, const Context& ctx, const store::ObjectRecord& o) {
  if (!ctx.deps.rules || !o.is_latest) return;
  auto rules = ctx.deps.rules->For(o.bucket);
  if (!rules || !rules->lifecycle) return;
  if (auto expiration = ExpirationOf(*rules->lifecycle, o)) {
    r.headers.Add("x-amz-expiration", ExpirationHeader(*expiration));
  }
}

void AddAbortHeaders(http::Response& r, const Context& ctx, const store::UploadRecord& u) {
  if (!ctx.deps.rules) return;
  auto rules = ctx.deps.rules->For(u.bucket);
  if (!rules || !rules->lifecycle) return;
  if (auto abort = AbortOf(*rules->lifecycle, u.key, u.initiated_ms)) {
    r.headers.Add("x-amz-abort-date", FormatHttpDate(abort->at_ms / 1000));
    r.headers.Add("x-amz-abort-rule-id", abort->rule_id);
  }
}

Result<std::string> CheckVersionId(std::string_view v, std::string_view argument_name) {
  auto invalid = [&](std::string message) {
    return MakeError("InvalidArgument", std::move(message))
        .With("ArgumentName", std::string(argument_name))
        .With("ArgumentValue", std::string(v));
  };
  if (v.empty()) return invalid("Version id cannot be the empty string");
  if (v == store::kNullVersion) return std::string(v);
  // evoke's version ids: 32 characters of A-Z a-z 0-9 . _
  bool ours = v.size() == 32 && std::all_of(v.begin(), v.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_';
              });
  if (!ours) return invalid("Invalid version id specified");
  return std::string(v);
}

Result<std::string> RequestedVersion(const http::Request& req) {
  const std::string* v = req.query.Get("versionId");
  if (!v) return std::string();
  return CheckVersionId(*v, "versionId");
}

Result<store::ObjectRecord> FindObject(store::ReadTxn& t, const Context& ctx,
                                       std::string_view bucket, std::string_view key,
                                       std::string_view version_id) {
  auto o = version_id.empty() ? ctx.deps.objects.GetObject(t, bucket, key)
                              : ctx.deps.objects.GetVersion(t, bucket, key, version_id);
  if (!o.ok()) return std::move(o).error();
  if (o->has_value() && !(*o)->delete_marker) return std::move(**o);
  if (o->has_value()) {
    return MakeError("MethodNotAllowed",
                     "The specified method is not allowed against this resource.")
        .With("Method", ctx.req().method)
        .With("ResourceType", "DeleteMarker")
        .With("x-amz-delete-marker", "true")
        .With("x-amz-version-id", std::string(version_id))
        .With("Last-Modified", FormatHttpDate((*o)->modified_ms / 1000));
  }
  auto b = ctx.deps.objects.GetBucket(t, bucket);
  if (!b.ok()) return std::move(b).error();
  if (!b->has_value()) {
    return MakeError("NoSuchBucket", "The specified bucket does not exist")
        .With("BucketName", std::string(bucket));
  }
  if (!version_id.empty()) {
    return MakeError("NoSuchVersion", "The specified version does not exist.")
        .With("Key", std::string(key))
        .With("VersionId", std::string(version_id));
  }
  Error missing =
      MakeError("NoSuchKey", "The specified key does not exist.").With("Key", std::string(key));
  if (!(*b)->versioning.empty()) {
    auto newest = ctx.deps.objects.GetVersion(t, bucket, key, {});
    if (!newest.ok()) return std::move(newest).error();
    if (newest->has_value() && (*newest)->delete_marker) {
      missing.With("x-amz-delete-marker", "true").With("x-amz-version-id", (*newest)->version_id);
    }
  }
  return missing;
}

std::string FormatS3Time(int64_t ms) { return FormatIso8601Ms(ms / 1000 * 1000); }

Status CheckBucketExists(const Context& ctx, std::string_view bucket) {
  auto reader = ctx.deps.txns.Read();
  auto b = ctx.deps.objects.GetBucket(*reader, bucket);
  if (!b.ok()) return std::move(b).error();
  if (!b->has_value()) {
    return MakeError("NoSuchBucket", "The specified bucket does not exist")
        .With("BucketName", std::string(bucket));
  }
  return {};
}

Result<OpenedObject> OpenObject(Context& ctx, std::string_view bucket, std::string_view key,
                                std::string_view version_id) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::optional<store::ObjectRecord> record;
    {
      auto reader = ctx.deps.txns.Read();
      auto o = FindObject(*reader, ctx, bucket, key, version_id);
      if (!o.ok()) return std::move(o).error();
      record = std::move(*o);
    }
    OpenedObject opened;
    bool lost_race = false;
    for (const auto& seg : record->segments) {
      auto f = ctx.deps.blobs.Open(seg.blob);
      if (!f.ok()) {
        if (store::Is(f.error(), store::kNotFound, "blob")) {
          lost_race = true;
          break;
        }
        return std::move(f).error();
      }
      opened.files.push_back(std::move(*f));
    }
    if (lost_race) continue;
    opened.record = std::move(*record);
    return opened;
  }
  return MakeError("InternalError", "the object kept changing while it was being read");
}

Status ReadObjectBytes(const OpenedObject& object, uint64_t offset, uint64_t length, char* out) {
  if (const std::string& body = object.record.inline_body; !body.empty()) {
    if (offset > body.size() || length > body.size() - offset) {
      return MakeError("InternalError", "read past the end of the object");
    }
    body.copy(out, length, offset);
    return {};
  }
  uint64_t seg_start = 0;
  for (size_t i = 0; i < object.record.segments.size() && length > 0; ++i) {
    uint64_t seg_size = object.record.segments[i].size;
    uint64_t seg_end = seg_start + seg_size;
    if (offset < seg_end) {
      uint64_t within = offset - seg_start;
      uint64_t take = std::min(length, seg_size - within);
      auto got = object.files[i]->ReadAt(out, take, within);
      if (!got.ok()) return std::move(got).error();
      if (*got != take) return MakeError("InternalError", "a stored blob is shorter than recorded");
      out += take;
      offset += take;
      length -= take;
    }
    seg_start = seg_end;
  }
  if (length > 0) return MakeError("InternalError", "read past the end of the object");
  return {};
}

Status ReadObjectBytes(const OpenedObject& object, uint64_t offset, uint64_t length,
                       std::string& out) {
  size_t old = out.size();
  out.resize(old + length);
  Status s = ReadObjectBytes(object, offset, length, out.data() + old);
  if (!s.ok()) out.resize(old);
  return s;
}

std::vector<store::BlobWriter*> WrittenBody::blobs() const {
  return blob ? std::vector<store::BlobWriter*>{blob.get()} : std::vector<store::BlobWriter*>{};
}

std::vector<store::Segment> WrittenBody::segments() const {
  return blob ? std::vector<store::Segment>{{blob->id(), size}} : std::vector<store::Segment>{};
}

Task<Result<WrittenBody>> WriteBody(Context& ctx, BodyReader& body, bool may_inline) {
  WrittenBody out;
  bool in_memory = may_inline && body.expected_length() &&
                   *body.expected_length() <= kMaxInlineBodySize;
  for (;;) {
    auto piece = co_await body.Next();
    if (!piece.ok()) co_return std::move(piece).error();
    if (piece->empty()) break;
    if (in_memory) {
      // Past the announced length Finish() reports the mismatch; never hold more than that.
      if (out.inline_body.size() + piece->size() > kMaxInlineBodySize) {
        co_return MakeError("IncompleteBody",
                            "You did not provide the number of bytes specified by the "
                            "Content-Length HTTP header.");
      }
      out.inline_body.append(*piece);
      continue;
    }
    if (!out.blob) {
      auto w = ctx.deps.blobs.Create();
      if (!w.ok()) co_return std::move(w).error();
      out.blob = std::move(*w);
    }
    Status s = out.blob->Write(*piece);
    if (!s.ok()) co_return std::move(s).error();
  }
  Status s = body.Finish();
  if (!s.ok()) co_return std::move(s).error();
  out.size = body.bytes();
  out.md5_hex = body.md5_hex();
  out.checksum_algorithm = body.checksum_algorithm();
  out.checksum_base64 = body.checksum_base64();
  co_return out;
}

Result<bool> AnswerReadConditions(Context& ctx, const store::ObjectRecord& o) {
  const http::Headers& h = ctx.req().headers;
  switch (EvaluateConditions(h, o.etag, o.modified_ms / 1000)) {
    case Precondition::kFailed:
      return MakeError("PreconditionFailed",
                       "At least one of the pre-conditions you specified did not hold")
          .With("Condition", h.Has("If-Match") ? "If-Match" : "If-Unmodified-Since");
    case Precondition::kNotModified: {
      http::Response r = ctx.NewResponse(304);
      r.headers.Add("ETag", QuoteEtag(o.etag));
      r.headers.Add("Last-Modified", FormatHttpDate(o.modified_ms / 1000));
      AddVersionHeader(r, o);
      if (Status s = ctx.Reply(std::move(r)); !s.ok()) return std::move(s).error();
      return true;
    }
    case Precondition::kProceed:
      break;
  }
  return false;
}

Status CheckWriteConditionsIn(store::ReadTxn& t, const Context& ctx,
                              const WriteConditions& conditions, std::string_view bucket,
                              std::string_view key) {
  if (!conditions.any()) return {};
  auto current = ctx.deps.objects.GetObject(t, bucket, key);
  if (!current.ok()) return std::move(current).error();
  std::optional<std::string_view> etag;
  if (current->has_value()) etag = (*current)->etag;
  return CheckWriteConditions(conditions, etag, key);
}

}  // namespace evoke::s3
