#include "auth/aws_chunked.h"

#include <gtest/gtest.h>

#include "base/hash.h"

namespace evoke::auth {
namespace {

// AWS's worked example for STREAMING-AWS4-HMAC-SHA256-PAYLOAD: 65 KiB of 'a' sent as a
// 64 KiB chunk, a 1 KiB chunk and the final empty chunk.
constexpr char kSeed[] = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr char kSig1[] = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
constexpr char kSig2[] = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
constexpr char kSig3[] = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";
// The trailer signature that follows kSig3 for "x-amz-checksum-crc32:AAAAAA==", computed with
// Python's hmac module.
constexpr char kTrailerSig[] = "0d4937632e3b48a4bbda4b149b12f5077f5b7ba79a502921ffbd26a78a70d0a0";

ChunkSigning ExampleSigning() {
  return ChunkSigning{
      SigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3"),
      "20130524T000000Z", "20130524/us-east-1/s3/aws4_request", kSeed};
}

std::string SignedBody(const std::string& sig1, const char* trailer = nullptr) {
  std::string body = "10000;chunk-signature=" + sig1 + "\r\n" + std::string(65536, 'a') + "\r\n";
  body += "400;chunk-signature=" + std::string(kSig2) + "\r\n" + std::string(1024, 'a') + "\r\n";
  body += "0;chunk-signature=" + std::string(kSig3) + "\r\n";
  if (trailer) body += trailer;
  body += "\r\n";
  return body;
}

TEST(AwsChunked, DecodesAndVerifiesAwsExample) {
  AwsChunkedDecoder d(PayloadMode::kStreamingSigned, ExampleSigning());
  std::string out;
  std::string body = SignedBody(kSig1);
  // Feed in awkward pieces to exercise every state boundary.
  for (size_t i = 0; i < body.size(); i += 7) {
    ASSERT_TRUE(d.Feed(std::string_view(body).substr(i, 7), &out).ok());
  }
  EXPECT_TRUE(d.Finish().ok());
  EXPECT_EQ(out, std::string(66560, 'a'));
  EXPECT_EQ(d.decoded_bytes(), 66560u);
}

TEST(AwsChunked, RejectsATamperedChunk) {
  AwsChunkedDecoder d(PayloadMode::kStreamingSigned, ExampleSigning());
  std::string out;
  std::string body = SignedBody(kSig1);
  body[200] = 'b';
  auto s = d.Feed(body, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "SignatureDoesNotMatch");
}

TEST(AwsChunked, RejectsAWrongChunkSignature) {
  AwsChunkedDecoder d(PayloadMode::kStreamingSigned, ExampleSigning());
  std::string out;
  std::string wrong(kSig1);
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  EXPECT_EQ(d.Feed(SignedBody(wrong), &out).error().code, "SignatureDoesNotMatch");
}

TEST(AwsChunked, TruncatedBodyIsIncomplete) {
  AwsChunkedDecoder d(PayloadMode::kStreamingSigned, ExampleSigning());
  std::string out;
  std::string body = SignedBody(kSig1);
  ASSERT_TRUE(d.Feed(std::string_view(body).substr(0, 1000), &out).ok());
  EXPECT_EQ(d.Finish().error().code, "IncompleteBody");
}

TEST(AwsChunked, SignedTrailer) {
  AwsChunkedDecoder d(PayloadMode::kStreamingSignedTrailer, ExampleSigning());
  std::string out;
  std::string trailer = "x-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:" +
                        std::string(kTrailerSig) + "\r\n";
  ASSERT_TRUE(d.Feed(SignedBody(kSig1, trailer.c_str()), &out).ok());
  EXPECT_TRUE(d.Finish().ok());
  EXPECT_EQ(d.trailers().Get("x-amz-checksum-crc32"), "AAAAAA==");
}

TEST(AwsChunked, SignedTrailerWithWrongSignature) {
  AwsChunkedDecoder d(PayloadMode::kStreamingSignedTrailer, ExampleSigning());
  std::string out;
  std::string trailer = "x-amz-checksum-crc32:AAAAAB==\r\nx-amz-trailer-signature:" +
                        std::string(kTrailerSig) + "\r\n";
  EXPECT_EQ(d.Feed(SignedBody(kSig1, trailer.c_str()), &out).error().code,
            "SignatureDoesNotMatch");
}

TEST(AwsChunked, UnsignedTrailerAsBotocoreSendsIt) {
  AwsChunkedDecoder d(PayloadMode::kStreamingUnsignedTrailer, {});
  std::string out;
  ASSERT_TRUE(d.Feed("5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n", &out).ok());
  EXPECT_TRUE(d.Finish().ok());
  EXPECT_EQ(out, "hello world");
  EXPECT_EQ(d.trailers().Get("x-amz-checksum-crc32"), "DUoRhQ==");
}

TEST(AwsChunked, MalformedFraming) {
  std::string out;
  AwsChunkedDecoder a(PayloadMode::kStreamingUnsignedTrailer, {});
  EXPECT_FALSE(a.Feed("zz\r\n", &out).ok());
  AwsChunkedDecoder b(PayloadMode::kStreamingUnsignedTrailer, {});
  EXPECT_FALSE(b.Feed("3\r\nabcdef\r\n", &out).ok());  // chunk longer than declared
  AwsChunkedDecoder c(PayloadMode::kStreamingSigned, ExampleSigning());
  EXPECT_EQ(c.Feed("3\r\nabc\r\n", &out).error().code, "IncompleteSignature");
  AwsChunkedDecoder e(PayloadMode::kStreamingUnsignedTrailer, {});
  EXPECT_FALSE(e.Feed(std::string(5000, '1'), &out).ok());  // endless size line
}

}  // namespace
}  // namespace evoke::auth
