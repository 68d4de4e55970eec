// The S3 repository: buckets, objects, multipart uploads and parts, as records in the
// database. Reads take any connection (usually a pool lease); writes take the WriteTxn of a
// Committer job, so that they commit with the job's batch. The S3 module sees only this.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/committer.h"
#include "store/sqlite.h"

namespace evoke::store {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A stretch of an object's body kept in one blob file.
struct Segment {
  std::string blob;
  uint64_t size = 0;
};

struct BucketRecord {
  std::string name;
  int64_t created_ms = 0;
  std::string region;
  std::string notification_xml;  // empty when none is set
};

struct ObjectRecord {
  std::string bucket;
  std::string key;
  uint64_t size = 0;
  std::string etag;               // without quotes
  int64_t modified_ms = 0;
  std::vector<Segment> segments;  // none for an empty or inline body; one per part when multipart
  std::string inline_body;        // the whole body of a small object kept in its row; filled
                                  // by GetObject only (listings leave it empty)
  int part_count = 0;             // > 0 for objects made by CompleteMultipartUpload
  HeaderList headers;             // Content-Type, ..., x-amz-meta-* (lower case)
  std::string checksum_algorithm; // CRC32, CRC32C, CRC64NVME, SHA1, SHA256 or empty
  std::string checksum_value;     // base64, "-N" suffixed when composite
  std::string checksum_type;      // FULL_OBJECT or COMPOSITE
  std::string storage_class;      // empty means STANDARD
};

struct UploadRecord {
  std::string upload_id;
  std::string bucket;
  std::string key;
  int64_t initiated_ms = 0;
  HeaderList headers;
  std::string checksum_algorithm;
  std::string checksum_type;
  std::string storage_class;
};

struct PartRecord {
  std::string upload_id;
  int part_number = 0;
  uint64_t size = 0;
  std::string etag;               // without quotes
  int64_t modified_ms = 0;
  std::string blob;               // empty for an empty part
  std::string checksum_value;     // base64 in the upload's algorithm, or empty
};

// Reads.
Result<std::optional<BucketRecord>> GetBucket(Connection& c, std::string_view name);
Result<std::vector<BucketRecord>> ListBuckets(Connection& c);
Result<std::optional<ObjectRecord>> GetObject(Connection& c, std::string_view bucket,
                                              std::string_view key);
// Objects with key > after and key starting with prefix, in key order, at most `limit`.
Result<std::vector<ObjectRecord>> ListObjects(Connection& c, std::string_view bucket,
                                              std::string_view prefix, std::string_view after,
                                              size_t limit);
Result<bool> BucketHasObjects(Connection& c, std::string_view bucket);
Result<std::optional<UploadRecord>> GetUpload(Connection& c, std::string_view upload_id);
// Parts with part_number > after, in order, at most `limit`.
Result<std::vector<PartRecord>> ListParts(Connection& c, std::string_view upload_id, int after,
                                          size_t limit);
// Uploads of a bucket ordered by (key, upload_id), after (key_marker, upload_id_marker).
Result<std::vector<UploadRecord>> ListUploads(Connection& c, std::string_view bucket,
                                              std::string_view prefix, std::string_view key_marker,
                                              std::string_view upload_id_marker, size_t limit);
// Every blob id named by a record (objects, parts, function packages, layers), for the start-up
// orphan sweep.
Status ForEachReferencedBlob(Connection& c, const std::function<void(std::string_view)>& fn);

// Writes. Each fails with the S3 error its condition means (NoSuchBucket, ...).
Status CreateBucket(WriteTxn& t, const BucketRecord& bucket);  // BucketAlreadyOwnedByYou
Status DeleteBucket(WriteTxn& t, std::string_view name);       // NoSuchBucket, BucketNotEmpty
Status SetBucketNotification(WriteTxn& t, std::string_view bucket, std::string_view xml);
// Inserts or replaces; the replaced object's blobs go after the commit.
Status PutObject(WriteTxn& t, const ObjectRecord& object);
// Rewrites an object's stored headers in place (body, ETag and modification time unchanged);
// NoSuchBucket / NoSuchKey.
Status UpdateObjectHeaders(WriteTxn& t, std::string_view bucket, std::string_view key,
                           const std::function<void(HeaderList&)>& update);
// Returns whether an object was there.
Result<bool> DeleteObject(WriteTxn& t, std::string_view bucket, std::string_view key);
Status CreateUpload(WriteTxn& t, const UploadRecord& upload);
// NoSuchUpload when the upload is gone; replaces an earlier part of the same number.
Status PutPart(WriteTxn& t, const PartRecord& part);
// Turns the upload into `object`, whose segments must be blobs of the upload's parts; parts not
// used are dropped.
Status CompleteUpload(WriteTxn& t, std::string_view upload_id, const ObjectRecord& object);
Status AbortUpload(WriteTxn& t, std::string_view upload_id);  // NoSuchUpload

// The text forms of segment lists and header lists in the database; exposed for tests.
std::string EncodeSegments(const std::vector<Segment>& segments);
std::vector<Segment> DecodeSegments(std::string_view text);
std::string EncodeHeaders(const HeaderList& headers);
HeaderList DecodeHeaders(std::string_view text);

}  // namespace evoke::store
