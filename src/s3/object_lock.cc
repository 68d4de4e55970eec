// S3 Object Lock (docs/object-lock.md): Get/PutObjectLockConfiguration (a bucket's `?object-lock`),
// Get/PutObjectRetention (`?retention`) and Get/PutObjectLegalHold (`?legal-hold`) of an object
// version, and the helpers of s3/object_lock.h the object actions share.
#include "s3/object_lock.h"

#include "auth/verifier.h"
#include "base/time_format.h"
#include "s3/actions.h"
#include "s3/body.h"
#include "s3/bucket_settings.h"
#include "s3/checksum.h"
#include "s3/names.h"
#include "s3/object_io.h"
#include "s3/xml.h"

namespace evoke::s3 {
namespace {

std::string ObjectArn(std::string_view bucket, std::string_view key) {
  return "arn:aws:s3:::" + std::string(bucket) + "/" + std::string(key);
}

// The version a retention or legal-hold request names (`version_id`, or the current one), in a
// bucket that has Object Lock: the bucket's InvalidRequest first, then FindObject's errors.
Result<store::ObjectRecord> LockableVersion(const Context& ctx, std::string_view version_id) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) return std::move(bucket).error();
  if (bucket->object_lock.empty()) return MissingObjectLockConfiguration();
  auto reader = ctx.deps.txns.Read();
  return FindObject(*reader, ctx, ctx.target.bucket, ctx.target.key, version_id);
}

// The same for a request that reads a version's lock: the key's and the versionId's errors
// first.
Result<store::ObjectRecord> RequestedLockableVersion(const Context& ctx) {
  if (Status s = ValidateKey(ctx.target.key); !s.ok()) return std::move(s).error();
  auto version_id = RequestedVersion(ctx.req());
  if (!version_id.ok()) return std::move(version_id).error();
  return LockableVersion(ctx, *version_id);
}

// A request that changes a version's retention or legal hold: the key's, the integrity
// header's and the versionId's errors first, then its document.
struct LockChange {
  std::string version_id;
  std::string xml;
};
Task<Result<LockChange>> ReadLockChange(Context& ctx) {
  if (Status s = ValidateKey(ctx.target.key); !s.ok()) co_return std::move(s).error();
  if (Status s = RequireIntegrityHeader(ctx.req().headers); !s.ok()) {
    co_return std::move(s).error();
  }
  auto version_id = RequestedVersion(ctx.req());
  if (!version_id.ok()) co_return std::move(version_id).error();
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 64 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  co_return LockChange{std::move(*version_id), std::move(*xml)};
}

}  // namespace

// ---- Helpers for the object actions (s3/object_lock.h) -------------------------------------

int64_t RetentionNowMs(const S3Dependencies& deps) {
  return deps.retention_clock ? deps.retention_clock->NowMs() : deps.clock.NowMs();
}

std::shared_ptr<const ObjectLockConfig> BucketObjectLock(const Context& ctx,
                                                         std::string_view bucket) {
  if (!ctx.deps.rules) return nullptr;
  auto rules = ctx.deps.rules->For(bucket);
  return rules ? rules->object_lock : nullptr;
}

Result<store::ObjectLockState> RequestedObjectLock(const Context& ctx, std::string_view bucket,
                                                   std::optional<bool> form_signed_v4) {
  auto lock = ParseObjectLockHeaders(ctx.req().headers, RetentionNowMs(ctx));
  if (!lock.ok() || !HasObjectLock(*lock)) return lock;
  auth::AuthKind kind = auth::DetectAuthKind(ctx.req());
  bool v4 = form_signed_v4 ? *form_signed_v4
                           : kind == auth::AuthKind::kHeader || kind == auth::AuthKind::kPresigned;
  if (!v4) {
    return MakeError("InvalidArgument",
                     "Put Object requests with Object Lock parameters require AWS Signature "
                     "Version 4")
        .With("ArgumentName", "Authorization");
  }
  if (!BucketObjectLock(ctx, bucket)) return MissingObjectLockConfiguration();
  return lock;
}

store::ObjectLockState NewVersionLock(const Context& ctx, std::string_view bucket,
                                      const store::ObjectLockState& requested) {
  auto config = BucketObjectLock(ctx, bucket);
  return LockForNewVersion(requested, config.get(), RetentionNowMs(ctx));
}

Status RequireObjectLockIntegrity(const http::Headers& h, std::string_view what) {
  if (h.Has("Content-MD5")) return {};
  for (ChecksumAlgorithm a : kAllChecksums) {
    if (h.Has(ChecksumHeader(a))) return {};
  }
  if (http::ToLower(h.Get("x-amz-trailer").value_or("")).starts_with("x-amz-checksum-")) return {};
  return MakeError("InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for " +
                                         std::string(what) +
                                         " requests with Object Lock parameters");
}

void AddObjectLockHeaders(http::Response& r, const Context& ctx, const store::ObjectRecord& o) {
  if (!HasObjectLock(o.lock)) return;
  std::string arn = ObjectArn(o.bucket, o.key);
  if (!o.lock.mode.empty() && ctx.Authorize("s3:GetObjectRetention", arn).ok()) {
    r.headers.Add(std::string(kObjectLockModeHeader), o.lock.mode);
    r.headers.Add(std::string(kObjectLockRetainUntilHeader),
                  FormatIso8601Ms(o.lock.retain_until_ms));
  }
  if (!o.lock.legal_hold.empty() && ctx.Authorize("s3:GetObjectLegalHold", arn).ok()) {
    r.headers.Add(std::string(kObjectLockLegalHoldHeader), o.lock.legal_hold);
  }
}

Status CheckBypassHeader(const Context& ctx, std::string_view bucket) {
  if (!ctx.req().headers.Has(kBypassGovernanceHeader)) return {};
  if (Status s = CheckBucketExists(ctx, bucket); !s.ok()) return s;
  if (BucketObjectLock(ctx, bucket)) return {};
  return MakeError("InvalidArgument",
                   "x-amz-bypass-governance-retention is only applicable to Object Lock enabled "
                   "buckets.")
      .With("ArgumentName", std::string(kBypassGovernanceHeader));
}

bool BypassesGovernance(const Context& ctx, std::string_view key) {
  auto v = ctx.req().headers.Get(kBypassGovernanceHeader);
  if (!v || !http::EqualsIgnoreCase(*v, "true")) return false;
  return ctx.Authorize("s3:BypassGovernanceRetention", ObjectArn(ctx.target.bucket, key)).ok();
}

Status CheckDeleteAllowed(store::ReadTxn& t, const Context& ctx, std::string_view bucket,
                          std::string_view key, std::string_view version_id,
                          bool bypass_governance) {
  if (version_id.empty()) return {};
  auto version = ctx.deps.objects.GetVersion(t, bucket, key, version_id);
  if (!version.ok()) return std::move(version).error();
  if (!version->has_value() || (*version)->delete_marker) return {};
  return CheckVersionDeletable((*version)->lock, RetentionNowMs(ctx), bypass_governance);
}

// ---- The bucket's configuration --------------------------------------------------------------

Task<Status> GetObjectLockConfiguration(Context& ctx) {
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  if (bucket->object_lock.empty()) {
    co_return MakeError("ObjectLockConfigurationNotFoundError",
                        "Object Lock configuration does not exist for this bucket")
        .With("BucketName", ctx.target.bucket);
  }
  co_return ctx.Reply(ctx.XmlResponse(bucket->object_lock));
}

Task<Status> PutObjectLockConfiguration(Context& ctx) {
  if (Status s = RequireIntegrityHeader(ctx.req().headers); !s.ok()) co_return s;
  auto bucket = ReadBucket(ctx);
  if (!bucket.ok()) co_return std::move(bucket).error();
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 64 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  auto config = ParseObjectLockConfigXml(*xml);
  if (!config.ok()) co_return std::move(config).error();
  // Enabling it on an existing bucket needs versioning Enabled (decided in the commit, against
  // a concurrent PutBucketVersioning); once on, versioning cannot be suspended.
  std::function<Status(const store::BucketRecord&)> versioning_enabled =
      [](const store::BucketRecord& b) -> Status {
    if (b.versioning == "Enabled") return {};
    return MakeError("InvalidBucketState",
                     "Versioning must be 'Enabled' on the bucket to apply a Object Lock "
                     "configuration")
        .With("BucketName", b.name);
  };
  std::string document = ObjectLockConfigXml(*config);
  Status s = co_await StoreBucketSetting(ctx, store::BucketSetting::kObjectLock,
                                         std::move(document), std::move(versioning_enabled));
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse());
}

// ---- A version's retention ---------------------------------------------------------------------

Task<Status> GetObjectRetention(Context& ctx) {
  auto version = RequestedLockableVersion(ctx);
  if (!version.ok()) co_return std::move(version).error();
  if (version->lock.mode.empty()) co_return NoSuchObjectLockConfiguration();
  co_return ctx.Reply(ctx.XmlResponse(RetentionXml(version->lock)));
}

Task<Status> PutObjectRetention(Context& ctx) {
  auto change = co_await ReadLockChange(ctx);
  if (!change.ok()) co_return std::move(change).error();
  const std::string& version_id = change->version_id;
  auto requested = ParseRetentionXml(change->xml);
  if (!requested.ok()) co_return std::move(requested).error();
  auto version = LockableVersion(ctx, version_id);
  if (!version.ok()) co_return std::move(version).error();
  if (!requested->mode.empty() && requested->retain_until_ms <= RetentionNowMs(ctx)) {
    co_return RetainUntilDateInThePast("RetainUntilDate",
                                       FormatIso8601Ms(requested->retain_until_ms));
  }
  bool bypass = BypassesGovernance(ctx, ctx.target.key);
  std::string bucket = ctx.target.bucket, key = ctx.target.key;
  // Decided against the version as the commit sees it: a concurrent change cannot slip by.
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto current = FindObject(t, ctx, bucket, key, version_id);
    if (!current.ok()) return std::move(current).error();
    Status allowed = CheckRetentionChange(current->lock, *requested, RetentionNowMs(ctx), bypass);
    if (!allowed.ok()) return allowed;
    store::ObjectLockState lock = current->lock;
    lock.mode = requested->mode;
    lock.retain_until_ms = requested->mode.empty() ? 0 : requested->retain_until_ms;
    return ctx.deps.objects.SetObjectLock(t, bucket, key, version_id, lock);
  });
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse());
}

// ---- A version's legal hold --------------------------------------------------------------------

Task<Status> GetObjectLegalHold(Context& ctx) {
  auto version = RequestedLockableVersion(ctx);
  if (!version.ok()) co_return std::move(version).error();
  if (version->lock.legal_hold.empty()) co_return NoSuchObjectLockConfiguration();
  co_return ctx.Reply(ctx.XmlResponse(LegalHoldXml(version->lock.legal_hold)));
}

Task<Status> PutObjectLegalHold(Context& ctx) {
  auto change = co_await ReadLockChange(ctx);
  if (!change.ok()) co_return std::move(change).error();
  const std::string& version_id = change->version_id;
  auto status = ParseLegalHoldXml(change->xml);
  if (!status.ok()) co_return std::move(status).error();
  auto version = LockableVersion(ctx, version_id);
  if (!version.ok()) co_return std::move(version).error();
  std::string bucket = ctx.target.bucket, key = ctx.target.key;
  // Anyone allowed s3:PutObjectLegalHold places and removes holds, in either retention mode.
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto current = FindObject(t, ctx, bucket, key, version_id);
    if (!current.ok()) return std::move(current).error();
    store::ObjectLockState lock = current->lock;
    lock.legal_hold = *status;
    return ctx.deps.objects.SetObjectLock(t, bucket, key, version_id, lock);
  });
  if (!s.ok()) co_return s;
  co_return ctx.Reply(ctx.NewResponse());
}

}  // namespace evoke::s3
