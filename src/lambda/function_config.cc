#include "lambda/function_config.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "lambda/validation.h"

namespace evoke::lambda {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 13> kSupportedRuntimes = {
    "python3.7",  "python3.8",  "python3.9",  "python3.10", "python3.11",
    "python3.12", "python3.13", "nodejs18.x", "nodejs20.x", "nodejs22.x",
    "provided",   "provided.al2", "provided.al2023"};

// Set by Lambda itself: a function may not set them (aws-wire.md §1.5).
constexpr std::array<std::string_view, 18> kReservedVariables = {
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_REGION",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "LAMBDA_RUNTIME_DIR",
    "LAMBDA_TASK_ROOT"};

constexpr size_t kMaxEnvironmentBytes = 4 * 1024;
constexpr size_t kMaxLayers = 5;
constexpr size_t kMaxNameLength = 64;

const char kHandlerPattern[] = "[^\\s]+";
const char kRolePattern[] = "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";
const char kVariablePattern[] = "[a-zA-Z]([a-zA-Z0-9_])+";
const char kDeadLetterTargetPattern[] = "(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()";
const char kLayerPattern[] = "arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+";

Error BadParameter(std::string message) {
  return MakeError("InvalidParameterValueException", std::move(message));
}

Error BadContent(std::string_view member) {
  return MakeError("InvalidRequestContentException",
                   "Could not parse request body into json: Could not parse payload into json: "
                   "unexpected value for " +
                       std::string(member));
}

// Reads an optional member of the expected JSON type; InvalidRequestContentException otherwise.
template <class T>
Result<std::optional<T>> Member(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<T>();
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return BadContent(name);
  } else if constexpr (std::is_same_v<T, int64_t>) {
    if (!it->is_number_integer()) return BadContent(name);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) return BadContent(name);
  } else {
    if (!it->is_object() && !it->is_array()) return BadContent(name);
  }
  return std::optional<T>(it->get<T>());
}

std::string EnvironmentJson(const Environment& env) { return VariablesJson(env).dump(); }

// An optional integer member with the model's range: out of range is a violation in `v`.
Status IntField(const json& body, const char* member, std::string_view field, int64_t lo,
                int64_t hi, Violations& v, int& out) {
  auto value = Member<int64_t>(body, member);
  if (!value.ok()) return std::move(value).error();
  if (*value) {
    v.Range(**value, field, lo, hi);
    out = static_cast<int>(std::clamp<int64_t>(**value, 0, 1 << 30));
  }
  return {};
}

// Every configuration field present in `body` (CreateFunction and UpdateFunctionConfiguration
// share them), checked; model violations are collected in `v`.
Status ApplyFields(const json& body, FunctionConfig& c, Violations& v) {
  auto runtime = Member<std::string>(body, "Runtime");
  if (!runtime.ok()) return std::move(runtime).error();
  if (*runtime) {
    if (!IsSupportedRuntime(**runtime)) {
      std::string supported;
      for (auto r : kSupportedRuntimes) supported += (supported.empty() ? "" : ", ") + std::string(r);
      return BadParameter("The runtime parameter of " + **runtime +
                          " is not supported by evoke. Supported runtimes: " + supported + ".");
    }
    c.runtime = **runtime;
  }
  auto handler = Member<std::string>(body, "Handler");
  if (!handler.ok()) return std::move(handler).error();
  if (*handler) {
    v.MaxLength(**handler, "handler", 128);
    v.Pattern(**handler, "handler", kHandlerPattern);
    c.handler = **handler;
  }
  auto role = Member<std::string>(body, "Role");
  if (!role.ok()) return std::move(role).error();
  if (*role) {
    v.Pattern(**role, "role", kRolePattern);
    c.role = **role;
  }
  auto description = Member<std::string>(body, "Description");
  if (!description.ok()) return std::move(description).error();
  if (*description) {
    v.MaxLength(**description, "description", 256);
    c.description = **description;
  }
  Status s = IntField(body, "MemorySize", "memorySize", 128, 10240, v, c.memory_mb);
  if (!s.ok()) return s;
  s = IntField(body, "Timeout", "timeout", 1, 900, v, c.timeout_s);
  if (!s.ok()) return s;
  auto storage = Member<json>(body, "EphemeralStorage");
  if (!storage.ok()) return std::move(storage).error();
  if (*storage) {
    if (!(*storage)->contains("Size")) v.AddNull("ephemeralStorage.size");
    s = IntField(**storage, "Size", "ephemeralStorage.size", 512, 10240, v,
                 c.ephemeral_storage_mb);
    if (!s.ok()) return s;
  }
  auto environment = Member<json>(body, "Environment");
  if (!environment.ok()) return std::move(environment).error();
  if (*environment) {
    auto vars = Member<json>(**environment, "Variables");
    if (!vars.ok()) return std::move(vars).error();
    Environment env;
    if (*vars) {
      if (!(*vars)->is_object()) return BadContent("Environment.Variables");
      std::vector<std::string> reserved;
      for (const auto& [key, value] : (*vars)->items()) {
        if (!value.is_string()) return BadContent("Environment.Variables");
        if (!FullMatch(key, kVariablePattern)) {
          v.Add(EnvironmentJson({{key, "***"}}), "environment.variables",
                "Map keys must satisfy constraint: [Member must satisfy regular expression "
                "pattern: " +
                    std::string(kVariablePattern) + "]");
        }
        if (std::find(kReservedVariables.begin(), kReservedVariables.end(), key) !=
            kReservedVariables.end()) {
          reserved.push_back(key);
        }
        env.emplace_back(key, value.get<std::string>());
      }
      if (!reserved.empty()) {
        std::string list;
        for (const auto& r : reserved) list += (list.empty() ? "" : ",") + r;
        return BadParameter(
            "Lambda was unable to configure your environment variables because the environment "
            "variables you have provided contains reserved keys that are currently not "
            "supported for modification. Reserved keys used in this request: " +
            list);
      }
      std::string measured = EnvironmentJson(env);
      if (measured.size() > kMaxEnvironmentBytes) {
        return BadParameter(
            "Lambda was unable to configure your environment variables because the environment "
            "variables you have provided exceeded the 4KB limit. String measured: " +
            measured);
      }
    }
    c.environment = std::move(env);
  }
  auto layers = Member<json>(body, "Layers");
  if (!layers.ok()) return std::move(layers).error();
  if (*layers) {
    if (!(*layers)->is_array()) return BadContent("Layers");
    std::vector<std::string> arns;
    for (const auto& arn : **layers) {
      if (!arn.is_string()) return BadContent("Layers");
      arns.push_back(arn.get<std::string>());
      v.MaxLength(arns.back(), "layers", 140);
      v.Pattern(arns.back(), "layers", kLayerPattern);
    }
    if (arns.size() > kMaxLayers) return BadParameter("Cannot reference more than 5 layers.");
    c.layers = std::move(arns);
    c.layer_sizes.clear();  // resolved against the stored layers by the action
  }
  auto architectures = Member<json>(body, "Architectures");
  if (!architectures.ok()) return std::move(architectures).error();
  if (*architectures) {
    if (!(*architectures)->is_array()) return BadContent("Architectures");
    if ((*architectures)->size() != 1) {
      v.Add((*architectures)->dump(), "architectures",
            "Member must have length less than or equal to 1");
    } else {
      const json& a = (**architectures)[0];
      if (!a.is_string()) return BadContent("Architectures");
      std::string arch = a.get<std::string>();
      if (arch != "x86_64" && arch != "arm64") {
        v.Add(arch, "architectures",
              "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, "
              "arm64]]");
      }
      c.architecture = arch;
    }
  }
  auto tracing = Member<json>(body, "TracingConfig");
  if (!tracing.ok()) return std::move(tracing).error();
  if (*tracing) {
    if (!(*tracing)->is_object()) return BadContent("TracingConfig");
    auto mode = Member<std::string>(**tracing, "Mode");
    if (!mode.ok()) return std::move(mode).error();
    // An empty TracingConfig leaves the mode as it is, as Lambda does.
    if (*mode) {
      if (**mode != "Active" && **mode != "PassThrough") {
        v.Add(**mode, "tracingConfig.mode",
              "Member must satisfy enum value set: [Active, PassThrough]");
      } else {
        c.tracing_mode = **mode;
      }
    }
  }
  auto dead_letter = Member<json>(body, "DeadLetterConfig");
  if (!dead_letter.ok()) return std::move(dead_letter).error();
  if (*dead_letter) {
    if (!(*dead_letter)->is_object()) return BadContent("DeadLetterConfig");
    auto target = Member<std::string>(**dead_letter, "TargetArn");
    if (!target.ok()) return std::move(target).error();
    if (*target) v.Pattern(**target, "deadLetterConfig.targetArn", kDeadLetterTargetPattern);
  }
  return {};
}

// Lambda accepts a dead-letter queue only after checking that the function's execution role
// may send to it. evoke has neither SQS nor SNS, so no role can reach any queue or topic: a
// target is refused as Lambda refuses one the role cannot reach. An empty TargetArn (no
// dead-letter queue) is fine.
Status CheckDeadLetterTarget(const json& body) {
  auto config = body.find("DeadLetterConfig");
  if (config == body.end() || !config->is_object()) return {};
  auto target = config->find("TargetArn");
  if (target == config->end() || !target->is_string()) return {};
  std::string arn = target->get<std::string>();
  if (arn.empty()) return {};
  std::string_view service = arn;
  for (int i = 0; i < 2; ++i) service.remove_prefix(std::min(service.size(), service.find(':') + 1));
  service = service.substr(0, service.find(':'));
  if (service == "sqs") {
    return BadParameter(
        "The provided execution role does not have permissions to call SendMessage on SQS");
  }
  if (service == "sns") {
    return BadParameter(
        "The provided execution role does not have permissions to call Publish on SNS");
  }
  return BadParameter(
      "Invalid dead letter queue ARN: The service specified by the TargetArn is not supported "
      "for dead letter configuration.");
}

}  // namespace

json VariablesJson(const Environment& env) {
  json vars = json::object();
  for (const auto& [k, v] : env) vars[k] = v;
  return vars;
}

bool IsSupportedRuntime(std::string_view runtime) {
  return std::find(kSupportedRuntimes.begin(), kSupportedRuntimes.end(), runtime) !=
         kSupportedRuntimes.end();
}

Result<std::pair<std::string, std::string>> ParseFunctionName(std::string_view value) {
  // name | name:qualifier | 123456789012:function:name[:q] |
  // arn:aws:lambda:region:123456789012:function:name[:q]
  static const char kPattern[] =
      "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?"
      "([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
  static const Pattern kForm(kPattern);
  Violations v;
  std::optional<std::vector<std::string>> m;
  if (value.empty()) {
    v.Add(value, "functionName", "Member must have length greater than or equal to 1");
  } else if (value.size() > 140) {
    v.MaxLength(value, "functionName", 140);
  } else if (m = kForm.Groups(value); !m) {
    v.Pattern(value, "functionName", kPattern);
  } else if ((*m)[7].size() > kMaxNameLength) {
    v.MaxLength((*m)[7], "functionName", kMaxNameLength);
  } else {
    return std::make_pair((*m)[7], (*m)[9]);
  }
  return v.ToStatus().error();
}

Result<CreateFunctionRequest> ParseCreateFunction(const json& body) {
  if (!body.is_object()) return BadContent("the request");
  CreateFunctionRequest r;
  Violations v;
  auto name = Member<std::string>(body, "FunctionName");
  if (!name.ok()) return std::move(name).error();
  if (!*name) {
    v.AddNull("functionName");
  } else {
    auto parsed = ParseFunctionName(**name);
    if (!parsed.ok()) return std::move(parsed).error();
    if (!parsed->second.empty()) {
      return BadParameter("Unsupported function name qualifier in CreateFunction: " +
                          parsed->second);
    }
    r.config.name = parsed->first;
  }
  if (!body.contains("Role")) v.AddNull("role");
  Status s = ApplyFields(body, r.config, v);
  if (!s.ok()) return std::move(s).error();

  auto package_type = Member<std::string>(body, "PackageType");
  if (!package_type.ok()) return std::move(package_type).error();
  if (*package_type && **package_type != "Zip") {
    return BadParameter("evoke runs .zip deployment packages only (PackageType Zip).");
  }
  auto code = Member<json>(body, "Code");
  if (!code.ok()) return std::move(code).error();
  if (!*code) {
    v.AddNull("code");
  } else {
    auto source = ParseCodeSource(**code);
    if (!source.ok()) return std::move(source).error();
    r.code = std::move(*source);
  }
  s = v.ToStatus();
  if (!s.ok()) return std::move(s).error();
  s = CheckDeadLetterTarget(body);
  if (!s.ok()) return std::move(s).error();
  if (r.config.runtime.empty()) {
    return BadParameter("Runtime is required for .zip deployment packages.");
  }
  if (r.config.handler.empty() && !r.config.runtime.starts_with("provided")) {
    return BadParameter("Handler is required for the " + r.config.runtime + " runtime.");
  }
  auto publish = Member<bool>(body, "Publish");
  if (!publish.ok()) return std::move(publish).error();
  r.publish = publish->value_or(false);
  return r;
}

Result<CodeSource> ParseCodeSource(const json& members) {
  auto zip = Member<std::string>(members, "ZipFile");
  auto bucket = Member<std::string>(members, "S3Bucket");
  auto key = Member<std::string>(members, "S3Key");
  auto version = Member<std::string>(members, "S3ObjectVersion");
  for (auto* m : {&zip, &bucket, &key, &version}) {
    if (!m->ok()) return std::move(*m).error();
  }
  if (members.contains("ImageUri")) {
    return BadParameter("evoke runs .zip deployment packages only (PackageType Zip).");
  }
  CodeSource code;
  if (*zip && (*bucket || *key || *version)) {
    return BadParameter("Please do not provide other FunctionCode parameters when providing a "
                        "ZipFile.");
  }
  if (*zip) {
    auto bytes = Base64Decode(**zip);
    if (!bytes) return BadContent("ZipFile");
    code.zip = std::move(*bytes);
    return code;
  }
  if (!*bucket || !*key) return BadParameter("Please provide a source for function code.");
  Violations v;
  if ((*bucket)->size() < 3) {
    v.Add(**bucket, "s3Bucket", "Member must have length greater than or equal to 3");
  }
  v.MaxLength(**bucket, "s3Bucket", 63);
  // The model's pattern ends in a look-behind, which std::regex lacks: checked in two steps.
  if (!FullMatch(**bucket, "[0-9A-Za-z.\\-_]*") || (*bucket)->ends_with('.')) {
    v.Add(**bucket, "s3Bucket",
          "Member must satisfy regular expression pattern: [0-9A-Za-z\\.\\-_]*(?<!\\.)");
  }
  if ((*key)->empty()) v.Add(**key, "s3Key", "Member must have length greater than or equal to 1");
  v.MaxLength(**key, "s3Key", 1024);
  if (*version) {
    if ((*version)->empty()) {
      v.Add(**version, "s3ObjectVersion", "Member must have length greater than or equal to 1");
    }
    v.MaxLength(**version, "s3ObjectVersion", 1024);
  }
  Status s = v.ToStatus();
  if (!s.ok()) return std::move(s).error();
  code.s3_bucket = **bucket;
  code.s3_key = **key;
  if (*version) code.s3_object_version = **version;
  return code;
}

Status ApplyConfigurationUpdate(const json& body, FunctionConfig& config) {
  if (!body.is_object()) return BadContent("the request");
  FunctionConfig updated = config;
  Violations v;
  Status s = ApplyFields(body, updated, v);
  if (!s.ok()) return s;
  s = v.ToStatus();
  if (!s.ok()) return s;
  s = CheckDeadLetterTarget(body);
  if (!s.ok()) return s;
  config = std::move(updated);
  return {};
}

}  // namespace evoke::lambda
