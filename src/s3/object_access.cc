#include "base/encoding.h"
#include "base/hash.h"
#include "base/ids.h"
#include "s3/errors.h"
#include "s3/object_events.h"
#include "s3/object_lock.h"
#include "s3/service.h"
#include "store/errors.h"

namespace evoke::s3 {
namespace {

Error NoSuchBucket(std::string_view bucket) { return S3Error(store::NotFound("bucket", bucket)); }

}  // namespace

Result<bool> S3ObjectAccess::BucketExists(store::ReadTxn& t, std::string_view bucket) {
  auto found = deps_.objects.GetBucket(t, bucket);
  if (!found.ok()) return std::move(found).error();
  return found->has_value();
}

Result<std::string> S3ObjectAccess::ReadObjectBlocking(std::string_view bucket,
                                                       std::string_view key,
                                                       std::string_view version_id,
                                                       uint64_t max_size) {
  // An overwrite may remove a blob between the lookup and the open: look again then, so the
  // bytes always belong to one version of the object.
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::optional<store::ObjectRecord> object;
    {
      auto reader = deps_.txns.Read();
      auto found = version_id.empty()
                       ? deps_.objects.GetObject(*reader, bucket, key)
                       : deps_.objects.GetVersion(*reader, bucket, key, version_id);
      if (!found.ok()) return std::move(found).error();
      if (!found->has_value() || (*found)->delete_marker) {
        auto exists = BucketExists(*reader, bucket);
        if (!exists.ok()) return std::move(exists).error();
        if (!*exists) return NoSuchBucket(bucket);
        if (!version_id.empty()) return S3Error(store::NotFound("version", version_id));
        return S3Error(store::NotFound("object", key));
      }
      object = std::move(**found);
    }
    if (object->size > max_size) {
      return MakeError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
    }
    if (object->segments.empty()) return std::move(object->inline_body);
    std::vector<std::unique_ptr<store::BlobReader>> readers;
    bool lost_race = false;
    for (const auto& segment : object->segments) {
      auto reader = deps_.blobs.Open(segment.blob);
      if (!reader.ok()) {
        if (!store::Is(reader.error(), store::kNotFound, "blob")) {
          return std::move(reader).error();
        }
        lost_race = true;
        break;
      }
      readers.push_back(std::move(*reader));
    }
    if (lost_race) continue;
    std::string bytes;
    bytes.reserve(object->size);
    for (size_t i = 0; i < readers.size(); ++i) {
      auto piece = store::ReadWholeBlob(*readers[i], object->segments[i].size);
      if (!piece.ok()) return std::move(piece).error();
      bytes += *piece;
    }
    return bytes;
  }
  return MakeError("InternalError", "the object kept changing while it was being read");
}

Status S3ObjectAccess::PutSmallObject(store::WriteTxn& t, std::string_view bucket,
                                      std::string_view key, std::string body,
                                      std::string_view content_type) {
  store::ObjectRecord object;
  object.bucket = std::string(bucket);
  object.key = std::string(key);
  object.size = body.size();
  object.etag = HexEncode(Md5(body));
  object.modified_ms = deps_.clock.NowMs();
  object.inline_body = std::move(body);
  object.headers = {{"Content-Type", std::string(content_type)}};
  // A bucket's default retention applies to every new version, these included.
  auto record = deps_.objects.GetBucket(t, bucket);
  if (!record.ok()) return std::move(record).error();
  if (record->has_value() && !(*record)->object_lock.empty()) {
    if (auto config = ParseObjectLockConfigXml((*record)->object_lock); config.ok()) {
      object.lock = LockForNewVersion({}, &*config, RetentionNowMs(deps_));
    }
  }
  // No notifications: a record that invoked its own function again would loop for ever.
  if (Status s = deps_.objects.PutObject(t, object); !s.ok()) return S3Error(std::move(s).error());
  return {};
}

std::shared_ptr<const auth::Policy> S3ObjectAccess::PolicyFor(std::string_view action,
                                                              std::string_view resource,
                                                              const auth::Principal& principal) {
  // Without the shared BucketAccess there is no policy to give: deny rather than allow.
  if (!deps_.access) return DenyAllPolicy();
  return deps_.access->PolicyFor(action, resource, principal);
}

}  // namespace evoke::s3
