// ConcurrencyLimits: admission of invocations against the account's concurrency limit and each
// function's reserved concurrency, as Lambda accounts them. Used by the invoke front door and by
// Put/Get/DeleteFunctionConcurrency and GetAccountSettings. Thread-safe: one mutex around a few
// counter updates.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "base/result.h"

namespace evoke::lambda {

class ConcurrencyLimits {
 public:
  // `account_limit`: 1,000 by default on AWS. A tenth of it (100 of 1,000) must stay
  // unreserved.
  explicit ConcurrencyLimits(int account_limit);

  int account_limit() const { return account_limit_; }
  int min_unreserved() const { return account_limit_ / 10; }
  // What functions without a reservation share: the limit less every reservation.
  int UnreservedConcurrentExecutions() const;

  // Sets (or with nullopt removes) a function's reserved concurrency. InvalidParameterValue-
  // Exception when it would leave less than min_unreserved() unreserved.
  Status SetReserved(const std::string& function, std::optional<int> reserved);
  std::optional<int> Reserved(const std::string& function) const;
  // The function is gone: its reservation and counters go with it.
  void Forget(const std::string& function);

  // Admits one invocation of `function`, or TooManyRequestsException with the Reason Lambda
  // gives: ReservedFunctionConcurrentInvocationLimitExceeded (its reservation is used up, or
  // is 0) or ConcurrentInvocationLimitExceeded (the unreserved pool is). Every admitted
  // invocation is released once.
  Status Acquire(const std::string& function);
  void Release(const std::string& function);
  int InFlight(const std::string& function) const;

  // The invocations running now: of one function, of those without a reservation, and in
  // all; and what the account has claimed (the unreserved ones plus every reservation).
  struct Counts {
    int function = 0;
    int unreserved = 0;
    int total = 0;
    int claimed = 0;
  };
  Counts InFlightCounts(const std::string& function) const;

 private:
  struct Function {
    std::optional<int> reserved;
    int in_flight = 0;
  };

  const int account_limit_;
  mutable std::mutex mutex_;
  std::map<std::string, Function> functions_;  // GUARDED_BY(mutex_)
  int reserved_total_ = 0;                     // GUARDED_BY(mutex_)
  int unreserved_in_flight_ = 0;               // GUARDED_BY(mutex_)
  int total_in_flight_ = 0;                    // GUARDED_BY(mutex_)
};

}  // namespace evoke::lambda
