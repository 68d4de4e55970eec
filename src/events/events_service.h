// EventsService: the EventBridge API (awsJson1.1, X-Amz-Target: AWSEvents.<Op>) for rules on
// the default event bus and their targets. Reads and verifies each request (SigV4 over the
// whole body, service "events"), finds its operation in the table, runs it and renders
// EventBridge's JSON errors. Called on I/O threads; holds no per-request state. Rules with a
// ScheduleExpression fire through the ScheduleRunner; EventPattern is stored, never matched.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "auth/verifier.h"
#include "base/asio.h"
#include "base/clock.h"
#include "http/exchange.h"
#include "store/committer.h"
#include "store/database.h"

namespace evoke::events {

struct EventsOptions {
  std::string region;
  std::string account_id;
};

struct EventsDependencies {
  store::Database& db;
  store::Committer& committer;
  auth::Verifier& verifier;
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
  // Runs `apply` in the committer's next batch and waits for its commit; on success tells the
  // schedule runner.
  Task<Status> Commit(std::function<Status(store::WriteTxn&)> apply) const;
  std::string RuleArn(std::string_view rule) const;
};

using EventsOperation = Task<Result<nlohmann::json>> (*)(EventsContext&);

class EventsService {
 public:
  EventsService(EventsOptions options, EventsDependencies deps);
  Task<void> Handle(http::Exchange& exchange);

 private:
  EventsOptions options_;
  EventsDependencies deps_;
};

// The operation named by an X-Amz-Target value; nullptr when evoke does not serve it. Pure.
EventsOperation FindEventsOperation(std::string_view target);
// The HTTP status of an error code (awsJson1.1: 400 for the client's errors). Pure.
int EventsStatusForError(std::string_view code);

}  // namespace evoke::events
