// Unit tests for the pure parts of the Lambda control plane added with GetFunction, layers and
// concurrency: code download links (signed here, checked by the real auth::Verifier), layer
// names and ARNs, PublishLayerVersion's request, code sources, and layer JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "auth/verifier.h"
#include "base/clock.h"
#include "lambda/code_link.h"
#include "lambda/function_config.h"
#include "lambda/layer_config.h"

namespace evoke::lambda {
namespace {

using nlohmann::json;

const Account kAccount{"us-east-1", "123456789012"};

// The request a plain HTTP client makes for `url`.
http::Request RequestFor(const std::string& url) {
  http::Request r;
  r.method = "GET";
  std::string rest = url.substr(std::string("http://").size());
  size_t slash = rest.find('/');
  std::string host = rest.substr(0, slash);
  std::string target = rest.substr(slash);
  size_t q = target.find('?');
  r.target = target;
  r.path = target.substr(0, q);
  r.raw_query = q == std::string::npos ? "" : target.substr(q + 1);
  r.query = http::Query::Parse(r.raw_query).value();
  r.headers.Add("Host", host);
  return r;
}

class CodeLinkTest : public ::testing::Test {
 protected:
  CodeLinkTest() : clock_(1'700'000'000'000), verifier_(store_, clock_, {.region = "us-east-1"}) {
    auth::Credential root;
    root.access_key_id = "AKIAROOT";
    root.secret_access_key = "root-secret";
    root.principal = {"AKIAROOT", "123456789012", "arn:aws:iam::123456789012:root", false};
    link_ = CodeLinkCredential(root);
    store_.Add(link_);
    key_ = {link_.access_key_id, link_.secret_access_key, "us-east-1"};
  }

  Status Verify(const http::Request& r) {
    auto v = verifier_.VerifyWithBody(r, auth::kEmptySha256);
    if (!v.ok()) return std::move(v).error();
    return {};
  }

  FakeClock clock_;
  auth::MemoryCredentialStore store_;
  auth::Verifier verifier_;
  auth::Credential link_;
  CodeLinkKey key_;
};

TEST_F(CodeLinkTest, DerivedCredentialIsStableAndNotTheRoots) {
  auth::Credential root;
  root.secret_access_key = "root-secret";
  EXPECT_EQ(CodeLinkCredential(root).access_key_id, link_.access_key_id);
  EXPECT_EQ(CodeLinkCredential(root).secret_access_key, link_.secret_access_key);
  EXPECT_NE(link_.secret_access_key, "root-secret");
  root.secret_access_key = "other";
  EXPECT_NE(CodeLinkCredential(root).secret_access_key, link_.secret_access_key);
}

TEST_F(CodeLinkTest, ALinkVerifiesForTenMinutesOnItsOwnPathOnly) {
  std::string path = FunctionPackagePath("thumbnail", "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=");
  EXPECT_EQ(path,
            "/2015-03-31/functions/thumbnail/package/"
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  std::string url = PresignCodeLink(key_, "127.0.0.1:9000", path, clock_.NowMs() / 1000);
  ASSERT_TRUE(url.starts_with("http://127.0.0.1:9000/2015-03-31/functions/thumbnail/package/"))
      << url;
  EXPECT_NE(url.find("X-Amz-Expires=600"), std::string::npos);
  EXPECT_TRUE(Verify(RequestFor(url)).ok()) << Verify(RequestFor(url)).error().message;

  // Another path, another host, a changed signature: refused.
  std::string other = url;
  other.replace(other.find("thumbnail"), 9, "thumbnaik");
  EXPECT_EQ(Verify(RequestFor(other)).error().code, "SignatureDoesNotMatch");
  http::Request moved = RequestFor(url);
  moved.headers.Set("Host", "evil.example:9000");
  EXPECT_EQ(Verify(moved).error().code, "SignatureDoesNotMatch");
  std::string forged = url;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(Verify(RequestFor(forged)).error().code, "SignatureDoesNotMatch");

  clock_.Advance(600'000);
  EXPECT_TRUE(Verify(RequestFor(url)).ok());
  clock_.Advance(1'000);
  EXPECT_EQ(Verify(RequestFor(url)).error().message, "Request has expired");
}

TEST_F(CodeLinkTest, LayerPath) {
  EXPECT_EQ(LayerPackagePath("pillow", 3), "/2018-10-31/layers/pillow/versions/3/package");
}

TEST(LayerNames, NamesAndArns) {
  EXPECT_EQ(*ParseLayerName("pillow-10_1", kAccount), "pillow-10_1");
  EXPECT_EQ(*ParseLayerName("arn:aws:lambda:us-east-1:123456789012:layer:pillow", kAccount),
            "pillow");
  EXPECT_EQ(ParseLayerName("arn:aws:lambda:eu-west-1:123456789012:layer:pillow", kAccount)
                .error()
                .code,
            "ResourceNotFoundException");
  auto bad = ParseLayerName("pil low", kAccount);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "ValidationException");
  EXPECT_NE(bad.error().message.find("Value 'pil low' at 'layerName'"), std::string::npos);

  EXPECT_EQ(LayerVersionArn(kAccount, "pillow", 2),
            "arn:aws:lambda:us-east-1:123456789012:layer:pillow:2");
  auto parsed =
      ParseLayerVersionArn("arn:aws:lambda:us-east-1:123456789012:layer:pillow:12", kAccount);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->first, "pillow");
  EXPECT_EQ(parsed->second, 12);
  EXPECT_FALSE(ParseLayerVersionArn("arn:aws:lambda:us-east-1:999999999999:layer:pillow:1",
                                    kAccount));
  EXPECT_FALSE(
      ParseLayerVersionArn("arn:aws:lambda:us-east-1:123456789012:layer:pillow:0", kAccount));
  EXPECT_FALSE(
      ParseLayerVersionArn("arn:aws:lambda:us-east-1:123456789012:layer:pillow", kAccount));
  EXPECT_EQ(ParseLayerVersionNumber("x1").error().code, "ValidationException");
}

TEST(PublishLayer, RequestAndErrors) {
  json body = {{"Content", {{"ZipFile", "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}},
               {"Description", "Pillow"},
               {"CompatibleRuntimes", {"python3.11", "python3.12"}},
               {"CompatibleArchitectures", {"x86_64"}},
               {"LicenseInfo", "MIT"}};
  auto r = ParsePublishLayerVersion(body);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->settings.description, "Pillow");
  EXPECT_EQ(r->settings.compatible_runtimes.size(), 2u);
  EXPECT_EQ(r->content.zip.size(), 22u);

  json missing = {{"Description", "x"}};
  auto e = ParsePublishLayerVersion(missing);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, "ValidationException");
  EXPECT_EQ(e.error().message,
            "1 validation error detected: Value null at 'content' failed to satisfy "
            "constraint: Member must not be null");

  json bad = body;
  bad["CompatibleRuntimes"] = {"cobol85"};
  bad["CompatibleArchitectures"] = {"sparc"};
  e = ParsePublishLayerVersion(bad);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, "ValidationException");
  EXPECT_TRUE(e.error().message.starts_with("2 validation errors detected: Value '[cobol85]' at "
                                            "'compatibleRuntimes'"))
      << e.error().message;

  json both = body;
  both["Content"]["S3Bucket"] = "code";
  EXPECT_EQ(ParsePublishLayerVersion(both).error().code, "InvalidParameterValueException");
}

TEST(CodeSource, ZipOrS3) {
  auto s3 = ParseCodeSource(json{{"S3Bucket", "code-bucket"}, {"S3Key", "fn.zip"}});
  ASSERT_TRUE(s3.ok());
  EXPECT_EQ(s3->s3_bucket, "code-bucket");
  EXPECT_EQ(s3->s3_key, "fn.zip");
  EXPECT_TRUE(s3->zip.empty());
  EXPECT_EQ(ParseCodeSource(json{{"S3Bucket", "code-bucket"}}).error().message,
            "Please provide a source for function code.");
  auto dot = ParseCodeSource(json{{"S3Bucket", "bucket."}, {"S3Key", "k"}});
  ASSERT_FALSE(dot.ok());
  EXPECT_EQ(dot.error().code, "ValidationException");
  EXPECT_EQ(ParseCodeSource(json{{"ZipFile", "%%%"}}).error().code,
            "InvalidRequestContentException");
}

TEST(LayerJson, VersionAndFilters) {
  store::LayerVersionRecord layer;
  layer.name = "pillow";
  layer.version = 2;
  layer.arn = LayerVersionArn(kAccount, "pillow", 2);
  layer.code_sha256 = "abc=";
  layer.code_size = 42;
  layer.created_ms = 1'542'236'632'894;
  LayerSettings settings;
  settings.description = "d";
  settings.compatible_runtimes = {"python3.12"};
  auto stored = ParseStoredLayerSettings(SerializeLayerSettings(settings));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->compatible_runtimes, settings.compatible_runtimes);
  json j = LayerVersionJson(kAccount, layer, *stored, "http://h/x");
  EXPECT_EQ(j["LayerArn"], "arn:aws:lambda:us-east-1:123456789012:layer:pillow");
  EXPECT_EQ(j["LayerVersionArn"], "arn:aws:lambda:us-east-1:123456789012:layer:pillow:2");
  EXPECT_EQ(j["Version"], 2);
  EXPECT_EQ(j["CreatedDate"], "2018-11-14T23:03:52.894+0000");
  EXPECT_EQ(j["Content"]["CodeSize"], 42);
  EXPECT_EQ(j["Content"]["Location"], "http://h/x");
  EXPECT_FALSE(j.contains("LicenseInfo"));
  EXPECT_TRUE(LayerMatches(settings, "python3.12", ""));
  EXPECT_FALSE(LayerMatches(settings, "nodejs20.x", ""));
  EXPECT_FALSE(LayerMatches(settings, "", "arm64"));
  EXPECT_TRUE(LayerMatches(settings, "", ""));
}

}  // namespace
}  // namespace evoke::lambda
