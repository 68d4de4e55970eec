#include "s3/bucket_rules.h"

namespace evoke::s3 {

std::shared_ptr<const BucketRuleSet> BucketRules::For(std::string_view bucket) const {
  uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(bucket); it != cache_.end()) return it->second;
    generation = generation_;
  }
  auto reader = txns_.Read();
  auto record = objects_.GetBucket(*reader, bucket);
  if (!record.ok() || !record->has_value()) return nullptr;  // not cached: asked again next time
  auto rules = std::make_shared<BucketRuleSet>();
  // Stored documents were validated on the way in.
  if (!(*record)->lifecycle.empty()) {
    if (auto parsed = ParseLifecycleXml((*record)->lifecycle); parsed.ok()) {
      rules->lifecycle = std::make_shared<const LifecycleConfig>(std::move(*parsed));
    }
  }
  if (!(*record)->cors.empty()) {
    if (auto parsed = ParseCorsXml((*record)->cors); parsed.ok()) {
      rules->cors = std::make_shared<const CorsConfig>(std::move(*parsed));
    }
  }
  if (!(*record)->object_lock.empty()) {
    if (auto parsed = ParseObjectLockConfigXml((*record)->object_lock); parsed.ok()) {
      rules->object_lock = std::make_shared<const ObjectLockConfig>(std::move(*parsed));
    }
  }
  std::lock_guard lock(mutex_);
  // A change committed while this read ran may be newer than what it read: keep nothing then.
  if (generation == generation_) cache_[std::string(bucket)] = rules;
  return rules;
}

void BucketRules::Changed(std::string_view bucket) {
  std::lock_guard lock(mutex_);
  ++generation_;
  if (auto it = cache_.find(bucket); it != cache_.end()) cache_.erase(it);
}

}  // namespace evoke::s3
