#include "base/seal.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

#include "base/ids.h"

namespace evoke {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string Seal(std::string_view key, std::string_view plaintext, std::string_view associated) {
  std::string nonce = RandomBytes(kNonceBytes);
  std::string out = nonce;
  out.resize(kNonceBytes + plaintext.size() + kTagBytes);
  auto* cipher = reinterpret_cast<unsigned char*>(out.data() + kNonceBytes);
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  bool ok = ctx && key.size() == kSealKeyBytes &&
            EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key), Bytes(nonce)) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &n, Bytes(associated),
                              static_cast<int>(associated.size())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), cipher, &n, Bytes(plaintext),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), cipher + n, &n) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                                cipher + plaintext.size()) == 1;
  if (!ok) std::abort();  // a wrong key size is a programming error; OpenSSL does not fail here
  return out;
}

std::optional<std::string> Open(std::string_view key, std::string_view sealed,
                                std::string_view associated) {
  if (key.size() != kSealKeyBytes || sealed.size() < kNonceBytes + kTagBytes) return std::nullopt;
  std::string_view nonce = sealed.substr(0, kNonceBytes);
  std::string_view cipher = sealed.substr(kNonceBytes, sealed.size() - kNonceBytes - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  std::string plain(cipher.size(), '\0');
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  bool ok = ctx &&
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key), Bytes(nonce)) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &n, Bytes(associated),
                              static_cast<int>(associated.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &n,
                              Bytes(cipher), static_cast<int>(cipher.size())) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(),
                                reinterpret_cast<unsigned char*>(plain.data()) + n, &n) == 1;
  if (!ok) return std::nullopt;
  return plain;
}

}  // namespace evoke
