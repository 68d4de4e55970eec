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
    return store::UpdateObjectHeaders(t, bucket, key,
                                      [&](store::HeaderList& h) { SetTags(h, tags); });
  });
}

}  // namespace

Task<Status> GetObjectTagging(Context& ctx) {
  Status s = ValidateKey(ctx.target.key);
  if (!s.ok()) co_return s;
  auto opened = OpenObject(ctx, ctx.target.bucket, ctx.target.key);
  if (!opened.ok()) co_return std::move(opened).error();
  co_return co_await ctx.Send(ctx.XmlResponse(TaggingXml(TagsOf(opened->record.headers))));
}

Task<Status> PutObjectTagging(Context& ctx) {
  Status s = ValidateKey(ctx.target.key);
  if (!s.ok()) co_return s;
  BodyReader body(ctx.ex, ctx.auth);
  s = body.Prepare();
  if (!s.ok()) co_return s;
  auto xml = co_await body.ReadAll(64 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  s = body.Finish();
  if (!s.ok()) co_return s;
  auto tags = ParseTaggingXml(*xml);
  if (!tags.ok()) co_return std::move(tags).error();
  s = co_await ReplaceTags(ctx, *tags);
  if (!s.ok()) co_return s;
  co_return co_await ctx.Send(ctx.NewResponse());
}

Task<Status> DeleteObjectTagging(Context& ctx) {
  Status s = ValidateKey(ctx.target.key);
  if (!s.ok()) co_return s;
  s = co_await ReplaceTags(ctx, {});
  if (!s.ok()) co_return s;
  co_return co_await ctx.Send(ctx.NewResponse(204));
}

}  // namespace evoke::s3
