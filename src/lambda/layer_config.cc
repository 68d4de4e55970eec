#include "lambda/layer_config.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

#include "lambda/validation.h"

namespace evoke::lambda {
namespace {

using nlohmann::json;

const char kLayerNamePattern[] =
    "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+";

// The Runtime enum of Lambda's API model: what CompatibleRuntimes may name.
constexpr std::array<std::string_view, 46> kModelRuntimes = {
    "nodejs",        "nodejs4.3",     "nodejs6.10",   "nodejs8.10",      "nodejs10.x",
    "nodejs12.x",    "nodejs14.x",    "nodejs16.x",   "java8",           "java8.al2",
    "java11",        "python2.7",     "python3.6",    "python3.7",       "python3.8",
    "python3.9",     "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1",  "dotnetcore3.1",
    "dotnet6",       "dotnet8",       "nodejs4.3-edge", "go1.x",         "ruby2.5",
    "ruby2.7",       "provided",      "provided.al2", "nodejs18.x",      "python3.10",
    "java17",        "ruby3.2",       "ruby3.3",      "ruby3.4",         "python3.11",
    "nodejs20.x",    "provided.al2023", "python3.12", "java21",          "python3.13",
    "nodejs22.x",    "nodejs24.x",    "python3.14",   "java25",          "dotnet10",
    "ruby4.0"};

Error BadContent(std::string_view member) {
  return MakeError("InvalidRequestContentException",
                   "Could not parse request body into json: Could not parse payload into json: "
                   "unexpected value for " +
                       std::string(member));
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

// A member that must be a list of strings; absent is empty.
Result<std::vector<std::string>> StringList(const json& body, const char* name) {
  std::vector<std::string> out;
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) return BadContent(name);
  for (const auto& item : *it) {
    if (!item.is_string()) return BadContent(name);
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::string> OptionalString(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) return BadContent(name);
  return it->get<std::string>();
}

}  // namespace

std::string LayerArn(const Account& account, std::string_view name) {
  return "arn:aws:lambda:" + account.region + ":" + account.account_id + ":layer:" +
         std::string(name);
}

std::string LayerVersionArn(const Account& account, std::string_view name, int64_t version) {
  return LayerArn(account, name) + ":" + std::to_string(version);
}

Result<std::string> ParseLayerName(std::string_view value, const Account& account) {
  Violations v;
  if (value.empty()) {
    v.Add(value, "layerName", "Member must have length greater than or equal to 1");
  }
  v.MaxLength(value, "layerName", 140);
  v.Pattern(value, "layerName", kLayerNamePattern);
  Status s = v.ToStatus();
  if (!s.ok()) return std::move(s).error();
  if (!value.starts_with("arn:")) return std::string(value);
  std::string prefix = LayerArn(account, "");
  if (!value.starts_with(prefix)) {
    return MakeError("ResourceNotFoundException", "The resource you requested does not exist.");
  }
  return std::string(value.substr(prefix.size()));
}

Result<int64_t> ParseLayerVersionNumber(std::string_view value) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc() || p != value.data() + value.size()) {
    return MakeError("ValidationException",
                     "1 validation error detected: Value '" + std::string(value) +
                         "' at 'versionNumber' failed to satisfy constraint: Member must be a "
                         "number");
  }
  return n;
}

std::optional<std::pair<std::string, int64_t>> ParseLayerVersionArn(std::string_view arn,
                                                                    const Account& account) {
  std::string prefix = LayerArn(account, "");
  if (!arn.starts_with(prefix)) return std::nullopt;
  std::string_view rest = arn.substr(prefix.size());
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view name = rest.substr(0, colon);
  if (!FullMatch(name, "[a-zA-Z0-9-_]+")) return std::nullopt;
  auto version = ParseLayerVersionNumber(rest.substr(colon + 1));
  if (!version.ok() || *version < 1) return std::nullopt;
  return std::make_pair(std::string(name), *version);
}

Result<PublishLayerRequest> ParsePublishLayerVersion(const json& body) {
  if (!body.is_object()) return BadContent("the request");
  PublishLayerRequest r;
  Violations v;
  auto description = OptionalString(body, "Description");
  if (!description.ok()) return std::move(description).error();
  v.MaxLength(*description, "description", 256);
  r.settings.description = std::move(*description);
  auto license = OptionalString(body, "LicenseInfo");
  if (!license.ok()) return std::move(license).error();
  v.MaxLength(*license, "licenseInfo", 512);
  r.settings.license_info = std::move(*license);

  auto runtimes = StringList(body, "CompatibleRuntimes");
  if (!runtimes.ok()) return std::move(runtimes).error();
  if (runtimes->size() > 15) {
    v.Add(JoinList(*runtimes), "compatibleRuntimes",
          "Member must have length less than or equal to 15");
  }
  for (const auto& runtime : *runtimes) {
    if (std::find(kModelRuntimes.begin(), kModelRuntimes.end(), runtime) ==
        kModelRuntimes.end()) {
      std::vector<std::string> all(kModelRuntimes.begin(), kModelRuntimes.end());
      v.Add(JoinList(*runtimes), "compatibleRuntimes",
            "Member must satisfy constraint: [Member must satisfy enum value set: " +
                JoinList(all) + "]");
      break;
    }
  }
  r.settings.compatible_runtimes = std::move(*runtimes);

  auto architectures = StringList(body, "CompatibleArchitectures");
  if (!architectures.ok()) return std::move(architectures).error();
  if (architectures->size() > 2) {
    v.Add(JoinList(*architectures), "compatibleArchitectures",
          "Member must have length less than or equal to 2");
  }
  for (const auto& a : *architectures) {
    if (a != "x86_64" && a != "arm64") {
      v.Add(JoinList(*architectures), "compatibleArchitectures",
            "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, "
            "arm64]]");
      break;
    }
  }
  r.settings.compatible_architectures = std::move(*architectures);

  auto content = body.find("Content");
  if (content == body.end() || content->is_null()) {
    v.AddNull("content");
  } else if (!content->is_object()) {
    return BadContent("Content");
  }
  Status s = v.ToStatus();
  if (!s.ok()) return std::move(s).error();
  auto source = ParseCodeSource(*content);
  if (!source.ok()) return std::move(source).error();
  r.content = std::move(*source);
  return r;
}

std::string SerializeLayerSettings(const LayerSettings& s) {
  return json{{"description", s.description},
              {"license_info", s.license_info},
              {"compatible_runtimes", s.compatible_runtimes},
              {"compatible_architectures", s.compatible_architectures}}
      .dump();
}

Result<LayerSettings> ParseStoredLayerSettings(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError("ServiceException", "a stored layer version is unreadable");
  }
  LayerSettings s;
  s.description = j.value("description", "");
  s.license_info = j.value("license_info", "");
  s.compatible_runtimes = j.value("compatible_runtimes", std::vector<std::string>());
  s.compatible_architectures = j.value("compatible_architectures", std::vector<std::string>());
  return s;
}

json LayerVersionItemJson(const store::LayerVersionRecord& layer, const LayerSettings& s) {
  json j = {{"LayerVersionArn", layer.arn},
            {"Version", layer.version},
            {"Description", s.description},
            {"CreatedDate", LambdaTimestamp(layer.created_ms)}};
  if (!s.compatible_runtimes.empty()) j["CompatibleRuntimes"] = s.compatible_runtimes;
  if (!s.license_info.empty()) j["LicenseInfo"] = s.license_info;
  if (!s.compatible_architectures.empty()) {
    j["CompatibleArchitectures"] = s.compatible_architectures;
  }
  return j;
}

json LayerVersionJson(const Account& account, const store::LayerVersionRecord& layer,
                      const LayerSettings& s, const std::string& location) {
  json j = LayerVersionItemJson(layer, s);
  j["Content"] = {{"Location", location},
                  {"CodeSha256", layer.code_sha256},
                  {"CodeSize", layer.code_size}};
  j["LayerArn"] = LayerArn(account, layer.name);
  return j;
}

bool LayerMatches(const LayerSettings& s, std::string_view runtime,
                  std::string_view architecture) {
  auto has = [](const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
  };
  if (!runtime.empty() && !has(s.compatible_runtimes, runtime)) return false;
  if (!architecture.empty() && !has(s.compatible_architectures, architecture)) return false;
  return true;
}

}  // namespace evoke::lambda
