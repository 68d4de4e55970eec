// GetFunction: the function's configuration, a link to download its package (valid ten
// minutes, like Lambda's presigned S3 link) and its reserved concurrency when it has one.
#include <nlohmann/json.hpp>

#include "lambda/actions.h"
#include "lambda/code_link.h"
#include "lambda/function_config.h"
#include "lambda/function_json.h"
#include "store/functions.h"

namespace evoke::lambda {

Task<Status> GetFunction(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  auto record = ReadFunction(ctx, *name);
  if (!record.ok()) co_return std::move(record).error();
  auto config = ParseStoredConfig(record->config_json);
  if (!config.ok()) co_return std::move(config).error();
  nlohmann::json out = {
      {"Configuration", ConfigurationJson(ctx.account, *record, *config)},
      {"Code",
       {{"RepositoryType", "S3"},
        {"Location",
         CodeLocation(ctx, FunctionPackagePath(record->name, record->code_sha256))}}}};
  if (record->reserved_concurrency) {
    out["Concurrency"] = {{"ReservedConcurrentExecutions", *record->reserved_concurrency}};
  }
  co_return ctx.Reply(200, out);
}

}  // namespace evoke::lambda
