// DeleteLayerVersion: the version can no longer be seen or added to functions; its archive
// stays while a function still uses it (store/layers.h). Deleting a version that does not
// exist succeeds, as on Lambda.
#include "lambda/actions.h"
#include "lambda/layer_config.h"
#include "store/layers.h"

namespace evoke::lambda {

Task<Status> DeleteLayerVersion(Context& ctx) {
  auto name = ParseLayerName(ctx.path_params.at(0), ctx.account);
  if (!name.ok()) co_return std::move(name).error();
  auto version = ParseLayerVersionNumber(ctx.path_params.at(1));
  if (!version.ok()) co_return std::move(version).error();
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) {
    return ctx.deps.store.layers.DeleteLayerVersion(t, *name, *version);
  });
  if (!s.ok()) co_return s;
  http::Response r;
  r.status = 204;
  r.headers.Add("x-amzn-RequestId", ctx.request_id);
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::lambda
