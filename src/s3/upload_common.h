// Shared by the multipart actions: finding the upload a request names and checking that it
// belongs to the request's bucket and key.
#pragma once

#include <string>

#include "base/result.h"
#include "s3/context.h"
#include "store/objects.h"

namespace evoke::s3 {

// The upload named by ?uploadId= for ctx's bucket and key; NoSuchUpload otherwise.
Result<store::UploadRecord> FindUpload(Context& ctx);
// The ?partNumber= of UploadPart and UploadPartCopy (InvalidArgument outside 1..10000).
Result<int> PartNumberOf(const Context& ctx);

}  // namespace evoke::s3
