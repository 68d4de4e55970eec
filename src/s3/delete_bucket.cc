// DeleteBucket: removes an empty bucket (and any unfinished multipart uploads in it).
#include "s3/actions.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> DeleteBucket(Context& ctx) {
  std::string name = ctx.target.bucket;
  BucketAccess* access = ctx.deps.access;
  BucketRules* rules = ctx.deps.rules;
  RequestMetrics* request_metrics = ctx.deps.request_metrics;
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    if (Status d = ctx.deps.objects.DeleteBucket(t, name); !d.ok()) return d;
    // A bucket made anew under the name starts without this one's policy or rules.
    if (access) t.AfterCommit([access, name] { access->Changed(name); });
    if (rules) t.AfterCommit([rules, name] { rules->Changed(name); });
    if (request_metrics) t.AfterCommit([request_metrics, name] { request_metrics->Set(name, {}); });
    return {};
  });
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

}  // namespace evoke::s3
