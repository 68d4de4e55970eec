// Code from evoke's own S3: reads the object that CreateFunction's Code, UpdateFunctionCode or
// PublishLayerVersion's Content names by S3Bucket/S3Key/S3ObjectVersion, through
// store::Objects and the blob store (never by path), and turns S3's errors into the
// InvalidParameterValueException Lambda answers with ("Error occurred while GetObject. S3 Error
// Code: NoSuchKey. ..."). Blocking (a database read and file reads); used by those actions.
#pragma once

#include <string>

#include "base/result.h"
#include "lambda/function_config.h"
#include "store/blobs.h"
#include "store/database.h"

namespace evoke::lambda {

// The object's bytes. evoke's buckets are unversioned: S3ObjectVersion may only be "null".
Result<std::string> ReadCodeFromS3Blocking(store::Database& db, const store::BlobStore& blobs,
                                           const CodeSource& source);

// The zip of a request: ZipFile's bytes, or the S3 object's.
Result<std::string> CodeBytesBlocking(store::Database& db, const store::BlobStore& blobs,
                                      CodeSource source);

}  // namespace evoke::lambda
