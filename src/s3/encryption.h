// Server-side encryption (docs/encryption.md) for the object actions and the bucket encryption
// actions: the request headers S3 takes and refuses, the header S3 answers with, and the bucket
// default encryption configuration document. Pure.
//
// Every evoke bucket has S3's default, SSE-S3 (AES256), and every object reports it, as on S3
// since 2023. evoke records and reports it only: bodies are not encrypted on disk. It has no KMS
// (aws:kms and aws:kms:dsse are refused) and serves plain HTTP, where S3 refuses customer keys
// (SSE-C).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "http/message.h"

namespace evoke::s3 {

inline constexpr std::string_view kSseHeader = "x-amz-server-side-encryption";
inline constexpr std::string_view kSseS3 = "AES256";

// The encryption headers of a request that makes an object (PutObject, CopyObject,
// CreateMultipartUpload). x-amz-server-side-encryption may be AES256 (absent: the bucket's
// default, SSE-S3); aws:kms and aws:kms:dsse get NotImplemented; anything else InvalidArgument,
// as does a KMS key id without aws:kms. Customer keys (the x-amz-server-side-encryption-
// customer-* headers, or a copy source's) get S3's answer to them over plain HTTP.
Status CheckWriteEncryption(const http::Headers& headers);

// The encryption headers of a request that names no encryption of its own (UploadPart,
// UploadPartCopy, CompleteMultipartUpload, GetObject, HeadObject, GetObjectAttributes): S3
// refuses x-amz-server-side-encryption there (InvalidArgument); customer keys as above.
Status CheckNoEncryptionHeaders(const http::Headers& headers);

// x-amz-server-side-encryption: AES256, which S3 answers with for an object stored under SSE-S3.
void AddEncryptionHeader(http::Headers& headers);

// A bucket's default encryption: one rule.
struct EncryptionConfiguration {
  bool bucket_key_enabled = false;         // BucketKeyEnabled (no effect under SSE-S3)
  std::vector<std::string> blocked_types;  // BlockedEncryptionTypes: NONE or SSE-C, as given
};

// A <ServerSideEncryptionConfiguration> as PutBucketEncryption takes it: exactly one Rule with
// ApplyServerSideEncryptionByDefault (SSEAlgorithm AES256) or BlockedEncryptionTypes, else
// MalformedXML; aws:kms and aws:kms:dsse get NotImplemented; a KMSMasterKeyID with AES256
// InvalidArgument.
Result<EncryptionConfiguration> ParseEncryptionConfiguration(std::string_view xml);
// The document GetBucketEncryption returns for `config`.
std::string EncryptionConfigurationXml(const EncryptionConfiguration& config);

}  // namespace evoke::s3
