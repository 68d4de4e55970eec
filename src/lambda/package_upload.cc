#include "lambda/package_upload.h"

#include "base/blocking.h"
#include "base/encoding.h"
#include "base/hash.h"
#include "lambda/code_package.h"
#include "lambda/service.h"

namespace evoke::lambda {

Result<std::string> CodeBytesBlocking(s3::ObjectAccess& objects, CodeSource source) {
  if (source.s3_bucket.empty()) return std::move(source.zip);
  auto bytes = objects.ReadObjectBlocking(source.s3_bucket, source.s3_key, source.s3_object_version,
                                          kMaxUnzippedBytes);
  if (bytes.ok()) return bytes;
  const Error& e = bytes.error();
  if (e.code == "EntityTooLarge") {
    return MakeError(
        "InvalidParameterValueException",
        "Unzipped size must be smaller than " + std::to_string(kMaxUnzippedBytes) + " bytes");
  }
  if (e.code == "NoSuchBucket" || e.code == "NoSuchKey" || e.code == "NoSuchVersion") {
    return MakeError("InvalidParameterValueException",
                     "Error occurred while GetObject. S3 Error Code: " + e.code +
                         ". S3 Error Message: " + e.message);
  }
  return std::move(bytes).error();
}

Task<Result<StoredPackage>> StorePackage(const Context& ctx, CodeSource source) {
  if (!source.s3_bucket.empty()) {
    // Lambda reads the package with the caller's permissions.
    Status readable =
        ctx.authorize ? ctx.authorize(source.s3_object_version.empty() ? "s3:GetObject"
                                                                        : "s3:GetObjectVersion",
                                      "arn:aws:s3:::" + source.s3_bucket + "/" + source.s3_key,
                                      {})
                      : Status(MakeError("AccessDenied", "Access Denied"));
    if (!readable.ok()) {
      co_return MakeError("InvalidParameterValueException",
                          "Error occurred while GetObject. S3 Error Code: AccessDenied. S3 Error "
                          "Message: Access Denied");
    }
  }
  s3::ObjectAccess& objects = ctx.deps.objects;
  store::BlobStore& blobs = ctx.deps.store.blobs;
  // A named function object: GCC 12 destroys a capturing lambda temporary twice when it is
  // converted inside a co_await expression.
  std::function<Result<StoredPackage>()> work = [&objects, &blobs, &source] {
    auto zip = CodeBytesBlocking(objects, std::move(source));
    if (!zip.ok()) return Result<StoredPackage>(std::move(zip).error());
    auto package = InspectZip(*zip);
    if (!package.ok()) return Result<StoredPackage>(std::move(package).error());
    auto created = blobs.Create();
    if (!created.ok()) return Result<StoredPackage>(std::move(created).error());
    StoredPackage stored;
    stored.blob = std::move(*created);
    if (Status s = stored.blob->Write(*zip); !s.ok()) return Result<StoredPackage>(s.error());
    stored.sha256_base64 = Base64Encode(Sha256(*zip));
    stored.size = zip->size();
    return Result<StoredPackage>(std::move(stored));
  };
  co_return co_await RunBlocking(ctx.deps.blocking, std::move(work));
}

}  // namespace evoke::lambda
