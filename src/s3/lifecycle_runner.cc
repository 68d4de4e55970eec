#include "s3/lifecycle_runner.h"

#include "base/log.h"
#include "s3/lifecycle.h"
#include "s3/object_events.h"
#include "s3/object_lock_rules.h"
#include "s3/request_metrics.h"
#include "store/errors.h"
#include "store/objects.h"

namespace evoke::s3 {
namespace {

constexpr size_t kPage = 1000;
constexpr size_t kBatch = 100;  // changes per commit

// What one pass does to one object, version or upload.
struct Change {
  enum class Kind { kExpireCurrent, kRemoveVersion, kRemoveMarker, kAbortUpload } kind;
  std::string key;
  std::string version_id;  // kRemoveVersion, kRemoveMarker
  int64_t seq = 0;         // kExpireCurrent: the version found expired
  std::string upload_id;   // kAbortUpload
};

// Lifecycle actions are S3's own: events name S3 as who caused them.
EventOrigin LifecycleOrigin() {
  return EventOrigin{"s3.amazonaws.com", "s3.amazonaws.com", "", ""};
}

class Pass {
 public:
  Pass(const S3Options& options, const S3Dependencies& deps, int64_t now_ms)
      : options_(options), deps_(deps), now_ms_(now_ms) {}

  Result<size_t> Bucket(const store::BucketRecord& bucket, const LifecycleConfig& config) {
    std::vector<Change> changes;
    for (const LifecycleRule& rule : config.rules) {
      if (!rule.enabled) continue;
      Status s;
      if (rule.expiration_days || rule.expiration_date_ms) s = CurrentDue(bucket.name, rule, changes);
      // A Days expiration also removes lone delete markers once they are as old (S3 User
      // Guide, "Managing delete markers").
      if (s.ok() &&
          (rule.noncurrent_days || rule.expired_object_delete_marker || rule.expiration_days)) {
        s = VersionsDue(bucket.name, rule, changes);
      }
      if (s.ok() && rule.abort_upload_days) s = UploadsDue(bucket.name, rule, changes);
      if (!s.ok()) return std::move(s).error();
    }
    size_t done = 0;
    for (size_t i = 0; i < changes.size(); i += kBatch) {
      size_t end = std::min(changes.size(), i + kBatch);
      size_t applied = 0;
      Status s = deps_.txns.WriteBlocking([&](store::WriteTxn& t) -> Status {
        applied = 0;
        for (size_t j = i; j < end; ++j) {
          auto made = Apply(t, bucket.name, changes[j]);
          if (!made.ok()) return std::move(made).error();
          applied += *made ? 1 : 0;
        }
        return {};
      });
      if (!s.ok()) return std::move(s).error();
      done += applied;
    }
    return done;
  }

 private:
  // Current versions the rule's Expiration has made due.
  Status CurrentDue(const std::string& bucket, const LifecycleRule& rule,
                    std::vector<Change>& out) {
    auto reader = deps_.txns.Read();
    const LifecycleConfig just_this{{rule}};
    std::string after;
    for (;;) {
      auto page = deps_.objects.ListObjects(*reader, bucket, rule.filter.prefix, after, kPage);
      if (!page.ok()) return std::move(page).error();
      for (const auto& o : *page) {
        auto expiration = ExpirationOf(just_this, o);
        if (expiration && expiration->at_ms <= now_ms_) {
          out.push_back({Change::Kind::kExpireCurrent, o.key, "", o.seq, ""});
        }
      }
      if (page->size() < kPage) return {};
      after = page->back().key;
    }
  }

  // Noncurrent versions past NoncurrentDays (beyond the NewerNoncurrentVersions kept), and
  // delete markers left alone (ExpiredObjectDeleteMarker).
  Status VersionsDue(const std::string& bucket, const LifecycleRule& rule,
                     std::vector<Change>& out) {
    auto reader = deps_.txns.Read();
    store::VersionPosition after;
    std::vector<store::ObjectRecord> group;  // one key's versions, newest first
    auto decide = [&] {
      if (group.empty()) return;
      if (group.size() == 1 && group[0].delete_marker &&
          FilterMatches(rule.filter, group[0].key, 0, {}) &&
          (rule.expired_object_delete_marker ||
           (rule.expiration_days &&
            LifecycleDueMs(group[0].modified_ms, *rule.expiration_days) <= now_ms_))) {
        out.push_back({Change::Kind::kRemoveMarker, group[0].key, group[0].version_id, 0, ""});
      }
      if (rule.noncurrent_days) {
        int64_t kept = 0;
        for (const auto& v : group) {
          if (v.is_latest) continue;
          TagSet tags = TagsOf(v.headers);
          if (!FilterMatches(rule.filter, v.key, v.size, tags)) continue;
          if (kept < rule.newer_noncurrent_versions.value_or(0)) {
            ++kept;
            continue;
          }
          // Object Lock: S3 takes no action on a version a retention or legal hold protects.
          if (LifecycleDueMs(v.noncurrent_ms, *rule.noncurrent_days) <= now_ms_ &&
              !IsLocked(v.lock, now_ms_)) {
            out.push_back({Change::Kind::kRemoveVersion, v.key, v.version_id, 0, ""});
          }
        }
      }
      group.clear();
    };
    for (;;) {
      auto page = deps_.objects.ListVersions(*reader, bucket, rule.filter.prefix, after, kPage);
      if (!page.ok()) return std::move(page).error();
      for (auto& v : *page) {
        if (!group.empty() && group.front().key != v.key) decide();
        after = {v.key, v.seq};
        group.push_back(std::move(v));
      }
      if (page->size() < kPage) break;
    }
    decide();
    return {};
  }

  Status UploadsDue(const std::string& bucket, const LifecycleRule& rule,
                    std::vector<Change>& out) {
    auto reader = deps_.txns.Read();
    std::string key_marker, id_marker;
    for (;;) {
      auto page = deps_.objects.ListUploads(*reader, bucket, rule.filter.prefix, key_marker,
                                            id_marker, kPage);
      if (!page.ok()) return std::move(page).error();
      for (const auto& u : *page) {
        if (LifecycleDueMs(u.initiated_ms, *rule.abort_upload_days) <= now_ms_) {
          out.push_back({Change::Kind::kAbortUpload, u.key, "", 0, u.upload_id});
        }
      }
      if (page->size() < kPage) return {};
      key_marker = page->back().key;
      id_marker = page->back().upload_id;
    }
  }

  // Makes one change in `t`, if what it was decided on is still so; whether it did.
  Result<bool> Apply(store::WriteTxn& t, const std::string& bucket, const Change& c) {
    switch (c.kind) {
      case Change::Kind::kExpireCurrent: {
        auto current = deps_.objects.GetObject(t, bucket, c.key);
        if (!current.ok()) return std::move(current).error();
        if (!current->has_value() || (*current)->seq != c.seq) return false;  // replaced since
        return Remove(t, bucket, c.key, "", "LifecycleExpiration:Delete");
      }
      case Change::Kind::kRemoveMarker: {
        // Still the key's only version?
        auto versions = deps_.objects.ListVersions(t, bucket, c.key, {}, 2);
        if (!versions.ok()) return std::move(versions).error();
        size_t of_key = 0;
        for (const auto& v : *versions) of_key += v.key == c.key ? 1 : 0;
        if (of_key != 1) return false;
        return Remove(t, bucket, c.key, c.version_id, "");
      }
      case Change::Kind::kRemoveVersion: {
        // Locked since it was found due (a legal hold placed meanwhile)?
        auto version = deps_.objects.GetVersion(t, bucket, c.key, c.version_id);
        if (!version.ok()) return std::move(version).error();
        if (version->has_value() && IsLocked((*version)->lock, now_ms_)) return false;
        return Remove(t, bucket, c.key, c.version_id, "LifecycleExpiration:Delete");
      }
      case Change::Kind::kAbortUpload: {
        Status s = deps_.objects.AbortUpload(t, c.upload_id);
        if (!s.ok() && store::Is(s.error(), store::kNotFound, "upload")) return false;
        if (!s.ok()) return std::move(s).error();
        return true;
      }
    }
    return false;
  }

  // Deletes the key (or one version of it) and sends `event` (none when empty);
  // LifecycleExpiration:DeleteMarkerCreated instead when the delete made a marker.
  Result<bool> Remove(store::WriteTxn& t, const std::string& bucket, const std::string& key,
                      const std::string& version_id, std::string event) {
    // A delete marker a rule makes is dated 00:00 UTC of the day it is made, as S3 dates them.
    auto r = deps_.objects.DeleteObject(t, bucket, key, version_id, LifecycleDayStartMs(now_ms_));
    if (!r.ok()) return std::move(r).error();
    if (!r->removed) return false;
    if (event.empty()) return true;
    ObjectEvent e;
    e.name = version_id.empty() && r->delete_marker ? "LifecycleExpiration:DeleteMarkerCreated"
                                                    : std::move(event);
    e.bucket = bucket;
    e.key = key;
    e.version_id = r->version_id;
    e.time_ms = now_ms_;
    Status s = PublishObjectEvent(t, options_, deps_, LifecycleOrigin(), e);
    if (!s.ok()) return std::move(s).error();
    return true;
  }

  const S3Options& options_;
  const S3Dependencies& deps_;
  const int64_t now_ms_;
};

}  // namespace

LifecycleRunner::LifecycleRunner(const S3Options& options, const S3Dependencies& deps,
                                 const Clock& clock, int64_t interval_ms)
    : options_(options), deps_(deps), clock_(clock), interval_ms_(interval_ms) {}

LifecycleRunner::~LifecycleRunner() { Stop(); }

void LifecycleRunner::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void LifecycleRunner::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
}

void LifecycleRunner::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void LifecycleRunner::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    auto done = RunOnce();
    if (!done.ok()) {
      LogWarning("lifecycle pass failed: " + done.error().code + ": " + done.error().message);
    } else if (*done > 0) {
      LogInfo("lifecycle rules removed " + std::to_string(*done) + " object(s), version(s) or "
              "upload(s)");
    }
    RecordStorageMetricsIfDue();
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(interval_ms_),
                   [this] { return stopping_ || woken_; });
  }
}

void LifecycleRunner::RecordStorageMetricsIfDue() {
  if (!deps_.metrics) return;
  const int64_t now_ms = clock_.NowMs();
  const int64_t day = LifecycleDayStartMs(now_ms) / (24 * 3600 * 1000LL);
  if (day == storage_day_) return;
  Status s = RecordStorageMetricsBlocking(deps_.txns, deps_.objects, *deps_.metrics, now_ms);
  if (!s.ok()) {
    LogWarning("S3 storage metrics failed: " + s.error().code + ": " + s.error().message);
    return;  // tried again at the next pass
  }
  storage_day_ = day;
}

Result<size_t> LifecycleRunner::RunOnce() {
  std::vector<store::BucketRecord> buckets;
  {
    auto reader = deps_.txns.Read();
    auto listed = deps_.objects.ListBuckets(*reader);
    if (!listed.ok()) return std::move(listed).error();
    buckets = std::move(*listed);
  }
  Pass pass(options_, deps_, clock_.NowMs());
  size_t done = 0;
  for (const auto& bucket : buckets) {
    if (bucket.lifecycle.empty()) continue;
    auto config = ParseLifecycleXml(bucket.lifecycle);
    if (!config.ok()) continue;  // stored documents were validated
    auto n = pass.Bucket(bucket, *config);
    if (!n.ok()) return std::move(n).error();
    done += *n;
  }
  return done;
}

}  // namespace evoke::s3
