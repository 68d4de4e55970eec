#include "api/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>

namespace evoke::api {
namespace {

Error Corrupt(std::string_view why) {
  return MakeError("SerializationException",
                   "The request body is not valid gzip data: " + std::string(why) + ".");
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool IsGzipEncoding(std::string_view content_encoding) {
  size_t comma = content_encoding.rfind(',');
  std::string_view last =
      Trim(comma == std::string_view::npos ? content_encoding : content_encoding.substr(comma + 1));
  return last.size() == 4 && std::equal(last.begin(), last.end(), "gzip", [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

Result<std::string> Gunzip(std::string_view compressed, size_t limit) {
  std::string out;
  z_stream zs{};
  // 16 + MAX_WBITS: gzip framing only (no raw deflate, no zlib header).
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Corrupt("inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  char buffer[16384];
  int rc = Z_OK;
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof(buffer);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    size_t got = sizeof(buffer) - zs.avail_out;
    if (out.size() + got > limit) {
      inflateEnd(&zs);
      return MakeError("BodyTooLarge", "the decompressed body is over the limit");
    }
    out.append(buffer, got);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      // Another member follows (gzip allows concatenation).
      if (inflateReset(&zs) != Z_OK) break;
      continue;
    }
    if (zs.avail_in == 0 && got == 0) {  // no progress and no more input: truncated
      rc = Z_BUF_ERROR;
      break;
    }
  }
  std::string why = rc == Z_BUF_ERROR ? "it ends early" : zs.msg ? zs.msg : "inflate failed";
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return Corrupt(why);
  return out;
}

}  // namespace evoke::api
