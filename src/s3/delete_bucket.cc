// DeleteBucket: removes an empty bucket (and any unfinished multipart uploads in it).
#include "s3/actions.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> DeleteBucket(Context& ctx) {
  std::string name = ctx.target.bucket;
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) { return store::DeleteBucket(t, name); });
  if (!s.ok()) co_return s;
  co_return co_await ctx.Send(ctx.NewResponse(204));
}

}  // namespace evoke::s3
