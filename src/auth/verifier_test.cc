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
  auto v = verifier_.VerifyS3(Example(), "/test.txt");
  ASSERT_TRUE(v.ok()) << v.error().code << ": " << v.error().message;
  EXPECT_FALSE(v->principal.anonymous);
  EXPECT_EQ(v->payload_mode, PayloadMode::kSigned);
  EXPECT_EQ(v->payload_sha256, kEmptySha256);
}

TEST_F(VerifierTest, AnonymousRequestsCarryNoPrincipal) {
  http::Request r;
  r.method = "GET";
  r.path = "/";
  auto v = verifier_.VerifyS3(r, r.path);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->principal.anonymous);
}

TEST_F(VerifierTest, WrongSignatureIsSignatureDoesNotMatch) {
  auto r = Example();
  r.headers.Set("Range", "bytes=0-10");
  auto v = verifier_.VerifyS3(r, r.path);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "SignatureDoesNotMatch");
  bool has_canonical = false;
  for (const auto& [k, val] : v.error().details) has_canonical |= k == "CanonicalRequest";
  EXPECT_TRUE(has_canonical);
}

TEST_F(VerifierTest, UnknownKeyIsInvalidAccessKeyId) {
  store_.Remove("AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(verifier_.VerifyS3(Example(), "/test.txt").error().code, "InvalidAccessKeyId");
}

TEST_F(VerifierTest, SkewBeyondFifteenMinutes) {
  clock_.Advance(15 * 60 * 1000);
  EXPECT_TRUE(verifier_.VerifyS3(Example(), "/test.txt").ok());
  clock_.Advance(1000);
  EXPECT_EQ(verifier_.VerifyS3(Example(), "/test.txt").error().code, "RequestTimeTooSkewed");
}

TEST_F(VerifierTest, MissingContentSha256) {
  auto r = Example();
  r.headers.Remove("x-amz-content-sha256");
  EXPECT_EQ(verifier_.VerifyS3(r, r.path).error().code, "InvalidRequest");
}

TEST_F(VerifierTest, UnsignedAmzHeaderIsRefused) {
  auto r = Example();
  r.headers.Add("x-amz-meta-sneaky", "1");
  auto v = verifier_.VerifyS3(r, r.path);
  EXPECT_EQ(v.error().code, "AccessDenied");
}

TEST_F(VerifierTest, WrongRegionNamesTheRightOne) {
  Verifier other(store_, clock_, {.region = "eu-west-1"});
  auto v = other.VerifyS3(Example(), "/test.txt");
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
  auto v = verifier_.VerifyS3(r, r.path);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->payload_mode, PayloadMode::kUnsigned);
  clock_.Advance(86400 * 1000 + 1000);
  auto expired = verifier_.VerifyS3(r, r.path);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, "AccessDenied");
  EXPECT_EQ(expired.error().message, "Request has expired");
}

TEST_F(VerifierTest, PresignedUrlValidForZeroSecondsIsExpired) {
  http::Request r;
  r.method = "GET";
  r.path = "/test.txt";
  r.headers.Add("Host", "examplebucket.s3.amazonaws.com");
  r.raw_query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1"
      "%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=0&X-Amz-SignedHeaders="
      "host&X-Amz-Signature=00";
  r.query = *http::Query::Parse(r.raw_query);
  auto v = verifier_.VerifyS3(r, r.path);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "AccessDenied");
  EXPECT_EQ(v.error().message, "Request has expired");
}

}  // namespace
}  // namespace evoke::auth

namespace evoke::auth {
namespace {

// SigV2 as botocore computes it: a presigned GET and a signed PUT, checked against values from
// Python's hmac module over the same string to sign.
TEST_F(VerifierTest, SigV2PresignedAndHeader) {
  http::Request r;
  r.method = "GET";
  r.path = "/bucket/a%20key";
  r.raw_query = "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=zA8VZyRnKuqeP7V288w934F%2BqNE%3D&Expires=1369360800";
  r.query = *http::Query::Parse(r.raw_query);
  EXPECT_EQ(SigV2StringToSign(r, r.path, *ParseSigV2Query(r.query)),
            "GET\n\n\n1369360800\n/bucket/a%20key");
  auto v = verifier_.VerifyS3(r, r.path);
  ASSERT_TRUE(v.ok()) << v.error().code << " " << v.error().message;
  clock_.Set(1369360801000);
  EXPECT_EQ(verifier_.VerifyS3(r, r.path).error().code, "AccessDenied");

  clock_.Set(k20130524Ms);
  http::Request put;
  put.method = "PUT";
  put.path = "/bucket/k";
  put.raw_query = "uploadId=abc&partNumber=2&ignored=1";
  put.query = *http::Query::Parse(put.raw_query);
  put.headers.Add("Date", "Fri, 24 May 2013 00:00:00 GMT");
  put.headers.Add("Content-Type", "text/plain");
  put.headers.Add("x-amz-meta-b", "2");
  put.headers.Add("X-Amz-Meta-A", "1");
  put.headers.Add("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:rp3lFnn5jXYjQ6Y2smpvIGGL9Ew=");
  SigV2Params p;
  EXPECT_EQ(SigV2StringToSign(put, put.path, p),
            "PUT\n\ntext/plain\nFri, 24 May 2013 00:00:00 GMT\nx-amz-meta-a:1\nx-amz-meta-b:2\n"
            "/bucket/k?partNumber=2&uploadId=abc");
  auto hv = verifier_.VerifyS3(put, put.path);
  ASSERT_TRUE(hv.ok()) << hv.error().code << " " << hv.error().message;
  put.headers.Set("Content-Type", "text/html");
  EXPECT_EQ(verifier_.VerifyS3(put, put.path).error().code, "SignatureDoesNotMatch");
}

}  // namespace
}  // namespace evoke::auth
