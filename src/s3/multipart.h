// Multipart uploads: upload ids, the CompleteMultipartUpload document, and the rules that turn
// the parts a client names into an object (order, existence, minimum size, ETag). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "s3/checksum.h"
#include "store/objects.h"

namespace evoke::s3 {

inline constexpr uint64_t kMinPartSize = 5 * 1024 * 1024;
inline constexpr int kMaxPartNumber = 10000;

struct RequestedPart {
  int part_number = 0;
  std::string etag;  // unquoted
  // The checksum the client names for this part, in the upload's algorithm, if any.
  std::string checksum;
};

// Parses <CompleteMultipartUpload><Part><PartNumber/><ETag/>[<ChecksumCRC32/>...]</Part>...
// MalformedXML on anything else, including an empty list.
Result<std::vector<RequestedPart>> ParseCompleteMultipartUpload(std::string_view xml);

struct Assembly {
  std::vector<store::PartRecord> parts;  // in order, the ones that make the object
  uint64_t size = 0;
  std::string etag;                      // md5-of-part-md5s-N
};

// Checks the requested list against the stored parts: InvalidPartOrder, InvalidPart,
// EntityTooSmall (every part but the last must be at least min_part_size).
Result<Assembly> AssembleParts(std::string_view upload_id, const std::vector<RequestedPart>& requested,
                               const std::vector<store::PartRecord>& stored,
                               uint64_t min_part_size = kMinPartSize);

// hex(md5(raw md5 of each part)) + "-N".
std::optional<std::string> MultipartEtag(const std::vector<std::string>& part_etags);

// A fresh upload id: URL-safe, unguessable.
std::string NewUploadId();

}  // namespace evoke::s3
