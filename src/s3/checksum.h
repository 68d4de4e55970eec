// S3's additional checksums (x-amz-checksum-crc32|crc32c|crc64nvme|sha1|sha256): names,
// incremental computation, and the multipart forms (composite "-N" and full-object CRC
// combination). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/hash.h"

namespace evoke::s3 {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256 };

inline constexpr ChecksumAlgorithm kAllChecksums[] = {
    ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
    ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256};

// "CRC32" ↔ kCrc32, case-insensitive on input.
std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name);
std::string_view ChecksumName(ChecksumAlgorithm a);        // CRC32
std::string_view ChecksumHeader(ChecksumAlgorithm a);      // x-amz-checksum-crc32
std::string_view ChecksumXmlElement(ChecksumAlgorithm a);  // ChecksumCRC32
size_t ChecksumSize(ChecksumAlgorithm a);                  // raw bytes
bool SupportsFullObject(ChecksumAlgorithm a);              // the CRCs

class Checksummer {
 public:
  explicit Checksummer(ChecksumAlgorithm a);
  void Update(std::string_view data);
  // The checksum of everything so far: big-endian bytes for CRCs, the digest for SHAs. Call
  // once; the checksummer is spent after it.
  std::string Final();
  std::string FinalBase64();
  uint64_t CrcValue() const;   // CRCs only
  ChecksumAlgorithm algorithm() const { return algorithm_; }

 private:
  ChecksumAlgorithm algorithm_;
  std::variant<Crc32, Crc32c, Crc64Nvme, Digest> state_;
};

// The composite checksum of a multipart object: the checksum of the parts' raw checksums,
// base64, with "-N" appended. nullopt when a part's base64 is malformed.
std::optional<std::string> CompositeChecksum(ChecksumAlgorithm a,
                                             const std::vector<std::string>& part_base64);
// The full-object CRC of a multipart object from its parts' CRCs and sizes.
std::optional<std::string> FullObjectCrc(ChecksumAlgorithm a,
                                         const std::vector<std::string>& part_base64,
                                         const std::vector<uint64_t>& part_sizes);

}  // namespace evoke::s3
