// GetBucketTagging, PutBucketTagging and DeleteBucketTagging: a bucket's tags (up to 50), kept
// in its record.
#include "s3/actions.h"
#include "s3/body.h"
#include "s3/bucket_settings.h"
#include "s3/tagging.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> GetBucketTagging(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  if (bucket->tagging.empty()) {
    co_return MakeError("NoSuchTagSet", "The TagSet does not exist")
        .With("BucketName", ctx.target.bucket);
  }
  auto tags = ParseTaggingHeader(bucket->tagging, Tagged::kBucket);  // validated when stored
  if (!tags.ok()) co_return std::move(tags).error();
  co_return ctx.Reply(ctx.XmlResponse(TaggingXml(*tags)));
}

Task<Status> PutBucketTagging(Context& ctx) {
  if (Status s = RequireIntegrityHeader(ctx.req().headers); !s.ok()) co_return s;
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 64 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  auto tags = ParseTaggingXml(*xml, Tagged::kBucket);
  if (!tags.ok()) co_return std::move(tags).error();
  Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kTagging,
                                         EncodeTagging(*tags), nullptr);
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

Task<Status> DeleteBucketTagging(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kTagging, "", nullptr);
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

}  // namespace evoke::s3
