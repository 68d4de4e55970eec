// GetBucketCors, PutBucketCors, DeleteBucketCors, and the preflight (OPTIONS) a browser sends
// before a cross-origin request, answered from the bucket's CORS rules (docs/cors.md).
#include "s3/actions.h"
#include "s3/body.h"
#include "s3/bucket_rules.h"
#include "s3/bucket_settings.h"
#include "s3/cors.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> GetBucketCors(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  if (bucket->cors.empty()) {
    co_return MakeError("NoSuchCORSConfiguration", "The CORS configuration does not exist")
        .With("BucketName", ctx.target.bucket);
  }
  co_return ctx.Reply(ctx.XmlResponse(bucket->cors));
}

Task<Status> PutBucketCors(Context& ctx) {
  if (Status s = RequireIntegrityHeader(ctx.req().headers); !s.ok()) co_return s;
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 64 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  auto config = ParseCorsXml(*xml);
  if (!config.ok()) co_return std::move(config).error();
  Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kCors, CorsXml(*config),
                                         nullptr);
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse());
}

Task<Status> DeleteBucketCors(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kCors, "", nullptr);
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

Task<Status> PreflightRequest(Context& ctx) {
  const http::Headers& h = ctx.req().headers;
  auto origin = h.Get("Origin");
  if (!origin) {
    co_return MakeError("BadRequest", "Insufficient information. Origin request header needed.");
  }
  auto method = h.Get("Access-Control-Request-Method");
  // S3 looks at the bucket's rules before at what the preflight asks.
  auto forbidden = [&](std::string message, std::string_view resource_type) {
    return MakeError("AccessForbidden", std::move(message))
        .With("Method", std::string(method.value_or("OPTIONS")))
        .With("ResourceType", std::string(resource_type));
  };
  std::shared_ptr<const BucketRuleSet> rules =
      ctx.deps.rules ? ctx.deps.rules->For(ctx.target.bucket) : nullptr;
  if (!rules) co_return forbidden("CORSResponse: Bucket not found", "BUCKET");
  if (!rules->cors) {
    co_return forbidden("CORSResponse: CORS is not enabled for this bucket.", "BUCKET");
  }
  if (!method) {
    co_return MakeError("BadRequest", "Invalid Access-Control-Request-Method: null");
  }
  std::vector<std::string> asked =
      SplitRequestHeaders(h.Get("Access-Control-Request-Headers").value_or(""));
  const CorsRule* rule = MatchCors(*rules->cors, *origin, *method, asked);
  if (!rule) {
    co_return forbidden(
        "CORSResponse: This CORS request is not allowed. This is usually because the evalution "
        "of Origin, request method / Access-Control-Request-Method or "
        "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
        ctx.target.key.empty() ? "BUCKET" : "OBJECT");
  }
  // The headers asked for, as S3 names them back: lower case, ", " between.
  std::string allowed;
  for (const auto& name : asked) allowed += (allowed.empty() ? "" : ", ") + name;
  http::Response r = ctx.NewResponse();
  AddCorsHeaders(r.headers, *rule, *origin, &allowed);
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::s3
