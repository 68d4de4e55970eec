// Deployment packages: checks that a .zip can be unpacked safely before it is accepted. Pure
// (libarchive over the bytes in memory); used by CreateFunction and UpdateFunctionCode.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace evoke::lambda {

// Lambda's limits: 250 MB unpacked (with layers), 50 MB zipped in a direct upload.
inline constexpr uint64_t kMaxUnzippedBytes = 262'144'000;
inline constexpr uint64_t kMaxZippedBytes = 52'428'800;

struct PackageInfo {
  uint64_t unzipped_bytes = 0;
  size_t entries = 0;
};

// InvalidParameterValueException when the zip is unreadable, when an entry would land outside
// the package (absolute paths, "..", links pointing out) or when it unpacks past the limit.
Result<PackageInfo> InspectZip(std::string_view zip);

}  // namespace evoke::lambda
