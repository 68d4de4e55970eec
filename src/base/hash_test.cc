#include "base/hash.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace evoke {
namespace {

TEST(Hash, Digests) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  Digest d(Digest::Kind::kSha1);
  d.Update("ab");
  d.Update("c");
  EXPECT_EQ(HexEncode(d.Final()), "a9993e364706816aba3e25717850c26c9cd0d89d");
  d.Update("abc");  // reusable after Final
  EXPECT_EQ(HexEncode(d.Final()), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(Hash, HmacSha256Rfc4231) {
  // RFC 4231 test case 2 and a key longer than the block (test case 6).
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Hash, CrcCheckValues) {
  // The "check" values of each CRC's catalogue entry: the CRC of "123456789".
  Crc32 a;
  a.Update("123456789");
  EXPECT_EQ(a.Value(), 0xCBF43926u);
  Crc32c b;
  b.Update("1234");
  b.Update("56789");
  EXPECT_EQ(b.Value(), 0xE3069283u);
  Crc64Nvme c;
  c.Update("123456789");
  EXPECT_EQ(c.Value(), 0xAE8B14860A799888ull);
  EXPECT_EQ(Base64Encode(a.Bytes()), "y/Q5Jg==");
}

TEST(Hash, CrcLongInputsMatchByteAtATime) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 7 + 3);
  Crc32 whole, pieces;
  whole.Update(data);
  for (char ch : data) pieces.Update(std::string_view(&ch, 1));
  EXPECT_EQ(whole.Value(), pieces.Value());
}

TEST(Hash, CrcCombine) {
  std::string a = "hello, ", b = "world and more bytes than eight";
  Crc32 ca, cb, cab;
  ca.Update(a);
  cb.Update(b);
  cab.Update(a + b);
  EXPECT_EQ(Crc32Combine(ca.Value(), cb.Value(), b.size()), cab.Value());
  Crc32c xa, xb, xab;
  xa.Update(a);
  xb.Update(b);
  xab.Update(a + b);
  EXPECT_EQ(Crc32cCombine(xa.Value(), xb.Value(), b.size()), xab.Value());
  Crc64Nvme ya, yb, yab;
  ya.Update(a);
  yb.Update(b);
  yab.Update(a + b);
  EXPECT_EQ(Crc64NvmeCombine(ya.Value(), yb.Value(), b.size()), yab.Value());
}

TEST(Hash, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

}  // namespace
}  // namespace evoke
