// ListFunctions: the account's functions in name order, MaxItems (1-10000, default 50) at a
// time; NextMarker continues.
#include <charconv>
#include <nlohmann/json.hpp>

#include "lambda/actions.h"
#include "lambda/function_json.h"
#include "store/functions.h"

namespace evoke::lambda {

Task<Status> ListFunctions(Context& ctx) {
  int64_t max_items = 50;
  if (const std::string* m = ctx.req().query.Get("MaxItems")) {
    auto [p, ec] = std::from_chars(m->data(), m->data() + m->size(), max_items);
    if (ec != std::errc() || p != m->data() + m->size() || max_items < 1 || max_items > 10000) {
      co_return MakeError("ValidationException",
                          "1 validation error detected: Value '" + *m +
                              "' at 'maxItems' failed to satisfy constraint: Member must have "
                              "value between 1 and 10000");
    }
  }
  std::string marker;
  if (const std::string* m = ctx.req().query.Get("Marker")) marker = *m;
  std::vector<store::FunctionRecord> records;
  {
    auto reader = ctx.deps.store.txns.Read();
    auto listed =
        ctx.deps.store.functions.ListFunctions(*reader, marker, static_cast<size_t>(max_items) + 1);
    if (!listed.ok()) co_return std::move(listed).error();
    records = std::move(*listed);
  }
  bool more = records.size() > static_cast<size_t>(max_items);
  if (more) records.pop_back();
  nlohmann::json functions = nlohmann::json::array();
  for (const auto& r : records) {
    auto config = ParseStoredConfig(r.config_json);
    if (!config.ok()) co_return std::move(config).error();
    functions.push_back(ConfigurationJson(ctx.account, r, *config));
  }
  nlohmann::json out = {{"Functions", functions}};
  if (more) out["NextMarker"] = records.back().name;
  co_return ctx.Reply(200, out);
}

}  // namespace evoke::lambda
