// ObjectAccess: S3 objects for the modules that are not S3 (docs/architecture.md). Lambda reads
// a code package named by S3Bucket/S3Key and checks that a destination bucket exists; the
// asynchronous dispatcher writes invocation records to S3 destinations. Everything goes through
// the S3 module, so its rules hold (atomic bodies, notifications); nobody else touches
// store/objects.h. Implemented by S3ObjectAccess, wired by app. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "auth/policy.h"
#include "base/result.h"
#include "store/txn.h"

namespace evoke::s3 {

class ObjectAccess {
 public:
  virtual ~ObjectAccess() = default;
  // Whether the bucket exists, as `t` sees it.
  virtual Result<bool> BucketExists(store::ReadTxn& t, std::string_view bucket) = 0;
  // The whole object, or the version `version_id` names (empty: the current one). S3's errors:
  // NoSuchBucket, NoSuchKey, NoSuchVersion, EntityTooLarge past `max_size`.
  // Blocking (a database read and blob reads).
  virtual Result<std::string> ReadObjectBlocking(std::string_view bucket, std::string_view key,
                                                 std::string_view version_id,
                                                 uint64_t max_size) = 0;
  // Stores a small object (its body kept inline) in the caller's transaction. It sends none of
  // the bucket's notifications (an invocation record sent to a bucket whose notifications invoke
  // the same function would loop). NoSuchBucket when the bucket is gone.
  virtual Status PutSmallObject(store::WriteTxn& t, std::string_view bucket, std::string_view key,
                                std::string body, std::string_view content_type) = 0;
  // The resource policy S3 decides `action` on `resource` (an S3 ARN) by for `principal`: the
  // bucket's policy and ACL grants (s3/bucket_access.h), for another service's decision about
  // an S3 object (Lambda reading a code package); nullptr: none.
  virtual std::shared_ptr<const auth::Policy> PolicyFor(std::string_view action,
                                                        std::string_view resource,
                                                        const auth::Principal& principal) = 0;
};

}  // namespace evoke::s3
