// Digests and checksums: SHA-256, SHA-1, MD5 (OpenSSL), HMAC-SHA256, and the CRC32, CRC32C and
// CRC64NVME checksums S3 carries in x-amz-checksum-*. Each hasher is incremental and owned by
// one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace evoke {

// Incremental digest over an OpenSSL message digest.
class Digest {
 public:
  enum class Kind { kSha256, kSha1, kMd5 };
  explicit Digest(Kind kind);
  ~Digest();
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;

  void Update(std::string_view data);
  // Returns the raw digest bytes and resets the hasher for reuse.
  std::string Final();
  size_t size() const;

 private:
  Kind kind_;
  evp_md_ctx_st* ctx_;
};

std::string Sha256(std::string_view data);        // raw 32 bytes
std::string Sha256Hex(std::string_view data);     // lower-case hex
std::string Md5(std::string_view data);           // raw 16 bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string HmacSha1(std::string_view key, std::string_view data);    // raw 20 bytes (SigV2)

// Cyclic redundancy checks in their reflected forms, as S3 defines them. Value() is the
// checksum of everything passed to Update so far; Bytes() is its big-endian byte string, the
// form that S3 base64-encodes into headers.
class Crc32 {
 public:
  void Update(std::string_view data);
  uint32_t Value() const { return ~state_; }
  std::string Bytes() const;

 private:
  uint32_t state_ = 0xffffffffu;
};

class Crc32c {
 public:
  void Update(std::string_view data);
  uint32_t Value() const { return ~state_; }
  std::string Bytes() const;

 private:
  uint32_t state_ = 0xffffffffu;
};

class Crc64Nvme {
 public:
  void Update(std::string_view data);
  uint64_t Value() const { return ~state_; }
  std::string Bytes() const;

 private:
  uint64_t state_ = ~uint64_t{0};
};

// Combines the CRC of two adjacent byte strings: crc(A) and crc(B) with |B| = len_b give
// crc(A‖B). Used for full-object checksums of multipart uploads.
uint32_t Crc32Combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);
uint32_t Crc32cCombine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);
uint64_t Crc64NvmeCombine(uint64_t crc_a, uint64_t crc_b, uint64_t len_b);

// Constant-time comparison for secrets and signatures.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace evoke
