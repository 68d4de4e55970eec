// GetObjectAttributes (object_attributes.cc): what a request asks for (x-amz-object-attributes,
// x-amz-max-parts, x-amz-part-number-marker), checked as S3 checks it, and the document that
// answers it for an object. Pure.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "http/message.h"
#include "store/objects.h"

namespace evoke::s3 {

// The most parts one answer lists, whatever x-amz-max-parts asks.
inline constexpr int64_t kMaxAttributeParts = 1000;

struct AttributesRequest {
  bool etag = false;
  bool checksum = false;
  bool object_parts = false;
  bool storage_class = false;
  bool object_size = false;
  int64_t max_parts = kMaxAttributeParts;  // as asked: the answer's MaxParts
  int64_t part_number_marker = 0;          // parts after this one are listed
};

// The attributes named in x-amz-object-attributes (every such header, comma-separated): ETag,
// Checksum, ObjectParts, StorageClass, ObjectSize. InvalidRequest when there are none,
// InvalidArgument for another name or a max-parts or marker that is not an integer from 0 to
// 2^31-1.
Result<AttributesRequest> ParseAttributesRequest(const http::Headers& headers);

// The GetObjectAttributes document: the attributes asked for, in S3's order. ETag unquoted;
// Checksum when the object has one (a composite one without its "-N"); ObjectParts for a
// multipart object: its parts count, and, when it has a checksum and its parts are known, the
// page of parts after the marker with their sizes and checksums.
std::string ObjectAttributesXml(const store::ObjectRecord& object,
                                const AttributesRequest& request);

}  // namespace evoke::s3
