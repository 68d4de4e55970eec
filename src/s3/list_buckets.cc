// ListBuckets: every bucket, with the optional prefix, max-buckets and continuation token.
#include <charconv>

#include "base/encoding.h"
#include "s3/actions.h"
#include "s3/object_io.h"
#include "s3/xml.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> ListBuckets(Context& ctx) {
  const auto& q = ctx.req().query;
  std::string prefix = q.Get("prefix") ? *q.Get("prefix") : "";
  std::string after;
  if (const std::string* token = q.Get("continuation-token")) {
    auto decoded = Base64Decode(*token);
    if (!decoded) co_return MakeError("InvalidArgument", "The continuation token provided is incorrect");
    after = *decoded;
  }
  size_t max_buckets = 10000;
  if (const std::string* m = q.Get("max-buckets")) {
    auto [p, ec] = std::from_chars(m->data(), m->data() + m->size(), max_buckets);
    if (ec != std::errc() || p != m->data() + m->size() || max_buckets < 1 || max_buckets > 10000) {
      co_return MakeError("InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000")
          .With("ArgumentName", "max-buckets");
    }
  }
  std::vector<store::BucketRecord> buckets;
  {
    auto reader = ctx.deps.txns.Read();
    auto all = ctx.deps.objects.ListBuckets(*reader);
    if (!all.ok()) co_return std::move(all).error();
    buckets = std::move(*all);
  }
  XmlWriter x("ListAllMyBucketsResult");
  x.Open("Owner").Element("ID", ctx.options.owner_id).Element("DisplayName", ctx.options.owner_display_name).Close("Owner");
  x.Open("Buckets");
  size_t count = 0;
  std::string last;
  bool truncated = false;
  for (const auto& b : buckets) {
    if (!b.name.starts_with(prefix) || b.name <= after) continue;
    if (count == max_buckets) {
      truncated = true;
      break;
    }
    x.Open("Bucket").Element("Name", b.name).Element("CreationDate", FormatS3Time(b.created_ms));
    x.Element("BucketRegion", b.region).Close("Bucket");
    last = b.name;
    ++count;
  }
  x.Close("Buckets");
  if (truncated) x.Element("ContinuationToken", Base64Encode(last));
  if (!prefix.empty()) x.Element("Prefix", prefix);
  co_return ctx.Reply(ctx.XmlResponse(x.Finish()));
}

}  // namespace evoke::s3
