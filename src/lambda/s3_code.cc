#include "lambda/s3_code.h"

#include <optional>
#include <vector>

#include "lambda/code_package.h"
#include "store/objects.h"

namespace evoke::lambda {
namespace {

Error GetObjectFailed(std::string_view code, std::string_view message) {
  return MakeError("InvalidParameterValueException",
                   "Error occurred while GetObject. S3 Error Code: " + std::string(code) +
                       ". S3 Error Message: " + std::string(message));
}

}  // namespace

Result<std::string> ReadCodeFromS3Blocking(store::Database& db, const store::BlobStore& blobs,
                                           const CodeSource& source) {
  if (!source.s3_object_version.empty() && source.s3_object_version != "null") {
    return GetObjectFailed("NoSuchVersion", "The specified version does not exist.");
  }
  // An overwrite may remove a blob between the lookup and the open: look again then, so the
  // bytes always belong to one version of the object.
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::optional<store::ObjectRecord> object;
    {
      auto reader = db.Reader();
      auto bucket = store::GetBucket(*reader, source.s3_bucket);
      if (!bucket.ok()) return std::move(bucket).error();
      if (!bucket->has_value()) {
        return GetObjectFailed("NoSuchBucket", "The specified bucket does not exist");
      }
      auto found = store::GetObject(*reader, source.s3_bucket, source.s3_key);
      if (!found.ok()) return std::move(found).error();
      if (!found->has_value()) {
        return GetObjectFailed("NoSuchKey", "The specified key does not exist.");
      }
      object = std::move(**found);
    }
    if (object->size > kMaxUnzippedBytes) {
      return MakeError("InvalidParameterValueException",
                       "Unzipped size must be smaller than " + std::to_string(kMaxUnzippedBytes) +
                           " bytes");
    }
    if (object->segments.empty()) return std::move(object->inline_body);
    std::vector<store::File> files;
    bool lost_race = false;
    for (const auto& segment : object->segments) {
      auto file = blobs.Open(segment.blob);
      if (!file.ok()) {
        if (file.error().code != "NoSuchBlob") return std::move(file).error();
        lost_race = true;
        break;
      }
      files.push_back(std::move(*file));
    }
    if (lost_race) continue;
    std::string bytes;
    bytes.reserve(object->size);
    for (size_t i = 0; i < files.size(); ++i) {
      size_t old = bytes.size();
      bytes.resize(old + object->segments[i].size);
      auto got = files[i].ReadAt(bytes.data() + old, object->segments[i].size, 0);
      if (!got.ok()) return std::move(got).error();
      if (*got != object->segments[i].size) {
        return MakeError("ServiceException", "a stored object is shorter than recorded");
      }
    }
    return bytes;
  }
  return MakeError("ServiceException", "the code object kept changing while it was being read");
}

Result<std::string> CodeBytesBlocking(store::Database& db, const store::BlobStore& blobs,
                                      CodeSource source) {
  if (source.s3_bucket.empty()) return std::move(source.zip);
  return ReadCodeFromS3Blocking(db, blobs, source);
}

}  // namespace evoke::lambda
