// CreateMultipartUpload: records the upload with the object's metadata-to-be and its checksum
// algorithm and type.
#include "s3/actions.h"
#include "s3/checksum.h"
#include "s3/encryption.h"
#include "s3/multipart.h"
#include "s3/names.h"
#include "s3/object_io.h"
#include "s3/object_lock.h"
#include "s3/xml.h"

namespace evoke::s3 {

Task<Status> CreateMultipartUpload(Context& ctx) {
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
  // Object Lock: what the object will be locked with, kept among the upload's headers until
  // CompleteMultipartUpload (the bucket's default retention applies then).
  if (HasObjectLockHeaders(req.headers)) {
    s = CheckBucketExists(ctx, ctx.target.bucket);
    if (!s.ok()) co_return s;
  }
  auto requested_lock = RequestedObjectLock(ctx, ctx.target.bucket);
  if (!requested_lock.ok()) co_return std::move(requested_lock).error();

  store::UploadRecord upload;
  if (auto a = req.headers.Get("x-amz-checksum-algorithm")) {
    auto alg = ParseChecksumAlgorithm(*a);
    if (!alg) {
      co_return MakeError("InvalidRequest", "Checksum algorithm provided is unsupported. Please try "
                                            "again with any of the valid types: [CRC32, CRC32C, "
                                            "CRC64NVME, SHA1, SHA256]");
    }
    upload.checksum_algorithm = std::string(ChecksumName(*alg));
    // S3's defaults: CRC64NVME only has full-object checksums; the others are composite.
    upload.checksum_type = *alg == ChecksumAlgorithm::kCrc64Nvme ? "FULL_OBJECT" : "COMPOSITE";
  }
  if (auto t = req.headers.Get("x-amz-checksum-type")) {
    if (*t != "COMPOSITE" && *t != "FULL_OBJECT") {
      co_return MakeError("InvalidRequest", "Value for x-amz-checksum-type header is invalid.");
    }
    if (upload.checksum_algorithm.empty()) {
      co_return MakeError("InvalidRequest",
                          "The x-amz-checksum-type header can only be used with the "
                          "x-amz-checksum-algorithm header.");
    }
    auto alg = *ParseChecksumAlgorithm(upload.checksum_algorithm);
    if ((*t == "FULL_OBJECT" && !SupportsFullObject(alg)) ||
        (*t == "COMPOSITE" && alg == ChecksumAlgorithm::kCrc64Nvme)) {
      co_return MakeError("InvalidRequest", "The " + upload.checksum_algorithm +
                                                " checksum algorithm does not support the " +
                                                std::string(*t) + " checksum type.");
    }
    upload.checksum_type = std::string(*t);
  }
  upload.upload_id = NewUploadId();
  upload.bucket = ctx.target.bucket;
  upload.key = ctx.target.key;
  upload.initiated_ms = ctx.NowMs();
  upload.headers = std::move(*headers);
  upload.storage_class = std::move(*storage_class);
  StashObjectLock(upload.headers, *requested_lock);
  s = co_await ctx.Commit(
      [&](store::WriteTxn& t) { return ctx.deps.objects.CreateUpload(t, upload); });
  if (!s.ok()) co_return s;

  XmlWriter x("InitiateMultipartUploadResult");
  x.Element("Bucket", upload.bucket).Element("Key", upload.key).Element("UploadId", upload.upload_id);
  http::Response r = ctx.XmlResponse(x.Finish());
  if (!upload.checksum_algorithm.empty()) {
    r.headers.Add("x-amz-checksum-algorithm", upload.checksum_algorithm);
    r.headers.Add("x-amz-checksum-type", upload.checksum_type);
  }
  AddAbortHeaders(r, ctx, upload);
  AddEncryptionHeader(r.headers);
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::s3
