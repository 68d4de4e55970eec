// GetFunctionConfiguration: the configuration of a function ($LATEST; evoke has no published
// versions yet).
#include <nlohmann/json.hpp>

#include "lambda/actions.h"
#include "lambda/function_config.h"
#include "lambda/function_json.h"
#include "store/functions.h"

namespace evoke::lambda {

Task<Status> GetFunctionConfiguration(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  std::optional<store::FunctionRecord> record;
  {
    auto reader = ctx.deps.db.Reader();
    auto found = store::GetFunction(*reader, *name);
    if (!found.ok()) co_return std::move(found).error();
    record = std::move(*found);
  }
  if (!record) {
    co_return MakeError("ResourceNotFoundException",
                        "Function not found: " + FunctionArn(ctx.account, *name));
  }
  auto config = ParseStoredConfig(record->config_json);
  if (!config.ok()) co_return std::move(config).error();
  co_return co_await ctx.SendJson(200, ConfigurationJson(ctx.account, *record, *config));
}

}  // namespace evoke::lambda
