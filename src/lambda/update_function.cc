// UpdateFunctionConfiguration and UpdateFunctionCode: change a function in one committed step.
// The record is read, checked against RevisionId and rewritten inside the commit, so two
// concurrent updates never lose one another.
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/hash.h"
#include "base/ids.h"
#include "lambda/actions.h"
#include "lambda/function_config.h"
#include "lambda/function_json.h"
#include "lambda/function_layers.h"
#include "lambda/package_upload.h"
#include "store/functions.h"

namespace evoke::lambda {
namespace {

Result<nlohmann::json> ParseBody(const std::string& text) {
  nlohmann::json body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return MakeError("InvalidRequestContentException",
                     "Could not parse request body into json: the body is not a JSON object");
  }
  return body;
}

// Applies `change` to the stored function named `name`, as of the request's RevisionId (if
// any), with a new revision; `result` receives what was stored.
Task<Status> UpdateRecord(Context& ctx, const std::string& name, const nlohmann::json& body,
                          std::vector<store::BlobWriter*> blobs,
                          std::function<Status(store::FunctionRecord&, FunctionConfig&)> change,
                          store::FunctionRecord& result, FunctionConfig& config) {
  std::string revision;
  if (auto it = body.find("RevisionId"); it != body.end() && it->is_string()) {
    revision = it->get<std::string>();
  }
  int64_t now = ctx.deps.clock.NowMs();
  std::string arn = FunctionArn(ctx.account, name);
  co_return co_await ctx.Commit(std::move(blobs), [&](store::WriteTxn& t) -> Status {
    auto found = ctx.deps.store.functions.GetFunction(t, name);
    if (!found.ok()) return std::move(found).error();
    if (!found->has_value()) {
      return MakeError("ResourceNotFoundException", "Function not found: " + arn);
    }
    store::FunctionRecord record = std::move(**found);
    if (!revision.empty() && revision != record.revision_id) {
      return MakeError("PreconditionFailedException",
                       "The Revision Id provided does not match the latest Revision Id. Call the "
                       "GetFunction/GetAlias API to retrieve the latest Revision Id");
    }
    auto stored = ParseStoredConfig(record.config_json);
    if (!stored.ok()) return std::move(stored).error();
    Status s = change(record, *stored);
    if (!s.ok()) return s;
    if (stored->layer_sizes.size() != stored->layers.size()) {
      s = ResolveLayers(ctx.deps.store.layers, t, ctx.account, *stored);  // Layers changed
      if (!s.ok()) return s;
    }
    record.config_json = SerializeConfig(*stored);
    record.revision_id = NewUuid();
    record.modified_ms = now;
    s = ctx.deps.store.functions.ReplaceFunction(t, record);
    if (!s.ok()) return s;
    result = record;
    config = std::move(*stored);
    return {};
  });
}

}  // namespace

Task<Status> UpdateFunctionConfiguration(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  auto body = ParseBody(ctx.body);
  if (!body.ok()) co_return std::move(body).error();
  if (auto role = body->find("Role"); role != body->end() && role->is_string()) {
    // Checked before the commit; the configuration's own checks still run inside it.
    FunctionConfig probe;
    if (Status s = ApplyConfigurationUpdate(*body, probe); !s.ok()) co_return s;
    if (Status s = CheckExecutionRole(ctx, role->get<std::string>()); !s.ok()) co_return s;
  }
  store::FunctionRecord record;
  FunctionConfig config;
  Status s = co_await UpdateRecord(
      ctx, *name, *body, {},
      [&](store::FunctionRecord&, FunctionConfig& c) { return ApplyConfigurationUpdate(*body, c); },
      record, config);
  if (!s.ok()) co_return s;
  ctx.FunctionChanged(*name);  // warm sandboxes run the old revision
  co_return ctx.Reply(200, ConfigurationJson(ctx.account, record, config));
}

Task<Status> UpdateFunctionCode(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  auto body = ParseBody(ctx.body);
  if (!body.ok()) co_return std::move(body).error();
  if (body->value("Publish", false)) {
    co_return MakeError("InvalidParameterValueException",
                        "evoke does not publish function versions yet; update without Publish.");
  }
  auto source = ParseCodeSource(*body);
  if (!source.ok()) co_return std::move(source).error();
  auto package = co_await StorePackage(ctx, std::move(*source));
  if (!package.ok()) co_return std::move(package).error();
  std::unique_ptr<store::BlobWriter> blob = std::move(package->blob);
  std::string blob_id = blob->id();
  std::string sha = package->sha256_base64;
  uint64_t size = package->size;
  store::FunctionRecord record;
  FunctionConfig config;
  // Named: GCC 12 cannot brace-initialize inside a co_await.
  std::vector<store::BlobWriter*> durable{blob.get()};
  Status s = co_await UpdateRecord(
      ctx, *name, *body, std::move(durable),
      [&](store::FunctionRecord& r, FunctionConfig&) {
        r.code_blob = blob_id;
        r.code_sha256 = sha;
        r.code_size = size;
        return Status();
      },
      record, config);
  if (!s.ok()) co_return s;  // the blob writer removes the unused package
  ctx.FunctionChanged(*name);  // warm sandboxes run the old code
  blob->Keep();
  co_return ctx.Reply(200, ConfigurationJson(ctx.account, record, config));
}

}  // namespace evoke::lambda
