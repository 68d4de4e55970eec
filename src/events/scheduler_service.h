// SchedulerService: the EventBridge Scheduler API (rest-json, SigV4 service "scheduler"):
// schedules and schedule groups, as a table of REST routes and errors (x-amzn-ErrorType and
// {"Message": ...} with the model's HTTP statuses) that the request pipeline runs
// (api/pipeline.h). Called on I/O threads; holds no per-request state. Schedules fire through the ScheduleRunner.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/asio.h"
#include "events/events_service.h"
#include "http/exchange.h"

namespace evoke::events {

// What an action gets for one request.
struct SchedulerContext {
  const http::Request& request;
  const EventsOptions& options;
  const EventsDependencies& deps;
  const nlohmann::json& input;           // the body (an object; empty for GET and DELETE)
  std::vector<std::string> path_params;  // decoded {Name}
  // The decision for another action and resource of this request (api::Call::authorize_also).
  api::Call::AuthorizeAlso authorize;

  int64_t NowMs() const { return deps.clock.NowMs(); }
  // Runs `apply` in the committer's next batch and waits for its commit; on success tells the
  // schedule runner.
  Task<Status> Commit(std::function<Status(store::WriteTxn&)> apply) const;
  // A query parameter, or nullptr.
  const std::string* Query(std::string_view name) const;
  std::string ScheduleArn(std::string_view group, std::string_view name) const;
  std::string GroupArn(std::string_view group) const;
};

using SchedulerAction = Task<Result<nlohmann::json>> (*)(SchedulerContext&);

class SchedulerService {
 public:
  SchedulerService(EventsOptions options, EventsDependencies deps, const api::Pipeline& pipeline);
  Task<void> Handle(http::Exchange& exchange);
  const api::Service& table() const { return service_; }

 private:
  EventsOptions options_;
  EventsDependencies deps_;
  const api::Pipeline& pipeline_;
  api::Service service_;
};

// schedule_actions.cc
Task<Result<nlohmann::json>> CreateSchedule(SchedulerContext& ctx);
Task<Result<nlohmann::json>> GetSchedule(SchedulerContext& ctx);
Task<Result<nlohmann::json>> UpdateSchedule(SchedulerContext& ctx);
Task<Result<nlohmann::json>> DeleteSchedule(SchedulerContext& ctx);
Task<Result<nlohmann::json>> ListSchedules(SchedulerContext& ctx);
// schedule_group_actions.cc
Task<Result<nlohmann::json>> CreateScheduleGroup(SchedulerContext& ctx);
Task<Result<nlohmann::json>> GetScheduleGroup(SchedulerContext& ctx);
Task<Result<nlohmann::json>> ListScheduleGroups(SchedulerContext& ctx);
Task<Result<nlohmann::json>> DeleteScheduleGroup(SchedulerContext& ctx);

// A schedule or group name (1-64 of [0-9a-zA-Z-_.]); `path` names it in messages.
Status CheckScheduleName(std::string_view name, const char* path);
// The group a request names (absent: "default"); ResourceNotFoundException when no such
// group exists.
Result<std::string> ExistingGroup(const SchedulerContext& ctx, store::ReadTxn& t,
                                  const std::string* group);

}  // namespace evoke::events
