// FunctionInvoker: the part of an invocation that does not depend on who asked for it.
#include "lambda/function_invoker.h"

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/hash.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "base/trace_header.h"
#include "lambda/async_settings.h"
#include "lambda/function_config.h"
#include "lambda/function_json.h"
#include "lambda/lambda_metrics.h"
#include "lambda/layer_config.h"
#include "lambda/trace_segments.h"
#include "store/functions.h"
#include "store/layers.h"

namespace evoke::lambda {
namespace {

// Admitted invocations are released exactly once, however the action ends.
class Admission {
 public:
  Admission(ConcurrencyLimits& limits, std::string function)
      : limits_(limits), function_(std::move(function)) {}
  ~Admission() { limits_.Release(function_); }

 private:
  ConcurrencyLimits& limits_;
  std::string function_;
};

// The log stream of a new sandbox: YYYY/MM/DD/[$LATEST]<32 hex digits>.
std::string LogStreamName(int64_t now_ms) {
  std::string date = FormatIso8601(now_ms / 1000).substr(0, 10);  // YYYY-MM-DD
  for (char& c : date) {
    if (c == '-') c = '/';
  }
  return date + "/[$LATEST]" + RandomHex(16);
}

Result<std::string> ReadBlob(const store::BlobStore& blobs, const std::string& id, uint64_t size) {
  auto reader = blobs.Open(id);
  if (!reader.ok()) return std::move(reader).error();
  return store::ReadWholeBlob(**reader, size);
}

std::string HexSha(const std::string& base64_sha) {
  auto raw = Base64Decode(base64_sha);
  return HexEncode(raw.value_or(base64_sha));
}

// The unpacked package and, when the function has layers, the directory they are unpacked into
// together (its /opt); empty when it has none.
Task<Result<std::pair<std::string, std::string>>> UnpackedCode(const Account& account, const LambdaDependencies& deps,
                                                               const store::FunctionRecord& record,
                                                               const FunctionConfig& config) {
  Execution& x = deps.execution;
  const store::BlobStore& blobs = deps.store.blobs;
  std::vector<std::pair<std::string, uint64_t>> blobs_in_order = {{record.code_blob, record.code_size}};
  // A named function object: GCC 12 destroys a capturing lambda temporary twice when it is
  // converted inside a co_await expression.
  std::function<Result<std::vector<std::string>>()> read_code = [&blobs, blobs_in_order] {
    auto zip = ReadBlob(blobs, blobs_in_order[0].first, blobs_in_order[0].second);
    if (!zip.ok()) return Result<std::vector<std::string>>(std::move(zip).error());
    return Result<std::vector<std::string>>(std::vector<std::string>{std::move(*zip)});
  };
  auto code_dir = co_await x.code.Unpacked(HexSha(record.code_sha256), std::move(read_code));
  if (!code_dir.ok()) {
    co_return MakeError("InvalidZipFileException",
                        "Lambda was unable to unzip the deployment package: " +
                            code_dir.error().message);
  }
  if (config.layers.empty()) co_return std::make_pair(std::move(*code_dir), std::string());

  std::vector<std::pair<std::string, uint64_t>> layer_blobs;
  std::string key_material;
  {
    auto reader = deps.store.txns.Read();
    for (const std::string& arn : config.layers) {
      auto parsed = ParseLayerVersionArn(arn, account);
      std::optional<store::LayerVersionRecord> layer;
      if (parsed) {
        auto found = deps.store.layers.GetLayerVersion(*reader, parsed->first, parsed->second);
        if (!found.ok()) co_return std::move(found).error();
        layer = std::move(*found);
      }
      if (!layer) {
        co_return MakeError("ResourceNotFoundException",
                            "Layer version " + arn + " does not exist.");
      }
      layer_blobs.push_back({layer->code_blob, layer->code_size});
      key_material += layer->code_sha256 + "\n";
    }
  }
  std::function<Result<std::vector<std::string>>()> read_layers = [&blobs, layer_blobs] {
    std::vector<std::string> zips;
    for (const auto& [blob, size] : layer_blobs) {
      auto zip = ReadBlob(blobs, blob, size);
      if (!zip.ok()) return Result<std::vector<std::string>>(std::move(zip).error());
      zips.push_back(std::move(*zip));
    }
    return Result<std::vector<std::string>>(std::move(zips));
  };
  auto opt_dir = co_await x.code.Unpacked("layers-" + Sha256Hex(key_material), std::move(read_layers));
  if (!opt_dir.ok()) {
    co_return MakeError("InvalidZipFileException",
                        "Lambda was unable to unzip a layer: " + opt_dir.error().message);
  }
  co_return std::make_pair(std::move(*code_dir), std::move(*opt_dir));
}

exec::SandboxConfig SandboxConfigFor(const Account& account, const LambdaDependencies& deps,
                                     const store::FunctionRecord& record,
                                     const FunctionConfig& config, const RoleCredentials& role,
                                     const std::string& code_dir, std::vector<std::string> argv) {
  const Execution& x = deps.execution;
  const bool isolated = x.host.mount_namespaces;
  const std::string task_root = isolated ? "/var/task" : code_dir;
  const std::string runtime_dir = isolated ? "/var/runtime" : x.runtime_dir;
  exec::SandboxConfig sc;
  sc.function_name = config.name;
  sc.function_arn = FunctionArn(account, config.name);
  sc.revision_id = record.revision_id;
  sc.memory_mb = config.memory_mb;
  sc.timeout_s = config.timeout_s;
  sc.log_group = "/aws/lambda/" + config.name;
  sc.log_stream = LogStreamName(deps.clock.NowMs());
  sc.retire_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(kSandboxMaxAgeMs);

  exec::SpawnSpec& spec = sc.spawn;
  spec.argv = std::move(argv);
  spec.code_dir = code_dir;
  spec.runtime_dir = x.runtime_dir;
  spec.hidden_dir = x.data_dir;
  spec.working_dir = task_root;
  spec.memory_mb = config.memory_mb;
  spec.ephemeral_storage_mb = config.ephemeral_storage_mb;
  if (!isolated) spec.tmp_dir = x.sandbox_root + "/" + RandomHex(8);

  // Defaults the function may override, then its own variables, then the reserved ones.
  std::vector<std::pair<std::string, std::string>> env = {
      {"LANG", "en_US.UTF-8"},
      {"PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin"},
      {"LD_LIBRARY_PATH", "/lib64:/usr/lib64:" + runtime_dir + ":" + runtime_dir + "/lib:" +
                              task_root + ":" + task_root + "/lib:/opt/lib"},
      {"AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR"},
  };
  if (exec::FamilyOf(config.runtime) == exec::RuntimeFamily::kNode) {
    env.push_back({"NODE_PATH", "/opt/nodejs/node_modules:" + runtime_dir + "/node_modules"});
  }
  for (const auto& [k, v] : config.environment) {
    std::erase_if(env, [&](const auto& e) { return e.first == k; });
    env.push_back({k, v});
  }
  std::vector<std::pair<std::string, std::string>> reserved = {
      {"_HANDLER", config.handler},
      {"AWS_REGION", account.region},
      {"AWS_DEFAULT_REGION", account.region},
      {"AWS_LAMBDA_FUNCTION_NAME", config.name},
      {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(config.memory_mb)},
      {"AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"},
      {"AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"},
      {"AWS_LAMBDA_LOG_GROUP_NAME", sc.log_group},
      {"AWS_LAMBDA_LOG_STREAM_NAME", sc.log_stream},
      {"AWS_ACCESS_KEY_ID", role.access_key_id},
      {"AWS_SECRET_ACCESS_KEY", role.secret_access_key},
      {"AWS_SESSION_TOKEN", role.session_token},
      {"AWS_ENDPOINT_URL", x.endpoint_url},
      {"LAMBDA_TASK_ROOT", task_root},
      {"LAMBDA_RUNTIME_DIR", runtime_dir},
      {"TZ", ":UTC"},
  };
  if (exec::FamilyOf(config.runtime) != exec::RuntimeFamily::kProvided) {
    reserved.push_back({"AWS_EXECUTION_ENV", "AWS_Lambda_" + config.runtime});
  }
  if (exec::FamilyOf(config.runtime) == exec::RuntimeFamily::kPython) {
    reserved.push_back({"PYTHONPATH", runtime_dir + "/python"});
  }
  if (!isolated) reserved.push_back({"TMPDIR", spec.tmp_dir});
  for (const auto& [k, v] : reserved) {
    std::erase_if(env, [&](const auto& e) { return e.first == k; });
    env.push_back({k, v});
  }
  for (const auto& [k, v] : env) spec.env.push_back(k + "=" + v);
  return sc;
}

}  // namespace

Task<Result<exec::Outcome>> FunctionInvoker::RunWithOutcome(RunRequest request) const {
  const LambdaDependencies& deps = deps_;
  const Account& account = account_;
  auto cached = deps.execution.functions.Get(request.function);
  if (!cached.ok()) co_return std::move(cached).error();
  if (!*cached) {
    co_return MakeError("ResourceNotFoundException",
                        "Function not found: " + FunctionArn(account, request.function));
  }
  std::shared_ptr<const CachedFunction> function = std::move(*cached);
  const store::FunctionRecord* record = &function->record;
  const FunctionConfig* config = &function->config;
  if (exec::FamilyOf(config->runtime) == exec::RuntimeFamily::kUnknown) {
    co_return MakeError("InvalidRuntimeException",
                        "The runtime parameter of " + config->runtime + " is not supported.");
  }

  // The invocation's trace: the caller's, continued, or a new one (docs/tracing.md). Evoke
  // records segments for the sampled invocations of an actively traced function.
  InvocationTrace trace;
  trace.start_ms = deps.clock.NowMs();
  std::optional<TraceHeader> caller = ParseTraceHeader(request.trace_header);
  if (caller) trace.caller_parent = caller->parent;
  const TraceHeader header = ContinueTrace(std::move(caller), config->tracing_mode == "Active",
                                           NewTraceId(trace.start_ms), NewSegmentId());
  const std::string trace_id = FormatTraceHeader(header);
  const bool traced = deps.traces && config->tracing_mode == "Active" && header.sampled.value_or(false);
  if (traced) {
    trace.trace_id = header.root;
    trace.service_segment_id = NewSegmentId();
    trace.function_segment_id = header.parent;
    trace.function_name = config->name;
    trace.function_arn = FunctionArn(account, config->name);
    trace.request_id = request.request_id;
  }

  if (Status s = deps.concurrency.Acquire(request.function); !s.ok()) {
    if (deps.metrics) RecordThrottle(*deps.metrics, request.function, deps.metrics->NowMs());
    if (traced) {
      trace.throttled = true;
      trace.end_ms = deps.clock.NowMs();
      deps.traces->Record(InvocationSegmentDocuments(trace));
    }
    co_return s.error();
  }
  Admission admission(deps.concurrency, request.function);
  InvocationFigures figures{request.function};
  if (deps.metrics) {
    figures.start_ms = deps.metrics->NowMs();
    figures.in_flight = deps.concurrency.InFlightCounts(request.function);
  }

  Execution& x = deps.execution;
  // The caller's own I/O thread: a sandbox living there needs no thread hops.
  auto executor = co_await asio::this_coro::executor;
  const asio::execution_context* near = &asio::query(executor, asio::execution::context);
  exec::Outcome outcome;
  // A warm sandbox that ended while idle (its runtime exited) gives way to a fresh one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::shared_ptr<exec::Sandbox> sandbox =
        x.pool.TakeIdle(request.function, record->revision_id, near);
    if (!sandbox) {
      // The sandbox's credentials: a session of the function's execution role.
      auto role = x.roles.Assume(config->role, config->name);
      if (!role.ok()) {
        co_return MakeError("InvalidParameterValueException",
                            "The role defined for the function cannot be assumed by Lambda.");
      }
      auto dirs = co_await UnpackedCode(account, deps, *record, *config);
      if (!dirs.ok()) co_return std::move(dirs).error();
      auto& [code_dir, opt_dir] = *dirs;
      bool isolated = x.host.mount_namespaces;
      auto argv = exec::RuntimeArgv(config->runtime, x.interpreters,
                                    isolated ? "/var/task" : code_dir,
                                    isolated ? "/var/runtime" : x.runtime_dir, code_dir, opt_dir);
      if (!argv.ok()) {
        // Lambda reports a missing bootstrap as the invocation's error, not the API's.
        exec::Outcome failed;
        failed.function_error = true;
        failed.payload = nlohmann::json{{"errorType", argv.error().code},
                                        {"errorMessage", "RequestId: " + request.request_id +
                                                             " Error: " + argv.error().message}}
                             .dump();
        if (deps.metrics) {
          figures.error = true;
          RecordInvocation(*deps.metrics, figures);
        }
        co_return failed;
      }
      exec::SandboxConfig sandbox_config =
          SandboxConfigFor(account, deps, *record, *config, *role, code_dir, std::move(*argv));
      sandbox_config.spawn.opt_dir = opt_dir;
      sandbox = std::make_shared<exec::Sandbox>(x.pool.NextHome(near), x.host,
                                                std::move(sandbox_config), x.logs, deps.clock);
      x.pool.Track(sandbox);
    }
    exec::Invocation invocation{request.request_id,
                                request.payload.empty() ? "{}" : request.payload,
                                request.client_context, trace_id};
    if (traced) {
      invocation.xray_trace_id = trace.trace_id;
      invocation.xray_segment_id = trace.function_segment_id;
    }
    outcome = co_await asio::co_spawn(sandbox->executor(), sandbox->Run(std::move(invocation)),
                                      asio::use_awaitable);
    x.pool.GiveBack(std::move(sandbox));
    if (!outcome.not_run) break;
  }
  if (deps.metrics) {
    // Stamped with the invocation's start, on the metrics' clock.
    figures.duration_ms = outcome.duration_ms;
    figures.start_ms = deps.metrics->NowMs() - static_cast<int64_t>(outcome.duration_ms);
    figures.error = outcome.function_error;
    RecordInvocation(*deps.metrics, figures);
  }
  if (traced) {
    trace.end_ms = deps.clock.NowMs();
    trace.init_duration_ms = outcome.init_duration_ms;
    trace.duration_ms = outcome.duration_ms;
    trace.function_error = outcome.function_error;
    deps.traces->Record(InvocationSegmentDocuments(trace));
  }
  co_return outcome;
}

Task<Result<RunResult>> FunctionInvoker::Run(RunRequest request) const {
  auto outcome = co_await RunWithOutcome(std::move(request));
  if (!outcome.ok()) co_return std::move(outcome).error();
  co_return RunResult{std::move(outcome->payload), outcome->function_error};
}

Result<std::optional<AsyncTarget>> FunctionInvoker::DescribeAsync(const std::string& function,
                                                                  const Sender& sender) const {
  auto found = deps_.execution.functions.Get(function);
  if (!found.ok()) return std::move(found).error();
  if (!*found) return std::optional<AsyncTarget>();
  const store::FunctionRecord& record = (*found)->record;
  const EventInvokeConfig config = EffectiveEventInvokeConfig(record);
  AsyncTarget target;
  target.function_arn = FunctionArn(account_, function);
  target.maximum_retry_attempts = config.maximum_retry_attempts;
  target.maximum_event_age_s = config.maximum_event_age_s;
  target.on_success = config.on_success;
  target.on_failure = config.on_failure;
  target.no_concurrency = record.reserved_concurrency == 0;
  if (!sender.role_arn.empty()) {
    target.sender_allowed =
        deps_.execution.roles
            .AllowsInvoke(sender.role_arn, sender.principal, sender.source_arn,
                          target.function_arn)
            .ok();
  } else {
    target.sender_allowed = sender.principal.empty() ||
                            PolicyAllowsInvoke(record.policy, sender.principal, sender.source_arn,
                                               sender.source_account);
  }
  return std::optional<AsyncTarget>(std::move(target));
}

}  // namespace evoke::lambda
