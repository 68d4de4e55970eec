// GetObjectTagging, PutObjectTagging and DeleteObjectTagging: an object's tag set, kept with its
// stored headers (see s3/tagging.h).
#include "s3/actions.h"
#include "s3/body.h"
#include "s3/names.h"
#include "s3/object_io.h"
#include "s3/tagging.h"
#include "store/objects.h"

namespace evoke::s3 {
namespace {

// Replaces the tag set of the request's object.
Task<Status> ReplaceTags(Context& ctx, const TagSet& tags) {
  std::string bucket = ctx.target.bucket, key = ctx.target.key;
  co_return co_await ctx.Commit([&](store::WriteTxn& t) {
    return ctx.deps.objects.UpdateObjectHeaders(t, bucket, key,
                                                [&](store::HeaderList& h) { SetTags(h, tags); });
  });
}

}  // namespace

Task<Status> GetObjectTagging(Context& ctx) {
  Status s = ValidateKey(ctx.target.key);
  if (!s.ok()) co_return s;
  TagSet tags;
  {
    auto reader = ctx.deps.txns.Read();
    auto object = ctx.deps.objects.GetObject(*reader, ctx.target.bucket, ctx.target.key);
    if (!object.ok()) co_return std::move(object).error();
    if (!object->has_value()) {
      Status bucket = CheckBucketExists(ctx, ctx.target.bucket);
      if (!bucket.ok()) co_return bucket;
      co_return MakeError("NoSuchKey", "The specified key does not exist.")
          .With("Key", ctx.target.key);
    }
    tags = TagsOf((*object)->headers);
  }
  co_return ctx.Reply(ctx.XmlResponse(TaggingXml(tags)));
}

Task<Status> PutObjectTagging(Context& ctx) {
  Status s = ValidateKey(ctx.target.key);
  if (!s.ok()) co_return s;
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 64 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  auto tags = ParseTaggingXml(*xml);
  if (!tags.ok()) co_return std::move(tags).error();
  // Decided now that the tags are known: policies may test them as s3:RequestObjectTag/<key>.
  std::vector<std::pair<std::string, std::string>> requested;
  for (const auto& [k, v] : *tags) {
    requested.emplace_back("s3:RequestObjectTagKeys", k);
    requested.emplace_back("s3:RequestObjectTag/" + k, v);
  }
  if (!ctx.authorize) co_return MakeError("AccessDenied", "Access Denied");
  s = ctx.authorize("s3:PutObjectTagging",
                    "arn:aws:s3:::" + ctx.target.bucket + "/" + ctx.target.key, requested);
  if (!s.ok()) co_return s;
  s = co_await ReplaceTags(ctx, *tags);
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse());
}

Task<Status> DeleteObjectTagging(Context& ctx) {
  Status s = ValidateKey(ctx.target.key);
  if (!s.ok()) co_return s;
  s = co_await ReplaceTags(ctx, {});
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

}  // namespace evoke::s3
