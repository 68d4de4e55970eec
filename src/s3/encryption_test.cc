// Unit tests for s3/encryption.h: the encryption headers S3 takes and refuses, and the bucket
// default encryption configuration document.
#include "s3/encryption.h"

#include <gtest/gtest.h>

namespace evoke::s3 {
namespace {

http::Headers H(std::initializer_list<std::pair<const char*, const char*>> fields) {
  http::Headers h;
  for (const auto& [name, value] : fields) h.Add(name, value);
  return h;
}

std::string Code(const Status& s) { return s.ok() ? "" : s.error().code; }

TEST(Encryption, WriteHeaders) {
  EXPECT_TRUE(CheckWriteEncryption(H({})).ok());
  EXPECT_TRUE(CheckWriteEncryption(H({{"x-amz-server-side-encryption", "AES256"}})).ok());
  EXPECT_TRUE(CheckWriteEncryption(H({{"x-amz-server-side-encryption", "AES256"},
                                      {"x-amz-server-side-encryption-bucket-key-enabled", "true"}}))
                  .ok());
  Status kms = CheckWriteEncryption(H({{"x-amz-server-side-encryption", "aws:kms"}}));
  EXPECT_EQ(Code(kms), "NotImplemented");
  EXPECT_NE(kms.error().message.find("no KMS"), std::string::npos);
  EXPECT_EQ(Code(CheckWriteEncryption(H({{"x-amz-server-side-encryption", "aws:kms:dsse"}}))),
            "NotImplemented");
  for (const char* bad : {"aes256", "AES512", "", "aws:fsx"}) {
    Status s = CheckWriteEncryption(H({{"x-amz-server-side-encryption", bad}}));
    EXPECT_EQ(Code(s), "InvalidArgument") << bad;
    EXPECT_EQ(s.error().message, "The encryption method specified is not supported");
  }
  EXPECT_EQ(Code(CheckWriteEncryption(H({{"x-amz-server-side-encryption", "AES256"},
                                         {"x-amz-server-side-encryption-aws-kms-key-id", "k"}}))),
            "InvalidArgument");
  for (const char* customer : {"x-amz-server-side-encryption-customer-algorithm",
                               "x-amz-server-side-encryption-customer-key",
                               "x-amz-copy-source-server-side-encryption-customer-key-MD5"}) {
    Status s = CheckWriteEncryption(H({{customer, "AES256"}}));
    EXPECT_EQ(Code(s), "InvalidRequest") << customer;
    EXPECT_NE(s.error().message.find("secure connection"), std::string::npos);
  }
}

TEST(Encryption, HeadersOfOperationsThatTakeNone) {
  EXPECT_TRUE(CheckNoEncryptionHeaders(H({})).ok());
  Status s = CheckNoEncryptionHeaders(H({{"x-amz-server-side-encryption", "AES256"}}));
  EXPECT_EQ(Code(s), "InvalidArgument");
  EXPECT_EQ(s.error().message,
            "x-amz-server-side-encryption header is not supported for this operation.");
  EXPECT_EQ(Code(CheckNoEncryptionHeaders(
                H({{"x-amz-server-side-encryption-customer-algorithm", "AES256"}}))),
            "InvalidRequest");
  http::Headers out;
  AddEncryptionHeader(out);
  EXPECT_EQ(out.Get("x-amz-server-side-encryption"), "AES256");
}

constexpr char kDefault[] =
    "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>"
    "AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>"
    "</ServerSideEncryptionConfiguration>";

TEST(Encryption, ConfigurationParsesAndRendersAsS3Does) {
  auto plain = ParseEncryptionConfiguration(kDefault);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->bucket_key_enabled);
  std::string xml = EncryptionConfigurationXml(*plain);
  EXPECT_NE(xml.find("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256"
                     "</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>"
                     "false</BucketKeyEnabled></Rule>"),
            std::string::npos)
      << xml;
  EXPECT_EQ(EncryptionConfigurationXml({}), xml);  // a bucket with none answers the default

  auto keyed = ParseEncryptionConfiguration(
      "<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
      "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled>"
      "<BlockedEncryptionTypes><EncryptionType>SSE-C</EncryptionType></BlockedEncryptionTypes>"
      "</Rule></ServerSideEncryptionConfiguration>");
  ASSERT_TRUE(keyed.ok());
  EXPECT_TRUE(keyed->bucket_key_enabled);
  xml = EncryptionConfigurationXml(*keyed);
  EXPECT_NE(xml.find("<BlockedEncryptionTypes><EncryptionType>SSE-C</EncryptionType>"
                     "</BlockedEncryptionTypes><BucketKeyEnabled>true</BucketKeyEnabled>"),
            std::string::npos)
      << xml;
  // A rule that only blocks encryption types keeps the default, SSE-S3.
  auto blocked_only = ParseEncryptionConfiguration(
      "<ServerSideEncryptionConfiguration><Rule><BlockedEncryptionTypes><EncryptionType>NONE"
      "</EncryptionType></BlockedEncryptionTypes></Rule></ServerSideEncryptionConfiguration>");
  ASSERT_TRUE(blocked_only.ok());
  EXPECT_NE(EncryptionConfigurationXml(*blocked_only).find("<SSEAlgorithm>AES256"),
            std::string::npos);
}

TEST(Encryption, ConfigurationErrors) {
  auto code = [](std::string_view xml) {
    auto r = ParseEncryptionConfiguration(xml);
    return r.ok() ? std::string() : r.error().code;
  };
  const std::string rule_open = "<ServerSideEncryptionConfiguration><Rule>";
  const std::string rule_close = "</Rule></ServerSideEncryptionConfiguration>";
  auto with = [&](std::string_view inner) { return rule_open + std::string(inner) + rule_close; };
  auto algorithm = [&](std::string_view alg, std::string_view extra = "") {
    return with("<ApplyServerSideEncryptionByDefault><SSEAlgorithm>" + std::string(alg) +
                "</SSEAlgorithm>" + std::string(extra) + "</ApplyServerSideEncryptionByDefault>");
  };
  EXPECT_EQ(code(""), "MalformedXML");
  EXPECT_EQ(code("<ServerSideEncryptionConfiguration/>"), "MalformedXML");  // no rule
  EXPECT_EQ(code(std::string(kDefault).insert(35,
                                              "<Rule><BucketKeyEnabled>true"
                                              "</BucketKeyEnabled></Rule>")),
            "MalformedXML");  // two rules
  EXPECT_EQ(code("<Other><Rule/></Other>"), "MalformedXML");
  EXPECT_EQ(code(with("")), "MalformedXML");
  EXPECT_EQ(code(with("<BucketKeyEnabled>true</BucketKeyEnabled>")), "MalformedXML");
  EXPECT_EQ(code(with("<ApplyServerSideEncryptionByDefault/>")), "MalformedXML");
  EXPECT_EQ(code(algorithm("AES128")), "MalformedXML");
  EXPECT_EQ(code(algorithm("aes256")), "MalformedXML");
  EXPECT_EQ(code(algorithm("aws:kms")), "NotImplemented");
  EXPECT_EQ(code(algorithm("aws:kms:dsse", "<KMSMasterKeyID>k</KMSMasterKeyID>")),
            "NotImplemented");
  auto key_id =
      ParseEncryptionConfiguration(algorithm("AES256", "<KMSMasterKeyID>k</KMSMasterKeyID>"));
  ASSERT_FALSE(key_id.ok());
  EXPECT_EQ(key_id.error().code, "InvalidArgument");
  EXPECT_EQ(key_id.error().message,
            "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or "
            "aws:kms:dsse");
  EXPECT_EQ(code(algorithm("AES256", "<SSEAlgorithm>AES256</SSEAlgorithm>")), "MalformedXML");
  EXPECT_EQ(code(algorithm("AES256", "<Other/>")), "MalformedXML");
  EXPECT_EQ(code(with("<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
                      "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>yes"
                      "</BucketKeyEnabled>")),
            "MalformedXML");
  EXPECT_EQ(code(with("<BlockedEncryptionTypes><EncryptionType>SSE-KMS</EncryptionType>"
                      "</BlockedEncryptionTypes>")),
            "MalformedXML");
  EXPECT_EQ(code(with("<BlockedEncryptionTypes/>")), "MalformedXML");
}

}  // namespace
}  // namespace evoke::s3
