#include "base/ids.h"

#include <sys/random.h>

#include <cstdio>
#include <stdexcept>

#include "base/encoding.h"

namespace evoke {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    ssize_t r = getrandom(out.data() + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed");
    }
    got += static_cast<size_t>(r);
  }
  return out;
}

std::string RandomHex(size_t bytes) { return HexEncode(RandomBytes(bytes)); }

std::string NewRequestId() {
  std::string id = RandomHex(8);
  for (char& c : id) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  return id;
}

std::string NewUuid() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  std::string h = HexEncode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string NewAwsId(std::string_view prefix, size_t length) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string id(prefix);
  if (length <= id.size()) return id;
  std::string bytes = RandomBytes(length - id.size());
  for (unsigned char c : bytes) id += kAlphabet[c % 32];
  return id;
}

std::string NewSecretAccessKey() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes = RandomBytes(40);
  std::string secret;
  for (unsigned char c : bytes) secret += kAlphabet[c % 64];
  return secret;
}

}  // namespace evoke
