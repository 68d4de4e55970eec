// ListLayers and ListLayerVersions: layers in name order, each with its latest version that
// matches the CompatibleRuntime/CompatibleArchitecture filters; a layer's versions newest
// first. MaxItems 1-50 (default 50); NextMarker continues.
#include <charconv>
#include <nlohmann/json.hpp>

#include "lambda/actions.h"
#include "lambda/layer_config.h"
#include "store/layers.h"

namespace evoke::lambda {
namespace {

constexpr size_t kBatch = 100;

struct ListOptions {
  size_t max_items = 50;
  std::string marker;
  std::string runtime;
  std::string architecture;
};

Result<ListOptions> ParseListOptions(const http::Request& req) {
  ListOptions o;
  if (const std::string* m = req.query.Get("MaxItems")) {
    int64_t n = 0;
    auto [p, ec] = std::from_chars(m->data(), m->data() + m->size(), n);
    if (ec != std::errc() || p != m->data() + m->size() || n < 1 || n > 50) {
      return MakeError("ValidationException",
                       "1 validation error detected: Value '" + *m +
                           "' at 'maxItems' failed to satisfy constraint: Member must have value "
                           "between 1 and 50");
    }
    o.max_items = static_cast<size_t>(n);
  }
  if (const std::string* m = req.query.Get("Marker")) o.marker = *m;
  if (const std::string* r = req.query.Get("CompatibleRuntime")) o.runtime = *r;
  if (const std::string* a = req.query.Get("CompatibleArchitecture")) {
    if (*a != "x86_64" && *a != "arm64") {
      return MakeError("ValidationException",
                       "1 validation error detected: Value '" + *a +
                           "' at 'compatibleArchitecture' failed to satisfy constraint: Member "
                           "must satisfy enum value set: [x86_64, arm64]");
    }
    o.architecture = *a;
  }
  return o;
}

// The versions of `name` below `below` (0: all) that match the filters, newest first, until
// `limit` are found; `more` tells whether matching versions remain.
Result<std::vector<std::pair<store::LayerVersionRecord, LayerSettings>>> MatchingVersions(
    store::LayerRepository& layers, store::ReadTxn& t, const std::string& name, int64_t below,
    const ListOptions& o, size_t limit, bool& more) {
  std::vector<std::pair<store::LayerVersionRecord, LayerSettings>> out;
  more = false;
  for (;;) {
    auto batch = layers.ListLayerVersions(t, name, below, kBatch);
    if (!batch.ok()) return std::move(batch).error();
    for (auto& layer : *batch) {
      auto settings = ParseStoredLayerSettings(layer.config_json);
      if (!settings.ok()) return std::move(settings).error();
      if (!LayerMatches(*settings, o.runtime, o.architecture)) continue;
      if (out.size() == limit) {
        more = true;
        return out;
      }
      out.emplace_back(std::move(layer), std::move(*settings));
    }
    if (batch->size() < kBatch) return out;
    below = batch->back().version;
  }
}

}  // namespace

Task<Status> ListLayerVersions(Context& ctx) {
  auto name = ParseLayerName(ctx.path_params.at(0), ctx.account);
  if (!name.ok()) co_return std::move(name).error();
  auto options = ParseListOptions(ctx.req());
  if (!options.ok()) co_return std::move(options).error();
  int64_t below = 0;
  if (!options->marker.empty()) {
    auto n = ParseLayerVersionNumber(options->marker);
    if (!n.ok()) {
      co_return MakeError("InvalidParameterValueException", "Invalid marker: " + options->marker);
    }
    below = *n;
  }
  bool more = false;
  std::vector<std::pair<store::LayerVersionRecord, LayerSettings>> versions;
  {
    auto reader = ctx.deps.store.txns.Read();
    auto found = MatchingVersions(ctx.deps.store.layers, *reader, *name, below, *options,
                                  options->max_items, more);
    if (!found.ok()) co_return std::move(found).error();
    versions = std::move(*found);
  }
  nlohmann::json items = nlohmann::json::array();
  for (const auto& [layer, settings] : versions) {
    items.push_back(LayerVersionItemJson(layer, settings));
  }
  nlohmann::json out = {{"LayerVersions", items}};
  if (more) out["NextMarker"] = std::to_string(versions.back().first.version);
  co_return ctx.Reply(200, out);
}

Task<Status> ListLayers(Context& ctx) {
  auto options = ParseListOptions(ctx.req());
  if (!options.ok()) co_return std::move(options).error();
  nlohmann::json items = nlohmann::json::array();
  std::string after = options->marker;
  bool more = false;
  {
    auto reader = ctx.deps.store.txns.Read();
    bool done = false;
    while (!done) {
      auto names = ctx.deps.store.layers.ListLayerNames(*reader, after, kBatch);
      if (!names.ok()) co_return std::move(names).error();
      for (const auto& name : *names) {
        bool unused = false;
        auto latest =
            MatchingVersions(ctx.deps.store.layers, *reader, name, 0, *options, 1, unused);
        if (!latest.ok()) co_return std::move(latest).error();
        if (latest->empty()) continue;
        if (items.size() == options->max_items) {
          more = true;
          done = true;
          break;
        }
        const auto& [layer, settings] = latest->front();
        items.push_back({{"LayerName", name},
                         {"LayerArn", LayerArn(ctx.account, name)},
                         {"LatestMatchingVersion", LayerVersionItemJson(layer, settings)}});
        after = name;
      }
      if (names->size() < kBatch) done = true;
      if (!done && !names->empty()) after = names->back();
    }
  }
  nlohmann::json out = {{"Layers", items}};
  if (more) out["NextMarker"] = items.back()["LayerName"];
  co_return ctx.Reply(200, out);
}

}  // namespace evoke::lambda
