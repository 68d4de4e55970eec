// CreateLogGroup, DeleteLogGroup, PutRetentionPolicy, DeleteRetentionPolicy: the writes on a
// log group, each one Committer job awaited before the answer.
#include <algorithm>
#include <array>

#include "observe/logs_actions.h"
#include "observe/logs_input.h"
#include "store/logs.h"

namespace evoke::observe {
namespace {

constexpr std::array<int64_t, 22> kRetentionDays = {1,    3,    5,    7,    14,   30,  60,  90,
                                                    120,  150,  180,  365,  400,  545, 731, 1096,
                                                    1827, 2192, 2557, 2922, 3288, 3653};

}  // namespace

Result<store::LogGroupRecord> FindLogGroup(const LogsContext& ctx, store::ReadTxn& t,
                                           std::string_view name) {
  auto g = ctx.logs().GetLogGroup(t, name);
  if (!g.ok()) return std::move(g).error();
  if (!g->has_value()) {
    return MakeError("ResourceNotFoundException", "The specified log group does not exist.");
  }
  return std::move(**g);
}

Result<store::LogStreamRecord> FindLogStream(const LogsContext& ctx, store::ReadTxn& t,
                                             int64_t group_id, std::string_view name) {
  auto r = ctx.logs().GetLogStream(t, group_id, name);
  if (!r.ok()) return std::move(r).error();
  if (!r->has_value()) {
    return MakeError("ResourceNotFoundException", "The specified log stream does not exist.");
  }
  return std::move(**r);
}

bool IsValidRetentionDays(int64_t days) {
  return std::find(kRetentionDays.begin(), kRetentionDays.end(), days) != kRetentionDays.end();
}

Task<Result<nlohmann::json>> CreateLogGroup(LogsContext& ctx) {
  auto name = RequiredGroupName(ctx.input);
  if (!name.ok()) co_return std::move(name).error();
  int64_t now = ctx.NowMs();
  Status s = co_await ctx.Commit(
      [&](store::WriteTxn& t) { return ctx.logs().CreateLogGroup(t, *name, now); });
  if (!s.ok()) co_return std::move(s).error();
  co_return nlohmann::json::object();
}

Task<Result<nlohmann::json>> DeleteLogGroup(LogsContext& ctx) {
  auto name = RequiredGroupName(ctx.input);
  if (!name.ok()) co_return std::move(name).error();
  Status s =
      co_await ctx.Commit([&](store::WriteTxn& t) { return ctx.logs().DeleteLogGroup(t, *name); });
  if (!s.ok()) co_return std::move(s).error();
  co_return nlohmann::json::object();
}

Task<Result<nlohmann::json>> PutRetentionPolicy(LogsContext& ctx) {
  auto name = RequiredGroupName(ctx.input);
  if (!name.ok()) co_return std::move(name).error();
  auto days = OptionalInt(ctx.input, "retentionInDays");
  if (!days.ok()) co_return std::move(days).error();
  if (!days->has_value()) {
    co_return MakeError("InvalidParameterException",
                        "1 validation error detected: Value null at 'retentionInDays' failed to "
                        "satisfy constraint: Member must not be null");
  }
  if (!IsValidRetentionDays(**days)) {
    std::string set;
    for (int64_t d : kRetentionDays) set += (set.empty() ? "" : ", ") + std::to_string(d);
    co_return ValidationError(std::to_string(**days), "retentionInDays",
                              "satisfy enum value set: [" + set + "]");
  }
  int value = static_cast<int>(**days);
  Status s = co_await ctx.Commit(
      [&](store::WriteTxn& t) { return ctx.logs().SetLogRetention(t, *name, value); });
  if (!s.ok()) co_return std::move(s).error();
  ctx.store.RequestRetentionSweep();
  co_return nlohmann::json::object();
}

Task<Result<nlohmann::json>> DeleteRetentionPolicy(LogsContext& ctx) {
  auto name = RequiredGroupName(ctx.input);
  if (!name.ok()) co_return std::move(name).error();
  Status s = co_await ctx.Commit(
      [&](store::WriteTxn& t) { return ctx.logs().SetLogRetention(t, *name, std::nullopt); });
  if (!s.ok()) co_return std::move(s).error();
  co_return nlohmann::json::object();
}

}  // namespace evoke::observe
