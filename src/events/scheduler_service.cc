#include "events/scheduler_service.h"

#include <array>

#include "events/events_input.h"
#include "store/schedules.h"
#include "store/write.h"

namespace evoke::events {
namespace {

using nlohmann::json;

constexpr size_t kMaxRequestBytes = 1u << 20;

struct Route {
  const char* method;
  const char* path;  // "{}" matches one segment
  const char* action;
  SchedulerAction run;
};

constexpr std::array kRoutes = {
    Route{"POST", "/schedules/{}", "CreateSchedule", CreateSchedule},
    Route{"GET", "/schedules/{}", "GetSchedule", GetSchedule},
    Route{"PUT", "/schedules/{}", "UpdateSchedule", UpdateSchedule},
    Route{"DELETE", "/schedules/{}", "DeleteSchedule", DeleteSchedule},
    Route{"GET", "/schedules", "ListSchedules", ListSchedules},
    Route{"POST", "/schedule-groups/{}", "CreateScheduleGroup", CreateScheduleGroup},
    Route{"GET", "/schedule-groups/{}", "GetScheduleGroup", GetScheduleGroup},
    Route{"DELETE", "/schedule-groups/{}", "DeleteScheduleGroup", DeleteScheduleGroup},
    Route{"GET", "/schedule-groups", "ListScheduleGroups", ListScheduleGroups},
};

// EventBridge Scheduler's errors and statuses (its model), with the pipeline's own refusals as
// this service answers them.
constexpr std::array<api::ErrorStatus, 11> kErrors = {{
    {"ValidationException", 400},
    {"ConflictException", 409},
    {"ResourceNotFoundException", 404},
    {"ServiceQuotaExceededException", 402},
    {"ThrottlingException", 429},
    {"InternalServerException", 500},
    {"UnrecognizedClientException", 403},
    {"InvalidSignatureException", 403},
    {"AccessDeniedException", 403},
    {"MissingAuthenticationTokenException", 403},
    {"UnknownOperationException", 404},
}};

Task<Result<api::Output>> RunRoute(SchedulerAction run, const EventsOptions& options,
                                   const EventsDependencies& deps, api::Call& call) {
  SchedulerContext ctx{call.request,     options,         deps, call.input, call.path_params,
                       call.authorize_also};
  Result<json> out = co_await run(ctx);
  if (!out.ok()) co_return std::move(out).error();
  co_return api::Output::Document(std::move(*out));
}

api::Service MakeTable(const EventsOptions& options, const EventsDependencies& deps) {
  api::Service service;
  service.name = "scheduler";
  service.protocol = api::Protocol::kRestJson;
  service.errors = kErrors;
  service.internal_error = "InternalServerException";
  service.max_body = kMaxRequestBytes;
  service.too_large_error = "ValidationException";
  service.error_message_member = "Message";
  for (const Route& route : kRoutes) {
    api::Operation op;
    op.name = route.action;
    op.method = route.method;
    op.path = route.path;
    op.iam_action = std::string("scheduler:") + route.action;
    op.resource = [&options, schedule = std::string_view(route.path).starts_with("/schedules/"),
                   group = std::string_view(route.path).starts_with("/schedule-groups/")](
                      const api::Call& call) -> std::string {
      if (call.path_params.empty()) return "*";
      std::string prefix = "arn:aws:scheduler:" + options.region + ":" + options.account_id;
      if (group) return prefix + ":schedule-group/" + call.path_params[0];
      if (!schedule) return "*";
      const std::string* g = call.Query("groupName");
      auto member = call.input.find("GroupName");
      std::string name = g ? *g
                           : (member != call.input.end() && member->is_string()
                                  ? member->get<std::string>()
                                  : std::string("default"));
      return prefix + ":schedule/" + name + "/" + call.path_params[0];
    };
    op.run = [run = route.run, &options, &deps](api::Call& call) {
      return RunRoute(run, options, deps, call);
    };
    service.operations.push_back(std::move(op));
  }
  return service;
}

}  // namespace

Task<Status> SchedulerContext::Commit(std::function<Status(store::WriteTxn&)> apply) const {
  Status s = co_await store::Write(deps.txns, std::move(apply));
  if (s.ok() && deps.schedules_changed) deps.schedules_changed();
  co_return s;
}

const std::string* SchedulerContext::Query(std::string_view name) const {
  return request.query.Get(name);
}

std::string SchedulerContext::ScheduleArn(std::string_view group, std::string_view name) const {
  return "arn:aws:scheduler:" + options.region + ":" + options.account_id + ":schedule/" +
         std::string(group) + "/" + std::string(name);
}

std::string SchedulerContext::GroupArn(std::string_view group) const {
  return "arn:aws:scheduler:" + options.region + ":" + options.account_id + ":schedule-group/" +
         std::string(group);
}

Status CheckScheduleName(std::string_view name, const char* path) {
  if (Status s = CheckLength(name, path, 1, 64); !s.ok()) return s;
  return CheckChars(name, path, "-_.", "^[0-9a-zA-Z-_.]+$");
}

Result<std::string> ExistingGroup(const SchedulerContext& ctx, store::ReadTxn& t,
                                  const std::string* group) {
  if (!group || group->empty() || *group == "default") return std::string("default");
  if (Status s = CheckScheduleName(*group, "groupName"); !s.ok()) return std::move(s).error();
  auto found = ctx.deps.schedules.GetScheduleGroup(t, *group);
  if (!found.ok()) return std::move(found).error();
  if (!found->has_value()) {
    return MakeError("ResourceNotFoundException", "Schedule group " + *group + " does not exist.");
  }
  return *group;
}

SchedulerService::SchedulerService(EventsOptions options, EventsDependencies deps,
                                   const api::Pipeline& pipeline)
    : options_(std::move(options)),
      deps_(std::move(deps)),
      pipeline_(pipeline),
      service_(MakeTable(options_, deps_)) {}

Task<void> SchedulerService::Handle(http::Exchange& ex) { return pipeline_.Handle(ex, service_); }

}  // namespace evoke::events
