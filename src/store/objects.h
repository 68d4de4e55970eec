// The S3 repository: buckets, objects, multipart uploads and parts, as records (docs/store.md).
// Reads take any transaction; writes a job's WriteTxn, so they commit with the job. Only the S3
// module (and app, which wires it) sees this; others reach objects through s3/object_access.h.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/txn.h"

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
  std::string policy;            // the bucket policy as PutBucketPolicy stored it; empty: none
  // Block Public Access: four '0'/'1' flags in the order BlockPublicAcls, IgnorePublicAcls,
  // BlockPublicPolicy, RestrictPublicBuckets; empty: no configuration.
  std::string public_access_block;
  // Object Ownership ("BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"); empty:
  // no ownership controls.
  std::string ownership;
  std::string acl;  // the bucket's ACL in s3/acl.h's stored form; empty: private
  // "Enabled" or "Suspended"; empty: versioning never configured (docs/versioning.md).
  std::string versioning;
  std::string lifecycle;  // the lifecycle configuration document (docs/lifecycle.md); empty: none
  std::string tagging;    // the bucket's tags in x-amz-tagging form; empty: none
  std::string cors;       // the CORS configuration document (docs/cors.md); empty: none
  // The default encryption configuration document as GetBucketEncryption returns it
  // (docs/encryption.md); empty: S3's default, SSE-S3.
  std::string encryption;
  // The Object Lock configuration document (docs/object-lock.md) as GetObjectLockConfiguration
  // returns it; empty: Object Lock is not enabled (once set it is never emptied).
  std::string object_lock;
  // The metrics configurations (s3/metrics_configuration.h's stored form); empty: none.
  std::string metrics;
};

// What a bucket stores in one storage class, for S3's daily storage metrics: its versions
// (current and noncurrent, delete markers aside) and the parts of unfinished multipart uploads.
struct StorageClassUsage {
  std::string storage_class;  // "STANDARD" for objects stored without one
  uint64_t bytes = 0;
  uint64_t objects = 0;  // versions and parts
};

// A bucket's settings kept in its record.
enum class BucketSetting {
  kNotification,
  kPolicy,
  kPublicAccessBlock,
  kOwnership,
  kAcl,
  kVersioning,
  kLifecycle,
  kTagging,
  kCors,
  kEncryption,
  kObjectLock,
  kMetrics
};

// The version id of the null version: the one a bucket's objects had before versioning was
// enabled, and the one writes make while it is suspended.
inline constexpr std::string_view kNullVersion = "null";

// One part of an object made by CompleteMultipartUpload, as GetObjectAttributes lists it.
struct ObjectPart {
  int part_number = 0;         // the number it was uploaded as
  uint64_t size = 0;
  std::string checksum_value;  // base64 in the object's checksum algorithm; empty: none
};

// A version's Object Lock state (docs/object-lock.md): what protects it from deletion.
struct ObjectLockState {
  std::string mode;  // retention: "GOVERNANCE" or "COMPLIANCE"; empty: none
  int64_t retain_until_ms = 0;  // with a mode: until when it protects the version
  std::string legal_hold;       // "ON" or "OFF"; empty: never set
  bool operator==(const ObjectLockState&) const = default;
};

struct ObjectRecord {
  std::string bucket;
  std::string key;
  uint64_t size = 0;
  std::string etag;  // without quotes
  int64_t modified_ms = 0;
  std::vector<Segment> segments;   // none for an empty or inline body; one per part when multipart
  std::string inline_body;         // the whole body of a small object kept in its row; filled
                                   // by GetObject only (listings leave it empty)
  int part_count = 0;              // > 0 for objects made by CompleteMultipartUpload
  // Those objects' parts, in order; empty for the ones completed before evoke kept them.
  std::vector<ObjectPart> parts;
  HeaderList headers;              // Content-Type, ..., x-amz-meta-* (lower case)
  std::string checksum_algorithm;  // CRC32, CRC32C, CRC64NVME, SHA1, SHA256 or empty
  std::string checksum_value;      // base64, "-N" suffixed when composite
  std::string checksum_type;       // FULL_OBJECT or COMPOSITE
  std::string storage_class;       // empty means STANDARD
  // Versions (docs/versioning.md). version_id: "null" for the null version, empty for an object
  // of a bucket that has never had versioning (also the null version). seq orders a key's
  // versions: larger is newer. A delete marker has a version id and a time, nothing else.
  std::string version_id;
  int64_t seq = 0;
  bool delete_marker = false;
  bool is_latest = true;      // ListObjectVersions: the key's newest version
  int64_t noncurrent_ms = 0;  // when a newer version replaced it; 0 while it is the newest
  ObjectLockState lock;       // Object Lock: kept by the version wherever its row moves
};

// Whether `version_id` names the null version ("null", or the empty id of an unversioned
// bucket's objects).
inline bool IsNullVersion(std::string_view version_id) {
  return version_id.empty() || version_id == kNullVersion;
}

// Where a versions listing resumes: after `key`'s versions newer than or equal to `seq`
// (kPastKey: after every version of `key`). Versions list in key order, newest first.
struct VersionPosition {
  static constexpr int64_t kPastKey = INT64_MIN;
  std::string key;
  int64_t seq = kPastKey;
};

// What a delete did.
struct DeleteOutcome {
  bool removed = false;        // a version (or the unversioned object) was removed
  bool delete_marker = false;  // a delete marker was made, or the version removed was one
  std::string version_id;      // the marker made, or the version removed
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
  std::string etag;  // without quotes
  int64_t modified_ms = 0;
  std::string blob;            // empty for an empty part
  std::string checksum_value;  // base64 in the upload's algorithm, or empty
};

// Every method takes the transaction it reads or writes in. Writes fail with the store's errors
// (store/errors.h): NotFound "bucket" or "upload", AlreadyExists "bucket", NotEmpty "bucket".
class ObjectRepository {
 public:
  virtual ~ObjectRepository() = default;

  virtual Result<std::optional<BucketRecord>> GetBucket(ReadTxn& t, std::string_view name) = 0;
  virtual Result<std::vector<BucketRecord>> ListBuckets(ReadTxn& t) = 0;
  // The object's current version with its inline body (if any); none when the key has no
  // version or its newest is a delete marker.
  virtual Result<std::optional<ObjectRecord>> GetObject(ReadTxn& t, std::string_view bucket,
                                                        std::string_view key) = 0;
  // One version with its inline body, delete markers included: `version_id` names it ("null"
  // the null version), empty asks for the key's newest version.
  virtual Result<std::optional<ObjectRecord>> GetVersion(ReadTxn& t, std::string_view bucket,
                                                         std::string_view key,
                                                         std::string_view version_id) = 0;
  // Versions and delete markers with key starting with prefix, after `after`, in key order
  // and newest first within a key, at most `limit` (without inline bodies), is_latest set.
  virtual Result<std::vector<ObjectRecord>> ListVersions(ReadTxn& t, std::string_view bucket,
                                                         std::string_view prefix,
                                                         const VersionPosition& after,
                                                         size_t limit) = 0;
  // Objects with key > after and key starting with prefix, in key order, at most `limit`
  // (without inline bodies).
  virtual Result<std::vector<ObjectRecord>> ListObjects(ReadTxn& t, std::string_view bucket,
                                                        std::string_view prefix,
                                                        std::string_view after, size_t limit) = 0;
  virtual Result<std::optional<UploadRecord>> GetUpload(ReadTxn& t, std::string_view upload_id) = 0;
  // The bucket's bytes and objects per storage class (one grouped query), in no set order.
  virtual Result<std::vector<StorageClassUsage>> StorageUsage(ReadTxn& t,
                                                              std::string_view bucket) = 0;
  // Parts with part_number > after, in order, at most `limit`.
  virtual Result<std::vector<PartRecord>> ListParts(ReadTxn& t, std::string_view upload_id,
                                                    int after, size_t limit) = 0;
  // Uploads of a bucket ordered by (key, upload_id), after (key_marker, upload_id_marker).
  virtual Result<std::vector<UploadRecord>> ListUploads(ReadTxn& t, std::string_view bucket,
                                                        std::string_view prefix,
                                                        std::string_view key_marker,
                                                        std::string_view upload_id_marker,
                                                        size_t limit) = 0;

  virtual Status CreateBucket(WriteTxn& t, const BucketRecord& bucket) = 0;
  // NotEmpty while it holds objects; its unfinished uploads go with it.
  virtual Status DeleteBucket(WriteTxn& t, std::string_view name) = 0;
  // Sets one of the bucket's settings (empty: none); NotFound "bucket".
  virtual Status SetBucketSetting(WriteTxn& t, std::string_view bucket, BucketSetting setting,
                                  std::string_view value) = 0;
  // Writes the object as the bucket's versioning says: replaces it (unversioned; the replaced
  // blobs go after the commit), adds a version (Enabled: `object.version_id` is set to a new
  // id) or replaces the null version (Suspended: "null"). Sets `object.seq`.
  virtual Status PutObject(WriteTxn& t, ObjectRecord& object) = 0;
  // Rewrites a version's stored headers in place (body, ETag and modification time unchanged);
  // `version_id` empty: the current version. NotFound "bucket", "object" or "version"
  // (a delete marker has no headers: NotFound "version").
  virtual Status UpdateObjectHeaders(WriteTxn& t, std::string_view bucket, std::string_view key,
                                     std::string_view version_id,
                                     const std::function<void(HeaderList&)>& update) = 0;
  // Sets a version's Object Lock state (body, headers and times unchanged); `version_id`
  // empty: the current version. NotFound as UpdateObjectHeaders.
  virtual Status SetObjectLock(WriteTxn& t, std::string_view bucket, std::string_view key,
                               std::string_view version_id, const ObjectLockState& lock) = 0;
  // Without `version_id`: removes the object (unversioned) or makes a delete marker (Enabled:
  // a new id; Suspended: the null version, replacing it), `now_ms` its time. With one: removes
  // that version for good (nothing if there is none); when it was the newest, the next newest
  // becomes current.
  virtual Result<DeleteOutcome> DeleteObject(WriteTxn& t, std::string_view bucket,
                                             std::string_view key, std::string_view version_id,
                                             int64_t now_ms) = 0;
  virtual Status CreateUpload(WriteTxn& t, const UploadRecord& upload) = 0;
  // Replaces an earlier part of the same number.
  virtual Status PutPart(WriteTxn& t, const PartRecord& part) = 0;
  // Turns the upload into `object`, whose segments must be blobs of the upload's parts; parts
  // not used are dropped.
  virtual Status CompleteUpload(WriteTxn& t, std::string_view upload_id,
                                ObjectRecord& object) = 0;
  virtual Status AbortUpload(WriteTxn& t, std::string_view upload_id) = 0;
};

}  // namespace evoke::store
