#include "auth/sigv4.h"

#include <gtest/gtest.h>

namespace evoke::auth {
namespace {

// The worked examples of AWS's "Signature Version 4 signing for Amazon S3" documentation.
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

http::Request GetObjectExample() {
  http::Request r;
  r.method = "GET";
  r.path = "/test.txt";
  r.headers.Add("Host", "examplebucket.s3.amazonaws.com");
  r.headers.Add("Range", "bytes=0-9");
  r.headers.Add("x-amz-content-sha256", std::string(kEmptySha256));
  r.headers.Add("x-amz-date", "20130524T000000Z");
  return r;
}

TEST(SigV4, ParsesAuthorizationHeader) {
  auto r = GetObjectExample();
  auto p = ParseAuthorizationHeader(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
      "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
      "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
      r.headers);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(p->Scope(), "20130524/us-east-1/s3/aws4_request");
  EXPECT_EQ(p->signed_headers.size(), 4u);
  EXPECT_EQ(p->amz_date, "20130524T000000Z");
}

TEST(SigV4, RejectsMalformedHeaders) {
  http::Headers h;
  EXPECT_EQ(ParseAuthorizationHeader("AWS AKID:sig", h).error().code, "InvalidRequest");
  EXPECT_EQ(ParseAuthorizationHeader("AWS4-HMAC-SHA256 Credential=AK/2013/us-east-1/s3/aws4_request,"
                                     "SignedHeaders=host,Signature=00",
                                     h)
                .error()
                .code,
            "AuthorizationHeaderMalformed");
  EXPECT_EQ(ParseAuthorizationHeader("AWS4-HMAC-SHA256 SignedHeaders=host", h).error().code,
            "AuthorizationHeaderMalformed");
}

TEST(SigV4, HeaderSignatureMatchesAwsExample) {
  auto r = GetObjectExample();
  SignatureParams p;
  p.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  p.scope_date = "20130524";
  p.region = "us-east-1";
  p.service = "s3";
  p.signed_headers = {"host", "range", "x-amz-content-sha256", "x-amz-date"};
  p.amz_date = "20130524T000000Z";
  auto cr = CanonicalRequest(r, p, kEmptySha256, PathEncoding::kS3);
  ASSERT_TRUE(cr);
  EXPECT_EQ(*cr,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string key = SigningKey(kSecret, "20130524", "us-east-1", "s3");
  EXPECT_EQ(SignatureHex(key, StringToSign(p.amz_date, p.Scope(), *cr)),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, PresignedSignatureMatchesAwsExample) {
  http::Request r;
  r.method = "GET";
  r.path = "/test.txt";
  r.headers.Add("Host", "examplebucket.s3.amazonaws.com");
  r.raw_query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1"
      "%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders="
      "host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
  r.query = *http::Query::Parse(r.raw_query);
  auto p = ParsePresignedQuery(r.query);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->expires_s, 86400);
  auto cr = CanonicalRequest(r, *p, "UNSIGNED-PAYLOAD", PathEncoding::kS3);
  ASSERT_TRUE(cr);
  std::string key = SigningKey(kSecret, "20130524", "us-east-1", "s3");
  EXPECT_EQ(SignatureHex(key, StringToSign(p->amz_date, p->Scope(), *cr)), p->signature);
}

TEST(SigV4, PresignedQueryErrors) {
  auto q = *http::Query::Parse("X-Amz-Algorithm=AWS4-HMAC-SHA256");
  EXPECT_EQ(ParsePresignedQuery(q).error().code, "AuthorizationQueryParametersError");
  auto long_expiry = *http::Query::Parse(
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
      "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&X-Amz-Signature=00");
  EXPECT_EQ(ParsePresignedQuery(long_expiry).error().code, "AuthorizationQueryParametersError");
  auto with_expiry = [](std::string_view expires) {
    return *http::Query::Parse(
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20130524%2Fus-east-1%2Fs3%2F"
        "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=" +
        std::string(expires) + "&X-Amz-SignedHeaders=host&X-Amz-Signature=00");
  };
  EXPECT_EQ(ParsePresignedQuery(with_expiry("-5")).error().message,
            "X-Amz-Expires must be non-negative");
  EXPECT_EQ(ParsePresignedQuery(with_expiry("soon")).error().message,
            "X-Amz-Expires should be a number");
  EXPECT_TRUE(ParsePresignedQuery(with_expiry("604800")).ok());
  EXPECT_TRUE(ParsePresignedQuery(with_expiry("0")).ok());  // parsed; the verifier refuses it
}

TEST(SigV4, CanonicalUriForS3ReencodesEachSegment) {
  EXPECT_EQ(CanonicalUri("/bucket/a%20b/c!d", PathEncoding::kS3), "/bucket/a%20b/c%21d");
  EXPECT_EQ(CanonicalUri("/bucket/a%2Fb", PathEncoding::kS3), "/bucket/a%2Fb");
  EXPECT_EQ(CanonicalUri("/bucket//double", PathEncoding::kS3), "/bucket//double");
  EXPECT_EQ(CanonicalUri("", PathEncoding::kS3), "/");
  EXPECT_FALSE(CanonicalUri("/bad%zz", PathEncoding::kS3));
}

TEST(SigV4, CanonicalUriForOtherServicesEncodesTwice) {
  EXPECT_EQ(CanonicalUri("/2015-03-31/functions/arn%3Aaws%3Alambda/invocations", PathEncoding::kDouble),
            "/2015-03-31/functions/arn%253Aaws%253Alambda/invocations");
  EXPECT_EQ(CanonicalUri("/a/./b/../c//d/", PathEncoding::kDouble), "/a/c/d/");
}

TEST(SigV4, CanonicalQuerySortsAndEncodes) {
  auto q = *http::Query::Parse("prefix=a%20b&list-type=2&delimiter=%2F&uploads");
  EXPECT_EQ(CanonicalQuery(q, false), "delimiter=%2F&list-type=2&prefix=a%20b&uploads=");
}

TEST(SigV4, CanonicalHeadersTrimAndJoin) {
  http::Headers h;
  h.Add("X-Amz-Meta-A", "  one   two ");
  h.Add("x-amz-meta-a", "three");
  EXPECT_EQ(CanonicalHeaders(h, {"x-amz-meta-a"}), "x-amz-meta-a:one two,three\n");
}

TEST(SigV4, PayloadModes) {
  EXPECT_EQ(ParsePayloadMode("UNSIGNED-PAYLOAD"), PayloadMode::kUnsigned);
  EXPECT_EQ(ParsePayloadMode("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), PayloadMode::kStreamingSigned);
  EXPECT_EQ(ParsePayloadMode("STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
            PayloadMode::kStreamingUnsignedTrailer);
  EXPECT_EQ(ParsePayloadMode("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
            PayloadMode::kStreamingSignedTrailer);
  EXPECT_EQ(ParsePayloadMode(kEmptySha256), PayloadMode::kSigned);
  EXPECT_FALSE(ParsePayloadMode("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
  EXPECT_FALSE(ParsePayloadMode("nonsense"));
}

}  // namespace
}  // namespace evoke::auth
