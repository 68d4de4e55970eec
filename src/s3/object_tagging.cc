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

// Replaces the tag set of the request's object (the version its versionId names, or the
// current one), answering with `status`.
Task<Status> ReplaceTags(Context& ctx, const TagSet& tags, int status) {
  auto version_id = RequestedVersion(ctx.req());
  if (!version_id.ok()) co_return std::move(version_id).error();
  std::string bucket = ctx.target.bucket, key = ctx.target.key;
  std::optional<store::ObjectRecord> found;
  {
    auto reader = ctx.deps.txns.Read();
    auto object = FindObject(*reader, ctx, bucket, key, *version_id);
    if (!object.ok()) co_return std::move(object).error();
    found = std::move(*object);
  }
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) {
    return ctx.deps.objects.UpdateObjectHeaders(t, bucket, key, *version_id,
                                                [&](store::HeaderList& h) { SetTags(h, tags); });
  });
  if (!s.ok()) co_return s;
  http::Response r = ctx.NewResponse(status);
  AddVersionHeader(r, *found);
  co_return ctx.Reply(std::move(r));
}

}  // namespace

Task<Status> GetObjectTagging(Context& ctx) {
  Status s = ValidateKey(ctx.target.key);
  if (!s.ok()) co_return s;
  auto version_id = RequestedVersion(ctx.req());
  if (!version_id.ok()) co_return std::move(version_id).error();
  std::optional<store::ObjectRecord> found;
  {
    auto reader = ctx.deps.txns.Read();
    auto object = FindObject(*reader, ctx, ctx.target.bucket, ctx.target.key, *version_id);
    if (!object.ok()) co_return std::move(object).error();
    found = std::move(*object);
  }
  http::Response r = ctx.XmlResponse(TaggingXml(TagsOf(found->headers)));
  AddVersionHeader(r, *found);
  co_return ctx.Reply(std::move(r));
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
  std::string_view action = ctx.req().query.Has("versionId") ? "s3:PutObjectVersionTagging"
                                                              : "s3:PutObjectTagging";
  s = ctx.authorize(action, "arn:aws:s3:::" + ctx.target.bucket + "/" + ctx.target.key,
                    requested);
  if (!s.ok()) co_return s;
  co_return co_await ReplaceTags(ctx, *tags, 200);
}

Task<Status> DeleteObjectTagging(Context& ctx) {
  Status s = ValidateKey(ctx.target.key);
  if (!s.ok()) co_return s;
  co_return co_await ReplaceTags(ctx, {}, 204);
}

}  // namespace evoke::s3
