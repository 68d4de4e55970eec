// PutRule, DescribeRule, ListRules, DeleteRule, EnableRule, DisableRule: the rules of the
// default event bus. A rule's writes are one Committer job each, awaited before the answer.
#include "events/events_actions.h"
#include "events/events_input.h"
#include "events/schedule_expression.h"

namespace evoke::events {
namespace {

using nlohmann::json;

constexpr size_t kMaxListLimit = 100;

json RuleJson(const EventsContext& ctx, const store::RuleRecord& r) {
  json out = {{"Name", r.name}, {"Arn", ctx.RuleArn(r.name)}};
  if (!r.event_pattern.empty()) out["EventPattern"] = r.event_pattern;
  if (!r.schedule_expression.empty()) out["ScheduleExpression"] = r.schedule_expression;
  out["State"] = r.state;
  if (!r.description.empty()) out["Description"] = r.description;
  if (!r.role_arn.empty()) out["RoleArn"] = r.role_arn;
  out["EventBusName"] = "default";
  return out;
}

// An EventPattern must be a JSON object; evoke stores it without matching events against it.
Status CheckEventPattern(const std::string& pattern) {
  if (Status s = CheckLength(pattern, "eventPattern", 0, 4096); !s.ok()) return s;
  json parsed = json::parse(pattern, nullptr, false);
  if (parsed.is_discarded()) {
    return MakeError("InvalidEventPatternException",
                     "Event pattern is not valid. Reason: it is not valid JSON.");
  }
  if (!parsed.is_object()) {
    return MakeError("InvalidEventPatternException",
                     "Event pattern is not valid. Reason: Filter is not an object");
  }
  return {};
}

Task<Result<json>> SetState(EventsContext& ctx, const char* state) {
  auto name = RequiredRuleName(ctx.input, "Name", "name", ctx.options);
  if (!name.ok()) co_return std::move(name).error();
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto changed = ctx.deps.schedules.SetRuleState(t, *name, state);
    if (!changed.ok()) return std::move(changed).error();
    if (!*changed) return RuleNotFound(*name);
    return {};
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json::object();
}

}  // namespace

Error RuleNotFound(std::string_view name) {
  return MakeError("ResourceNotFoundException",
                   "Rule " + std::string(name) + " does not exist on EventBus default.");
}

Result<store::RuleRecord> FindRule(const EventsContext& ctx, store::ReadTxn& t,
                                   std::string_view name) {
  auto rule = ctx.deps.schedules.GetRule(t, name);
  if (!rule.ok()) return std::move(rule).error();
  if (!rule->has_value()) return RuleNotFound(name);
  return std::move(**rule);
}

Status CheckEventBus(const json& in, const EventsOptions& options) {
  auto bus = OptionalString(in, "EventBusName");
  if (!bus.ok()) return std::move(bus).error();
  if (!bus->has_value()) return {};
  std::string default_arn =
      "arn:aws:events:" + options.region + ":" + options.account_id + ":event-bus/default";
  if (**bus == "default" || **bus == default_arn) return {};
  // evoke has only the default bus.
  std::string shown = **bus;
  if (size_t slash = shown.rfind('/'); shown.starts_with("arn:") && slash != std::string::npos) {
    shown = shown.substr(slash + 1);
  }
  return MakeError("ResourceNotFoundException", "Event bus " + shown + " does not exist.");
}

Result<std::string> RequiredRuleName(const json& in, const char* member, const char* path,
                                     const EventsOptions& options) {
  if (Status s = CheckEventBus(in, options); !s.ok()) return std::move(s).error();
  auto name = OptionalString(in, member);
  if (!name.ok()) return std::move(name).error();
  if (!name->has_value()) return NullError(path);
  if (Status s = CheckLength(**name, path, 1, 64); !s.ok()) return std::move(s).error();
  if (Status s = CheckChars(**name, path, ".-_", "[\\.\\-_A-Za-z0-9]+"); !s.ok()) {
    return std::move(s).error();
  }
  return std::move(**name);
}

Task<Result<json>> PutRule(EventsContext& ctx) {
  auto name = RequiredRuleName(ctx.input, "Name", "name", ctx.options);
  if (!name.ok()) co_return std::move(name).error();
  store::RuleRecord rule;
  rule.name = *name;
  auto expression = OptionalString(ctx.input, "ScheduleExpression");
  auto pattern = OptionalString(ctx.input, "EventPattern");
  auto state = OptionalString(ctx.input, "State");
  auto description = OptionalString(ctx.input, "Description");
  auto role = OptionalString(ctx.input, "RoleArn");
  for (auto* member : {&expression, &pattern, &state, &description, &role}) {
    if (!member->ok()) co_return member->error();
  }
  rule.schedule_expression = expression->value_or("");
  rule.event_pattern = pattern->value_or("");
  rule.state = state->value_or("ENABLED");
  rule.description = description->value_or("");
  rule.role_arn = role->value_or("");
  if (Status s = CheckLength(rule.schedule_expression, "scheduleExpression", 0, 256); !s.ok()) {
    co_return std::move(s).error();
  }
  if (Status s = CheckEnum(rule.state, "state", {"ENABLED", "DISABLED"}); !s.ok()) {
    co_return std::move(s).error();
  }
  if (Status s = CheckLength(rule.description, "description", 0, 512); !s.ok()) {
    co_return std::move(s).error();
  }
  if (role->has_value()) {
    if (Status s = CheckLength(rule.role_arn, "roleArn", 1, 1600); !s.ok()) {
      co_return std::move(s).error();
    }
  }
  if (rule.schedule_expression.empty() && rule.event_pattern.empty()) {
    co_return MakeError("ValidationException",
                        "Parameter(s) EventPattern or ScheduleExpression must be specified.");
  }
  if (!rule.event_pattern.empty()) {
    if (Status s = CheckEventPattern(rule.event_pattern); !s.ok()) co_return std::move(s).error();
  }
  if (!rule.schedule_expression.empty()) {
    auto parsed = ParseRuleSchedule(rule.schedule_expression);
    if (!parsed.ok()) co_return std::move(parsed).error();
  }
  // Tags are accepted and not kept (evoke has no TagResource for rules yet).
  int64_t now = ctx.NowMs();
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto existing = ctx.deps.schedules.GetRule(t, rule.name);
    if (!existing.ok()) return std::move(existing).error();
    rule.created_ms = now;
    rule.anchor_ms = now;
    if (existing->has_value()) {
      // A rate() keeps counting from when its expression was set, across other changes.
      rule.created_ms = (*existing)->created_ms;
      if ((*existing)->schedule_expression == rule.schedule_expression) {
        rule.anchor_ms = (*existing)->anchor_ms;
      }
    }
    return ctx.deps.schedules.PutRule(t, rule);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json{{"RuleArn", ctx.RuleArn(rule.name)}};
}

Task<Result<json>> DescribeRule(EventsContext& ctx) {
  auto name = RequiredRuleName(ctx.input, "Name", "name", ctx.options);
  if (!name.ok()) co_return std::move(name).error();
  auto reader = ctx.deps.txns.Read();
  auto rule = FindRule(ctx, *reader, *name);
  if (!rule.ok()) co_return std::move(rule).error();
  json out = RuleJson(ctx, *rule);
  out["CreatedBy"] = ctx.options.account_id;
  co_return out;
}

Task<Result<json>> ListRules(EventsContext& ctx) {
  if (Status s = CheckEventBus(ctx.input, ctx.options); !s.ok()) co_return std::move(s).error();
  auto prefix = OptionalString(ctx.input, "NamePrefix");
  if (!prefix.ok()) co_return std::move(prefix).error();
  if (prefix->has_value()) {
    if (Status s = CheckLength(**prefix, "namePrefix", 1, 64); !s.ok()) {
      co_return std::move(s).error();
    }
  }
  auto limit = OptionalInt(ctx.input, "Limit");
  if (!limit.ok()) co_return std::move(limit).error();
  if (limit->has_value()) {
    if (Status s = CheckRange(**limit, "limit", 1, 100); !s.ok()) co_return std::move(s).error();
  }
  size_t page = limit->has_value() ? static_cast<size_t>(**limit) : kMaxListLimit;
  auto token = OptionalString(ctx.input, "NextToken");
  if (!token.ok()) co_return std::move(token).error();
  std::string after;
  if (token->has_value()) {
    auto decoded = DecodeNextToken(**token);
    if (!decoded) co_return MakeError("ValidationException", "The NextToken provided is invalid.");
    after = std::move(*decoded);
  }
  auto reader = ctx.deps.txns.Read();
  auto rules = ctx.deps.schedules.ListRules(*reader, prefix->value_or(""), after, page + 1);
  if (!rules.ok()) co_return std::move(rules).error();
  json out = {{"Rules", json::array()}};
  for (size_t i = 0; i < rules->size() && i < page; ++i) {
    out["Rules"].push_back(RuleJson(ctx, (*rules)[i]));
  }
  if (rules->size() > page) out["NextToken"] = EncodeNextToken((*rules)[page - 1].name);
  co_return out;
}

Task<Result<json>> DeleteRule(EventsContext& ctx) {
  auto name = RequiredRuleName(ctx.input, "Name", "name", ctx.options);
  if (!name.ok()) co_return std::move(name).error();
  auto force = OptionalBool(ctx.input, "Force");
  if (!force.ok()) co_return std::move(force).error();
  // Force applies to rules managed by AWS services, which evoke does not have.
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto targets = ctx.deps.schedules.CountRuleTargets(t, *name);
    if (!targets.ok()) return std::move(targets).error();
    if (*targets > 0) {
      return MakeError("ValidationException", "Rule can't be deleted since it has targets.");
    }
    // Deleting a rule that does not exist succeeds, as in EventBridge.
    auto deleted = ctx.deps.schedules.DeleteRule(t, *name);
    if (!deleted.ok()) return std::move(deleted).error();
    return {};
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json::object();
}

Task<Result<json>> EnableRule(EventsContext& ctx) { return SetState(ctx, "ENABLED"); }

Task<Result<json>> DisableRule(EventsContext& ctx) { return SetState(ctx, "DISABLED"); }

}  // namespace evoke::events
