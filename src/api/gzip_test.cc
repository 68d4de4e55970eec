// Unit tests for gzip request bodies (api/gzip.h).
#include "api/gzip.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace evoke::api {
namespace {

std::string Gzip(std::string_view plain) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                         Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&zs, plain.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(Gzip, RecognisesTheEncoding) {
  EXPECT_TRUE(IsGzipEncoding("gzip"));
  EXPECT_TRUE(IsGzipEncoding("GZIP"));
  EXPECT_TRUE(IsGzipEncoding("identity, gzip "));
  EXPECT_FALSE(IsGzipEncoding("deflate"));
  EXPECT_FALSE(IsGzipEncoding("gzip, aws-chunked"));
  EXPECT_FALSE(IsGzipEncoding(""));
}

TEST(Gzip, RoundTripsAndConcatenatedMembers) {
  std::string plain = "Action=PutMetricData&Namespace=App";
  auto out = Gunzip(Gzip(plain), 1 << 20);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(*out, plain);
  auto two = Gunzip(Gzip("ab") + Gzip("cd"), 1 << 20);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, "abcd");
  auto empty = Gunzip(Gzip(""), 10);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST(Gzip, RefusesBombsAndGarbage) {
  std::string bomb = Gzip(std::string(1 << 20, 'a'));
  EXPECT_LT(bomb.size(), 10000u);
  auto big = Gunzip(bomb, 1000);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, "BodyTooLarge");

  std::string whole = Gzip("hello world");
  auto truncated = Gunzip(whole.substr(0, whole.size() - 4), 1000);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, "SerializationException");
  std::string bad_crc = whole;
  bad_crc[bad_crc.size() - 6] ^= 0x55;
  EXPECT_FALSE(Gunzip(bad_crc, 1000).ok());
  EXPECT_FALSE(Gunzip("not gzip at all", 1000).ok());
  EXPECT_FALSE(Gunzip("", 1000).ok());
  EXPECT_FALSE(Gunzip(whole + "junk", 1000).ok());
}

}  // namespace
}  // namespace evoke::api
