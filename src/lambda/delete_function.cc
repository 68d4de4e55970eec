// DeleteFunction: removes the function and, after the commit, its package and its reserved
// concurrency; its warm sandboxes stop.
#include "lambda/actions.h"
#include "lambda/function_config.h"
#include "lambda/function_json.h"
#include "store/functions.h"

namespace evoke::lambda {

Task<Status> DeleteFunction(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  Status s = co_await ctx.Commit(
      [&](store::WriteTxn& t) { return ctx.deps.store.functions.DeleteFunction(t, *name); });
  if (!s.ok()) {
    if (s.error().code == "ResourceNotFoundException") {
      co_return MakeError("ResourceNotFoundException",
                          "Function not found: " + FunctionArn(ctx.account, *name));
    }
    co_return s;
  }
  ctx.deps.concurrency.Forget(*name);
  ctx.FunctionChanged(*name);
  http::Response r;
  r.status = 204;
  r.headers.Add("x-amzn-RequestId", ctx.request_id);
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::lambda
