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
  auto record = ReadFunction(ctx, *name);
  if (!record.ok()) co_return std::move(record).error();
  auto config = ParseStoredConfig(record->config_json);
  if (!config.ok()) co_return std::move(config).error();
  co_return ctx.Reply(200, ConfigurationJson(ctx.account, *record, *config));
}

}  // namespace evoke::lambda
