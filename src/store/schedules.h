// The schedule repository: EventBridge rules (default event bus) with their targets, and
// EventBridge Scheduler schedules and schedule groups. Reads take any connection; writes take a
// Committer job's WriteTxn. The events module sees only this. Error codes are the APIs' own;
// messages are left to the callers, which know how each API words them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/committer.h"
#include "store/sqlite.h"

namespace evoke::store {

struct RuleRecord {
  std::string name;
  std::string schedule_expression;  // empty: none
  std::string event_pattern;        // empty: none
  std::string state;                // ENABLED | DISABLED
  std::string description;
  std::string role_arn;
  int64_t created_ms = 0;
  int64_t anchor_ms = 0;  // where rate() counts from
};

struct RuleTargetRecord {
  std::string rule;
  std::string id;
  std::string target_json;  // the Target object as PutTargets took it
};

struct ScheduleRecord {
  std::string group;
  std::string name;
  std::string state;            // ENABLED | DISABLED
  std::string definition_json;  // as the Scheduler module serializes it
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
};

struct ScheduleGroupRecord {
  std::string name;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
};

// Rules.
Result<std::optional<RuleRecord>> GetRule(Connection& c, std::string_view name);
// Rules whose name starts with `prefix` and is > `after`, in name order, at most `limit`.
Result<std::vector<RuleRecord>> ListRules(Connection& c, std::string_view prefix,
                                          std::string_view after, size_t limit);
// Every enabled rule with a schedule expression (what the schedule runner keeps timers for).
Result<std::vector<RuleRecord>> ListEnabledScheduledRules(Connection& c);
// Creates or replaces the rule (PutRule). The caller decides created_ms/anchor_ms.
Status PutRule(WriteTxn& t, const RuleRecord& rule);
// False when there was no such rule.
Result<bool> SetRuleState(WriteTxn& t, std::string_view name, std::string_view state);
// Deletes the rule and (callers check first) its targets; false when there was none.
Result<bool> DeleteRule(WriteTxn& t, std::string_view name);

// Targets, in Id order.
Result<std::vector<RuleTargetRecord>> ListRuleTargets(Connection& c, std::string_view rule);
Result<size_t> CountRuleTargets(Connection& c, std::string_view rule);
Status PutRuleTarget(WriteTxn& t, const RuleTargetRecord& target);
// False when the rule had no target with that Id.
Result<bool> DeleteRuleTarget(WriteTxn& t, std::string_view rule, std::string_view id);

// Schedules.
Result<std::optional<ScheduleRecord>> GetSchedule(Connection& c, std::string_view group,
                                                  std::string_view name);
struct ScheduleFilter {
  std::string group;        // empty: every group
  std::string name_prefix;  // empty: any
  std::string state;        // empty: any
  std::string after_group;  // resume after (after_group, after_name); both empty: from the start
  std::string after_name;
};
// In (group, name) order, at most `limit`.
Result<std::vector<ScheduleRecord>> ListSchedules(Connection& c, const ScheduleFilter& filter,
                                                  size_t limit);
// ConflictException when (group, name) is taken.
Status CreateSchedule(WriteTxn& t, const ScheduleRecord& schedule);
// Rewrites the definition, state and modified_ms; false when there is no such schedule.
Result<bool> ReplaceSchedule(WriteTxn& t, const ScheduleRecord& schedule);
// False when there was none.
Result<bool> DeleteSchedule(WriteTxn& t, std::string_view group, std::string_view name);

// Schedule groups other than "default", which exists without a row.
Result<std::optional<ScheduleGroupRecord>> GetScheduleGroup(Connection& c, std::string_view name);
Result<std::vector<ScheduleGroupRecord>> ListScheduleGroups(Connection& c);
// ConflictException when the name is taken.
Status CreateScheduleGroup(WriteTxn& t, const ScheduleGroupRecord& group);
// Deletes the group and its schedules; false when there was none.
Result<bool> DeleteScheduleGroup(WriteTxn& t, std::string_view name);

}  // namespace evoke::store
