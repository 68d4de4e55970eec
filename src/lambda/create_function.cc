// CreateFunction: validates the configuration and the .zip package, stores the package as a
// blob and the function as a record (durable before the 201), and returns its configuration.
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/hash.h"
#include "base/ids.h"
#include "lambda/actions.h"
#include "lambda/code_package.h"
#include "lambda/function_config.h"
#include "lambda/function_json.h"
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
  if (!request->code.s3_bucket.empty()) {
    co_return MakeError("InvalidParameterValueException",
                        "evoke does not load function code from S3Bucket/S3Key yet; pass the "
                        "package as ZipFile.");
  }
  if (request->publish) {
    co_return MakeError("InvalidParameterValueException",
                        "evoke does not publish function versions yet; create the function "
                        "without Publish.");
  }
  const std::string& zip = request->code.zip;
  auto package = InspectZip(zip);
  if (!package.ok()) co_return std::move(package).error();

  auto blob = ctx.deps.blobs.Create();
  if (!blob.ok()) co_return std::move(blob).error();
  Status s = blob->Write(zip);
  if (!s.ok()) co_return s;
  store::FunctionRecord record;
  record.name = request->config.name;
  record.config_json = SerializeConfig(request->config);
  record.code_blob = blob->id();
  record.code_sha256 = Base64Encode(Sha256(zip));
  record.code_size = zip.size();
  record.revision_id = NewUuid();
  record.modified_ms = ctx.deps.clock.NowMs();
  std::vector<int> fds{blob->fd()};
  std::vector<std::string> dirs{ctx.deps.blobs.DirOf(blob->id())};
  s = co_await ctx.Commit(std::move(fds), std::move(dirs),
                          [&](store::WriteTxn& t) { return store::CreateFunction(t, record); });
  if (!s.ok()) co_return s;  // the blob writer removes the unused package
  blob->Keep();
  co_return co_await ctx.SendJson(201, ConfigurationJson(ctx.account, record, request->config));
}

}  // namespace evoke::lambda
