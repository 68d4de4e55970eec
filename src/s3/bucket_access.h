// BucketAccess: what a bucket says about who may use it — its policy and its Block Public Access
// flags — parsed once and kept until a change (docs/identity.md, "S3 access control"). The
// authorize stage asks it for the policy that applies to a request; PutBucketPolicy and the
// Block Public Access actions change it. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/credentials.h"
#include "auth/policy.h"
#include "base/result.h"
#include "store/objects.h"
#include "store/txn.h"

namespace evoke::s3 {

struct PublicAccessBlock {
  bool block_public_acls = false;
  bool ignore_public_acls = false;
  bool block_public_policy = false;
  bool restrict_public_buckets = false;

  static PublicAccessBlock All() { return {true, true, true, true}; }
  // The store's four flags ("1111"); nullopt for none (empty) or anything else.
  static std::optional<PublicAccessBlock> FromStored(std::string_view flags);
  std::string ToStored() const;
};

class BucketAccess {
 public:
  BucketAccess(store::Transactions& txns, store::ObjectRepository& objects);

  // The policy of `bucket` that applies to `principal`, or nullptr: none, or a public policy
  // that RestrictPublicBuckets keeps from anonymous callers.
  std::shared_ptr<const auth::Policy> PolicyFor(std::string_view bucket,
                                                const auth::Principal& principal) const;
  // After a committed change to a bucket's policy or flags, or to the bucket itself.
  void Changed(std::string_view bucket);

 private:
  struct Entry {
    std::shared_ptr<const auth::Policy> policy;  // nullptr: none
    bool is_public = false;
    bool restrict_public = false;
    bool transient = false;  // a read failure: not cached
  };
  std::shared_ptr<const Entry> Load(std::string_view bucket) const;

  store::Transactions& txns_;
  store::ObjectRepository& objects_;
  mutable std::mutex mutex_;
  mutable uint64_t generation_ = 0;  // GUARDED_BY(mutex_): bumped by every change
  mutable std::unordered_map<std::string, std::shared_ptr<const Entry>> cache_;  // GUARDED_BY
};

// The bucket of an S3 ARN ("arn:aws:s3:::bucket/key" -> "bucket"); empty for others.
std::string_view BucketOfArn(std::string_view arn);

}  // namespace evoke::s3
