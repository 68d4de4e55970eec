// The copy source of CopyObject and UploadPartCopy: parsing x-amz-copy-source, checking its
// conditions, and copying a byte range of it into a new blob (computing the ETag and an
// optional checksum on the way).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/asio.h"
#include "base/result.h"
#include "s3/checksum.h"
#include "s3/context.h"
#include "s3/object_io.h"

namespace evoke::s3 {

struct CopySource {
  std::string bucket;
  std::string key;
  std::string version_id;  // empty: the current version
};

// "bucket/key" or "/bucket/key", URL-encoded, with an optional "?versionId=...".
Result<CopySource> ParseCopySource(std::string_view header);

// Checks that the caller may read the source (s3:GetObject, or s3:GetObjectVersion for a
// version: AccessDenied), opens it and evaluates x-amz-copy-source-if-* (PreconditionFailed).
// A delete marker named by its id is an InvalidRequest.
Result<OpenedObject> OpenCopySource(Context& ctx, const CopySource& source);

// Copies `length` bytes of `source` from `offset` into a new blob, yielding to other requests
// on the thread between chunks.
Task<Result<WrittenBody>> CopyIntoBlob(Context& ctx, const OpenedObject& source, uint64_t offset,
                                       uint64_t length, std::optional<ChecksumAlgorithm> checksum);

}  // namespace evoke::s3
