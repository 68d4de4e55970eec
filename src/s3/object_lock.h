// Object Lock for the S3 actions (docs/object-lock.md): the lock a new version gets, the headers
// that show a version's lock, and the checks before a version is deleted for good. Used by the
// actions that write, read and delete objects; the six Object Lock actions themselves are in
// s3/object_lock.cc, the pure rules in s3/object_lock_rules.h.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "base/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/object_lock_rules.h"
#include "store/objects.h"
#include "store/txn.h"

namespace evoke::s3 {

// Now, as Object Lock judges retention dates (S3Dependencies::retention_clock).
int64_t RetentionNowMs(const S3Dependencies& deps);
inline int64_t RetentionNowMs(const Context& ctx) { return RetentionNowMs(ctx.deps); }

// The bucket's Object Lock configuration (cached, s3/bucket_rules.h); nullptr when it has none
// (or there is no such bucket).
std::shared_ptr<const ObjectLockConfig> BucketObjectLock(const Context& ctx,
                                                         std::string_view bucket);

// What a write (PutObject, CopyObject, CreateMultipartUpload) into `bucket` asks for in its
// x-amz-object-lock-* headers: ParseObjectLockHeaders's errors first, then InvalidArgument
// unless it is signed with SigV4, and InvalidRequest when the bucket has no Object Lock.
// A form upload (post_object.cc) carries the headers in its fields and its signature in them
// too: `form_signed_v4` says whether that signature is SigV4.
Result<store::ObjectLockState> RequestedObjectLock(const Context& ctx, std::string_view bucket,
                                                   std::optional<bool> form_signed_v4 = {});
// The lock a version written now into `bucket` gets: `requested`, or the bucket's default
// retention where it names none.
store::ObjectLockState NewVersionLock(const Context& ctx, std::string_view bucket,
                                      const store::ObjectLockState& requested);

// S3's rule for a body that makes a locked version (`what`: "Put Object", or "Put Part" for a
// part of an upload whose object will be locked): InvalidRequest without Content-MD5 or an
// x-amz-checksum-* header or trailer.
Status RequireObjectLockIntegrity(const http::Headers& headers, std::string_view what);

// x-amz-object-lock-mode and -retain-until-date (when the caller may s3:GetObjectRetention) and
// x-amz-object-lock-legal-hold (s3:GetObjectLegalHold) of the version `object`.
void AddObjectLockHeaders(http::Response& response, const Context& ctx,
                          const store::ObjectRecord& object);

// x-amz-bypass-governance-retention (true or false) on a bucket without Object Lock:
// InvalidArgument, as S3 answers DeleteObject and DeleteObjects.
Status CheckBypassHeader(const Context& ctx, std::string_view bucket);
// Whether the request bypasses GOVERNANCE retention of `key`: it says
// x-amz-bypass-governance-retention: true, and the caller may s3:BypassGovernanceRetention.
bool BypassesGovernance(const Context& ctx, std::string_view key);
// Before the version `version_id` of `key` goes for good: AccessDenied while Object Lock
// protects it as `t` sees it (CheckVersionDeletable). OK for a version that is not there or is a
// delete marker, and for an empty `version_id` (a delete that only adds a marker).
Status CheckDeleteAllowed(store::ReadTxn& t, const Context& ctx, std::string_view bucket,
                          std::string_view key, std::string_view version_id,
                          bool bypass_governance);

}  // namespace evoke::s3
