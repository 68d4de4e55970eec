// PutFunctionConcurrency, GetFunctionConcurrency and DeleteFunctionConcurrency: a function's
// reserved concurrency, stored with the function and applied to ConcurrencyLimits in the same
// committed step (the committer thread orders every change, so the accounting and the records
// agree), and restored from the records at start-up.
#include "lambda/function_concurrency.h"

#include <nlohmann/json.hpp>

#include "base/log.h"
#include "lambda/actions.h"
#include "lambda/function_json.h"
#include "store/functions.h"

namespace evoke::lambda {
namespace {

// Stores `reserved` for the function and applies it to the accounting; on failure (also a
// failed commit) the accounting is left as it was.
Task<Status> SetReserved(Context& ctx, const std::string& name, std::optional<int> reserved) {
  std::optional<int> before;
  bool applied = false;
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    Status st = ctx.deps.store.functions.SetReservedConcurrency(t, name, reserved);
    if (!st.ok()) return st;
    before = ctx.deps.concurrency.Reserved(name);
    st = ctx.deps.concurrency.SetReserved(name, reserved);
    if (!st.ok()) return st;
    applied = true;
    return {};
  });
  if (!s.ok() && applied) (void)ctx.deps.concurrency.SetReserved(name, before);
  co_return s;
}

}  // namespace

Status RestoreReservedConcurrencyBlocking(store::Transactions& txns,
                                          store::FunctionRepository& functions,
                                          ConcurrencyLimits& limits) {
  auto reader = txns.Read();
  auto reserved = functions.ListReservedConcurrency(*reader);
  if (!reserved.ok()) return std::move(reserved).error();
  for (const auto& [name, n] : *reserved) {
    Status s = limits.SetReserved(name, n);
    if (!s.ok()) {
      LogWarning("function " + name + " keeps its stored reserved concurrency of " +
               std::to_string(n) + " but it is not applied: " + s.error().message);
    }
  }
  return {};
}

Task<Status> PutFunctionConcurrency(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  nlohmann::json body = nlohmann::json::parse(ctx.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    co_return MakeError("InvalidRequestContentException",
                        "Could not parse request body into json: the body is not a JSON object");
  }
  auto it = body.find("ReservedConcurrentExecutions");
  if (it == body.end() || it->is_null()) {
    co_return MakeError("ValidationException",
                        "1 validation error detected: Value null at "
                        "'reservedConcurrentExecutions' failed to satisfy constraint: Member must "
                        "not be null");
  }
  if (!it->is_number_integer()) {
    co_return MakeError("InvalidRequestContentException",
                        "Could not parse request body into json: Could not parse payload into "
                        "json: unexpected value for ReservedConcurrentExecutions");
  }
  int64_t reserved = it->get<int64_t>();
  if (reserved < 0) {
    co_return MakeError("ValidationException",
                        "1 validation error detected: Value '" + std::to_string(reserved) +
                            "' at 'reservedConcurrentExecutions' failed to satisfy constraint: "
                            "Member must have value greater than or equal to 0");
  }
  if (reserved > ctx.deps.concurrency.account_limit()) {
    // More than the whole account: never leaves the minimum unreserved.
    reserved = ctx.deps.concurrency.account_limit() + 1;
  }
  Status s = co_await SetReserved(ctx, *name, static_cast<int>(reserved));
  if (!s.ok()) co_return s;
  nlohmann::json out = {{"ReservedConcurrentExecutions", it->get<int64_t>()}};
  co_return ctx.Reply(200, out);
}

Task<Status> GetFunctionConcurrency(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  auto record = ReadFunction(ctx, *name);
  if (!record.ok()) co_return std::move(record).error();
  nlohmann::json out = nlohmann::json::object();
  if (record->reserved_concurrency) {
    out["ReservedConcurrentExecutions"] = *record->reserved_concurrency;
  }
  co_return ctx.Reply(200, out);
}

Task<Status> DeleteFunctionConcurrency(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  Status s = co_await SetReserved(ctx, *name, std::nullopt);
  if (!s.ok()) co_return s;
  http::Response r;
  r.status = 204;
  r.headers.Add("x-amzn-RequestId", ctx.request_id);
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::lambda
