// CopyObject: copies an object (same or another bucket), keeping or replacing its metadata.
#include "s3/actions.h"
#include "s3/object_events.h"
#include "s3/copy_source.h"
#include "s3/encryption.h"
#include "s3/names.h"
#include "s3/object_io.h"
#include "s3/object_lock.h"
#include "s3/tagging.h"
#include "s3/xml.h"

namespace evoke::s3 {
namespace {

// x-amz-metadata-directive or x-amz-tagging-directive (`what`): COPY, the default, or REPLACE.
Result<std::string> DirectiveOf(const http::Headers& headers, std::string_view what) {
  std::string header = "x-amz-" + std::string(what) + "-directive";
  auto value = headers.Get(header);
  if (!value || *value == "COPY") return std::string("COPY");
  if (*value == "REPLACE") return std::string("REPLACE");
  return MakeError("InvalidArgument", "Unknown " + std::string(what) + " directive.")
      .With("ArgumentName", header)
      .With("ArgumentValue", std::string(*value));
}

}  // namespace

Task<Status> CopyObject(Context& ctx) {
  const http::Request& req = ctx.req();
  Status s = ValidateKey(ctx.target.key);
  if (!s.ok()) co_return s;
  auto source = ParseCopySource(*req.headers.Get("x-amz-copy-source"));
  if (!source.ok()) co_return std::move(source).error();
  auto directive = DirectiveOf(req.headers, "metadata");
  if (!directive.ok()) co_return std::move(directive).error();
  auto tagging_directive = DirectiveOf(req.headers, "tagging");
  if (!tagging_directive.ok()) co_return std::move(tagging_directive).error();
  auto storage_class = StorageClassOf(req.headers);
  if (!storage_class.ok()) co_return std::move(storage_class).error();
  s = CheckWriteEncryption(req.headers);
  if (!s.ok()) co_return s;
  auto conditions = ParseWriteConditions(req.headers);
  if (!conditions.ok()) co_return std::move(conditions).error();
  std::optional<ChecksumAlgorithm> checksum;
  if (auto a = req.headers.Get("x-amz-checksum-algorithm")) {
    checksum = ParseChecksumAlgorithm(*a);
    if (!checksum) co_return MakeError("InvalidRequest", "Checksum algorithm provided is unsupported.");
  }
  // Copying an older version over its key (restoring it) is a change.
  bool same = source->bucket == ctx.target.bucket && source->key == ctx.target.key &&
              source->version_id.empty();
  if (same && *directive == "COPY" && !req.headers.Has("x-amz-storage-class") && !checksum) {
    co_return MakeError("InvalidRequest",
                        "This copy request is illegal because it is trying to copy an object to "
                        "itself without changing the object's metadata, storage class, website "
                        "redirect location or encryption attributes.");
  }
  s = CheckBucketExists(ctx, ctx.target.bucket);
  if (!s.ok()) co_return s;
  // A copy never carries its source's lock: only what it asks for, or the bucket's default.
  auto requested_lock = RequestedObjectLock(ctx, ctx.target.bucket);
  if (!requested_lock.ok()) co_return std::move(requested_lock).error();
  auto opened = OpenCopySource(ctx, *source);
  if (!opened.ok()) co_return std::move(opened).error();
  const store::ObjectRecord& src = opened->record;
  if (src.size > kMaxSinglePutSize) {
    co_return MakeError("InvalidRequest",
                        "The specified copy source is larger than the maximum allowable size for a "
                        "copy source: 5368709120");
  }
  if (!checksum && !src.checksum_algorithm.empty()) checksum = ParseChecksumAlgorithm(src.checksum_algorithm);

  store::ObjectRecord record;
  if (*directive == "REPLACE") {
    auto headers = StoredHeaders(req.headers);
    if (!headers.ok()) co_return std::move(headers).error();
    record.headers = std::move(*headers);
  } else {
    record.headers = src.headers;
  }
  // Tags follow their own directive, whatever happened to the metadata.
  if (*tagging_directive == "COPY") {
    SetTags(record.headers, TagsOf(src.headers));
  } else {
    TagSet tags;
    if (auto t = req.headers.Get(kTaggingHeader)) {
      auto parsed = ParseTaggingHeader(*t);
      if (!parsed.ok()) co_return std::move(parsed).error();
      tags = std::move(*parsed);
    }
    SetTags(record.headers, tags);
  }
  // A copy's ACL is the one it asks for (private by default), never its source's.
  s = SetRequestedAcl(ctx, record.headers);
  if (!s.ok()) co_return s;
  auto written = co_await CopyIntoBlob(ctx, *opened, 0, src.size, checksum);
  if (!written.ok()) co_return std::move(written).error();

  record.bucket = ctx.target.bucket;
  record.key = ctx.target.key;
  record.size = src.size;
  record.etag = written->md5_hex;
  record.modified_ms = ctx.NowMs();
  record.segments = written->segments();
  record.storage_class = std::move(*storage_class);
  record.lock = NewVersionLock(ctx, record.bucket, *requested_lock);
  if (checksum) {
    record.checksum_algorithm = std::string(ChecksumName(*checksum));
    record.checksum_value = written->checksum_base64;
    record.checksum_type = "FULL_OBJECT";
  }
  s = co_await ctx.Commit(written->blobs(), [&](store::WriteTxn& t) -> Status {
    Status met = CheckWriteConditionsIn(t, ctx, *conditions, record.bucket, record.key);
    if (!met.ok()) return met;
    Status put = ctx.deps.objects.PutObject(t, record);
    if (!put.ok()) return put;
    return PublishObjectEvent(t, ctx, CreatedEvent("Copy", record));
  });
  if (!s.ok()) co_return s;
  if (written->blob) written->blob->Keep();

  XmlWriter x("CopyObjectResult");
  x.Element("ETag", QuoteEtag(record.etag)).Element("LastModified", FormatS3Time(record.modified_ms));
  if (checksum) {
    x.Element("ChecksumType", "FULL_OBJECT");
    x.Element(ChecksumXmlElement(*checksum), record.checksum_value);
  }
  http::Response r = ctx.XmlResponse(x.Finish());
  if (!src.version_id.empty()) r.headers.Add("x-amz-copy-source-version-id", src.version_id);
  AddVersionHeader(r, record);
  AddExpirationHeader(r, ctx, record);
  AddEncryptionHeader(r.headers);
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::s3
