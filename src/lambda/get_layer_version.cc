// GetLayerVersion and GetLayerVersionByArn: one layer version, with a link to download its
// archive. A deleted version is not found, even while functions still use it.
#include <nlohmann/json.hpp>

#include "lambda/actions.h"
#include "lambda/code_link.h"
#include "lambda/layer_config.h"
#include "lambda/validation.h"
#include "store/layers.h"

namespace evoke::lambda {
namespace {

Error NotFound() {
  return MakeError("ResourceNotFoundException", "The resource you requested does not exist.");
}

Task<Status> SendLayerVersion(Context& ctx, const std::string& name, int64_t version) {
  std::optional<store::LayerVersionRecord> layer;
  {
    auto reader = ctx.deps.store.txns.Read();
    auto found = ctx.deps.store.layers.GetLayerVersion(*reader, name, version);
    if (!found.ok()) co_return std::move(found).error();
    layer = std::move(*found);
  }
  if (!layer || layer->deleted) co_return NotFound();
  auto settings = ParseStoredLayerSettings(layer->config_json);
  if (!settings.ok()) co_return std::move(settings).error();
  co_return ctx.Reply(
      200, LayerVersionJson(ctx.account, *layer, *settings,
                            CodeLocation(ctx, LayerPackagePath(layer->name, layer->version))));
}

}  // namespace

Task<Status> GetLayerVersion(Context& ctx) {
  auto name = ParseLayerName(ctx.path_params.at(0), ctx.account);
  if (!name.ok()) co_return std::move(name).error();
  auto version = ParseLayerVersionNumber(ctx.path_params.at(1));
  if (!version.ok()) co_return std::move(version).error();
  co_return co_await SendLayerVersion(ctx, *name, *version);
}

Task<Status> GetLayerVersionByArn(Context& ctx) {
  static const char kPattern[] =
      "arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+";
  const std::string* arn = ctx.req().query.Get("Arn");
  Violations v;
  if (!arn) {
    v.AddNull("arn");
  } else {
    if (arn->empty()) v.Add(*arn, "arn", "Member must have length greater than or equal to 1");
    v.MaxLength(*arn, "arn", 140);
    v.Pattern(*arn, "arn", kPattern);
  }
  Status s = v.ToStatus();
  if (!s.ok()) co_return s;
  auto parsed = ParseLayerVersionArn(*arn, ctx.account);
  if (!parsed) co_return NotFound();
  co_return co_await SendLayerVersion(ctx, parsed->first, parsed->second);
}

}  // namespace evoke::lambda
