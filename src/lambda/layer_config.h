// Lambda layers as the API spells them: layer names and ARNs, PublishLayerVersion's request
// checked against the model's constraints, a version's stored settings, and the JSON of
// GetLayerVersion, ListLayerVersions and ListLayers. Pure; used by the layer actions and by
// function configuration (Layers).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "lambda/function_config.h"
#include "lambda/function_json.h"
#include "store/layers.h"

namespace evoke::lambda {

// What PublishLayerVersion stores beside the archive.
struct LayerSettings {
  std::string description;
  std::string license_info;
  std::vector<std::string> compatible_runtimes;
  std::vector<std::string> compatible_architectures;
};

struct PublishLayerRequest {
  LayerSettings settings;
  CodeSource content;  // ZipFile bytes, or S3Bucket/S3Key[/S3ObjectVersion]
};

std::string LayerArn(const Account& account, std::string_view name);
std::string LayerVersionArn(const Account& account, std::string_view name, int64_t version);

// A LayerName path parameter: a name or this account's layer ARN. ValidationException when it
// is neither; a layer ARN of another account or region is a name no layer here has
// (ResourceNotFoundException).
Result<std::string> ParseLayerName(std::string_view value, const Account& account);
// A VersionNumber path parameter; ValidationException unless it is a whole number.
Result<int64_t> ParseLayerVersionNumber(std::string_view value);
// (name, version) of a layer version ARN of this account and region; nullopt otherwise.
std::optional<std::pair<std::string, int64_t>> ParseLayerVersionArn(std::string_view arn,
                                                                    const Account& account);

Result<PublishLayerRequest> ParsePublishLayerVersion(const nlohmann::json& body);

std::string SerializeLayerSettings(const LayerSettings& settings);
Result<LayerSettings> ParseStoredLayerSettings(std::string_view text);

// LayerVersionsListItem (ListLayerVersions, ListLayers' LatestMatchingVersion).
nlohmann::json LayerVersionItemJson(const store::LayerVersionRecord& layer,
                                    const LayerSettings& settings);
// GetLayerVersion's and PublishLayerVersion's answer; `location` is the download link.
nlohmann::json LayerVersionJson(const Account& account, const store::LayerVersionRecord& layer,
                                const LayerSettings& settings, const std::string& location);
// Whether a version matches ListLayers'/ListLayerVersions' CompatibleRuntime and
// CompatibleArchitecture filters (empty: any).
bool LayerMatches(const LayerSettings& settings, std::string_view runtime,
                  std::string_view architecture);

}  // namespace evoke::lambda
