// The schedule repository: EventBridge rules (default event bus) with their targets, and
// EventBridge Scheduler schedules and schedule groups (docs/store.md). Reads take any
// transaction; writes a job's WriteTxn. Used by the events module. Errors: AlreadyExists
// "schedule" / "schedule group" (store/errors.h); the callers word them as each API does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/txn.h"

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

struct ScheduleFilter {
  std::string group;        // empty: every group
  std::string name_prefix;  // empty: any
  std::string state;        // empty: any
  std::string after_group;  // resume after (after_group, after_name); both empty: from the start
  std::string after_name;
};

class ScheduleRepository {
 public:
  virtual ~ScheduleRepository() = default;

  // Rules.
  virtual Result<std::optional<RuleRecord>> GetRule(ReadTxn& t, std::string_view name) = 0;
  // Rules whose name starts with `prefix` and is > `after`, in name order, at most `limit`.
  virtual Result<std::vector<RuleRecord>> ListRules(ReadTxn& t, std::string_view prefix,
                                                    std::string_view after, size_t limit) = 0;
  // Every enabled rule with a schedule expression (what the schedule runner keeps timers for).
  virtual Result<std::vector<RuleRecord>> ListEnabledScheduledRules(ReadTxn& t) = 0;
  // Creates or replaces the rule (PutRule). The caller decides created_ms/anchor_ms.
  virtual Status PutRule(WriteTxn& t, const RuleRecord& rule) = 0;
  // False when there was no such rule.
  virtual Result<bool> SetRuleState(WriteTxn& t, std::string_view name, std::string_view state) = 0;
  // Deletes the rule and (callers check first) its targets; false when there was none.
  virtual Result<bool> DeleteRule(WriteTxn& t, std::string_view name) = 0;

  // Targets, in Id order.
  virtual Result<std::vector<RuleTargetRecord>> ListRuleTargets(ReadTxn& t,
                                                                std::string_view rule) = 0;
  virtual Result<size_t> CountRuleTargets(ReadTxn& t, std::string_view rule) = 0;
  virtual Status PutRuleTarget(WriteTxn& t, const RuleTargetRecord& target) = 0;
  // False when the rule had no target with that Id.
  virtual Result<bool> DeleteRuleTarget(WriteTxn& t, std::string_view rule,
                                        std::string_view id) = 0;

  // Schedules.
  virtual Result<std::optional<ScheduleRecord>> GetSchedule(ReadTxn& t, std::string_view group,
                                                            std::string_view name) = 0;
  // In (group, name) order, at most `limit`.
  virtual Result<std::vector<ScheduleRecord>> ListSchedules(ReadTxn& t,
                                                            const ScheduleFilter& filter,
                                                            size_t limit) = 0;
  // AlreadyExists "schedule" when (group, name) is taken.
  virtual Status CreateSchedule(WriteTxn& t, const ScheduleRecord& schedule) = 0;
  // Rewrites the definition, state and modified_ms; false when there is no such schedule.
  virtual Result<bool> ReplaceSchedule(WriteTxn& t, const ScheduleRecord& schedule) = 0;
  // False when there was none.
  virtual Result<bool> DeleteSchedule(WriteTxn& t, std::string_view group,
                                      std::string_view name) = 0;

  // Schedule groups other than "default", which exists without a row.
  virtual Result<std::optional<ScheduleGroupRecord>> GetScheduleGroup(ReadTxn& t,
                                                                      std::string_view name) = 0;
  virtual Result<std::vector<ScheduleGroupRecord>> ListScheduleGroups(ReadTxn& t) = 0;
  // AlreadyExists "schedule group" when the name is taken.
  virtual Status CreateScheduleGroup(WriteTxn& t, const ScheduleGroupRecord& group) = 0;
  // Deletes the group and its schedules; false when there was none.
  virtual Result<bool> DeleteScheduleGroup(WriteTxn& t, std::string_view name) = 0;
};

}  // namespace evoke::store
