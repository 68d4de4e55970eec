#include "lambda/concurrency.h"

namespace evoke::lambda {
namespace {

Error Throttled(const char* reason) {
  return MakeError("TooManyRequestsException", "Rate Exceeded.")
      .With("Reason", reason)
      .With("retryAfterSeconds", "1");
}

}  // namespace

ConcurrencyLimits::ConcurrencyLimits(int account_limit) : account_limit_(account_limit) {}

int ConcurrencyLimits::UnreservedConcurrentExecutions() const {
  std::lock_guard lock(mutex_);
  return account_limit_ - reserved_total_;
}

Status ConcurrencyLimits::SetReserved(const std::string& function, std::optional<int> reserved) {
  std::lock_guard lock(mutex_);
  Function& f = functions_[function];
  int others = reserved_total_ - f.reserved.value_or(0);
  if (reserved && account_limit_ - others - *reserved < min_unreserved()) {
    return MakeError("InvalidParameterValueException",
                     "Specified ReservedConcurrentExecutions for function decreases account's "
                     "UnreservedConcurrentExecution below its minimum value of [" +
                         std::to_string(min_unreserved()) + "].");
  }
  // Invocations in flight now count against the pool the function draws from.
  bool was_unreserved = !f.reserved;
  if (was_unreserved && reserved) unreserved_in_flight_ -= f.in_flight;
  if (!was_unreserved && !reserved) unreserved_in_flight_ += f.in_flight;
  f.reserved = reserved;
  reserved_total_ = others + reserved.value_or(0);
  return {};
}

std::optional<int> ConcurrencyLimits::Reserved(const std::string& function) const {
  std::lock_guard lock(mutex_);
  auto it = functions_.find(function);
  return it == functions_.end() ? std::nullopt : it->second.reserved;
}

void ConcurrencyLimits::Forget(const std::string& function) {
  std::lock_guard lock(mutex_);
  auto it = functions_.find(function);
  if (it == functions_.end()) return;
  reserved_total_ -= it->second.reserved.value_or(0);
  if (!it->second.reserved) unreserved_in_flight_ -= it->second.in_flight;
  total_in_flight_ -= it->second.in_flight;
  functions_.erase(it);
}

Status ConcurrencyLimits::Acquire(const std::string& function) {
  std::lock_guard lock(mutex_);
  Function& f = functions_[function];
  if (f.reserved) {
    if (f.in_flight >= *f.reserved) {
      return Throttled("ReservedFunctionConcurrentInvocationLimitExceeded");
    }
  } else {
    if (unreserved_in_flight_ >= account_limit_ - reserved_total_) {
      return Throttled("ConcurrentInvocationLimitExceeded");
    }
    ++unreserved_in_flight_;
  }
  ++f.in_flight;
  ++total_in_flight_;
  return {};
}

void ConcurrencyLimits::Release(const std::string& function) {
  std::lock_guard lock(mutex_);
  auto it = functions_.find(function);
  if (it == functions_.end() || it->second.in_flight == 0) return;
  --it->second.in_flight;
  --total_in_flight_;
  if (!it->second.reserved) --unreserved_in_flight_;
}

int ConcurrencyLimits::InFlight(const std::string& function) const {
  std::lock_guard lock(mutex_);
  auto it = functions_.find(function);
  return it == functions_.end() ? 0 : it->second.in_flight;
}

ConcurrencyLimits::Counts ConcurrencyLimits::InFlightCounts(const std::string& function) const {
  std::lock_guard lock(mutex_);
  Counts counts;
  auto it = functions_.find(function);
  if (it != functions_.end()) counts.function = it->second.in_flight;
  counts.unreserved = unreserved_in_flight_;
  counts.total = total_in_flight_;
  counts.claimed = unreserved_in_flight_ + reserved_total_;
  return counts;
}

}  // namespace evoke::lambda
