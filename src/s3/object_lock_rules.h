// Object Lock's rules (docs/object-lock.md), pure: the bucket's configuration document, the lock
// a write asks for in its x-amz-object-lock-* headers, the retention and legal-hold documents,
// and what a retention change or a delete may do to a locked version. Used by s3/object_lock.cc,
// the actions that write and delete objects, and the lifecycle runner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "http/message.h"
#include "store/objects.h"

namespace evoke::s3 {

inline constexpr std::string_view kGovernance = "GOVERNANCE";
inline constexpr std::string_view kCompliance = "COMPLIANCE";
inline constexpr std::string_view kObjectLockModeHeader = "x-amz-object-lock-mode";
inline constexpr std::string_view kObjectLockRetainUntilHeader =
    "x-amz-object-lock-retain-until-date";
inline constexpr std::string_view kObjectLockLegalHoldHeader = "x-amz-object-lock-legal-hold";
inline constexpr std::string_view kBypassGovernanceHeader = "x-amz-bypass-governance-retention";

// The longest default retention S3 takes.
inline constexpr int64_t kMaxDefaultRetentionDays = 36500;
inline constexpr int64_t kMaxDefaultRetentionYears = 100;

// A bucket's Object Lock configuration. Having one means Object Lock is enabled (it cannot be
// disabled); the default retention is what new versions get when their write names none.
struct ObjectLockConfig {
  std::string default_mode;  // GOVERNANCE or COMPLIANCE; empty: no default retention
  int64_t days = 0;          // with a mode, exactly one of days and years is > 0
  int64_t years = 0;
  bool operator==(const ObjectLockConfig&) const = default;
};

// PutObjectLockConfiguration's document. MalformedXML for what S3's schema refuses (no
// ObjectLockEnabled of "Enabled", an empty Rule or DefaultRetention, an unknown mode, Days and
// Years together or neither); InvalidArgument for a period that is not a positive integer or is
// longer than 36500 days or 100 years.
Result<ObjectLockConfig> ParseObjectLockConfigXml(std::string_view xml);
// The document as GetObjectLockConfiguration answers it (and the bucket record keeps it).
std::string ObjectLockConfigXml(const ObjectLockConfig& config);

// When a version made at `now_ms` stops being protected by `config`'s default retention (days
// of 24 hours; years as calendar years, 29 February becoming 28); none without a default.
std::optional<int64_t> DefaultRetainUntilMs(const ObjectLockConfig& config, int64_t now_ms);

// The lock a write (PutObject, CopyObject, CreateMultipartUpload) asks for in its
// x-amz-object-lock-mode, -retain-until-date and -legal-hold headers (empty values count as
// absent); an empty state when it asks for none. InvalidArgument, with S3's messages, for a mode
// without a date or the reverse, an unknown mode, a date that is not ISO 8601 or not after
// `now_ms`, and a legal hold other than ON or OFF.
Result<store::ObjectLockState> ParseObjectLockHeaders(const http::Headers& headers, int64_t now_ms);
// Whether `headers` name any Object Lock parameter.
bool HasObjectLockHeaders(const http::Headers& headers);

// The lock a new version gets: `requested` where it names a retention, else `config`'s default
// retention (if any), with `requested`'s legal hold either way.
store::ObjectLockState LockForNewVersion(const store::ObjectLockState& requested,
                                         const ObjectLockConfig* config, int64_t now_ms);
// Whether `lock` has any Object Lock parameter (a retention or a legal hold, ON or OFF).
inline bool HasObjectLock(const store::ObjectLockState& lock) {
  return !lock.mode.empty() || !lock.legal_hold.empty();
}

// A multipart upload keeps the lock its CreateMultipartUpload asked for among its stored
// headers (under the x-amz-object-lock-* names) until CompleteMultipartUpload takes it back out.
void StashObjectLock(store::HeaderList& headers, const store::ObjectLockState& lock);
store::ObjectLockState TakeStashedObjectLock(store::HeaderList& headers);

// PutObjectRetention's document: the retention asked for, or an empty mode for an empty
// <Retention/> (remove it). MalformedXML for anything else, a mode without a date or the
// reverse, an unknown mode or a date that is not ISO 8601 included.
struct RetentionRequest {
  std::string mode;
  int64_t retain_until_ms = 0;
};
Result<RetentionRequest> ParseRetentionXml(std::string_view xml);
// GetObjectRetention's document for a version whose retention is `lock`'s (it has a mode).
std::string RetentionXml(const store::ObjectLockState& lock);

// PutObjectLegalHold's document: "ON" or "OFF". MalformedXML for anything else.
Result<std::string> ParseLegalHoldXml(std::string_view xml);
// GetObjectLegalHold's document.
std::string LegalHoldXml(std::string_view status);

// Whether `lock`'s retention still runs at `now_ms`.
inline bool RetentionInForce(const store::ObjectLockState& lock, int64_t now_ms) {
  return !lock.mode.empty() && lock.retain_until_ms > now_ms;
}
// Whether Object Lock keeps a version from being deleted at `now_ms` by anyone (a legal hold, or
// a retention in force): what lifecycle rules may never remove.
inline bool IsLocked(const store::ObjectLockState& lock, int64_t now_ms) {
  return lock.legal_hold == "ON" || RetentionInForce(lock, now_ms);
}

// Whether a version locked by `current` may be deleted for good at `now_ms`: AccessDenied while
// a legal hold is ON or a retention runs, a GOVERNANCE one unless `bypass_governance` (the
// x-amz-bypass-governance-retention header, allowed s3:BypassGovernanceRetention).
Status CheckVersionDeletable(const store::ObjectLockState& current, int64_t now_ms,
                             bool bypass_governance);
// Whether a version's retention `current` may become `requested` at `now_ms`. Extending it in
// its mode (or setting one where none runs) is free; while a COMPLIANCE retention runs nothing
// else is; while a GOVERNANCE one runs, shortening, removing or changing its mode needs
// `bypass_governance`. AccessDenied otherwise. The request's date must be in the future: that
// is checked before (InvalidArgument).
Status CheckRetentionChange(const store::ObjectLockState& current,
                            const RetentionRequest& requested, int64_t now_ms,
                            bool bypass_governance);

// S3's answers that several actions share.
Error ObjectLockDenied();                // 403 AccessDenied, "... protected by object lock."
Error MissingObjectLockConfiguration();  // 400 InvalidRequest on a bucket without it
Error NoSuchObjectLockConfiguration();   // 404 for a version without a retention or hold
Error RetainUntilDateInThePast(std::string_view argument_name, std::string_view value);

}  // namespace evoke::s3
