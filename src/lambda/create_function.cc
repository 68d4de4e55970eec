// CreateFunction: validates the configuration and the .zip package (a ZipFile or an object in
// evoke's S3), stores the package as a blob and the function as a record (durable before the
// 201), and returns its configuration.
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/hash.h"
#include "base/ids.h"
#include "lambda/actions.h"
#include "lambda/code_package.h"
#include "lambda/function_config.h"
#include "lambda/function_json.h"
#include "lambda/function_layers.h"
#include "lambda/s3_code.h"
#include "store/functions.h"

namespace evoke::lambda {

Task<Status> CreateFunction(Context& ctx) {
  nlohmann::json body = nlohmann::json::parse(ctx.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    co_return MakeError("InvalidRequestContentException",
                        "Could not parse request body into json: the body is not a JSON document");
  }
  auto request = ParseCreateFunction(body);
  if (!request.ok()) co_return std::move(request).error();
  if (request->publish) {
    co_return MakeError("InvalidParameterValueException",
                        "evoke does not publish function versions yet; create the function "
                        "without Publish.");
  }
  auto code = CodeBytesBlocking(ctx.deps.db, ctx.deps.blobs, std::move(request->code));
  if (!code.ok()) co_return std::move(code).error();
  const std::string& zip = *code;
  auto package = InspectZip(zip);
  if (!package.ok()) co_return std::move(package).error();

  auto blob = ctx.deps.blobs.Create();
  if (!blob.ok()) co_return std::move(blob).error();
  Status s = blob->Write(zip);
  if (!s.ok()) co_return s;
  store::FunctionRecord record;
  record.name = request->config.name;
  record.code_blob = blob->id();
  record.code_sha256 = Base64Encode(Sha256(zip));
  record.code_size = zip.size();
  record.revision_id = NewUuid();
  record.modified_ms = ctx.deps.clock.NowMs();
  std::vector<int> fds{blob->fd()};
  std::vector<std::string> dirs{ctx.deps.blobs.DirOf(blob->id())};
  s = co_await ctx.Commit(std::move(fds), std::move(dirs),
                          [&](store::WriteTxn& t) -> Status {
                            Status st = ResolveLayers(t.db(), ctx.account, request->config);
                            if (!st.ok()) return st;
                            record.config_json = SerializeConfig(request->config);
                            return store::CreateFunction(t, record);
                          });
  if (!s.ok()) co_return s;  // the blob writer removes the unused package
  blob->Keep();
  ctx.FunctionChanged(request->config.name);
  co_return ctx.Reply(201, ConfigurationJson(ctx.account, record, request->config));
}

}  // namespace evoke::lambda
