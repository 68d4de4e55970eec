// GetBucketNotificationConfiguration and PutBucketNotificationConfiguration: the bucket's
// notification rules, validated and stored in their canonical form.
#include "s3/actions.h"
#include "s3/body.h"
#include "s3/notification.h"
#include "s3/object_io.h"
#include "s3/xml.h"
#include "store/objects.h"

namespace evoke::s3 {
namespace {

// S3 checks that every destination exists and accepts the bucket's events, unless the request
// says x-amz-skip-destination-validation: true. evoke has functions but no SNS topics or SQS
// queues, so those destinations never validate.
Status ValidateDestinations(Context& ctx, const NotificationConfig& config) {
  auto skip = ctx.req().headers.Get("x-amz-skip-destination-validation");
  if (skip && (*skip == "true" || *skip == "True")) return {};
  Error error = MakeError("InvalidArgument",
                          "Unable to validate the following destination configurations");
  int failures = 0;
  for (const NotificationRule& rule : config.rules) {
    std::string why;
    if (rule.kind != NotificationRule::Kind::kLambda) {
      why = "evoke has no " +
            std::string(rule.kind == NotificationRule::Kind::kTopic ? "SNS topics" : "SQS queues");
    } else if (!ctx.deps.notifications) {
      why = "function notifications are not available";
    } else if (Status s = ctx.deps.notifications->CheckFunction(rule.arn, ctx.target.bucket);
               !s.ok()) {
      why = s.error().message;
    }
    if (why.empty()) continue;
    ++failures;
    error.With("ArgumentName" + std::to_string(failures), rule.arn)
        .With("ArgumentValue" + std::to_string(failures), why);
  }
  if (failures == 0) return {};
  return error;
}

}  // namespace

Task<Status> GetBucketNotificationConfiguration(Context& ctx) {
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
  std::string xml = bucket->notification_xml.empty()
                        ? XmlWriter("NotificationConfiguration").Finish()
                        : bucket->notification_xml;
  co_return ctx.Reply(ctx.XmlResponse(std::move(xml)));
}

Task<Status> PutBucketNotificationConfiguration(Context& ctx) {
  Status s = CheckBucketExists(ctx, ctx.target.bucket);
  if (!s.ok()) co_return s;
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 1024 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  auto config = ParseNotificationConfiguration(*xml);
  if (!config.ok()) co_return std::move(config).error();
  s = CheckOverlaps(*config);
  if (!s.ok()) co_return s;
  s = ValidateDestinations(ctx, *config);
  if (!s.ok()) co_return s;
  std::string canonical =
      config->rules.empty() && !config->event_bridge ? "" : RenderNotificationConfiguration(*config);
  std::string bucket = ctx.target.bucket;
  s = co_await ctx.Commit([&](store::WriteTxn& t) {
    return ctx.deps.objects.SetBucketSetting(t, bucket, store::BucketSetting::kNotification,
                                              canonical);
  });
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse());
}

}  // namespace evoke::s3
