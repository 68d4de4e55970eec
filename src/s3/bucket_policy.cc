// Bucket policies and Block Public Access: Get/Put/DeleteBucketPolicy, GetBucketPolicyStatus,
// Get/Put/DeletePublicAccessBlock. Each change goes to the bucket's record and then to the
// cache the authorize stage reads (s3/bucket_access.h).
#include <functional>
#include <pugixml.hpp>

#include "auth/policy.h"
#include "auth/policy_lint.h"
#include "base/log.h"
#include "s3/actions.h"
#include "s3/body.h"
#include "s3/bucket_access.h"
#include "s3/bucket_settings.h"
#include "s3/object_io.h"
#include "s3/xml.h"
#include "store/objects.h"

namespace evoke::s3 {
namespace {

// S3's limit on a bucket policy.
constexpr size_t kMaxBucketPolicyBytes = 20 * 1024;

// Only the bucket owner's account manages a bucket's policy: S3 answers anyone else, anonymous
// callers included, 405 MethodNotAllowed even when a policy grants them the action.
Status OwnerOnly(const Context& ctx) {
  if (!ctx.auth.principal.anonymous) return {};
  return MakeError("MethodNotAllowed", "The specified method is not allowed against this resource.")
      .With("Method", std::string(ctx.req().method))
      .With("ResourceType", "BUCKETPOLICY");
}

// Block Public Access is managed only by identities of the account.
Status AccountOnly(const Context& ctx) {
  if (!ctx.auth.principal.anonymous) return {};
  return MakeError("AccessDenied", "Access Denied");
}

Error NoSuchBucketPolicy(const Context& ctx) {
  return MakeError("NoSuchBucketPolicy", "The bucket policy does not exist")
      .With("BucketName", ctx.target.bucket);
}

}  // namespace

Result<store::BucketRecord> ReadBucket(const Context& ctx) {
  auto reader = ctx.deps.txns.Read();
  auto b = ctx.deps.objects.GetBucket(*reader, ctx.target.bucket);
  if (!b.ok()) return std::move(b).error();
  if (!b->has_value()) {
    return MakeError("NoSuchBucket", "The specified bucket does not exist")
        .With("BucketName", ctx.target.bucket);
  }
  return std::move(**b);
}

Task<Status> StoreBucketSetting(Context& ctx, store::BucketSetting setting, std::string value,
                   std::function<Status(const store::BucketRecord&)> check) {
  std::string bucket = ctx.target.bucket;
  BucketAccess* access = ctx.deps.access;
  BucketRules* rules = ctx.deps.rules;
  std::function<Status(store::WriteTxn&)> apply = [&](store::WriteTxn& t) -> Status {
    if (check) {
      auto current = ctx.deps.objects.GetBucket(t, bucket);
      if (!current.ok()) return std::move(current).error();
      if (!current->has_value()) {
        return MakeError("NoSuchBucket", "The specified bucket does not exist")
            .With("BucketName", bucket);
      }
      if (Status s = check(**current); !s.ok()) return s;
    }
    if (Status s = ctx.deps.objects.SetBucketSetting(t, bucket, setting, value); !s.ok()) return s;
    if (access) t.AfterCommit([access, bucket] { access->Changed(bucket); });
    if (rules && (setting == store::BucketSetting::kLifecycle ||
                  setting == store::BucketSetting::kCors ||
                  setting == store::BucketSetting::kObjectLock)) {
      t.AfterCommit([rules, bucket] { rules->Changed(bucket); });
    }
    return {};
  };
  Status s = co_await ctx.Commit(std::move(apply));
  co_return s;
}

Task<Status> GetBucketPolicy(Context& ctx) {
  if (Status s = OwnerOnly(ctx); !s.ok()) co_return s;
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  if (bucket->policy.empty()) co_return NoSuchBucketPolicy(ctx);
  http::Response r = ctx.NewResponse();
  r.headers.Set("Content-Type", "application/json");
  r.body = std::move(bucket->policy);
  co_return ctx.Reply(std::move(r));
}

Task<Status> PutBucketPolicy(Context& ctx) {
  if (Status s = OwnerOnly(ctx); !s.ok()) co_return s;
  if (Status s = CheckBucketExists(ctx, ctx.target.bucket); !s.ok()) co_return s;
  auto body = co_await ReadDocument(ctx.ex, ctx.auth, 1024 * 1024);
  if (!body.ok()) co_return std::move(body).error();
  if (body->size() > kMaxBucketPolicyBytes) {
    co_return MakeError("MalformedPolicy", "Policy exceeds the maximum allowed document size.");
  }
  auto policy = auth::ParseBucketPolicy(*body, ctx.target.bucket);
  if (!policy.ok()) co_return std::move(policy).error();
  const bool is_public = auth::IsPublic(*policy);
  const std::string denied =
      "User: " + ctx.auth.principal.arn +
      " is not authorized to perform: s3:PutBucketPolicy on resource: \"arn:aws:s3:::" +
      ctx.target.bucket +
      "\" because public policies are blocked by the BlockPublicPolicy block public access "
      "setting.";
  // Checked in the commit: the flags may change while the body arrives.
  std::function<Status(const store::BucketRecord&)> check =
      [is_public, &denied](const store::BucketRecord& b) -> Status {
    auto block = PublicAccessBlock::FromStored(b.public_access_block);
    if (is_public && block && block->block_public_policy) return MakeError("AccessDenied", denied);
    return {};
  };
  // What ValidatePolicy would report as an error (an unknown action, say) stays a warning here:
  // S3 stores such policies too.
  static const auth::ActionCatalog s3_actions;
  std::optional<std::string> warning =
      auth::PolicyWarning(*body, auth::LintPolicyType::kResource, s3_actions,
                          "the policy of bucket " + ctx.target.bucket);
  Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kPolicy, std::move(*body),
                                        std::move(check));
  if (!s.ok()) co_return s;
  if (warning) LogWarning("s3: " + *warning);
  co_return ctx.Reply(ctx.NewResponse(204));
}

Task<Status> DeleteBucketPolicy(Context& ctx) {
  if (Status s = OwnerOnly(ctx); !s.ok()) co_return s;
  std::string none;
  Status s =
      co_await StoreBucketSetting(ctx, store::BucketSetting::kPolicy, std::move(none), nullptr);
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

Task<Status> GetBucketPolicyStatus(Context& ctx) {
  if (Status s = OwnerOnly(ctx); !s.ok()) co_return s;
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  if (bucket->policy.empty()) co_return NoSuchBucketPolicy(ctx);
  auto policy = auth::ParsePolicy(bucket->policy, auth::PolicyKind::kBucket);
  bool is_public = policy.ok() && auth::IsPublic(*policy);
  XmlWriter x("PolicyStatus");
  x.Bool("IsPublic", is_public);
  co_return ctx.Reply(ctx.XmlResponse(x.Finish()));
}

Task<Status> GetPublicAccessBlock(Context& ctx) {
  if (Status s = AccountOnly(ctx); !s.ok()) co_return s;
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  auto block = PublicAccessBlock::FromStored(bucket->public_access_block);
  if (!block) {
    co_return MakeError("NoSuchPublicAccessBlockConfiguration",
                        "The public access block configuration was not found")
        .With("BucketName", ctx.target.bucket);
  }
  XmlWriter x("PublicAccessBlockConfiguration");
  x.Bool("BlockPublicAcls", block->block_public_acls)
      .Bool("IgnorePublicAcls", block->ignore_public_acls)
      .Bool("BlockPublicPolicy", block->block_public_policy)
      .Bool("RestrictPublicBuckets", block->restrict_public_buckets);
  co_return ctx.Reply(ctx.XmlResponse(x.Finish()));
}

Task<Status> PutPublicAccessBlock(Context& ctx) {
  if (Status s = AccountOnly(ctx); !s.ok()) co_return s;
  Status s = CheckBucketExists(ctx, ctx.target.bucket);
  if (!s.ok()) co_return s;
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 64 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  const Error malformed = MalformedXmlError();
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, *xml, "PublicAccessBlockConfiguration");
  if (!root) co_return malformed;
  PublicAccessBlock block;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name(), text = child.text().get();
    bool value;
    if (text == "true" || text == "TRUE" || text == "True") {
      value = true;
    } else if (text == "false" || text == "FALSE" || text == "False") {
      value = false;
    } else {
      co_return malformed;
    }
    if (name == "BlockPublicAcls") {
      block.block_public_acls = value;
    } else if (name == "IgnorePublicAcls") {
      block.ignore_public_acls = value;
    } else if (name == "BlockPublicPolicy") {
      block.block_public_policy = value;
    } else if (name == "RestrictPublicBuckets") {
      block.restrict_public_buckets = value;
    } else {
      co_return malformed;
    }
  }
  std::string flags = block.ToStored();
  Status stored =
      co_await StoreBucketSetting(ctx, store::BucketSetting::kPublicAccessBlock, std::move(flags),
                                  nullptr);
  if (!stored.ok()) co_return stored;
  co_return ctx.Reply(ctx.NewResponse());
}

Task<Status> DeletePublicAccessBlock(Context& ctx) {
  if (Status s = AccountOnly(ctx); !s.ok()) co_return s;
  std::string none;
  Status s =
      co_await StoreBucketSetting(ctx, store::BucketSetting::kPublicAccessBlock, std::move(none),
                                  nullptr);
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse(204));
}

}  // namespace evoke::s3
