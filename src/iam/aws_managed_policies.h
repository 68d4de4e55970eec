// The AWS managed policies evoke knows (arn:aws:iam::aws:policy/PATH NAME), with the documents
// AWS publishes for them, as tutorials attach them (AWSLambdaBasicExecutionRole,
// AmazonS3ReadOnlyAccess, ...). Read only: IAM lists and attaches them, nobody changes them.
// Pure data.
#pragma once

#include <span>
#include <string_view>

namespace evoke::iam {

struct AwsManagedPolicyData {
  std::string_view name;         // "AWSLambdaBasicExecutionRole"
  std::string_view path;         // "/service-role/" or "/"
  std::string_view version;      // the default version AWS publishes, "v1"
  std::string_view created;      // ISO 8601, as AWS's reference gives the creation time
  std::string_view updated;      // ISO 8601, its last edit
  std::string_view description;  // AWS's description
  std::string_view document;     // the default version's JSON document
};

std::span<const AwsManagedPolicyData> AwsManagedPolicyDocuments();

}  // namespace evoke::iam
