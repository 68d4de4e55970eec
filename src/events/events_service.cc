#include "events/events_service.h"

#include <array>

#include "events/events_actions.h"
#include "store/write.h"

namespace evoke::events {
namespace {

using nlohmann::json;

// PutTargets is the largest request: 100 targets of 8 KiB inputs, escaped.
constexpr size_t kMaxRequestBytes = 4u << 20;

struct OperationRow {
  const char* name;
  EventsOperation run;
};

constexpr std::array kOperations = {
    OperationRow{"PutRule", PutRule},
    OperationRow{"DescribeRule", DescribeRule},
    OperationRow{"ListRules", ListRules},
    OperationRow{"DeleteRule", DeleteRule},
    OperationRow{"EnableRule", EnableRule},
    OperationRow{"DisableRule", DisableRule},
    OperationRow{"PutTargets", PutTargets},
    OperationRow{"RemoveTargets", RemoveTargets},
    OperationRow{"ListTargetsByRule", ListTargetsByRule},
};

// EventBridge's errors (its model gives no status: awsJson1.1's 400, InternalException 500),
// with the authentication errors, which it too answers with 400.
constexpr std::array<api::ErrorStatus, 16> kErrors = {{
    {"MissingAuthenticationTokenException", 400},
    {"UnrecognizedClientException", 400},
    {"InvalidSignatureException", 400},
    {"AccessDeniedException", 400},
    {"ConcurrentModificationException", 400},
    {"IllegalStatusException", 400},
    {"InvalidEventPatternException", 400},
    {"InvalidStateException", 400},
    {"LimitExceededException", 400},
    {"ManagedRuleException", 400},
    {"OperationDisabledException", 400},
    {"PolicyLengthExceededException", 400},
    {"ResourceAlreadyExistsException", 400},
    {"ResourceNotFoundException", 400},
    {"ValidationException", 400},
    {"InternalException", 500},
}};

Task<Result<api::Output>> RunOperation(EventsOperation run, const EventsOptions& options,
                                       const EventsDependencies& deps, api::Call& call) {
  EventsContext ctx{options, deps, call.input};
  Result<json> out = co_await run(ctx);
  if (!out.ok()) co_return std::move(out).error();
  co_return api::Output::Document(std::move(*out));
}

api::Service MakeTable(const EventsOptions& options, const EventsDependencies& deps) {
  api::Service service;
  service.name = "events";
  service.protocol = api::Protocol::kAwsJson11;
  service.target_prefix = "AWSEvents.";
  service.errors = kErrors;
  service.internal_error = "InternalException";
  service.max_body = kMaxRequestBytes;
  service.too_large_error = "ValidationException";
  for (const OperationRow& row : kOperations) {
    api::Operation op;
    op.name = row.name;
    op.iam_action = std::string("events:") + row.name;
    // Every operation names a rule on the default bus ("Name" or "Rule"), or none (ListRules).
    op.resource = [&options](const api::Call& call) -> std::string {
      for (const char* member : {"Name", "Rule"}) {
        auto it = call.input.find(member);
        if (it != call.input.end() && it->is_string()) {
          return "arn:aws:events:" + options.region + ":" + options.account_id + ":rule/" +
                 it->get<std::string>();
        }
      }
      return "*";
    };
    op.run = [run = row.run, &options, &deps](api::Call& call) {
      return RunOperation(run, options, deps, call);
    };
    service.operations.push_back(std::move(op));
  }
  return service;
}

}  // namespace

Task<Status> EventsContext::Commit(std::function<Status(store::WriteTxn&)> apply) const {
  Status s = co_await store::Write(deps.txns, std::move(apply));
  if (s.ok() && deps.schedules_changed) deps.schedules_changed();
  co_return s;
}

std::string EventsContext::RuleArn(std::string_view rule) const {
  return "arn:aws:events:" + options.region + ":" + options.account_id + ":rule/" +
         std::string(rule);
}

EventsService::EventsService(EventsOptions options, EventsDependencies deps,
                             const api::Pipeline& pipeline)
    : options_(std::move(options)),
      deps_(std::move(deps)),
      pipeline_(pipeline),
      service_(MakeTable(options_, deps_)) {}

Task<void> EventsService::Handle(http::Exchange& ex) { return pipeline_.Handle(ex, service_); }

}  // namespace evoke::events
