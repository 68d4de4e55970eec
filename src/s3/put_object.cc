// PutObject: streams the body into a new blob while verifying it, then commits the object
// durably (blob synced, then metadata committed) before answering.
#include "s3/actions.h"
#include "s3/object_events.h"
#include "s3/body.h"
#include "s3/encryption.h"
#include "s3/names.h"
#include "s3/object_io.h"
#include "s3/object_lock.h"
#include "s3/xml.h"

namespace evoke::s3 {

Task<Status> PutObject(Context& ctx) {
  const http::Request& req = ctx.req();
  Status s = ValidateKey(ctx.target.key);
  if (!s.ok()) co_return s;
  auto headers = StoredHeaders(req.headers);
  if (!headers.ok()) co_return std::move(headers).error();
  auto storage_class = StorageClassOf(req.headers);
  if (!storage_class.ok()) co_return std::move(storage_class).error();
  s = CheckWriteEncryption(req.headers);
  if (!s.ok()) co_return s;
  s = SetRequestedAcl(ctx, *headers);
  if (!s.ok()) co_return s;
  auto conditions = ParseWriteConditions(req.headers);
  if (!conditions.ok()) co_return std::move(conditions).error();
  if (!req.content_length && !req.chunked) {
    co_return MakeError("MissingContentLength", "You must provide the Content-Length HTTP header.");
  }
  BodyReader body(ctx.ex, ctx.auth, ctx.deps.hashing);
  s = body.Prepare();
  if (!s.ok()) co_return s;
  if (body.expected_length() && *body.expected_length() > kMaxSinglePutSize) {
    co_return MakeError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
        .With("ProposedSize", std::to_string(*body.expected_length()))
        .With("MaxSizeAllowed", std::to_string(kMaxSinglePutSize));
  }
  // Refuse before the client sends the body.
  s = CheckBucketExists(ctx, ctx.target.bucket);
  if (!s.ok()) co_return s;
  // Object Lock: what the headers ask for, or the bucket's default retention; either needs the
  // body's integrity proven.
  auto requested_lock = RequestedObjectLock(ctx, ctx.target.bucket);
  if (!requested_lock.ok()) co_return std::move(requested_lock).error();
  if (HasObjectLock(NewVersionLock(ctx, ctx.target.bucket, *requested_lock))) {
    s = RequireObjectLockIntegrity(req.headers, "Put Object");
    if (!s.ok()) co_return s;
  }
  if (conditions->any()) {  // checked again in the commit, which decides
    auto reader = ctx.deps.txns.Read();
    s = CheckWriteConditionsIn(*reader, ctx, *conditions, ctx.target.bucket, ctx.target.key);
    if (!s.ok()) co_return s;
  }

  auto written = co_await WriteBody(ctx, body, /*may_inline=*/true);
  if (!written.ok()) co_return std::move(written).error();

  store::ObjectRecord record;
  record.bucket = ctx.target.bucket;
  record.key = ctx.target.key;
  record.size = written->size;
  record.etag = written->md5_hex;
  record.modified_ms = ctx.NowMs();
  record.segments = written->segments();
  record.inline_body = std::move(written->inline_body);
  record.headers = std::move(*headers);
  record.storage_class = std::move(*storage_class);
  record.lock = NewVersionLock(ctx, record.bucket, *requested_lock);
  if (written->checksum_algorithm) {
    record.checksum_algorithm = std::string(ChecksumName(*written->checksum_algorithm));
    record.checksum_value = written->checksum_base64;
    record.checksum_type = "FULL_OBJECT";
  }
  s = co_await ctx.Commit(written->blobs(), [&](store::WriteTxn& t) -> Status {
    Status met = CheckWriteConditionsIn(t, ctx, *conditions, record.bucket, record.key);
    if (!met.ok()) return met;
    Status put = ctx.deps.objects.PutObject(t, record);
    if (!put.ok()) return put;
    return PublishObjectEvent(t, ctx, CreatedEvent("Put", record));
  });
  if (!s.ok()) co_return s;
  if (written->blob) written->blob->Keep();

  http::Response r = ctx.NewResponse();
  r.headers.Add("ETag", QuoteEtag(record.etag));
  AddVersionHeader(r, record);
  AddExpirationHeader(r, ctx, record);
  AddEncryptionHeader(r.headers);
  if (written->checksum_algorithm) {
    r.headers.Add(std::string(ChecksumHeader(*written->checksum_algorithm)), record.checksum_value);
    r.headers.Add("x-amz-checksum-type", "FULL_OBJECT");
  }
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::s3
