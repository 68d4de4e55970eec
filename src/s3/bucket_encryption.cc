// GetBucketEncryption, PutBucketEncryption and DeleteBucketEncryption: a bucket's default
// encryption configuration (docs/encryption.md), kept in its record. Every bucket has S3's
// default, SSE-S3, until it is given one; deleting it returns to that default.
#include "s3/actions.h"
#include "s3/body.h"
#include "s3/bucket_settings.h"
#include "s3/encryption.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> GetBucketEncryption(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  std::string xml =
      bucket->encryption.empty() ? EncryptionConfigurationXml({}) : std::move(bucket->encryption);
  co_return ctx.Reply(ctx.XmlResponse(std::move(xml)));
}

Task<Status> PutBucketEncryption(Context& ctx) {
  if (Status s = RequireIntegrityHeader(ctx.req().headers); !s.ok()) co_return s;
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 64 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  auto config = ParseEncryptionConfiguration(*xml);
  if (!config.ok()) co_return std::move(config).error();
  Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kEncryption,
                                         EncryptionConfigurationXml(*config), nullptr);
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse());
}

Task<Status> DeleteBucketEncryption(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kEncryption, "", nullptr);
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

}  // namespace evoke::s3
