// GetAccountSettings: Lambda's limits for the account (code sizes as on AWS, the configured
// concurrency limit less the reservations) and its usage (functions and stored code).
#include <nlohmann/json.hpp>

#include "lambda/actions.h"
#include "lambda/code_package.h"
#include "store/functions.h"

namespace evoke::lambda {

// Lambda's default storage for functions and layers in a region: 75 GB.
constexpr uint64_t kTotalCodeSizeLimit = 80'530'636'800;

Task<Status> GetAccountSettings(Context& ctx) {
  store::CodeUsage usage;
  {
    auto reader = ctx.deps.store.txns.Read();
    auto found = ctx.deps.store.functions.GetCodeUsage(*reader);
    if (!found.ok()) co_return std::move(found).error();
    usage = *found;
  }
  nlohmann::json out = {
      {"AccountLimit",
       {{"TotalCodeSize", kTotalCodeSizeLimit},
        {"CodeSizeUnzipped", kMaxUnzippedBytes},
        {"CodeSizeZipped", kMaxZippedBytes},
        {"ConcurrentExecutions", ctx.deps.concurrency.account_limit()},
        {"UnreservedConcurrentExecutions", ctx.deps.concurrency.UnreservedConcurrentExecutions()}}},
      {"AccountUsage",
       {{"TotalCodeSize", usage.total_code_size}, {"FunctionCount", usage.function_count}}}};
  co_return ctx.Reply(200, out);
}

}  // namespace evoke::lambda
