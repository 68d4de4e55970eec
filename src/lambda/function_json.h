// The JSON forms of a function: the configuration as stored in its record, and the
// FunctionConfiguration document the API returns. Pure; used by the Lambda actions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"
#include "lambda/function_config.h"
#include "store/functions.h"

namespace evoke::lambda {

struct Account {
  std::string region;
  std::string account_id;
};

std::string FunctionArn(const Account& account, std::string_view name);
// Lambda's timestamp form (LastModified, CreatedDate): "2019-08-14T22:26:11.234+0000".
std::string LambdaTimestamp(int64_t ms);

std::string SerializeConfig(const FunctionConfig& config);
Result<FunctionConfig> ParseStoredConfig(std::string_view text);

// FunctionConfiguration as GetFunctionConfiguration, CreateFunction and ListFunctions return it.
nlohmann::json ConfigurationJson(const Account& account, const store::FunctionRecord& record,
                                 const FunctionConfig& config);

}  // namespace evoke::lambda
