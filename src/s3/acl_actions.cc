// ACLs and Object Ownership: Get/PutBucketAcl, Get/PutObjectAcl, Get/Put/
// DeleteBucketOwnershipControls, and the ACL a PUT, copy or multipart upload asks for
// (docs/identity.md, "ACLs"). With BucketOwnerEnforced (new buckets' default) ACLs are disabled:
// reading one shows the owner's FULL_CONTROL, setting one other than that is refused.
#include <functional>
#include <pugixml.hpp>

#include "s3/acl.h"
#include "s3/actions.h"
#include "s3/body.h"
#include "s3/bucket_access.h"
#include "s3/bucket_settings.h"
#include "s3/names.h"
#include "s3/object_io.h"
#include "s3/xml.h"
#include "store/objects.h"

namespace evoke::s3 {
namespace {

Error AclsNotSupported() {
  return MakeError("AccessControlListNotSupported", "The bucket does not allow ACLs");
}

Error MalformedXml() {
  return MakeError("MalformedXML",
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema");
}

// Whether a bucket with ACLs disabled accepts the ACL a request sets: the
// bucket-owner-full-control canned ACL, or grants of FULL_CONTROL to the owner alone.
bool AcceptedWithAclsDisabled(const http::Headers& headers, const Acl& acl) {
  if (auto canned = headers.Get("x-amz-acl")) return *canned == "bucket-owner-full-control";
  return IsOwnerFullControlOnly(acl);
}

// The checks of every request that sets an ACL on a bucket or an object in it.
Status CheckSettable(const BucketAclState& state, const http::Headers& headers, const Acl& acl) {
  if (state.ownership == Ownership::kBucketOwnerEnforced &&
      !AcceptedWithAclsDisabled(headers, acl)) {
    return AclsNotSupported();
  }
  if (state.block.block_public_acls && IsPublicAcl(acl)) {
    return MakeError("AccessDenied", "Access Denied");
  }
  return {};
}

// The ACL of a PutBucketAcl or PutObjectAcl: from its headers or from its body, not both.
Task<Result<Acl>> RequestedAcl(Context& ctx) {
  auto from_headers = AclOfHeaders(ctx.req().headers, ctx.options.owner_id);
  if (!from_headers.ok()) co_return std::move(from_headers).error();
  auto body = co_await ReadDocument(ctx.ex, ctx.auth, 64 * 1024);
  if (!body.ok()) co_return std::move(body).error();
  if (from_headers->has_value()) {
    if (!body->empty()) {
      co_return MakeError("UnexpectedContent", "This request does not support content");
    }
    co_return std::move(**from_headers);
  }
  if (body->empty()) {
    co_return MakeError("MissingSecurityHeader", "Your request was missing a required header")
        .With("MissingHeaderName", "x-amz-acl");
  }
  co_return ParseAclXml(*body, ctx.options.owner_id);
}

BucketAclState StateOfRecord(const store::BucketRecord& b) {
  BucketAclState state;
  state.exists = true;
  state.ownership = ParseOwnership(b.ownership).value_or(Ownership::kObjectWriter);
  state.block = PublicAccessBlock::FromStored(b.public_access_block).value_or(PublicAccessBlock{});
  return state;
}

BucketAclState StateOf(const Context& ctx, std::string_view bucket) {
  return ctx.deps.access ? ctx.deps.access->AclStateOf(bucket) : BucketAclState{};
}

std::string StoredAclOf(const store::HeaderList& headers) {
  for (const auto& [name, value] : headers) {
    if (name == kAclHeader) return value;
  }
  return {};
}

void SetStoredAcl(store::HeaderList& headers, const Acl& acl) {
  std::erase_if(headers, [](const auto& h) { return h.first == kAclHeader; });
  std::string stored = EncodeAcl(acl);
  if (!stored.empty()) headers.emplace_back(std::string(kAclHeader), std::move(stored));
}

bool AclsDisabled(std::string_view stored_ownership) {
  return ParseOwnership(stored_ownership).value_or(Ownership::kObjectWriter) ==
         Ownership::kBucketOwnerEnforced;
}

}  // namespace

Status SetRequestedAcl(const Context& ctx, store::HeaderList& headers) {
  std::erase_if(headers, [](const auto& h) { return h.first == kAclHeader; });
  if (!HasAclHeaders(ctx.req().headers)) return {};
  auto acl = AclOfHeaders(ctx.req().headers, ctx.options.owner_id);
  if (!acl.ok()) return std::move(acl).error();
  BucketAclState state = StateOf(ctx, ctx.target.bucket);
  if (state.unreadable) return MakeError("InternalError", "The bucket's settings cannot be read.");
  if (!state.exists) return {};  // NoSuchBucket comes from the write itself
  if (Status s = CheckSettable(state, ctx.req().headers, **acl); !s.ok()) return s;
  // Setting an ACL with the write takes the permission to set it, as on S3.
  if (Status s = ctx.Authorize("s3:PutObjectAcl",
                               "arn:aws:s3:::" + ctx.target.bucket + "/" + ctx.target.key);
      !s.ok()) {
    return s;
  }
  // With ACLs disabled the owner's FULL_CONTROL is all there is: nothing to keep.
  if (state.ownership != Ownership::kBucketOwnerEnforced) SetStoredAcl(headers, **acl);
  return {};
}

Result<BucketAclSettings> CreateBucketAclSettings(const Context& ctx, bool enforce_by_default) {
  const http::Headers& headers = ctx.req().headers;
  BucketAclSettings out;
  Ownership ownership = enforce_by_default ? Ownership::kBucketOwnerEnforced
                                           : Ownership::kObjectWriter;
  if (auto name = headers.Get("x-amz-object-ownership")) {
    auto parsed = ParseOwnership(*name);
    if (!parsed) {
      return MakeError("InvalidArgument", "Invalid x-amz-object-ownership header: " +
                                              std::string(*name))
          .With("ArgumentName", "x-amz-object-ownership")
          .With("ArgumentValue", std::string(*name));
    }
    ownership = *parsed;
  }
  // Since April 2023 a new bucket's Object Ownership is BucketOwnerEnforced, recorded as a
  // setting; buckets made the older way (--public-access-block-default off) have none.
  if (enforce_by_default || headers.Has("x-amz-object-ownership")) {
    out.ownership = std::string(OwnershipName(ownership));
  }
  auto acl = AclOfHeaders(headers, ctx.options.owner_id);
  if (!acl.ok()) return std::move(acl).error();
  if (acl->has_value()) {
    if (ownership == Ownership::kBucketOwnerEnforced && !IsOwnerFullControlOnly(**acl)) {
      return MakeError("InvalidBucketAclWithObjectOwnership",
                       "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced "
                       "setting");
    }
    // BlockPublicAcls, which a new bucket has by default, refuses a PUT Bucket with a public ACL.
    if (enforce_by_default && IsPublicAcl(**acl)) return MakeError("AccessDenied", "Access Denied");
    out.acl = EncodeAcl(**acl);
  }
  return out;
}

Task<Status> GetBucketAcl(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  Acl acl = AclsDisabled(bucket->ownership) ? PrivateAcl() : DecodeAcl(bucket->acl);
  co_return ctx.Reply(
      ctx.XmlResponse(AclXml(acl, ctx.options.owner_id, ctx.options.owner_display_name)));
}

Task<Status> PutBucketAcl(Context& ctx) {
  if (Status s = CheckBucketExists(ctx, ctx.target.bucket); !s.ok()) co_return s;
  auto acl = co_await RequestedAcl(ctx);
  if (!acl.ok()) co_return std::move(acl).error();
  const http::Headers& headers = ctx.req().headers;
  // Checked in the commit against the bucket's settings as they are then.
  std::function<Status(const store::BucketRecord&)> check =
      [&](const store::BucketRecord& b) -> Status {
    return CheckSettable(StateOfRecord(b), headers, *acl);
  };
  std::string stored = EncodeAcl(*acl);
  Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kAcl, std::move(stored),
                                        std::move(check));
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse());
}

Task<Status> GetObjectAcl(Context& ctx) {
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
  BucketAclState state = StateOf(ctx, ctx.target.bucket);
  Acl acl = state.ownership == Ownership::kBucketOwnerEnforced ? PrivateAcl()
                                                                 : DecodeAcl(StoredAclOf(found->headers));
  http::Response r =
      ctx.XmlResponse(AclXml(acl, ctx.options.owner_id, ctx.options.owner_display_name));
  AddVersionHeader(r, *found);
  co_return ctx.Reply(std::move(r));
}

Task<Status> PutObjectAcl(Context& ctx) {
  Status s = ValidateKey(ctx.target.key);
  if (!s.ok()) co_return s;
  auto version_id = RequestedVersion(ctx.req());
  if (!version_id.ok()) co_return std::move(version_id).error();
  auto acl = co_await RequestedAcl(ctx);
  if (!acl.ok()) co_return std::move(acl).error();
  std::string bucket = ctx.target.bucket, key = ctx.target.key;
  const http::Headers& headers = ctx.req().headers;
  // Checked in the commit against the bucket's settings as they are then.
  std::function<Status(store::WriteTxn&)> apply = [&](store::WriteTxn& t) -> Status {
    auto record = ctx.deps.objects.GetBucket(t, bucket);
    if (!record.ok()) return std::move(record).error();
    if (!record->has_value()) {
      return MakeError("NoSuchBucket", "The specified bucket does not exist")
          .With("BucketName", bucket);
    }
    BucketAclState state = StateOfRecord(**record);
    if (Status c = CheckSettable(state, headers, *acl); !c.ok()) return c;
    const bool keep = state.ownership != Ownership::kBucketOwnerEnforced;
    return ctx.deps.objects.UpdateObjectHeaders(t, bucket, key, *version_id,
                                                [&](store::HeaderList& h) {
                                                  if (keep) SetStoredAcl(h, *acl);
                                                });
  };
  s = co_await ctx.Commit(std::move(apply));
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse());
}

Task<Status> GetBucketOwnershipControls(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  auto ownership = ParseOwnership(bucket->ownership);
  if (!ownership) {
    co_return MakeError("OwnershipControlsNotFoundError",
                        "The bucket ownership controls were not found")
        .With("BucketName", ctx.target.bucket);
  }
  XmlWriter x("OwnershipControls");
  x.Open("Rule").Element("ObjectOwnership", OwnershipName(*ownership)).Close("Rule");
  co_return ctx.Reply(ctx.XmlResponse(x.Finish()));
}

Task<Status> PutBucketOwnershipControls(Context& ctx) {
  if (Status s = CheckBucketExists(ctx, ctx.target.bucket); !s.ok()) co_return s;
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 64 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, *xml, "OwnershipControls");
  if (!root) co_return MalformedXml();
  std::optional<Ownership> ownership;
  int rules = 0;
  for (pugi::xml_node rule : root.children()) {
    if (rule.type() != pugi::node_element) continue;
    if (std::string_view(rule.name()) != "Rule" || ++rules > 1) co_return MalformedXml();
    ownership = ParseOwnership(rule.child("ObjectOwnership").text().get());
  }
  if (!ownership) co_return MalformedXml();
  // Disabling ACLs needs a bucket ACL that grants only the owner.
  std::function<Status(const store::BucketRecord&)> check =
      [&](const store::BucketRecord& b) -> Status {
    if (*ownership == Ownership::kBucketOwnerEnforced &&
        !IsOwnerFullControlOnly(DecodeAcl(b.acl))) {
      return MakeError("InvalidBucketAclWithObjectOwnership",
                       "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced "
                       "setting");
    }
    return {};
  };
  std::string name(OwnershipName(*ownership));
  Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kOwnership, std::move(name),
                                        std::move(check));
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse());
}

Task<Status> DeleteBucketOwnershipControls(Context& ctx) {
  std::string none;
  Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kOwnership, std::move(none),
                                        nullptr);
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

}  // namespace evoke::s3
