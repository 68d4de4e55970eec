// GetBucketLocation: where a bucket is.
#include "base/encoding.h"
#include "s3/actions.h"
#include "s3/object_io.h"
#include "s3/xml.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> GetBucketLocation(Context& ctx) {
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
  // us-east-1 reports an empty constraint, as S3 does.
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"" +
                     std::string(kS3Namespace) + "\">" +
                     (bucket->region == "us-east-1" ? "" : XmlEscape(bucket->region)) +
                     "</LocationConstraint>";
  co_return ctx.Reply(ctx.XmlResponse(std::move(body)));
}

}  // namespace evoke::s3
