// Invoke: runs a function synchronously (RequestResponse) and returns its result (or Lambda's
// error document) with X-Amz-Function-Error, X-Amz-Executed-Version and, for LogType Tail,
// X-Amz-Log-Result; queues it (Event), answering 202 once the event is durable; or only checks
// that it could run (DryRun). An X-Amzn-Trace-Id header continues the caller's X-Ray trace
// (docs/tracing.md).
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/hash.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "base/trace_header.h"
#include "exec/sandbox.h"
#include "lambda/actions.h"
#include "lambda/function_config.h"
#include "lambda/function_invoker.h"
#include "lambda/function_json.h"
#include "lambda/layer_config.h"
#include "store/functions.h"
#include "store/layers.h"

namespace evoke::lambda {
namespace {

constexpr size_t kLogTailBytes = 4096;

http::Response InvokeResponse(const Context& ctx, exec::Outcome outcome, bool tail) {
  http::Response r;
  r.status = 200;
  r.headers.Add("Content-Type", "application/json");
  r.headers.Add("x-amzn-RequestId", ctx.request_id);
  r.headers.Add("X-Amz-Executed-Version", "$LATEST");
  if (outcome.function_error) r.headers.Add("X-Amz-Function-Error", "Unhandled");
  if (tail) {
    std::string_view log = outcome.log;
    if (log.size() > kLogTailBytes) log = log.substr(log.size() - kLogTailBytes);
    r.headers.Add("X-Amz-Log-Result", Base64Encode(log));
  }
  r.body = std::move(outcome.payload);
  return r;
}

}  // namespace

Task<Status> Invoke(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();

  std::string type = "RequestResponse";
  if (auto t = ctx.req().headers.Get("X-Amz-Invocation-Type")) type = std::string(*t);
  if (type != "RequestResponse" && type != "Event" && type != "DryRun") {
    co_return MakeError("InvalidParameterValueException",
                        "Unsupported invocation type: " + type);
  }
  if (type == "Event" && ctx.body.size() > kMaxAsyncPayloadBytes) {
    co_return MakeError("RequestEntityTooLargeException",
                        std::to_string(ctx.body.size()) +
                            " byte payload is too large for the Event invocation type (limit " +
                            std::to_string(kMaxAsyncPayloadBytes) + " bytes)");
  }
  bool tail = false;
  if (auto t = ctx.req().headers.Get("X-Amz-Log-Type")) {
    if (*t == "Tail") {
      tail = true;
    } else if (*t != "None") {
      co_return MakeError("InvalidParameterValueException", "Unsupported log type: " + std::string(*t));
    }
  }
  if (!ctx.body.empty() && !nlohmann::json::accept(ctx.body)) {
    co_return MakeError("InvalidRequestContentException",
                        "Could not parse request body into json: Could not parse payload into json");
  }
  std::string client_context;
  if (auto c = ctx.req().headers.Get("X-Amz-Client-Context")) {
    auto decoded = Base64Decode(*c);
    if (!decoded || c->size() > 3583 || !nlohmann::json::accept(*decoded)) {
      co_return MakeError("InvalidRequestContentException",
                          "Client context must be a valid Base64-encoded JSON object.");
    }
    client_context = std::move(*decoded);
  }

  auto cached = ctx.deps.execution.functions.Get(*name);
  if (!cached.ok()) co_return std::move(cached).error();
  if (!*cached) {
    co_return MakeError("ResourceNotFoundException",
                        "Function not found: " + FunctionArn(ctx.account, *name));
  }
  std::shared_ptr<const CachedFunction> function = std::move(*cached);
  const FunctionConfig* config = &function->config;
  if (exec::FamilyOf(config->runtime) == exec::RuntimeFamily::kUnknown) {
    co_return MakeError("InvalidRuntimeException",
                        "The runtime parameter of " + config->runtime + " is not supported.");
  }
  if (type == "DryRun") {
    http::Response r;
    r.status = 204;
    r.headers.Add("x-amzn-RequestId", ctx.request_id);
    co_return ctx.Reply(std::move(r));
  }

  // The caller's trace; a malformed header is ignored, as Lambda ignores it.
  std::optional<TraceHeader> caller;
  if (auto t = ctx.req().headers.Get("X-Amzn-Trace-Id")) caller = ParseTraceHeader(*t);

  if (type == "Event") {
    AsyncEvent event;
    // Lambda takes the sampling decision when it accepts the event: every retry, and the
    // destination's invocation, continue this trace.
    if (!caller) {
      caller = TraceHeader{NewTraceId(ctx.deps.clock.NowMs()), "",
                           config->tracing_mode == "Active", {}};
    }
    event.trace_header = FormatTraceHeader(*caller);
    event.function = *name;
    event.payload = ctx.body.empty() ? "{}" : std::move(ctx.body);
    event.request_id = ctx.request_id;
    AsyncQueue& queue = *ctx.deps.async_queue;
    Status s = co_await ctx.Commit([&](store::WriteTxn& t) { return queue.Enqueue(t, event); });
    if (!s.ok()) co_return s;
    http::Response r;
    r.status = 202;
    r.headers.Add("x-amzn-RequestId", ctx.request_id);
    co_return ctx.Reply(std::move(r));
  }

  FunctionInvoker invoker(ctx.account, ctx.deps);
  RunRequest run{*name, std::move(ctx.body), ctx.request_id, std::move(client_context),
                 caller ? FormatTraceHeader(*caller) : std::string()};
  auto outcome = co_await invoker.RunWithOutcome(std::move(run));
  if (!outcome.ok()) co_return std::move(outcome).error();
  co_return ctx.Reply(InvokeResponse(ctx, std::move(*outcome), tail));
}

}  // namespace evoke::lambda
