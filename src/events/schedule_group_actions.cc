// CreateScheduleGroup, GetScheduleGroup, ListScheduleGroups, DeleteScheduleGroup. The
// "default" group always exists (it has no row) and cannot be created or deleted; deleting a
// group deletes its schedules, as the Scheduler API reference says.
#include "events/events_input.h"
#include "events/scheduler_service.h"
#include "store/errors.h"
#include "store/schedules.h"

namespace evoke::events {
namespace {

using nlohmann::json;

json Seconds(int64_t ms) {
  if (ms % 1000 == 0) return json(ms / 1000);
  return json(static_cast<double>(ms) / 1000.0);
}

json GroupJson(const SchedulerContext& ctx, const store::ScheduleGroupRecord& g) {
  json out = {{"Arn", ctx.GroupArn(g.name)}, {"Name", g.name}, {"State", "ACTIVE"}};
  if (g.name != "default") {
    out["CreationDate"] = Seconds(g.created_ms);
    out["LastModificationDate"] = Seconds(g.modified_ms);
  }
  return out;
}

Result<std::string> PathGroup(const SchedulerContext& ctx) {
  const std::string& name = ctx.path_params.at(0);
  if (Status s = CheckScheduleName(name, "name"); !s.ok()) return std::move(s).error();
  return name;
}

Error GroupNotFound(std::string_view name) {
  return MakeError("ResourceNotFoundException",
                   "Schedule group " + std::string(name) + " does not exist.");
}

}  // namespace

Task<Result<json>> CreateScheduleGroup(SchedulerContext& ctx) {
  auto name = PathGroup(ctx);
  if (!name.ok()) co_return std::move(name).error();
  int64_t now = ctx.NowMs();
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    Status created = *name == "default"
                         ? Status(store::AlreadyExists("schedule group", *name))
                         : ctx.deps.schedules.CreateScheduleGroup(t, {*name, now, now});
    if (!created.ok() && store::Is(created.error(), store::kAlreadyExists, "schedule group")) {
      return MakeError("ConflictException", "Schedule group " + *name + " already exists.");
    }
    return created;
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json{{"ScheduleGroupArn", ctx.GroupArn(*name)}};
}

Task<Result<json>> GetScheduleGroup(SchedulerContext& ctx) {
  auto name = PathGroup(ctx);
  if (!name.ok()) co_return std::move(name).error();
  if (*name == "default") co_return GroupJson(ctx, {"default", 0, 0});
  auto reader = ctx.deps.txns.Read();
  auto found = ctx.deps.schedules.GetScheduleGroup(*reader, *name);
  if (!found.ok()) co_return std::move(found).error();
  if (!found->has_value()) co_return GroupNotFound(*name);
  co_return GroupJson(ctx, **found);
}

Task<Result<json>> ListScheduleGroups(SchedulerContext& ctx) {
  std::string prefix;
  if (const std::string* p = ctx.Query("NamePrefix")) prefix = *p;
  auto reader = ctx.deps.txns.Read();
  auto groups = ctx.deps.schedules.ListScheduleGroups(*reader);
  if (!groups.ok()) co_return std::move(groups).error();
  groups->insert(groups->begin(), store::ScheduleGroupRecord{"default", 0, 0});
  json out = {{"ScheduleGroups", json::array()}};
  // Few groups: one page (MaxResults and NextToken are not needed to see them all).
  for (const auto& g : *groups) {
    if (g.name.starts_with(prefix)) out["ScheduleGroups"].push_back(GroupJson(ctx, g));
  }
  co_return out;
}

Task<Result<json>> DeleteScheduleGroup(SchedulerContext& ctx) {
  auto name = PathGroup(ctx);
  if (!name.ok()) co_return std::move(name).error();
  if (*name == "default") {
    co_return MakeError("ValidationException", "Cannot delete the default schedule group.");
  }
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto deleted = ctx.deps.schedules.DeleteScheduleGroup(t, *name);
    if (!deleted.ok()) return std::move(deleted).error();
    if (!*deleted) return GroupNotFound(*name);
    return {};
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json::object();
}

}  // namespace evoke::events
