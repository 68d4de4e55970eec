// CompleteMultipartUpload: checks the client's part list against the stored parts and turns
// them into the object in one commit; the part files become the object's segments, uncopied.
#include "s3/actions.h"
#include "s3/object_events.h"
#include "s3/body.h"
#include "s3/encryption.h"
#include "s3/multipart.h"
#include "s3/object_io.h"
#include "s3/object_lock.h"
#include "s3/upload_common.h"
#include "s3/xml.h"

namespace evoke::s3 {

Task<Status> CompleteMultipartUpload(Context& ctx) {
  if (Status e = CheckNoEncryptionHeaders(ctx.req().headers); !e.ok()) co_return e;
  auto conditions = ParseWriteConditions(ctx.req().headers);
  if (!conditions.ok()) co_return std::move(conditions).error();
  auto upload = FindUpload(ctx);
  if (!upload.ok()) co_return std::move(upload).error();
  Status s;
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 4 * 1024 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  auto requested = ParseCompleteMultipartUpload(*xml);
  if (!requested.ok()) co_return std::move(requested).error();

  std::optional<ChecksumAlgorithm> alg;
  if (!upload->checksum_algorithm.empty()) alg = ParseChecksumAlgorithm(upload->checksum_algorithm);
  store::ObjectRecord record;
  record.bucket = upload->bucket;
  record.key = upload->key;
  record.headers = upload->headers;
  // The lock CreateMultipartUpload asked for, or the bucket's default retention as of now.
  record.lock = NewVersionLock(ctx, record.bucket, TakeStashedObjectLock(record.headers));
  record.storage_class = upload->storage_class;
  record.modified_ms = ctx.NowMs();
  std::string upload_id = upload->upload_id;

  // Validation runs inside the commit, so a part replaced meanwhile cannot slip through.
  s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    Status met = CheckWriteConditionsIn(t, ctx, *conditions, record.bucket, record.key);
    if (!met.ok()) return met;
    auto stored = ctx.deps.objects.ListParts(t, upload_id, 0, kMaxPartNumber);
    if (!stored.ok()) return std::move(stored).error();
    auto assembly = AssembleParts(upload_id, *requested, *stored);
    if (!assembly.ok()) return std::move(assembly).error();
    record.size = assembly->size;
    record.etag = assembly->etag;
    record.part_count = static_cast<int>(assembly->parts.size());
    for (const auto& p : assembly->parts) {
      if (!p.blob.empty()) record.segments.push_back({p.blob, p.size});
      record.parts.push_back({p.part_number, p.size, p.checksum_value});
    }
    if (alg) {
      std::vector<std::string> sums;
      std::vector<uint64_t> sizes;
      for (const auto& p : assembly->parts) {
        sums.push_back(p.checksum_value);
        sizes.push_back(p.size);
      }
      std::optional<std::string> value = upload->checksum_type == "FULL_OBJECT"
                                             ? FullObjectCrc(*alg, sums, sizes)
                                             : CompositeChecksum(*alg, sums);
      if (!value) {
        return MakeError("InvalidRequest", "The upload was created using a " +
                                               upload->checksum_algorithm +
                                               " checksum. The complete request must include the "
                                               "checksum for each part.");
      }
      record.checksum_algorithm = upload->checksum_algorithm;
      record.checksum_value = std::move(*value);
      record.checksum_type = upload->checksum_type;
    }
    Status completed = ctx.deps.objects.CompleteUpload(t, upload_id, record);
    if (!completed.ok()) return completed;
    return PublishObjectEvent(t, ctx, CreatedEvent("CompleteMultipartUpload", record));
  });
  if (!s.ok()) co_return s;

  std::string host(ctx.req().headers.Get("Host").value_or("localhost"));
  XmlWriter x("CompleteMultipartUploadResult");
  x.Element("Location", "http://" + host + "/" + record.bucket + "/" + record.key);
  x.Element("Bucket", record.bucket).Element("Key", record.key).Element("ETag", QuoteEtag(record.etag));
  if (alg) {
    x.Element(ChecksumXmlElement(*alg), record.checksum_value);
    x.Element("ChecksumType", record.checksum_type);
  }
  http::Response r = ctx.XmlResponse(x.Finish());
  AddVersionHeader(r, record);
  AddExpirationHeader(r, ctx, record);
  AddEncryptionHeader(r.headers);
  co_return ctx.Reply(std::move(r));
}

Task<Status> AbortMultipartUpload(Context& ctx) {
  auto upload = FindUpload(ctx);
  if (!upload.ok()) co_return std::move(upload).error();
  std::string id = upload->upload_id;
  Status s =
      co_await ctx.Commit([&](store::WriteTxn& t) { return ctx.deps.objects.AbortUpload(t, id); });
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

}  // namespace evoke::s3
