#include "auth/verifier.h"

#include <gtest/gtest.h>

namespace evoke::auth {
namespace {

constexpr int64_t k20130524Ms = 1369353600000;

class VerifierTest : public ::testing::Test {
 protected:
  VerifierTest() : clock_(k20130524Ms), verifier_(store_, clock_, {}) {
    Credential c;
    c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
    c.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    c.principal = {c.access_key_id, "000000000000", "arn:aws:iam::000000000000:root", false};
    store_.Add(c);
  }

  // AWS's GetObject example request, signed with the example key.
  static http::Request Example() {
    http::Request r;
    r.method = "GET";
    r.path = "/test.txt";
    r.headers.Add("Host", "examplebucket.s3.amazonaws.com");
    r.headers.Add("Range", "bytes=0-9");
    r.headers.Add("x-amz-content-sha256", std::string(kEmptySha256));
    r.headers.Add("x-amz-date", "20130524T000000Z");
    r.headers.Add("Authorization",
                  "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                  "aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                  "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    return r;
  }

  MemoryCredentialStore store_;
  FakeClock clock_;
  Verifier verifier_;
};

TEST_F(VerifierTest, AcceptsAValidSignature) {
  auto v = verifier_.VerifyS3(Example());
  ASSERT_TRUE(v.ok()) << v.error().code << ": " << v.error().message;
  EXPECT_FALSE(v->principal.anonymous);
  EXPECT_EQ(v->payload_mode, PayloadMode::kSigned);
  EXPECT_EQ(v->payload_sha256, kEmptySha256);
}

TEST_F(VerifierTest, AnonymousRequestsCarryNoPrincipal) {
  http::Request r;
  r.method = "GET";
  r.path = "/";
  auto v = verifier_.VerifyS3(r);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->principal.anonymous);
}

TEST_F(VerifierTest, WrongSignatureIsSignatureDoesNotMatch) {
  auto r = Example();
  r.headers.Set("Range", "bytes=0-10");
  auto v = verifier_.VerifyS3(r);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "SignatureDoesNotMatch");
  bool has_canonical = false;
  for (const auto& [k, val] : v.error().details) has_canonical |= k == "CanonicalRequest";
  EXPECT_TRUE(has_canonical);
}

TEST_F(VerifierTest, UnknownKeyIsInvalidAccessKeyId) {
  store_.Remove("AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(verifier_.VerifyS3(Example()).error().code, "InvalidAccessKeyId");
}

TEST_F(VerifierTest, SkewBeyondFifteenMinutes) {
  clock_.Advance(15 * 60 * 1000);
  EXPECT_TRUE(verifier_.VerifyS3(Example()).ok());
  clock_.Advance(1000);
  EXPECT_EQ(verifier_.VerifyS3(Example()).error().code, "RequestTimeTooSkewed");
}

TEST_F(VerifierTest, MissingContentSha256) {
  auto r = Example();
  r.headers.Remove("x-amz-content-sha256");
  EXPECT_EQ(verifier_.VerifyS3(r).error().code, "InvalidRequest");
}

TEST_F(VerifierTest, UnsignedAmzHeaderIsRefused) {
  auto r = Example();
  r.headers.Add("x-amz-meta-sneaky", "1");
  auto v = verifier_.VerifyS3(r);
  EXPECT_EQ(v.error().code, "AccessDenied");
}

TEST_F(VerifierTest, WrongRegionNamesTheRightOne) {
  Verifier other(store_, clock_, {.region = "eu-west-1"});
  auto v = other.VerifyS3(Example());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "AuthorizationHeaderMalformed");
  EXPECT_EQ(v.error().details.at(0).second, "eu-west-1");
}

TEST_F(VerifierTest, PresignedUrlExpires) {
  http::Request r;
  r.method = "GET";
  r.path = "/test.txt";
  r.headers.Add("Host", "examplebucket.s3.amazonaws.com");
  r.raw_query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1"
      "%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders="
      "host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
  r.query = *http::Query::Parse(r.raw_query);
  auto v = verifier_.VerifyS3(r);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->payload_mode, PayloadMode::kUnsigned);
  clock_.Advance(86400 * 1000 + 1000);
  auto expired = verifier_.VerifyS3(r);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, "AccessDenied");
  EXPECT_EQ(expired.error().message, "Request has expired");
}

}  // namespace
}  // namespace evoke::auth
