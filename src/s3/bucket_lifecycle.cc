// GetBucketLifecycleConfiguration, PutBucketLifecycleConfiguration and DeleteBucketLifecycle:
// a bucket's lifecycle rules (s3/lifecycle.h), which the lifecycle runner applies.
#include "s3/actions.h"
#include "s3/body.h"
#include "s3/bucket_settings.h"
#include "s3/lifecycle.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> GetBucketLifecycleConfiguration(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  if (bucket->lifecycle.empty()) {
    co_return MakeError("NoSuchLifecycleConfiguration",
                        "The lifecycle configuration does not exist")
        .With("BucketName", ctx.target.bucket);
  }
  co_return ctx.Reply(ctx.XmlResponse(bucket->lifecycle));
}

Task<Status> PutBucketLifecycleConfiguration(Context& ctx) {
  if (Status s = RequireIntegrityHeader(ctx.req().headers); !s.ok()) co_return s;
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 1024 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  auto config = ParseLifecycleXml(*xml);
  if (!config.ok()) co_return std::move(config).error();
  Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kLifecycle,
                                         LifecycleXml(*config), nullptr);
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse());
}

Task<Status> DeleteBucketLifecycle(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kLifecycle, "", nullptr);
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

}  // namespace evoke::s3
