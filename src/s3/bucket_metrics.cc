// PutBucketMetricsConfiguration, GetBucketMetricsConfiguration, ListBucketMetricsConfigurations
// and DeleteBucketMetricsConfiguration: the configurations that turn on a bucket's CloudWatch
// request metrics (docs/metrics.md, "AWS/S3"), kept in its record; each change goes on to the
// set of configured buckets the request path consults (s3/request_metrics.h).
#include <algorithm>

#include "base/encoding.h"
#include "s3/actions.h"
#include "s3/body.h"
#include "s3/bucket_settings.h"
#include "s3/metrics_configuration.h"
#include "s3/object_io.h"
#include "s3/request_metrics.h"
#include "store/objects.h"

namespace evoke::s3 {
namespace {

Error NoSuchConfiguration() {
  return MakeError("NoSuchConfiguration", "The specified configuration does not exist.");
}

Error InvalidId(std::string_view id) {
  return MakeError("InvalidArgument",
                   "The Id must be 1 to 64 characters of letters, numbers, periods, dashes and "
                   "underscores.")
      .With("ArgumentName", "id")
      .With("ArgumentValue", std::string(id));
}

// The request's `id` parameter, checked.
Result<std::string> RequestId(const Context& ctx) {
  const std::string* id = ctx.req().query.Get("id");
  if (!id || id->empty()) {
    return MakeError("InvalidArgument", "Missing required parameter: id.")
        .With("ArgumentName", "id");
  }
  if (!IsValidMetricsId(*id)) return InvalidId(*id);
  return *id;
}

Result<MetricsConfigurations> ConfigurationsOf(const store::BucketRecord& bucket) {
  return ParseStoredMetricsConfigurations(bucket.metrics);
}

// Reads the bucket's configurations in `t`, lets `change` edit them, stores them; the set of
// configured buckets learns the outcome once the commit is durable.
Task<Status> ChangeConfigurations(Context& ctx,
                                  std::function<Status(MetricsConfigurations&)> change) {
  std::string bucket = ctx.target.bucket;
  RequestMetrics* request_metrics = ctx.deps.request_metrics;
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto record = ctx.deps.objects.GetBucket(t, bucket);
    if (!record.ok()) return std::move(record).error();
    if (!record->has_value()) {
      return MakeError("NoSuchBucket", "The specified bucket does not exist")
          .With("BucketName", bucket);
    }
    auto configs = ConfigurationsOf(**record);
    if (!configs.ok()) return std::move(configs).error();
    if (Status c = change(*configs); !c.ok()) return c;
    Status w = ctx.deps.objects.SetBucketSetting(t, bucket, store::BucketSetting::kMetrics,
                                                 StoredMetricsConfigurations(*configs));
    if (!w.ok()) return w;
    if (request_metrics) {
      t.AfterCommit([request_metrics, bucket, configs = std::move(*configs)]() mutable {
        request_metrics->Set(bucket, std::move(configs));
      });
    }
    return {};
  });
  co_return s;
}

}  // namespace

Task<Status> PutBucketMetricsConfiguration(Context& ctx) {
  auto id = RequestId(ctx);
  if (!id.ok()) co_return std::move(id).error();
  if (Status s = CheckBucketExists(ctx, ctx.target.bucket); !s.ok()) co_return s;
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 64 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  auto config = ParseMetricsConfiguration(*xml);
  if (!config.ok()) co_return std::move(config).error();
  if (config->id != *id) {
    co_return MakeError("InvalidArgument",
                        "The Id in the MetricsConfiguration must be the id of the request.")
        .With("ArgumentName", "id")
        .With("ArgumentValue", *id);
  }
  Status s = co_await ChangeConfigurations(ctx, [&](MetricsConfigurations& configs) -> Status {
    auto it = std::lower_bound(
        configs.begin(), configs.end(), config->id,
        [](const MetricsConfiguration& c, const std::string& want) { return c.id < want; });
    if (it != configs.end() && it->id == config->id) {
      *it = *config;  // a full replacement
      return {};
    }
    if (configs.size() >= kMaxMetricsConfigurations) {
      return MakeError("TooManyConfigurations",
                       "You are attempting to create a new configuration but have already "
                       "reached the 1,000-configuration limit.");
    }
    configs.insert(it, *config);
    return {};
  });
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse());
}

Task<Status> GetBucketMetricsConfiguration(Context& ctx) {
  auto id = RequestId(ctx);
  if (!id.ok()) co_return std::move(id).error();
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  auto configs = ConfigurationsOf(*bucket);
  if (!configs.ok()) co_return std::move(configs).error();
  for (const MetricsConfiguration& c : *configs) {
    if (c.id == *id) co_return ctx.Reply(ctx.XmlResponse(MetricsConfigurationXml(c)));
  }
  co_return NoSuchConfiguration();
}

Task<Status> ListBucketMetricsConfigurations(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  auto configs = ConfigurationsOf(*bucket);
  if (!configs.ok()) co_return std::move(configs).error();
  // The token is the last Id of the page before, base64: opaque to the client.
  std::string token;
  std::string after;
  if (const std::string* t = ctx.req().query.Get("continuation-token")) {
    token = *t;
    auto decoded = Base64Decode(token);
    if (!decoded || !IsValidMetricsId(*decoded)) {
      co_return MakeError("InvalidArgument", "The continuation token provided is incorrect")
          .With("ArgumentName", "continuation-token");
    }
    after = std::move(*decoded);
  }
  auto first = after.empty() ? configs->begin()
                             : std::upper_bound(configs->begin(), configs->end(), after,
                                                [](const std::string& a,
                                                   const MetricsConfiguration& c) {
                                                  return a < c.id;
                                                });
  size_t n = std::min<size_t>(kMetricsListPage, configs->end() - first);
  std::span<const MetricsConfiguration> page(configs->data() + (first - configs->begin()), n);
  std::string next;
  if (first + n != configs->end()) next = Base64Encode(page.back().id);
  co_return ctx.Reply(ctx.XmlResponse(ListMetricsConfigurationsXml(page, token, next)));
}

Task<Status> DeleteBucketMetricsConfiguration(Context& ctx) {
  auto id = RequestId(ctx);
  if (!id.ok()) co_return std::move(id).error();
  if (Status s = CheckBucketExists(ctx, ctx.target.bucket); !s.ok()) co_return s;
  Status s = co_await ChangeConfigurations(ctx, [&](MetricsConfigurations& configs) -> Status {
    auto it = std::find_if(configs.begin(), configs.end(),
                           [&](const MetricsConfiguration& c) { return c.id == *id; });
    if (it == configs.end()) return NoSuchConfiguration();
    configs.erase(it);
    return {};
  });
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

}  // namespace evoke::s3
