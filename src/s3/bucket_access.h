// BucketAccess: what a bucket says about who may use it — its policy, its Block Public Access
// flags, its Object Ownership and its ACL — parsed once and kept until a change
// (docs/identity.md, "S3 access control" and "ACLs"). The authorize stage asks it for the
// policy that applies to a request; the actions that manage those settings change it.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/credentials.h"
#include "auth/policy.h"
#include "base/result.h"
#include "s3/acl.h"
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

// What decides whether a request may set an ACL on a bucket or its objects.
struct BucketAclState {
  bool exists = false;
  bool unreadable = false;  // the bucket's record could not be read
  Ownership ownership = Ownership::kObjectWriter;
  PublicAccessBlock block;
};

class BucketAccess {
 public:
  BucketAccess(store::Transactions& txns, store::ObjectRepository& objects);

  // The resource policy that applies when `principal` asks for `action` on `resource` (an S3
  // ARN), or nullptr: the bucket's policy (unless RestrictPublicBuckets keeps a public one from
  // anonymous callers), joined by what the public grants of the bucket's ACL and, for the
  // object-reading actions, of the object's ACL allow, when the bucket has ACLs enabled and
  // IgnorePublicAcls is off.
  std::shared_ptr<const auth::Policy> PolicyFor(std::string_view action,
                                                std::string_view resource,
                                                const auth::Principal& principal) const;
  BucketAclState AclStateOf(std::string_view bucket) const;
  // After a committed change to a bucket's policy, flags, ownership or ACL, or to the bucket.
  void Changed(std::string_view bucket);

 private:
  struct Entry {
    std::shared_ptr<const auth::Policy> policy;  // nullptr: none
    bool is_public = false;
    bool transient = false;  // a read failure: not cached
    BucketAclState state;
    bool acls_apply = false;  // ACLs enabled and not ignored
    std::shared_ptr<const auth::Policy> acl_policy;  // the bucket ACL's public grants, or nullptr
    std::shared_ptr<const auth::Policy> joined;      // policy and acl_policy as one, or nullptr
  };
  std::shared_ptr<const Entry> Get(std::string_view bucket) const;
  std::shared_ptr<const Entry> Load(std::string_view bucket) const;
  // What the public grants of an object's ACL allow, or nullptr.
  std::shared_ptr<const auth::Policy> ObjectAclPolicy(std::string_view bucket,
                                                      std::string_view key) const;

  store::Transactions& txns_;
  store::ObjectRepository& objects_;
  mutable std::mutex mutex_;
  mutable uint64_t generation_ = 0;  // GUARDED_BY(mutex_): bumped by every change
  // Looked up by string_view: no allocation per request.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  mutable std::unordered_map<std::string, std::shared_ptr<const Entry>, NameHash,
                             std::equal_to<>>
      cache_;  // GUARDED_BY(mutex_)
  // The policies of the object ACLs seen, by stored form (a handful of distinct ones).
  mutable std::unordered_map<std::string, std::shared_ptr<const auth::Policy>>
      object_acl_policies_;  // GUARDED_BY(mutex_)
};

// A policy that denies everyone (root is allowed before any policy is asked): what stands in
// for one that cannot be read, so a failure never drops a Deny (fail closed).
std::shared_ptr<const auth::Policy> DenyAllPolicy();

// The bucket of an S3 ARN ("arn:aws:s3:::bucket/key" -> "bucket"); empty for others.
std::string_view BucketOfArn(std::string_view arn);

}  // namespace evoke::s3
