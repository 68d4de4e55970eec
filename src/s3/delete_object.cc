// DeleteObject: removes the object (204 whether or not it existed).
#include "s3/actions.h"
#include "s3/object_events.h"
#include "s3/names.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> DeleteObject(Context& ctx) {
  Status s = ValidateKey(ctx.target.key);
  if (!s.ok()) co_return s;
  std::string bucket = ctx.target.bucket, key = ctx.target.key;
  s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto r = ctx.deps.objects.DeleteObject(t, bucket, key);
    if (!r.ok()) return std::move(r).error();
    if (!*r) return {};  // nothing was removed, so nothing to tell
    return PublishObjectEvent(t, ctx, RemovedEvent(bucket, key, ctx.NowMs()));
  });
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

}  // namespace evoke::s3
