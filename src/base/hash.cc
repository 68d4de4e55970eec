#include "base/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>
#include <stdexcept>

#include "base/encoding.h"

namespace evoke {
namespace {

const EVP_MD* MdFor(Digest::Kind kind) {
  switch (kind) {
    case Digest::Kind::kSha256: return EVP_sha256();
    case Digest::Kind::kSha1: return EVP_sha1();
    case Digest::Kind::kMd5: return EVP_md5();
  }
  return EVP_sha256();
}

// Slicing-by-8 tables for a reflected CRC of width W with polynomial `poly`.
template <class T>
struct CrcTables {
  T t[8][256];
};

template <class T>
constexpr CrcTables<T> MakeTables(T poly) {
  CrcTables<T> tables{};
  for (unsigned i = 0; i < 256; ++i) {
    T c = static_cast<T>(i);
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
    tables.t[0][i] = c;
  }
  for (unsigned i = 0; i < 256; ++i) {
    for (int s = 1; s < 8; ++s) {
      T prev = tables.t[s - 1][i];
      tables.t[s][i] = (prev >> 8) ^ tables.t[0][prev & 0xff];
    }
  }
  return tables;
}

constexpr uint32_t kCrc32Poly = 0xEDB88320u;
constexpr uint32_t kCrc32cPoly = 0x82F63B78u;
constexpr uint64_t kCrc64NvmePoly = 0x9A6C9329AC4BC9B5ull;

constexpr auto kCrc32Tables = MakeTables<uint32_t>(kCrc32Poly);
constexpr auto kCrc32cTables = MakeTables<uint32_t>(kCrc32cPoly);
constexpr auto kCrc64Tables = MakeTables<uint64_t>(kCrc64NvmePoly);

template <class T>
T CrcUpdate(const CrcTables<T>& tb, T crc, std::string_view data) {
  auto p = reinterpret_cast<const uint8_t*>(data.data());
  size_t n = data.size();
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);  // little-endian host
    if constexpr (sizeof(T) == 4) {
      uint32_t lo = static_cast<uint32_t>(word) ^ crc;
      uint32_t hi = static_cast<uint32_t>(word >> 32);
      crc = tb.t[7][lo & 0xff] ^ tb.t[6][lo >> 8 & 0xff] ^ tb.t[5][lo >> 16 & 0xff] ^
            tb.t[4][lo >> 24] ^ tb.t[3][hi & 0xff] ^ tb.t[2][hi >> 8 & 0xff] ^
            tb.t[1][hi >> 16 & 0xff] ^ tb.t[0][hi >> 24];
    } else {
      uint64_t v = word ^ crc;
      crc = tb.t[7][v & 0xff] ^ tb.t[6][v >> 8 & 0xff] ^ tb.t[5][v >> 16 & 0xff] ^
            tb.t[4][v >> 24 & 0xff] ^ tb.t[3][v >> 32 & 0xff] ^ tb.t[2][v >> 40 & 0xff] ^
            tb.t[1][v >> 48 & 0xff] ^ tb.t[0][v >> 56];
    }
    p += 8;
    n -= 8;
  }
  while (n--) crc = (crc >> 8) ^ tb.t[0][(crc ^ *p++) & 0xff];
  return crc;
}

template <class T>
std::string BigEndianBytes(T v) {
  std::string out(sizeof(T), '\0');
  for (size_t i = 0; i < sizeof(T); ++i) {
    out[i] = static_cast<char>(v >> (8 * (sizeof(T) - 1 - i)) & 0xff);
  }
  return out;
}

// CRC combination by GF(2) matrix squaring, as in zlib's crc32_combine, generalised to any
// reflected CRC width. The matrix for "one zero bit" is squared repeatedly to shift crc_a over
// len_b zero bytes; then crc(A‖B) = shifted(crc_a) ^ crc_b.
template <class T>
T Gf2Times(const T* mat, T vec) {
  T sum = 0;
  while (vec) {
    if (vec & 1) sum ^= *mat;
    vec >>= 1;
    ++mat;
  }
  return sum;
}

template <class T>
void Gf2Square(T* square, const T* mat) {
  constexpr int kBits = sizeof(T) * 8;
  for (int n = 0; n < kBits; ++n) square[n] = Gf2Times(mat, mat[n]);
}

template <class T>
T CrcCombine(T poly, T crc_a, T crc_b, uint64_t len_b) {
  constexpr int kBits = sizeof(T) * 8;
  if (len_b == 0) return crc_a;
  T even[kBits], odd[kBits];
  odd[0] = poly;
  T row = 1;
  for (int n = 1; n < kBits; ++n) {
    odd[n] = row;
    row <<= 1;
  }
  Gf2Square(even, odd);  // two zero bits
  Gf2Square(odd, even);  // four zero bits
  do {
    Gf2Square(even, odd);
    if (len_b & 1) crc_a = Gf2Times(even, crc_a);
    len_b >>= 1;
    if (len_b == 0) break;
    Gf2Square(odd, even);
    if (len_b & 1) crc_a = Gf2Times(odd, crc_a);
    len_b >>= 1;
  } while (len_b != 0);
  return crc_a ^ crc_b;
}

}  // namespace

Digest::Digest(Kind kind) : kind_(kind), ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_, MdFor(kind_), nullptr) != 1) {
    throw std::runtime_error("OpenSSL digest initialisation failed");
  }
}

Digest::~Digest() {
  if (ctx_) EVP_MD_CTX_free(ctx_);
}

Digest::Digest(Digest&& other) noexcept : kind_(other.kind_), ctx_(other.ctx_) {
  other.ctx_ = nullptr;
}

Digest& Digest::operator=(Digest&& other) noexcept {
  if (this != &other) {
    if (ctx_) EVP_MD_CTX_free(ctx_);
    kind_ = other.kind_;
    ctx_ = other.ctx_;
    other.ctx_ = nullptr;
  }
  return *this;
}

void Digest::Update(std::string_view data) { EVP_DigestUpdate(ctx_, data.data(), data.size()); }

std::string Digest::Final() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, md, &len);
  EVP_DigestInit_ex(ctx_, MdFor(kind_), nullptr);
  return std::string(reinterpret_cast<char*>(md), len);
}

size_t Digest::size() const { return static_cast<size_t>(EVP_MD_get_size(MdFor(kind_))); }

std::string Sha256(std::string_view data) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), 32);
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string Md5(std::string_view data) {
  unsigned char md[16];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<char*>(md), 16);
}

namespace {

// RFC 2104 over a 64-byte-block hash. Written out rather than through OpenSSL's MAC API, whose
// per-call provider lookup costs more than the hashing for SigV4's short inputs.
std::string Hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  constexpr size_t kBlock = 64;
  unsigned char k[kBlock] = {};
  if (key.size() > kBlock) {
    unsigned char hk[EVP_MAX_MD_SIZE];
    unsigned int hlen = 0;
    EVP_Digest(key.data(), key.size(), hk, &hlen, md, nullptr);
    std::memcpy(k, hk, hlen);
  } else {
    std::memcpy(k, key.data(), key.size());
  }
  unsigned char ipad[kBlock], opad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = k[i] ^ 0x36;
    opad[i] = k[i] ^ 0x5c;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char inner[EVP_MAX_MD_SIZE], outer[EVP_MAX_MD_SIZE];
  unsigned int inner_len = 0, outer_len = 0;
  EVP_DigestInit_ex(ctx, md, nullptr);
  EVP_DigestUpdate(ctx, ipad, kBlock);
  EVP_DigestUpdate(ctx, data.data(), data.size());
  EVP_DigestFinal_ex(ctx, inner, &inner_len);
  EVP_DigestInit_ex(ctx, md, nullptr);
  EVP_DigestUpdate(ctx, opad, kBlock);
  EVP_DigestUpdate(ctx, inner, inner_len);
  EVP_DigestFinal_ex(ctx, outer, &outer_len);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<char*>(outer), outer_len);
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view data) {
  return Hmac(EVP_sha256(), key, data);
}

std::string HmacSha1(std::string_view key, std::string_view data) {
  return Hmac(EVP_sha1(), key, data);
}

void Crc32::Update(std::string_view data) { state_ = CrcUpdate(kCrc32Tables, state_, data); }
std::string Crc32::Bytes() const { return BigEndianBytes(Value()); }

void Crc32c::Update(std::string_view data) { state_ = CrcUpdate(kCrc32cTables, state_, data); }
std::string Crc32c::Bytes() const { return BigEndianBytes(Value()); }

void Crc64Nvme::Update(std::string_view data) { state_ = CrcUpdate(kCrc64Tables, state_, data); }
std::string Crc64Nvme::Bytes() const { return BigEndianBytes(Value()); }

uint32_t Crc32Combine(uint32_t a, uint32_t b, uint64_t len_b) {
  return CrcCombine<uint32_t>(kCrc32Poly, a, b, len_b);
}
uint32_t Crc32cCombine(uint32_t a, uint32_t b, uint64_t len_b) {
  return CrcCombine<uint32_t>(kCrc32cPoly, a, b, len_b);
}
uint64_t Crc64NvmeCombine(uint64_t a, uint64_t b, uint64_t len_b) {
  return CrcCombine<uint64_t>(kCrc64NvmePoly, a, b, len_b);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace evoke
