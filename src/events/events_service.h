// EventsService: the EventBridge API (awsJson1.1, X-Amz-Target: AWSEvents.<Op>) for rules on
// the default event bus and their targets, as a table of operations and errors that the request
// pipeline runs (api/pipeline.h). Called on I/O threads; holds no per-request state. Rules with a
// ScheduleExpression fire through the ScheduleRunner; EventPattern is stored, never matched.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "api/pipeline.h"
#include "api/service.h"
#include "base/asio.h"
#include "base/clock.h"
#include "http/exchange.h"
#include "store/schedules.h"
#include "store/txn.h"

namespace evoke::events {

struct EventsOptions {
  std::string region;
  std::string account_id;
};

struct EventsDependencies {
  store::Transactions& txns;
  store::ScheduleRepository& schedules;
  const Clock& clock;  // the events clock: rules' creation times anchor their rate()
  // Called after every committed change to rules or targets (the ScheduleRunner's Wake);
  // may be empty.
  std::function<void()> schedules_changed;
};

// What an operation gets for one request.
struct EventsContext {
  const EventsOptions& options;
  const EventsDependencies& deps;
  const nlohmann::json& input;  // the request body, an object

  int64_t NowMs() const { return deps.clock.NowMs(); }
  // Commits `apply` and waits; on success tells the schedule runner.
  Task<Status> Commit(std::function<Status(store::WriteTxn&)> apply) const;
  std::string RuleArn(std::string_view rule) const;
};

using EventsOperation = Task<Result<nlohmann::json>> (*)(EventsContext&);

class EventsService {
 public:
  EventsService(EventsOptions options, EventsDependencies deps, const api::Pipeline& pipeline);
  Task<void> Handle(http::Exchange& exchange);
  const api::Service& table() const { return service_; }

 private:
  EventsOptions options_;
  EventsDependencies deps_;
  const api::Pipeline& pipeline_;
  api::Service service_;
};

}  // namespace evoke::events
