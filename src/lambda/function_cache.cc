#include "lambda/function_cache.h"

#include "base/log.h"
#include "lambda/function_json.h"

namespace evoke::lambda {

Result<std::shared_ptr<const CachedFunction>> FunctionCache::Get(const std::string& name) {
  uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(name);
    if (it != entries_.end()) return it->second;
    generation = generation_;
  }
  std::optional<store::FunctionRecord> record;
  {
    auto reader = txns_.Read();
    auto found = functions_.GetFunction(*reader, name);
    if (!found.ok()) return std::move(found).error();
    record = std::move(*found);
  }
  if (!record) return std::shared_ptr<const CachedFunction>();
  auto config = ParseStoredConfig(record->config_json);
  if (!config.ok()) return std::move(config).error();
  std::shared_ptr<const auth::Policy> policy;
  if (!record->policy.empty()) {
    auto parsed = auth::ParsePolicy(record->policy, auth::PolicyKind::kResource);
    if (parsed.ok()) {
      policy = std::make_shared<const auth::Policy>(std::move(*parsed));
    } else {
      LogWarning("lambda: the policy of function " + name +
                 " does not parse and grants nothing: " + parsed.error().message);
    }
  }
  auto entry = std::make_shared<const CachedFunction>(
      CachedFunction{std::move(*record), std::move(*config), std::move(policy)});
  std::lock_guard lock(mutex_);
  if (generation == generation_) entries_[name] = entry;
  return entry;
}

void FunctionCache::Invalidate(const std::string& name) {
  std::lock_guard lock(mutex_);
  ++generation_;
  entries_.erase(name);
}

}  // namespace evoke::lambda
