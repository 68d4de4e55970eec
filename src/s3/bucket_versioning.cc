// GetBucketVersioning and PutBucketVersioning: a bucket's versioning state (docs/versioning.md).
// Once enabled it can be suspended, never turned off, and with Object Lock (docs/object-lock.md)
// not even suspended; MFA delete is not supported.
#include <pugixml.hpp>

#include "s3/actions.h"
#include "s3/body.h"
#include "s3/bucket_settings.h"
#include "s3/xml.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> GetBucketVersioning(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  XmlWriter x("VersioningConfiguration");
  // A bucket that never had versioning reports no state at all.
  if (!bucket->versioning.empty()) x.Element("Status", bucket->versioning);
  co_return ctx.Reply(ctx.XmlResponse(x.Finish()));
}

Task<Status> PutBucketVersioning(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 64 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  const Error malformed = MalformedXmlError();
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, *xml, "VersioningConfiguration");
  if (!root) co_return malformed;
  std::string status;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name(), text = child.text().get();
    if (name == "Status") {
      if (text != "Enabled" && text != "Suspended") co_return malformed;
      status = std::string(text);
    } else if (name == "MfaDelete") {
      if (text == "Enabled") {
        co_return MakeError("NotImplemented", "evoke does not support MFA delete.")
            .With("Header", "x-amz-mfa");
      }
      if (text != "Disabled") co_return malformed;
    } else {
      co_return malformed;
    }
  }
  // Decided in the commit too, against a concurrent PutObjectLockConfiguration.
  auto unlocked = [](const store::BucketRecord& b) -> Status {
    if (b.object_lock.empty()) return {};
    return MakeError("InvalidBucketState",
                     "An Object Lock configuration is present on this bucket, so the versioning "
                     "state cannot be changed.")
        .With("BucketName", b.name);
  };
  if (status == "Suspended") {
    if (Status s = unlocked(*bucket); !s.ok()) co_return s;
  }
  if (!status.empty() && status != bucket->versioning) {
    std::function<Status(const store::BucketRecord&)> check;
    if (status == "Suspended") check = unlocked;
    Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kVersioning,
                                           std::move(status), std::move(check));
    if (!s.ok()) co_return s;
  }
  co_return ctx.Reply(ctx.NewResponse());
}

}  // namespace evoke::s3
