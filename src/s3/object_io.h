// Building blocks the object actions share: the headers an object keeps, opening an object's
// blobs as one consistent snapshot, reading byte ranges across its segments, and writing a
// request body into a new blob.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/asio.h"
#include "base/result.h"
#include "http/message.h"
#include "s3/body.h"
#include "s3/conditions.h"
#include "s3/context.h"
#include "store/blob_store.h"
#include "store/objects.h"

namespace evoke::s3 {

inline constexpr uint64_t kMaxSinglePutSize = 5ull * 1024 * 1024 * 1024;
inline constexpr size_t kMaxUserMetadataBytes = 2048;

// Content-Type, Content-Encoding (without aws-chunked), Content-Disposition, Content-Language,
// Cache-Control, Expires and x-amz-meta-* of a request, and its tags (x-amz-tagging).
// MetadataTooLarge past 2 KB of user metadata; InvalidTag, InvalidArgument for bad tags.
Result<store::HeaderList> StoredHeaders(const http::Headers& headers);
// x-amz-storage-class; "" for STANDARD. InvalidStorageClass for a name S3 does not know.
Result<std::string> StorageClassOf(const http::Headers& headers);
// ETag, Last-Modified, Content-Type, the stored headers, the tag count and the version id of an
// object.
void AddObjectHeaders(http::Response& response, const store::ObjectRecord& object);
// x-amz-version-id, when the object has a version id (none in a bucket never versioned).
void AddVersionHeader(http::Response& response, const store::ObjectRecord& object);
// x-amz-expiration, when a lifecycle rule of the bucket will expire the current version
// `object`.
void AddExpirationHeader(http::Response& response, const Context& ctx,
                         const store::ObjectRecord& object);
// x-amz-abort-date and x-amz-abort-rule-id, when a lifecycle rule of the bucket will abort the
// upload.
void AddAbortHeaders(http::Response& response, const Context& ctx,
                     const store::UploadRecord& upload);

// A version id a request gives in `argument_name`: InvalidArgument for an empty one or one evoke
// never gives out.
Result<std::string> CheckVersionId(std::string_view version_id, std::string_view argument_name);
// The request's versionId query parameter; "" when there is none. InvalidArgument for an empty
// one or one evoke never gives out.
Result<std::string> RequestedVersion(const http::Request& request);
// The version `version_id` names, or the key's current version when it is empty, as `t` sees it.
// NoSuchBucket, NoSuchKey (with x-amz-delete-marker when the newest version is a delete marker),
// NoSuchVersion, or MethodNotAllowed for a delete marker named by its id.
Result<store::ObjectRecord> FindObject(store::ReadTxn& t, const Context& ctx,
                                       std::string_view bucket, std::string_view key,
                                       std::string_view version_id);

// S3's timestamps in XML: ISO 8601 at whole seconds, "2009-10-12T17:50:30.000Z".
std::string FormatS3Time(int64_t ms);

Status CheckBucketExists(const Context& ctx, std::string_view bucket);

// A read's If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since against the
// version `o`: PreconditionFailed; true when the answer is 304 Not Modified (set on `ctx`);
// false to go on.
Result<bool> AnswerReadConditions(Context& ctx, const store::ObjectRecord& o);

// A write's If-None-Match / If-Match (s3/conditions.h) against the object `key` has as `t` sees
// it; OK when the request has neither.
Status CheckWriteConditionsIn(store::ReadTxn& t, const Context& ctx,
                              const WriteConditions& conditions, std::string_view bucket,
                              std::string_view key);

struct OpenedObject {
  store::ObjectRecord record;
  std::vector<std::unique_ptr<store::BlobReader>> files;  // one per segment
};
// FindObject's errors. Retries when an overwrite removed a blob between the lookup and the open,
// so the files always belong to one version of the object.
Result<OpenedObject> OpenObject(Context& ctx, std::string_view bucket, std::string_view key,
                                std::string_view version_id = {});
// Appends `length` bytes of the object from `offset` to `out`.
Status ReadObjectBytes(const OpenedObject& object, uint64_t offset, uint64_t length, std::string& out);
// Writes `length` bytes of the object from `offset` to `out`.
Status ReadObjectBytes(const OpenedObject& object, uint64_t offset, uint64_t length, char* out);

// Bodies up to this size may be kept in the object's row instead of a blob file of their own:
// one journal commit for a batch of small PUTs rather than a file creation and sync for each.
inline constexpr uint64_t kMaxInlineBodySize = 64 * 1024;

// A body written to a new blob (none for an empty body) or kept in memory to be stored inline,
// verified.
struct WrittenBody {
  std::unique_ptr<store::BlobWriter> blob;
  std::string inline_body;
  uint64_t size = 0;
  std::string md5_hex;
  std::optional<ChecksumAlgorithm> checksum_algorithm;
  std::string checksum_base64;
  // What the commit that names the body must make durable first.
  std::vector<store::BlobWriter*> blobs() const;
  std::vector<store::Segment> segments() const;
};
// `may_inline`: a body announced (Content-Length or x-amz-decoded-content-length) at no more
// than kMaxInlineBodySize stays in memory, for the caller to store inline.
Task<Result<WrittenBody>> WriteBody(Context& ctx, BodyReader& body, bool may_inline);

}  // namespace evoke::s3
