// FunctionCache: functions' records and parsed configurations, kept in memory for the invoke
// path, which would otherwise read and parse them from the database on every call. Every change
// to a function goes through this process's actions, which invalidate its entry after their
// commit; a generation counter keeps a read that raced with a change from caching the old
// record. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "auth/policy.h"
#include "base/result.h"
#include "lambda/function_config.h"
#include "store/functions.h"
#include "store/txn.h"

namespace evoke::lambda {

struct CachedFunction {
  store::FunctionRecord record;
  FunctionConfig config;
  // The function's resource-based policy, parsed for the authorize stage; nullptr: none (or one
  // that does not parse, which then grants nothing: AddPermission only writes Allows).
  std::shared_ptr<const auth::Policy> policy;
};

class FunctionCache {
 public:
  FunctionCache(store::Transactions& txns, store::FunctionRepository& functions)
      : txns_(txns), functions_(functions) {}

  // The function, or nullptr when there is none.
  Result<std::shared_ptr<const CachedFunction>> Get(const std::string& name);
  // After a commit that created, changed or deleted the function.
  void Invalidate(const std::string& name);

 private:
  store::Transactions& txns_;
  store::FunctionRepository& functions_;
  std::mutex mutex_;
  uint64_t generation_ = 0;                                          // GUARDED_BY(mutex_)
  std::map<std::string, std::shared_ptr<const CachedFunction>> entries_;  // GUARDED_BY(mutex_)
};

}  // namespace evoke::lambda
