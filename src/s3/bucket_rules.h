// BucketRules: the parsed rules of each bucket that requests on its objects consult — lifecycle
// (x-amz-expiration, x-amz-abort-date), CORS (Access-Control-* headers) and Object Lock (the
// lock a new version gets) — read once and kept until a change to them or to the bucket.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "s3/cors.h"
#include "s3/lifecycle.h"
#include "s3/object_lock_rules.h"
#include "store/objects.h"
#include "store/txn.h"

namespace evoke::s3 {

struct BucketRuleSet {
  std::shared_ptr<const LifecycleConfig> lifecycle;  // nullptr: none
  std::shared_ptr<const CorsConfig> cors;            // nullptr: none
  std::shared_ptr<const ObjectLockConfig> object_lock;  // nullptr: Object Lock not enabled
};

class BucketRules {
 public:
  BucketRules(store::Transactions& txns, store::ObjectRepository& objects)
      : txns_(txns), objects_(objects) {}
  // The bucket's rules; nullptr when there is no such bucket or it could not be read.
  std::shared_ptr<const BucketRuleSet> For(std::string_view bucket) const;
  // After a committed change to the bucket's rules, or to the bucket.
  void Changed(std::string_view bucket);

 private:
  store::Transactions& txns_;
  store::ObjectRepository& objects_;
  mutable std::mutex mutex_;
  uint64_t generation_ = 0;  // GUARDED_BY(mutex_): bumped by every change
  struct NameHash {  // looked up by string_view: no allocation per request
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  mutable std::unordered_map<std::string, std::shared_ptr<const BucketRuleSet>, NameHash,
                             std::equal_to<>>
      cache_;  // GUARDED_BY(mutex_)
};

}  // namespace evoke::s3
