// HeadBucket: 200 with the bucket's region when it exists.
#include "s3/actions.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> HeadBucket(Context& ctx) {
  std::optional<store::BucketRecord> bucket;
  {
    auto reader = ctx.deps.txns.Read();
    auto b = ctx.deps.objects.GetBucket(*reader, ctx.target.bucket);
    if (!b.ok()) co_return std::move(b).error();
    bucket = std::move(*b);
  }
  if (!bucket) {
    co_return MakeError("NoSuchBucket", "The specified bucket does not exist")
        .With("BucketName", ctx.target.bucket);
  }
  http::Response r = ctx.NewResponse();
  r.headers.Add("x-amz-bucket-region", bucket->region);
  r.headers.Add("x-amz-access-point-alias", "false");
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::s3
