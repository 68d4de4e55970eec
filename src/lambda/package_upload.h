// The deployment package of CreateFunction, UpdateFunctionCode or PublishLayerVersion: the
// request's ZipFile, or the object its S3Bucket/S3Key/S3ObjectVersion names in evoke's own S3
// (read through s3/object_access.h, S3's errors turned into the InvalidParameterValueException
// Lambda answers with: "Error occurred while GetObject. S3 Error Code: NoSuchKey. ..."), checked
// (it must unpack safely) and written to a new blob. All of it runs on the blocking pool: a
// package may be 250 MB.
#pragma once

#include <memory>
#include <string>

#include "base/asio.h"
#include "base/result.h"
#include "lambda/function_config.h"
#include "s3/object_access.h"
#include "store/blob_store.h"

namespace evoke::lambda {

struct Context;

struct StoredPackage {
  std::unique_ptr<store::BlobWriter> blob;  // not yet durable: the commit that names it syncs it
  std::string sha256_base64;                // as Lambda reports CodeSha256
  uint64_t size = 0;
};

Task<Result<StoredPackage>> StorePackage(const Context& ctx, CodeSource source);

// The zip of a request: ZipFile's bytes, or the S3 object's. Blocking.
Result<std::string> CodeBytesBlocking(s3::ObjectAccess& objects, CodeSource source);

}  // namespace evoke::lambda
