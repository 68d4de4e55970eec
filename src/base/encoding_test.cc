#include "base/encoding.h"

#include <gtest/gtest.h>

namespace evoke {
namespace {

TEST(Encoding, Hex) {
  EXPECT_EQ(HexEncode(std::string_view("\x01\xab\xff", 3)), "01abff");
  EXPECT_EQ(HexDecode("01ABff"), std::string("\x01\xab\xff", 3));
  EXPECT_FALSE(HexDecode("abc"));
  EXPECT_FALSE(HexDecode("zz"));
}

TEST(Encoding, Base64RoundTripAndStrictness) {
  EXPECT_EQ(Base64Encode(std::string_view("")), "");
  EXPECT_EQ(Base64Encode(std::string_view("f")), "Zg==");
  EXPECT_EQ(Base64Encode(std::string_view("fo")), "Zm8=");
  EXPECT_EQ(Base64Encode(std::string_view("foo")), "Zm9v");
  EXPECT_EQ(Base64Encode(std::string_view("foobar")), "Zm9vYmFy");
  EXPECT_EQ(Base64Decode("Zm9vYg=="), "foob");
  EXPECT_EQ(Base64Decode("Zm9vYmE="), "fooba");
  EXPECT_FALSE(Base64Decode("Zm9vYg="));   // bad length
  EXPECT_FALSE(Base64Decode("Zm=vYg=="));  // padding in the middle
  EXPECT_FALSE(Base64Decode("Zm9v!A=="));  // bad character
}

TEST(Encoding, UriEncodeAsSigV4Defines) {
  EXPECT_EQ(UriEncode("a b/c~d_e.f-g", false), "a%20b%2Fc~d_e.f-g");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("\xc3\xa9+*", false), "%C3%A9%2B%2A");
}

TEST(Encoding, UriDecode) {
  EXPECT_EQ(UriDecode("a%20b+c", false), "a b+c");
  EXPECT_EQ(UriDecode("a%20b+c", true), "a b c");
  EXPECT_FALSE(UriDecode("%2", false));
  EXPECT_FALSE(UriDecode("%zz", false));
  EXPECT_FALSE(UriDecode("abc%", false));
}

TEST(Encoding, FormEncodeAsS3EventKeys) {
  EXPECT_EQ(FormEncode("red flower.jpg"), "red+flower.jpg");
  EXPECT_EQ(FormEncode("a/b\xc3\xa9"), "a%2Fb%C3%A9");
  EXPECT_EQ(FormEncode("x*y~"), "x*y%7E");
}

TEST(Encoding, XmlEscape) {
  EXPECT_EQ(XmlEscape("<a&b>\"'"), "&lt;a&amp;b&gt;&quot;&apos;");
  EXPECT_EQ(XmlEscape(std::string_view("\x01x", 2)), "&#1;x");
}

TEST(Encoding, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xff"));
}

TEST(Encoding, JsonEscape) {
  std::string out;
  AppendJsonEscaped(out, std::string_view("a\"b\\c\n\x01", 7));
  EXPECT_EQ(out, "a\\\"b\\\\c\\n\\u0001");
}

}  // namespace
}  // namespace evoke
