// DeleteBucket: removes an empty bucket (and any unfinished multipart uploads in it).
#include "s3/actions.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> DeleteBucket(Context& ctx) {
  std::string name = ctx.target.bucket;
  Status s = co_await ctx.Commit(
      [&](store::WriteTxn& t) { return ctx.deps.objects.DeleteBucket(t, name); });
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

}  // namespace evoke::s3
