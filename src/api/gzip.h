// Request bodies sent with Content-Encoding: gzip (CloudWatch's PutMetricData, whose model
// carries the requestcompression trait): decompressed by the pipeline once the signature over
// the compressed bytes is verified. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace evoke::api {

// Whether a Content-Encoding value names gzip (alone or last of a list, any case).
bool IsGzipEncoding(std::string_view content_encoding);

// The bytes of one or more gzip members, concatenated. Errors: "BodyTooLarge" past `limit`
// decompressed bytes (checked as it inflates: a small bomb never grows past it), and
// SerializationException for anything that is not whole gzip data (a truncated member, a bad
// CRC, bytes after the last member that are not one).
Result<std::string> Gunzip(std::string_view compressed, size_t limit);

}  // namespace evoke::api
