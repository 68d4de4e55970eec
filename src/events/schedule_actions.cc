// CreateSchedule, GetSchedule, UpdateSchedule, DeleteSchedule, ListSchedules: EventBridge
// Scheduler schedules, keyed by (group, name). Writes are one Committer job each, awaited
// before the answer.
#include <charconv>

#include "events/events_input.h"
#include "events/schedule_definition.h"
#include "events/scheduler_service.h"
#include "store/errors.h"
#include "store/schedules.h"

namespace evoke::events {
namespace {

using nlohmann::json;

constexpr int64_t kStartDateGraceMs = 5 * 60 * 1000;

json Seconds(int64_t ms) {
  if (ms % 1000 == 0) return json(ms / 1000);
  return json(static_cast<double>(ms) / 1000.0);
}

Error ScheduleNotFound(std::string_view name) {
  return MakeError("ResourceNotFoundException",
                   "Schedule " + std::string(name) + " does not exist.");
}

Result<std::string> PathName(const SchedulerContext& ctx) {
  const std::string& name = ctx.path_params.at(0);
  if (Status s = CheckScheduleName(name, "name"); !s.ok()) return std::move(s).error();
  return name;
}

// The definition in a Create or Update request, with the checks that depend on now.
Result<ScheduleDefinition> RequestDefinition(const SchedulerContext& ctx) {
  auto d = ParseScheduleDefinition(ctx.input);
  if (!d.ok()) return d;
  // The schedule invokes through its role: naming it needs iam:PassRole on it, as on AWS.
  auto role = d->target.find("RoleArn");
  if (role == d->target.end() || !role->is_string() || !ctx.authorize) {
    return MakeError("AccessDeniedException", "Access Denied");
  }
  Status passed = ctx.authorize("iam:PassRole", role->get<std::string>(),
                                {{"iam:PassedToService", "scheduler.amazonaws.com"}});
  if (!passed.ok()) return std::move(passed).error();
  if (d->start_ms && d->parsed->kind() != ScheduleExpression::Kind::kAt &&
      *d->start_ms < ctx.NowMs() - kStartDateGraceMs) {
    return MakeError("ValidationException",
                     "The StartDate you specify cannot be earlier than 5 minutes ago.");
  }
  return d;
}

Result<std::optional<std::string>> BodyGroup(const SchedulerContext& ctx) {
  return OptionalString(ctx.input, "GroupName");
}

}  // namespace

Task<Result<json>> CreateSchedule(SchedulerContext& ctx) {
  auto name = PathName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  auto group_name = BodyGroup(ctx);
  if (!group_name.ok()) co_return std::move(group_name).error();
  auto d = RequestDefinition(ctx);
  if (!d.ok()) co_return std::move(d).error();
  int64_t now = ctx.NowMs();
  std::string group;
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto existing_group = ExistingGroup(ctx, t, group_name->has_value() ? &**group_name : nullptr);
    if (!existing_group.ok()) return std::move(existing_group).error();
    group = *existing_group;
    Status created = ctx.deps.schedules.CreateSchedule(
        t, {group, *name, d->state, DefinitionJson(*d).dump(), now, now});
    if (!created.ok() && store::Is(created.error(), store::kAlreadyExists, "schedule")) {
      return MakeError("ConflictException", "Schedule " + *name + " already exists.");
    }
    return created;
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json{{"ScheduleArn", ctx.ScheduleArn(group, *name)}};
}

Task<Result<json>> GetSchedule(SchedulerContext& ctx) {
  auto name = PathName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  auto reader = ctx.deps.txns.Read();
  auto group = ExistingGroup(ctx, *reader, ctx.Query("groupName"));
  if (!group.ok()) co_return std::move(group).error();
  auto found = ctx.deps.schedules.GetSchedule(*reader, *group, *name);
  if (!found.ok()) co_return std::move(found).error();
  if (!found->has_value()) co_return ScheduleNotFound(*name);
  const store::ScheduleRecord& r = **found;
  json out = json::parse(r.definition_json);
  out["Arn"] = ctx.ScheduleArn(r.group, r.name);
  out["Name"] = r.name;
  out["GroupName"] = r.group;
  out["CreationDate"] = Seconds(r.created_ms);
  out["LastModificationDate"] = Seconds(r.modified_ms);
  co_return out;
}

Task<Result<json>> UpdateSchedule(SchedulerContext& ctx) {
  auto name = PathName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  auto group_name = BodyGroup(ctx);
  if (!group_name.ok()) co_return std::move(group_name).error();
  auto d = RequestDefinition(ctx);
  if (!d.ok()) co_return std::move(d).error();
  int64_t now = ctx.NowMs();
  std::string group;
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto existing_group = ExistingGroup(ctx, t, group_name->has_value() ? &**group_name : nullptr);
    if (!existing_group.ok()) return std::move(existing_group).error();
    group = *existing_group;
    store::ScheduleRecord r{group, *name, d->state, DefinitionJson(*d).dump(), 0, now};
    auto replaced = ctx.deps.schedules.ReplaceSchedule(t, r);
    if (!replaced.ok()) return std::move(replaced).error();
    if (!*replaced) return ScheduleNotFound(*name);
    return {};
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json{{"ScheduleArn", ctx.ScheduleArn(group, *name)}};
}

Task<Result<json>> DeleteSchedule(SchedulerContext& ctx) {
  auto name = PathName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  const std::string* group_name = ctx.Query("groupName");
  // clientToken makes retries idempotent in AWS; a retried delete here answers not found.
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto group = ExistingGroup(ctx, t, group_name);
    if (!group.ok()) return std::move(group).error();
    auto deleted = ctx.deps.schedules.DeleteSchedule(t, *group, *name);
    if (!deleted.ok()) return std::move(deleted).error();
    if (!*deleted) return ScheduleNotFound(*name);
    return {};
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json::object();
}

Task<Result<json>> ListSchedules(SchedulerContext& ctx) {
  store::ScheduleFilter filter;
  size_t page = 100;
  if (const std::string* max = ctx.Query("MaxResults")) {
    int64_t value = 0;
    auto [end, ec] = std::from_chars(max->data(), max->data() + max->size(), value);
    if (ec != std::errc() || end != max->data() + max->size()) {
      co_return MakeError("ValidationException", "Invalid MaxResults: " + *max);
    }
    if (Status s = CheckRange(value, "maxResults", 1, 100); !s.ok()) co_return std::move(s).error();
    page = static_cast<size_t>(value);
  }
  if (const std::string* prefix = ctx.Query("NamePrefix")) {
    if (Status s = CheckLength(*prefix, "namePrefix", 1, 64); !s.ok()) {
      co_return std::move(s).error();
    }
    filter.name_prefix = *prefix;
  }
  if (const std::string* state = ctx.Query("State")) {
    if (Status s = CheckEnum(*state, "state", {"ENABLED", "DISABLED"}); !s.ok()) {
      co_return std::move(s).error();
    }
    filter.state = *state;
  }
  if (const std::string* token = ctx.Query("NextToken")) {
    auto decoded = DecodeNextToken(*token);
    size_t newline = decoded ? decoded->find('\n') : std::string::npos;
    if (newline == std::string::npos) {
      co_return MakeError("ValidationException", "The NextToken provided is invalid.");
    }
    filter.after_group = decoded->substr(0, newline);
    filter.after_name = decoded->substr(newline + 1);
  }
  auto reader = ctx.deps.txns.Read();
  if (const std::string* group = ctx.Query("ScheduleGroup")) {
    auto existing = ExistingGroup(ctx, *reader, group);
    if (!existing.ok()) co_return std::move(existing).error();
    filter.group = *existing;
  }
  auto schedules = ctx.deps.schedules.ListSchedules(*reader, filter, page + 1);
  if (!schedules.ok()) co_return std::move(schedules).error();
  json out = {{"Schedules", json::array()}};
  for (size_t i = 0; i < schedules->size() && i < page; ++i) {
    const store::ScheduleRecord& r = (*schedules)[i];
    json definition = json::parse(r.definition_json);
    out["Schedules"].push_back({{"Arn", ctx.ScheduleArn(r.group, r.name)},
                                {"CreationDate", Seconds(r.created_ms)},
                                {"GroupName", r.group},
                                {"LastModificationDate", Seconds(r.modified_ms)},
                                {"Name", r.name},
                                {"State", r.state},
                                {"Target", {{"Arn", definition["Target"]["Arn"]}}}});
  }
  if (schedules->size() > page) {
    const store::ScheduleRecord& last = (*schedules)[page - 1];
    out["NextToken"] = EncodeNextToken(last.group + "\n" + last.name);
  }
  co_return out;
}

}  // namespace evoke::events
