#include "s3/checksum.h"

#include "base/encoding.h"
#include "http/message.h"

namespace evoke::s3 {
namespace {

uint64_t FromBigEndian(std::string_view raw) {
  uint64_t v = 0;
  for (unsigned char c : raw) v = v << 8 | c;
  return v;
}

std::string ToBigEndian(uint64_t v, size_t bytes) {
  std::string out(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) out[i] = static_cast<char>(v >> (8 * (bytes - 1 - i)) & 0xff);
  return out;
}

}  // namespace

std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name) {
  for (ChecksumAlgorithm a : kAllChecksums) {
    if (http::EqualsIgnoreCase(name, ChecksumName(a))) return a;
  }
  return std::nullopt;
}

std::string_view ChecksumName(ChecksumAlgorithm a) {
  switch (a) {
    case ChecksumAlgorithm::kCrc32: return "CRC32";
    case ChecksumAlgorithm::kCrc32c: return "CRC32C";
    case ChecksumAlgorithm::kCrc64Nvme: return "CRC64NVME";
    case ChecksumAlgorithm::kSha1: return "SHA1";
    case ChecksumAlgorithm::kSha256: return "SHA256";
  }
  return "";
}

std::string_view ChecksumHeader(ChecksumAlgorithm a) {
  switch (a) {
    case ChecksumAlgorithm::kCrc32: return "x-amz-checksum-crc32";
    case ChecksumAlgorithm::kCrc32c: return "x-amz-checksum-crc32c";
    case ChecksumAlgorithm::kCrc64Nvme: return "x-amz-checksum-crc64nvme";
    case ChecksumAlgorithm::kSha1: return "x-amz-checksum-sha1";
    case ChecksumAlgorithm::kSha256: return "x-amz-checksum-sha256";
  }
  return "";
}

std::string_view ChecksumXmlElement(ChecksumAlgorithm a) {
  switch (a) {
    case ChecksumAlgorithm::kCrc32: return "ChecksumCRC32";
    case ChecksumAlgorithm::kCrc32c: return "ChecksumCRC32C";
    case ChecksumAlgorithm::kCrc64Nvme: return "ChecksumCRC64NVME";
    case ChecksumAlgorithm::kSha1: return "ChecksumSHA1";
    case ChecksumAlgorithm::kSha256: return "ChecksumSHA256";
  }
  return "";
}

size_t ChecksumSize(ChecksumAlgorithm a) {
  switch (a) {
    case ChecksumAlgorithm::kCrc32:
    case ChecksumAlgorithm::kCrc32c: return 4;
    case ChecksumAlgorithm::kCrc64Nvme: return 8;
    case ChecksumAlgorithm::kSha1: return 20;
    case ChecksumAlgorithm::kSha256: return 32;
  }
  return 0;
}

bool SupportsFullObject(ChecksumAlgorithm a) {
  return a == ChecksumAlgorithm::kCrc32 || a == ChecksumAlgorithm::kCrc32c ||
         a == ChecksumAlgorithm::kCrc64Nvme;
}

Checksummer::Checksummer(ChecksumAlgorithm a) : algorithm_(a), state_(Crc32{}) {
  switch (a) {
    case ChecksumAlgorithm::kCrc32: state_ = Crc32{}; break;
    case ChecksumAlgorithm::kCrc32c: state_ = Crc32c{}; break;
    case ChecksumAlgorithm::kCrc64Nvme: state_ = Crc64Nvme{}; break;
    case ChecksumAlgorithm::kSha1: state_ = Digest(Digest::Kind::kSha1); break;
    case ChecksumAlgorithm::kSha256: state_ = Digest(Digest::Kind::kSha256); break;
  }
}

void Checksummer::Update(std::string_view data) {
  std::visit([&](auto& s) { s.Update(data); }, state_);
}

std::string Checksummer::Final() {
  if (auto* d = std::get_if<Digest>(&state_)) return d->Final();
  if (auto* c = std::get_if<Crc32>(&state_)) return c->Bytes();
  if (auto* c = std::get_if<Crc32c>(&state_)) return c->Bytes();
  return std::get<Crc64Nvme>(state_).Bytes();
}

std::string Checksummer::FinalBase64() { return Base64Encode(Final()); }

uint64_t Checksummer::CrcValue() const {
  if (auto* c = std::get_if<Crc32>(&state_)) return c->Value();
  if (auto* c = std::get_if<Crc32c>(&state_)) return c->Value();
  if (auto* c = std::get_if<Crc64Nvme>(&state_)) return c->Value();
  return 0;
}

std::optional<std::string> CompositeChecksum(ChecksumAlgorithm a,
                                             const std::vector<std::string>& part_base64) {
  Checksummer all(a);
  for (const auto& b64 : part_base64) {
    auto raw = Base64Decode(b64);
    if (!raw || raw->size() != ChecksumSize(a)) return std::nullopt;
    all.Update(*raw);
  }
  return all.FinalBase64() + "-" + std::to_string(part_base64.size());
}

std::optional<std::string> FullObjectCrc(ChecksumAlgorithm a,
                                         const std::vector<std::string>& part_base64,
                                         const std::vector<uint64_t>& part_sizes) {
  if (!SupportsFullObject(a) || part_base64.size() != part_sizes.size()) return std::nullopt;
  uint64_t crc = 0;
  for (size_t i = 0; i < part_base64.size(); ++i) {
    auto raw = Base64Decode(part_base64[i]);
    if (!raw || raw->size() != ChecksumSize(a)) return std::nullopt;
    uint64_t part = FromBigEndian(*raw);
    if (i == 0) {
      crc = part;
    } else if (a == ChecksumAlgorithm::kCrc32) {
      crc = Crc32Combine(static_cast<uint32_t>(crc), static_cast<uint32_t>(part), part_sizes[i]);
    } else if (a == ChecksumAlgorithm::kCrc32c) {
      crc = Crc32cCombine(static_cast<uint32_t>(crc), static_cast<uint32_t>(part), part_sizes[i]);
    } else {
      crc = Crc64NvmeCombine(crc, part, part_sizes[i]);
    }
  }
  if (part_base64.empty()) {
    Checksummer empty(a);
    return empty.FinalBase64();
  }
  return Base64Encode(ToBigEndian(crc, ChecksumSize(a)));
}

}  // namespace evoke::s3
