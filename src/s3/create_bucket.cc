// CreateBucket: validates the name and location constraint, then records the bucket (with Object
// Lock, and so versioning, enabled when x-amz-bucket-object-lock-enabled says true).
#include <pugixml.hpp>

#include "s3/actions.h"
#include "s3/body.h"
#include "s3/names.h"
#include "s3/object_lock_rules.h"
#include "s3/xml.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> CreateBucket(Context& ctx) {
  const std::string& name = ctx.target.bucket;
  Status s = ValidateBucketName(name);
  if (!s.ok()) co_return s;

  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 64 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();

  std::string constraint;
  if (!xml->empty()) {
    pugi::xml_document doc;
    if (!LoadRequestXml(doc, *xml) ||
        std::string_view(doc.document_element().name()) != "CreateBucketConfiguration") {
      co_return MakeError("MalformedXML",
                          "The XML you provided was not well-formed or did not validate against "
                          "our published schema");
    }
    constraint = doc.document_element().child("LocationConstraint").text().get();
  }
  const std::string& region = ctx.options.region;
  if (!constraint.empty() && constraint != region) {
    if (region == "us-east-1" || constraint == "us-east-1") {
      co_return MakeError("InvalidLocationConstraint", "The specified location-constraint is not valid")
          .With("LocationConstraint", constraint);
    }
    co_return MakeError("IllegalLocationConstraintException",
                        "The " + constraint +
                            " location constraint is incompatible for the region specific endpoint "
                            "this request was sent to.");
  }
  if (constraint == "us-east-1") {
    co_return MakeError("InvalidLocationConstraint", "The specified location-constraint is not valid")
        .With("LocationConstraint", constraint);
  }

  auto acl_settings = CreateBucketAclSettings(ctx, ctx.options.block_public_access_by_default);
  if (!acl_settings.ok()) co_return std::move(acl_settings).error();
  store::BucketRecord record{name, ctx.NowMs(), region, ""};
  if (ctx.options.block_public_access_by_default) {
    record.public_access_block = PublicAccessBlock::All().ToStored();
  }
  record.ownership = std::move(acl_settings->ownership);
  record.acl = std::move(acl_settings->acl);
  if (http::EqualsIgnoreCase(
          ctx.req().headers.Get("x-amz-bucket-object-lock-enabled").value_or(""), "true")) {
    // S3 asks for both permissions of what the header does.
    const std::string arn = "arn:aws:s3:::" + name;
    for (const char* action : {"s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning"}) {
      if (Status allowed = ctx.Authorize(action, arn); !allowed.ok()) co_return allowed;
    }
    record.versioning = "Enabled";
    record.object_lock = ObjectLockConfigXml({});
  }
  BucketAccess* access = ctx.deps.access;
  s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    if (Status c = ctx.deps.objects.CreateBucket(t, record); !c.ok()) return c;
    if (access) t.AfterCommit([access, name] { access->Changed(name); });
    return {};
  });
  // "For legacy compatibility, if you re-create an existing bucket that you already own in the
  // North Virginia Region, Amazon S3 returns 200 OK"; every other region says
  // BucketAlreadyOwnedByYou.
  bool legacy_recreate = !s.ok() && s.error().code == "BucketAlreadyOwnedByYou" &&
                         region == "us-east-1";
  if (!s.ok() && !legacy_recreate) co_return s;
  http::Response r = ctx.NewResponse();
  r.headers.Add("Location", "/" + name);
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::s3
