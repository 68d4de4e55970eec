#include "lambda/function_json.h"

#include "base/time_format.h"

namespace evoke::lambda {

using nlohmann::json;

std::string FunctionArn(const Account& account, std::string_view name) {
  return "arn:aws:lambda:" + account.region + ":" + account.account_id + ":function:" +
         std::string(name);
}

std::string LambdaTimestamp(int64_t ms) {
  std::string t = FormatIso8601Ms(ms);
  if (!t.empty() && t.back() == 'Z') t.replace(t.size() - 1, 1, "+0000");
  return t;
}

std::string SerializeConfig(const FunctionConfig& c) {
  return json{{"name", c.name},
              {"runtime", c.runtime},
              {"handler", c.handler},
              {"role", c.role},
              {"description", c.description},
              {"memory_mb", c.memory_mb},
              {"timeout_s", c.timeout_s},
              {"ephemeral_storage_mb", c.ephemeral_storage_mb},
              {"environment", VariablesJson(c.environment)},
              {"layers", c.layers},
              {"layer_sizes", c.layer_sizes},
              {"architecture", c.architecture},
              {"tracing_mode", c.tracing_mode}}
      .dump();
}

Result<FunctionConfig> ParseStoredConfig(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError("ServiceException", "a stored function configuration is unreadable");
  }
  FunctionConfig c;
  c.name = j.value("name", "");
  c.runtime = j.value("runtime", "");
  c.handler = j.value("handler", "");
  c.role = j.value("role", "");
  c.description = j.value("description", "");
  c.memory_mb = j.value("memory_mb", 128);
  c.timeout_s = j.value("timeout_s", 3);
  c.ephemeral_storage_mb = j.value("ephemeral_storage_mb", 512);
  if (auto it = j.find("environment"); it != j.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      if (v.is_string()) c.environment.emplace_back(k, v.get<std::string>());
    }
  }
  if (auto it = j.find("layers"); it != j.end() && it->is_array()) {
    for (const auto& l : *it) {
      if (l.is_string()) c.layers.push_back(l.get<std::string>());
    }
  }
  if (auto it = j.find("layer_sizes"); it != j.end() && it->is_array()) {
    for (const auto& size : *it) {
      if (size.is_number_unsigned()) c.layer_sizes.push_back(size.get<uint64_t>());
    }
  }
  c.architecture = j.value("architecture", "x86_64");
  c.tracing_mode = j.value("tracing_mode", "PassThrough");
  return c;
}

json ConfigurationJson(const Account& account, const store::FunctionRecord& record,
                       const FunctionConfig& c) {
  std::string modified = LambdaTimestamp(record.modified_ms);
  json j = {{"FunctionName", c.name},
            {"FunctionArn", FunctionArn(account, c.name)},
            {"Runtime", c.runtime},
            {"Role", c.role},
            {"Handler", c.handler},
            {"CodeSize", record.code_size},
            {"Description", c.description},
            {"Timeout", c.timeout_s},
            {"MemorySize", c.memory_mb},
            {"LastModified", modified},
            {"CodeSha256", record.code_sha256},
            {"Version", "$LATEST"},
            {"TracingConfig", {{"Mode", c.tracing_mode}}},
            {"RevisionId", record.revision_id},
            {"State", "Active"},
            {"LastUpdateStatus", "Successful"},
            {"PackageType", "Zip"},
            {"Architectures", json::array({c.architecture})},
            {"EphemeralStorage", {{"Size", c.ephemeral_storage_mb}}}};
  if (!c.environment.empty()) {
    j["Environment"] = {{"Variables", VariablesJson(c.environment)}};
  }
  if (!c.layers.empty()) {
    json layers = json::array();
    for (size_t i = 0; i < c.layers.size(); ++i) {
      layers.push_back({{"Arn", c.layers[i]},
                        {"CodeSize", i < c.layer_sizes.size() ? c.layer_sizes[i] : 0}});
    }
    j["Layers"] = layers;
  }
  return j;
}

}  // namespace evoke::lambda
