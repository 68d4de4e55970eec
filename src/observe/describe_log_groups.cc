// DescribeLogGroups: the account's log groups in name order, optionally under a prefix, `limit`
// (1-50, default 50) at a time; nextToken continues after the last name returned.
#include "observe/log_tokens.h"
#include "observe/logs_actions.h"
#include "observe/logs_input.h"

namespace evoke::observe {

Task<Result<nlohmann::json>> DescribeLogGroups(LogsContext& ctx) {
  auto prefix = OptionalString(ctx.input, "logGroupNamePrefix");
  if (!prefix.ok()) co_return std::move(prefix).error();
  if (prefix->has_value()) {
    if (Status s = CheckGroupName(**prefix, "logGroupNamePrefix"); !s.ok()) {
      co_return std::move(s).error();
    }
  }
  auto pattern = OptionalString(ctx.input, "logGroupNamePattern");
  if (!pattern.ok()) co_return std::move(pattern).error();
  if (pattern->has_value() && !(*pattern)->empty()) {
    co_return MakeError("InvalidParameterException",
                        "evoke does not support logGroupNamePattern yet; use logGroupNamePrefix");
  }
  auto limit = Limit(ctx.input, 50, 50);
  if (!limit.ok()) co_return std::move(limit).error();
  auto token = OptionalString(ctx.input, "nextToken");
  if (!token.ok()) co_return std::move(token).error();
  std::string after;
  if (token->has_value()) {
    auto decoded = DecodeNameToken(**token);
    if (!decoded) {
      co_return MakeError("InvalidParameterException", "The specified nextToken is invalid.");
    }
    after = std::move(*decoded);
  }
  std::vector<store::LogGroupRecord> groups;
  {
    auto reader = ctx.Read();
    auto listed = ctx.logs().ListLogGroups(*reader, prefix->value_or(""), after,
                                           static_cast<size_t>(*limit) + 1);
    if (!listed.ok()) co_return std::move(listed).error();
    groups = std::move(*listed);
  }
  bool more = groups.size() > static_cast<size_t>(*limit);
  if (more) groups.pop_back();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& g : groups) {
    nlohmann::json item = {{"logGroupName", g.name},
                           {"creationTime", g.created_ms},
                           {"metricFilterCount", 0},
                           {"arn", ctx.GroupArn(g.name) + ":*"},
                           {"logGroupArn", ctx.GroupArn(g.name)},
                           {"storedBytes", g.stored_bytes}};
    if (g.retention_days) item["retentionInDays"] = *g.retention_days;
    list.push_back(std::move(item));
  }
  nlohmann::json out = {{"logGroups", std::move(list)}};
  if (more) out["nextToken"] = EncodeNameToken(groups.back().name);
  co_return out;
}

}  // namespace evoke::observe
