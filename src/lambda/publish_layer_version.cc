// PublishLayerVersion: checks the archive (a ZipFile or an object in evoke's S3), stores it as a
// blob and the version as a record numbered after the name's last one (durable before the
// 201), and answers with the version and a link to download it.
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/hash.h"
#include "lambda/actions.h"
#include "lambda/code_link.h"
#include "lambda/layer_config.h"
#include "lambda/package_upload.h"
#include "store/layers.h"

namespace evoke::lambda {

Task<Status> PublishLayerVersion(Context& ctx) {
  auto name = ParseLayerName(ctx.path_params.at(0), ctx.account);
  if (!name.ok()) co_return std::move(name).error();
  nlohmann::json body = nlohmann::json::parse(ctx.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    co_return MakeError("InvalidRequestContentException",
                        "Could not parse request body into json: the body is not a JSON document");
  }
  auto request = ParsePublishLayerVersion(body);
  if (!request.ok()) co_return std::move(request).error();
  auto package = co_await StorePackage(ctx, std::move(request->content));
  if (!package.ok()) co_return std::move(package).error();
  std::unique_ptr<store::BlobWriter> blob = std::move(package->blob);
  store::LayerVersionRecord layer;
  layer.name = *name;
  layer.config_json = SerializeLayerSettings(request->settings);
  layer.code_blob = blob->id();
  layer.code_sha256 = package->sha256_base64;
  layer.code_size = package->size;
  layer.created_ms = ctx.deps.clock.NowMs();
  std::string layer_arn = LayerArn(ctx.account, *name);
  // Named: GCC 12 cannot brace-initialize inside a co_await.
  std::vector<store::BlobWriter*> durable{blob.get()};
  Status s = co_await ctx.Commit(std::move(durable), [&](store::WriteTxn& t) -> Status {
    auto published = ctx.deps.store.layers.PublishLayerVersion(t, layer, layer_arn);
    if (!published.ok()) return std::move(published).error();
    layer = std::move(*published);
    return {};
  });
  if (!s.ok()) co_return s;  // the blob writer removes the unused archive
  blob->Keep();
  co_return ctx.Reply(
      201, LayerVersionJson(ctx.account, layer, request->settings,
                            CodeLocation(ctx, LayerPackagePath(layer.name, layer.version))));
}

}  // namespace evoke::lambda
