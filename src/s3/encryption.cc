#include "s3/encryption.h"

#include <algorithm>
#include <initializer_list>
#include <pugixml.hpp>

#include "s3/xml.h"

namespace evoke::s3 {
namespace {

// The headers that carry a customer-provided key (SSE-C): the object's own and, on a copy, its
// source's.
constexpr std::string_view kCustomerKeyHeaders[] = {
    "x-amz-server-side-encryption-customer-algorithm",
    "x-amz-server-side-encryption-customer-key",
    "x-amz-server-side-encryption-customer-key-MD5",
    "x-amz-copy-source-server-side-encryption-customer-algorithm",
    "x-amz-copy-source-server-side-encryption-customer-key",
    "x-amz-copy-source-server-side-encryption-customer-key-MD5",
};

bool IsKms(std::string_view algorithm) {
  return algorithm == "aws:kms" || algorithm == "aws:kms:dsse";
}

// evoke has no KMS: what it answers where S3 would use one.
Error KmsNotImplemented(std::string_view header) {
  return MakeError("NotImplemented",
                   "evoke has no KMS: server-side encryption with AWS KMS keys (aws:kms, "
                   "aws:kms:dsse) is not supported. Use SSE-S3 (AES256), every bucket's default.")
      .With("Header", std::string(header));
}

// S3 refuses customer keys on plain HTTP, the only transport evoke serves.
Status CheckNoCustomerKey(const http::Headers& headers) {
  for (std::string_view name : kCustomerKeyHeaders) {
    if (headers.Has(name)) {
      return MakeError("InvalidRequest",
                       "Requests specifying Server Side Encryption with Customer provided keys "
                       "must be made over a secure connection.");
    }
  }
  return {};
}

// The text of `node`'s one child element `name`; none when it has none. `repeated` is set
// when it has more than one.
std::optional<std::string> ChildText(pugi::xml_node node, const char* name, bool& repeated) {
  std::optional<std::string> out;
  for (pugi::xml_node c = node.child(name); c; c = c.next_sibling(name)) {
    if (out) repeated = true;
    out = c.text().get();
  }
  return out;
}

// Every child element of `node` is one of `names`.
bool OnlyChildren(pugi::xml_node node, std::initializer_list<std::string_view> names) {
  for (pugi::xml_node c : node.children()) {
    if (c.type() != pugi::node_element) continue;
    if (std::find(names.begin(), names.end(), std::string_view(c.name())) == names.end()) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status CheckWriteEncryption(const http::Headers& headers) {
  if (Status s = CheckNoCustomerKey(headers); !s.ok()) return s;
  if (auto sse = headers.Get(kSseHeader)) {
    if (IsKms(*sse)) return KmsNotImplemented(kSseHeader);
    if (*sse != kSseS3) {
      return MakeError("InvalidArgument", "The encryption method specified is not supported")
          .With("ArgumentName", std::string(kSseHeader))
          .With("ArgumentValue", std::string(*sse));
    }
  }
  if (auto key = headers.Get("x-amz-server-side-encryption-aws-kms-key-id")) {
    return MakeError("InvalidArgument",
                     "Server Side Encryption with AWS KMS managed key requires HTTP header "
                     "x-amz-server-side-encryption : aws:kms")
        .With("ArgumentName", "x-amz-server-side-encryption-aws-kms-key-id")
        .With("ArgumentValue", std::string(*key));
  }
  return {};
}

Status CheckNoEncryptionHeaders(const http::Headers& headers) {
  if (Status s = CheckNoCustomerKey(headers); !s.ok()) return s;
  if (headers.Has(kSseHeader)) {
    return MakeError("InvalidArgument",
                     "x-amz-server-side-encryption header is not supported for this operation.");
  }
  return {};
}

void AddEncryptionHeader(http::Headers& headers) {
  headers.Add(std::string(kSseHeader), std::string(kSseS3));
}

Result<EncryptionConfiguration> ParseEncryptionConfiguration(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, xml, "ServerSideEncryptionConfiguration");
  if (!root || !OnlyChildren(root, {"Rule"})) {
    return MalformedXmlError();
  }
  pugi::xml_node rule = root.child("Rule");
  if (!rule || rule.next_sibling("Rule")) return MalformedXmlError();  // exactly one
  if (!OnlyChildren(rule, {"ApplyServerSideEncryptionByDefault", "BucketKeyEnabled",
                           "BlockedEncryptionTypes"})) {
    return MalformedXmlError();
  }
  bool repeated = false;
  EncryptionConfiguration config;
  pugi::xml_node by_default = rule.child("ApplyServerSideEncryptionByDefault");
  pugi::xml_node blocked = rule.child("BlockedEncryptionTypes");
  if (!by_default && !blocked) return MalformedXmlError();
  if (by_default) {
    if (by_default.next_sibling("ApplyServerSideEncryptionByDefault") ||
        !OnlyChildren(by_default, {"SSEAlgorithm", "KMSMasterKeyID"})) {
      return MalformedXmlError();
    }
    auto algorithm = ChildText(by_default, "SSEAlgorithm", repeated);
    auto key_id = ChildText(by_default, "KMSMasterKeyID", repeated);
    if (repeated || !algorithm) return MalformedXmlError();
    if (IsKms(*algorithm)) return KmsNotImplemented("SSEAlgorithm");
    if (*algorithm != kSseS3) return MalformedXmlError();
    if (key_id) {
      return MakeError("InvalidArgument",
                       "a KMSMasterKeyID is not applicable if the default sse algorithm is not "
                       "aws:kms or aws:kms:dsse")
          .With("ArgumentName", "ApplyServerSideEncryptionByDefault");
    }
  }
  if (auto enabled = ChildText(rule, "BucketKeyEnabled", repeated)) {
    if (*enabled != "true" && *enabled != "false") return MalformedXmlError();
    config.bucket_key_enabled = *enabled == "true";
  }
  if (blocked) {
    if (blocked.next_sibling("BlockedEncryptionTypes") ||
        !OnlyChildren(blocked, {"EncryptionType"})) {
      return MalformedXmlError();
    }
    for (pugi::xml_node t : blocked.children("EncryptionType")) {
      std::string_view type = t.text().get();
      if (type != "NONE" && type != "SSE-C") return MalformedXmlError();
      config.blocked_types.emplace_back(type);
    }
    if (config.blocked_types.empty()) return MalformedXmlError();
  }
  if (repeated) return MalformedXmlError();
  return config;
}

std::string EncryptionConfigurationXml(const EncryptionConfiguration& config) {
  XmlWriter x("ServerSideEncryptionConfiguration");
  x.Open("Rule");
  // SSE-S3 applies whatever the rule says: S3 no longer lets a bucket go without default
  // encryption.
  x.Open("ApplyServerSideEncryptionByDefault").Element("SSEAlgorithm", kSseS3);
  x.Close("ApplyServerSideEncryptionByDefault");
  if (!config.blocked_types.empty()) {
    x.Open("BlockedEncryptionTypes");
    for (const auto& t : config.blocked_types) x.Element("EncryptionType", t);
    x.Close("BlockedEncryptionTypes");
  }
  x.Bool("BucketKeyEnabled", config.bucket_key_enabled);
  x.Close("Rule");
  return x.Finish();
}

}  // namespace evoke::s3
