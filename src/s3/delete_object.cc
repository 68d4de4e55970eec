// DeleteObject: removes the object (204 whether or not it existed); in a versioned bucket makes
// a delete marker, or removes the version its versionId names unless Object Lock protects it.
#include "s3/actions.h"
#include "s3/object_events.h"
#include "s3/names.h"
#include "s3/object_io.h"
#include "s3/object_lock.h"
#include "store/objects.h"

namespace evoke::s3 {

void AddDeleteOutcomeHeaders(http::Response& r, const store::DeleteOutcome& outcome) {
  if (outcome.delete_marker) r.headers.Add("x-amz-delete-marker", "true");
  if (!outcome.version_id.empty()) r.headers.Add("x-amz-version-id", outcome.version_id);
}

Status DeleteAndPublish(store::WriteTxn& t, const Context& ctx, std::string_view bucket,
                        std::string_view key, std::string_view version_id,
                        store::DeleteOutcome& outcome) {
  auto r = ctx.deps.objects.DeleteObject(t, bucket, key, version_id, ctx.NowMs());
  if (!r.ok()) return std::move(r).error();
  outcome = std::move(*r);
  if (!outcome.removed) return {};  // nothing was removed, so nothing to tell
  bool made_marker = version_id.empty() && outcome.delete_marker;
  return PublishObjectEvent(
      t, ctx, RemovedEvent(bucket, key, ctx.NowMs(), outcome.version_id, made_marker));
}

Task<Status> DeleteObject(Context& ctx) {
  Status s = ValidateKey(ctx.target.key);
  if (!s.ok()) co_return s;
  auto version_id = RequestedVersion(ctx.req());
  if (!version_id.ok()) co_return std::move(version_id).error();
  std::string bucket = ctx.target.bucket, key = ctx.target.key;
  s = CheckBypassHeader(ctx, bucket);
  if (!s.ok()) co_return s;
  bool bypass = !version_id->empty() && BypassesGovernance(ctx, key);
  store::DeleteOutcome outcome;
  s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    Status allowed = CheckDeleteAllowed(t, ctx, bucket, key, *version_id, bypass);
    if (!allowed.ok()) return allowed;
    return DeleteAndPublish(t, ctx, bucket, key, *version_id, outcome);
  });
  if (!s.ok()) co_return s;
  http::Response r = ctx.NewResponse(204);
  AddDeleteOutcomeHeaders(r, outcome);
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::s3
