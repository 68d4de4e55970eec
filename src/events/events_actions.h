// The EventBridge operations evoke serves, one function each, for EventsService's table. Each
// returns the operation's JSON output or an error for the service to render.
#pragma once

#include <nlohmann/json.hpp>

#include "base/asio.h"
#include "base/result.h"
#include "events/events_service.h"
#include "store/schedules.h"

namespace evoke::events {

// rule_actions.cc
Task<Result<nlohmann::json>> PutRule(EventsContext& ctx);
Task<Result<nlohmann::json>> DescribeRule(EventsContext& ctx);
Task<Result<nlohmann::json>> ListRules(EventsContext& ctx);
Task<Result<nlohmann::json>> DeleteRule(EventsContext& ctx);
Task<Result<nlohmann::json>> EnableRule(EventsContext& ctx);
Task<Result<nlohmann::json>> DisableRule(EventsContext& ctx);
// target_actions.cc
Task<Result<nlohmann::json>> PutTargets(EventsContext& ctx);
Task<Result<nlohmann::json>> RemoveTargets(EventsContext& ctx);
Task<Result<nlohmann::json>> ListTargetsByRule(EventsContext& ctx);

// ResourceNotFoundException unless EventBusName is absent or names the default bus.
Status CheckEventBus(const nlohmann::json& in, const EventsOptions& options);
// The rule `member` names (Name or Rule: required, 1-64 of [.-_A-Za-z0-9]), after checking
// that EventBusName, when given, is the default bus. `path` is the member's name in messages.
Result<std::string> RequiredRuleName(const nlohmann::json& in, const char* member,
                                     const char* path, const EventsOptions& options);
// ResourceNotFoundException "Rule NAME does not exist on EventBus default." as EventBridge
// words it.
Error RuleNotFound(std::string_view name);
Result<store::RuleRecord> FindRule(const EventsContext& ctx, store::ReadTxn& t,
                                   std::string_view name);

}  // namespace evoke::events
