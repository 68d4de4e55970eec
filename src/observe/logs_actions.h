// The CloudWatch Logs operations, one function each. Each returns the operation's JSON output
// or an error for LogsService to render.
#pragma once

#include <nlohmann/json.hpp>

#include "base/asio.h"
#include "base/result.h"
#include "observe/logs_service.h"
#include "store/logs.h"

namespace evoke::observe {

Task<Result<nlohmann::json>> CreateLogGroup(LogsContext& ctx);
Task<Result<nlohmann::json>> DeleteLogGroup(LogsContext& ctx);
Task<Result<nlohmann::json>> DescribeLogGroups(LogsContext& ctx);
Task<Result<nlohmann::json>> PutRetentionPolicy(LogsContext& ctx);
Task<Result<nlohmann::json>> DeleteRetentionPolicy(LogsContext& ctx);
Task<Result<nlohmann::json>> CreateLogStream(LogsContext& ctx);
Task<Result<nlohmann::json>> DeleteLogStream(LogsContext& ctx);
Task<Result<nlohmann::json>> DescribeLogStreams(LogsContext& ctx);
Task<Result<nlohmann::json>> PutLogEvents(LogsContext& ctx);
Task<Result<nlohmann::json>> GetLogEvents(LogsContext& ctx);
Task<Result<nlohmann::json>> FilterLogEvents(LogsContext& ctx);

// The group named `name`, or ResourceNotFoundException as CloudWatch Logs words it.
Result<store::LogGroupRecord> FindLogGroup(const LogsContext& ctx, store::ReadTxn& t,
                                           std::string_view name);
Result<store::LogStreamRecord> FindLogStream(const LogsContext& ctx, store::ReadTxn& t,
                                             int64_t group_id, std::string_view name);
// The store's errors as CloudWatch Logs spells them (ResourceNotFoundException, ...).
Error LogsError(Error error);

// The retention periods PutRetentionPolicy accepts, in days. Pure.
bool IsValidRetentionDays(int64_t days);

}  // namespace evoke::observe
