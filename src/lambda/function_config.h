// A function's configuration as CreateFunction and UpdateFunctionConfiguration take it: parsed
// from the request JSON and checked against Lambda's limits, with the errors Lambda gives.
// Pure; used by the Lambda control-plane actions.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace evoke::lambda {

using Environment = std::vector<std::pair<std::string, std::string>>;

struct FunctionConfig {
  std::string name;
  std::string runtime;       // empty only for container images, which evoke does not run
  std::string handler;
  std::string role;
  std::string description;
  int memory_mb = 128;
  int timeout_s = 3;
  int ephemeral_storage_mb = 512;
  Environment environment;
  std::vector<std::string> layers;  // layer version ARNs, in order
  std::vector<uint64_t> layer_sizes;  // CodeSize of each of `layers`, once resolved
  std::string architecture = "x86_64";
  std::string tracing_mode = "PassThrough";  // TracingConfig.Mode: "Active" or "PassThrough"
};

// Where CreateFunction's code comes from: the zip itself, or an object in evoke's S3.
struct CodeSource {
  std::string zip;  // decoded bytes of ZipFile
  std::string s3_bucket;
  std::string s3_key;
  std::string s3_object_version;
};

struct CreateFunctionRequest {
  FunctionConfig config;
  CodeSource code;
  bool publish = false;
};

// The runtimes evoke runs (python3.7-3.13, nodejs18.x-22.x, provided, provided.al2 and
// provided.al2023).
bool IsSupportedRuntime(std::string_view runtime);

// Environment variables as the JSON object Lambda shows them in ("Variables": {...}).
nlohmann::json VariablesJson(const Environment& env);

// ValidationException for the model's constraints (every violation in one message, as Lambda
// reports them), InvalidParameterValueException for Lambda's own rules.
Result<CreateFunctionRequest> ParseCreateFunction(const nlohmann::json& body);
// ZipFile / S3Bucket, S3Key, S3ObjectVersion of CreateFunction's Code, UpdateFunctionCode's
// request and PublishLayerVersion's Content.
Result<CodeSource> ParseCodeSource(const nlohmann::json& members);
// Applies the fields UpdateFunctionConfiguration sets to `config`; fields absent stay.
Status ApplyConfigurationUpdate(const nlohmann::json& body, FunctionConfig& config);

// A FunctionName path parameter: a name, a partial or full ARN, optionally qualified. Returns
// the plain name and the qualifier ("" when none).
Result<std::pair<std::string, std::string>> ParseFunctionName(std::string_view value);

}  // namespace evoke::lambda
