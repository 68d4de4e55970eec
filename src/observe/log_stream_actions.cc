// CreateLogStream, DeleteLogStream: the writes on a log stream.
#include "observe/logs_actions.h"
#include "observe/logs_input.h"
#include "store/logs.h"

namespace evoke::observe {

Task<Result<nlohmann::json>> CreateLogStream(LogsContext& ctx) {
  auto group = RequiredGroupName(ctx.input);
  if (!group.ok()) co_return std::move(group).error();
  auto stream = RequiredStreamName(ctx.input);
  if (!stream.ok()) co_return std::move(stream).error();
  int64_t now = ctx.NowMs();
  Status s = co_await ctx.Commit(
      [&](store::WriteTxn& t) { return ctx.logs().CreateLogStream(t, *group, *stream, now); });
  if (!s.ok()) co_return std::move(s).error();
  co_return nlohmann::json::object();
}

Task<Result<nlohmann::json>> DeleteLogStream(LogsContext& ctx) {
  auto group = RequiredGroupName(ctx.input);
  if (!group.ok()) co_return std::move(group).error();
  auto stream = RequiredStreamName(ctx.input);
  if (!stream.ok()) co_return std::move(stream).error();
  Status s = co_await ctx.Commit(
      [&](store::WriteTxn& t) { return ctx.logs().DeleteLogStream(t, *group, *stream); });
  if (!s.ok()) co_return std::move(s).error();
  co_return nlohmann::json::object();
}

}  // namespace evoke::observe
