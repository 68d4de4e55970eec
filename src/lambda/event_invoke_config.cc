// PutFunctionEventInvokeConfig, UpdateFunctionEventInvokeConfig, GetFunctionEventInvokeConfig,
// DeleteFunctionEventInvokeConfig and ListFunctionEventInvokeConfigs: how Lambda treats a
// function's asynchronous invocations (retries, maximum event age, destinations). Stored with
// the function ($LATEST; evoke has no versions or aliases), changed inside the commit, so the
// destinations' existence is checked against the same state the change lands in.
#include <charconv>
#include <nlohmann/json.hpp>

#include "lambda/actions.h"
#include "lambda/event_invoke_settings.h"
#include "lambda/function_json.h"
#include "store/functions.h"

namespace evoke::lambda {
namespace {

using nlohmann::json;

Error NoFunction() {
  return MakeError("ResourceNotFoundException", "The function doesn't exist.");
}

Error NoConfig(const Context& ctx, const std::string& name) {
  return MakeError("ResourceNotFoundException",
                   "The function " + FunctionArn(ctx.account, name) +
                       ":$LATEST doesn't have an EventInvokeConfig");
}

// The functions and buckets the destinations name must exist (in evoke there is no execution
// role whose permissions Lambda could check instead).
Status CheckDestinationsExist(const Context& ctx, store::ReadTxn& t,
                              const StoredEventInvokeConfig& c) {
  const Account& account = ctx.account;
  for (const std::string* arn : {&c.on_success, &c.on_failure}) {
    if (arn->empty()) continue;
    Destination d = ClassifyDestination(*arn, account);
    if (d.kind == DestinationKind::kFunction) {
      auto found = ctx.deps.store.functions.GetFunction(t, d.name);
      if (!found.ok()) return std::move(found).error();
      if (!found->has_value()) return InvalidDestination(*arn);
    } else if (d.kind == DestinationKind::kBucket) {
      auto found = ctx.deps.objects.BucketExists(t, d.name);
      if (!found.ok()) return std::move(found).error();
      if (!*found) return InvalidDestination(*arn);
    }
  }
  return {};
}

// Put (merge false) and Update (merge true).
Task<Status> WriteConfig(Context& ctx, bool merge) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  json body = ctx.body.empty() ? json::object()
                               : json::parse(ctx.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    co_return MakeError("InvalidRequestContentException",
                        "Could not parse request body into json: the body is not a JSON object");
  }
  auto request = ParseEventInvokeConfigRequest(body);
  if (!request.ok()) co_return std::move(request).error();
  int64_t now = ctx.deps.clock.NowMs();
  StoredEventInvokeConfig written;
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto record = ctx.deps.store.functions.GetFunction(t, *name);
    if (!record.ok()) return std::move(record).error();
    if (!*record) return NoFunction();
    if (merge) {
      if ((*record)->event_invoke_config.empty()) return NoConfig(ctx, *name);
      auto stored = ParseStoredEventInvokeConfig((*record)->event_invoke_config);
      if (!stored.ok()) return std::move(stored).error();
      written = UpdatedConfig(*stored, *request, now);
    } else {
      written = ReplacedConfig(*request, now);
    }
    Status st = CheckDestinations(written, ctx.account, *name);
    if (!st.ok()) return st;
    st = CheckDestinationsExist(ctx, t, written);
    if (!st.ok()) return st;
    return ctx.deps.store.functions.SetEventInvokeConfig(t, *name,
                                                         SerializeEventInvokeConfig(written));
  });
  if (!s.ok()) co_return s;
  ctx.FunctionSettingsChanged(*name);  // the dispatcher reads the configuration from the cache
  co_return ctx.Reply(200, EventInvokeConfigJson(ctx.account, *name, written));
}

}  // namespace

Task<Status> PutFunctionEventInvokeConfig(Context& ctx) { return WriteConfig(ctx, false); }

Task<Status> UpdateFunctionEventInvokeConfig(Context& ctx) { return WriteConfig(ctx, true); }

Task<Status> GetFunctionEventInvokeConfig(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  std::optional<store::FunctionRecord> record;
  {
    auto reader = ctx.deps.store.txns.Read();
    auto found = ctx.deps.store.functions.GetFunction(*reader, *name);
    if (!found.ok()) co_return std::move(found).error();
    record = std::move(*found);
  }
  if (!record || record->event_invoke_config.empty()) co_return NoConfig(ctx, *name);
  auto stored = ParseStoredEventInvokeConfig(record->event_invoke_config);
  if (!stored.ok()) co_return std::move(stored).error();
  co_return ctx.Reply(200, EventInvokeConfigJson(ctx.account, *name, *stored));
}

Task<Status> DeleteFunctionEventInvokeConfig(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto record = ctx.deps.store.functions.GetFunction(t, *name);
    if (!record.ok()) return std::move(record).error();
    if (!*record || (*record)->event_invoke_config.empty()) return NoConfig(ctx, *name);
    return ctx.deps.store.functions.SetEventInvokeConfig(t, *name, "");
  });
  if (!s.ok()) co_return s;
  ctx.FunctionSettingsChanged(*name);
  http::Response r;
  r.status = 204;
  r.headers.Add("x-amzn-RequestId", ctx.request_id);
  co_return ctx.Reply(std::move(r));
}

Task<Status> ListFunctionEventInvokeConfigs(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  if (const std::string* m = ctx.req().query.Get("MaxItems")) {
    int64_t max_items = 0;
    auto [p, ec] = std::from_chars(m->data(), m->data() + m->size(), max_items);
    bool number = ec == std::errc() && p == m->data() + m->size();
    if (!number || max_items < 1 || max_items > 50) {
      std::string constraint = number && max_items < 1
                                   ? "Member must have value greater than or equal to 1"
                                   : "Member must have value less than or equal to 50";
      co_return MakeError("ValidationException", "1 validation error detected: Value '" + *m +
                                                     "' at 'maxItems' failed to satisfy "
                                                     "constraint: " +
                                                     constraint);
    }
  }
  std::optional<store::FunctionRecord> record;
  {
    auto reader = ctx.deps.store.txns.Read();
    auto found = ctx.deps.store.functions.GetFunction(*reader, *name);
    if (!found.ok()) co_return std::move(found).error();
    record = std::move(*found);
  }
  if (!record) co_return NoFunction();
  // One configuration at most ($LATEST's), so one page: no NextMarker.
  json configs = json::array();
  if (!record->event_invoke_config.empty()) {
    auto stored = ParseStoredEventInvokeConfig(record->event_invoke_config);
    if (!stored.ok()) co_return std::move(stored).error();
    configs.push_back(EventInvokeConfigJson(ctx.account, *name, *stored));
  }
  json answer = {{"FunctionEventInvokeConfigs", configs}};
  co_return ctx.Reply(200, answer);
}

}  // namespace evoke::lambda
