// CreateFunction: validates the configuration and the .zip package (a ZipFile or an object in
// evoke's S3), stores the package as a blob and the function as a record (durable before the
// 201), and returns its configuration.
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

Status CheckExecutionRole(const Context& ctx, std::string_view role) {
  // Handing a role to a function needs iam:PassRole on it, as on AWS: else a user could run
  // code as any role that trusts Lambda.
  if (!ctx.authorize) return MakeError("AccessDeniedException", "Access Denied");
  Status passed = ctx.authorize("iam:PassRole", std::string(role),
                                {{"iam:PassedToService", "lambda.amazonaws.com"}});
  if (!passed.ok()) return passed;
  if (ctx.deps.execution.roles.CheckAssumable(role).ok()) return {};
  return MakeError("InvalidParameterValueException",
                   "The role defined for the function cannot be assumed by Lambda.");
}

Task<Status> CreateFunction(Context& ctx) {
  nlohmann::json body = nlohmann::json::parse(ctx.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    co_return MakeError("InvalidRequestContentException",
                        "Could not parse request body into json: the body is not a JSON document");
  }
  auto request = ParseCreateFunction(body);
  if (!request.ok()) co_return std::move(request).error();
  if (Status s = CheckExecutionRole(ctx, request->config.role); !s.ok()) co_return s;
  if (request->publish) {
    co_return MakeError("InvalidParameterValueException",
                        "evoke does not publish function versions yet; create the function "
                        "without Publish.");
  }
  auto package = co_await StorePackage(ctx, std::move(request->code));
  if (!package.ok()) co_return std::move(package).error();
  std::unique_ptr<store::BlobWriter> blob = std::move(package->blob);
  store::FunctionRecord record;
  record.name = request->config.name;
  record.code_blob = blob->id();
  record.code_sha256 = package->sha256_base64;
  record.code_size = package->size;
  record.revision_id = NewUuid();
  record.modified_ms = ctx.deps.clock.NowMs();
  // Named: GCC 12 cannot brace-initialize inside a co_await.
  std::vector<store::BlobWriter*> durable{blob.get()};
  Status s = co_await ctx.Commit(std::move(durable), [&](store::WriteTxn& t) -> Status {
    Status st = ResolveLayers(ctx.deps.store.layers, t, ctx.account, request->config);
    if (!st.ok()) return st;
    record.config_json = SerializeConfig(request->config);
    return ctx.deps.store.functions.CreateFunction(t, record);
  });
  if (!s.ok()) co_return s;  // the blob writer removes the unused package
  blob->Keep();
  ctx.FunctionChanged(request->config.name);
  co_return ctx.Reply(201, ConfigurationJson(ctx.account, record, request->config));
}

}  // namespace evoke::lambda
