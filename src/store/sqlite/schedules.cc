#include "store/errors.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/txn.h"

namespace evoke::store::sqlite {
namespace {

constexpr char kRuleColumns[] =
    "name, coalesce(schedule_expression, ''), coalesce(event_pattern, ''), state, "
    "coalesce(description, ''), coalesce(role_arn, ''), created_ms, anchor_ms";

RuleRecord ReadRule(const Stmt& s) {
  RuleRecord r;
  r.name = s.String(0);
  r.schedule_expression = s.String(1);
  r.event_pattern = s.String(2);
  r.state = s.String(3);
  r.description = s.String(4);
  r.role_arn = s.String(5);
  r.created_ms = s.Int(6);
  r.anchor_ms = s.Int(7);
  return r;
}

constexpr char kScheduleColumns[] = "group_name, name, state, definition, created_ms, modified_ms";

ScheduleRecord ReadSchedule(const Stmt& s) {
  ScheduleRecord r;
  r.group = s.String(0);
  r.name = s.String(1);
  r.state = s.String(2);
  r.definition_json = s.String(3);
  r.created_ms = s.Int(4);
  r.modified_ms = s.Int(5);
  return r;
}

Result<bool> RunChanged(WriteTxn& t, Stmt& s) {
  Status st = s.Run();
  if (!st.ok()) return std::move(st).error();
  return Db(t).Changes() > 0;
}

}  // namespace

Result<std::optional<RuleRecord>> SqliteSchedules::GetRule(ReadTxn& txn, std::string_view name) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql =
      std::string("SELECT ") + kRuleColumns + " FROM event_rules WHERE name = ?1";
  Stmt s = c.Prepare(sql);
  s.Bind(1, name);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<RuleRecord>();
  return std::optional<RuleRecord>(ReadRule(s));
}

Result<std::vector<RuleRecord>> SqliteSchedules::ListRules(ReadTxn& txn, std::string_view prefix,
                                                           std::string_view after, size_t limit) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql = std::string("SELECT ") + kRuleColumns +
                                 " FROM event_rules WHERE name > ?1 AND "
                                 "substr(name, 1, length(?2)) = ?2 ORDER BY name LIMIT ?3";
  Stmt s = c.Prepare(sql);
  s.Bind(1, after).Bind(2, prefix).Bind(3, static_cast<int64_t>(limit));
  return ReadRows<RuleRecord>(s, ReadRule);
}

Result<std::vector<RuleRecord>> SqliteSchedules::ListEnabledScheduledRules(ReadTxn& txn) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql = std::string("SELECT ") + kRuleColumns +
                                 " FROM event_rules WHERE state = 'ENABLED' AND "
                                 "coalesce(schedule_expression, '') != '' ORDER BY name";
  Stmt s = c.Prepare(sql);
  return ReadRows<RuleRecord>(s, ReadRule);
}

Status SqliteSchedules::PutRule(WriteTxn& t, const RuleRecord& r) {
  Stmt s = Db(t).Prepare(
      "INSERT INTO event_rules (name, schedule_expression, event_pattern, state, description, "
      "role_arn, created_ms, anchor_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT (name) DO UPDATE SET schedule_expression = ?2, event_pattern = ?3, "
      "state = ?4, description = ?5, role_arn = ?6, created_ms = ?7, anchor_ms = ?8");
  s.Bind(1, r.name).BindOrNull(2, r.schedule_expression).BindOrNull(3, r.event_pattern);
  s.Bind(4, r.state).BindOrNull(5, r.description).BindOrNull(6, r.role_arn);
  s.Bind(7, r.created_ms).Bind(8, r.anchor_ms);
  return s.Run();
}

Result<bool> SqliteSchedules::SetRuleState(WriteTxn& t, std::string_view name,
                                           std::string_view state) {
  Stmt s = Db(t).Prepare("UPDATE event_rules SET state = ?2 WHERE name = ?1");
  s.Bind(1, name).Bind(2, state);
  return RunChanged(t, s);
}

Result<bool> SqliteSchedules::DeleteRule(WriteTxn& t, std::string_view name) {
  {
    Stmt s = Db(t).Prepare("DELETE FROM event_targets WHERE rule = ?1");
    if (Status st = s.Bind(1, name).Run(); !st.ok()) return std::move(st).error();
  }
  Stmt s = Db(t).Prepare("DELETE FROM event_rules WHERE name = ?1");
  s.Bind(1, name);
  return RunChanged(t, s);
}

Result<std::vector<RuleTargetRecord>> SqliteSchedules::ListRuleTargets(ReadTxn& txn,
                                                                       std::string_view rule) {
  Connection& c = ConnectionOf(txn);
  Stmt s = c.Prepare("SELECT rule, id, target FROM event_targets WHERE rule = ?1 ORDER BY id");
  s.Bind(1, rule);
  return ReadRows<RuleTargetRecord>(s, [](const Stmt& row) {
    return RuleTargetRecord{row.String(0), row.String(1), row.String(2)};
  });
}

Result<size_t> SqliteSchedules::CountRuleTargets(ReadTxn& txn, std::string_view rule) {
  Connection& c = ConnectionOf(txn);
  Stmt s = c.Prepare("SELECT count(*) FROM event_targets WHERE rule = ?1");
  s.Bind(1, rule);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  return static_cast<size_t>(s.Int(0));
}

Status SqliteSchedules::PutRuleTarget(WriteTxn& t, const RuleTargetRecord& target) {
  Stmt s = Db(t).Prepare(
      "INSERT INTO event_targets (rule, id, target) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (rule, id) DO UPDATE SET target = ?3");
  s.Bind(1, target.rule).Bind(2, target.id).Bind(3, target.target_json);
  return s.Run();
}

Result<bool> SqliteSchedules::DeleteRuleTarget(WriteTxn& t, std::string_view rule,
                                               std::string_view id) {
  Stmt s = Db(t).Prepare("DELETE FROM event_targets WHERE rule = ?1 AND id = ?2");
  s.Bind(1, rule).Bind(2, id);
  return RunChanged(t, s);
}

Result<std::optional<ScheduleRecord>> SqliteSchedules::GetSchedule(ReadTxn& txn,
                                                                   std::string_view group,
                                                                   std::string_view name) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql = std::string("SELECT ") + kScheduleColumns +
                                 " FROM schedules WHERE group_name = ?1 AND name = ?2";
  Stmt s = c.Prepare(sql);
  s.Bind(1, group).Bind(2, name);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<ScheduleRecord>();
  return std::optional<ScheduleRecord>(ReadSchedule(s));
}

Result<std::vector<ScheduleRecord>> SqliteSchedules::ListSchedules(ReadTxn& txn,
                                                                   const ScheduleFilter& f,
                                                                   size_t limit) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql = std::string("SELECT ") + kScheduleColumns +
                                 " FROM schedules WHERE (?1 = '' OR group_name = ?1) AND "
                                 "substr(name, 1, length(?2)) = ?2 AND (?3 = '' OR state = ?3) AND "
                                 "(group_name > ?4 OR (group_name = ?4 AND name > ?5)) "
                                 "ORDER BY group_name, name LIMIT ?6";
  Stmt s = c.Prepare(sql);
  s.Bind(1, f.group).Bind(2, f.name_prefix).Bind(3, f.state).Bind(4, f.after_group);
  s.Bind(5, f.after_name).Bind(6, static_cast<int64_t>(limit));
  return ReadRows<ScheduleRecord>(s, ReadSchedule);
}

Status SqliteSchedules::CreateSchedule(WriteTxn& t, const ScheduleRecord& r) {
  auto existing = GetSchedule(t, r.group, r.name);
  if (!existing.ok()) return std::move(existing).error();
  if (existing->has_value()) return AlreadyExists("schedule", r.name);
  Stmt s = Db(t).Prepare(
      "INSERT INTO schedules (group_name, name, state, definition, created_ms, modified_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  s.Bind(1, r.group).Bind(2, r.name).Bind(3, r.state).Bind(4, r.definition_json);
  s.Bind(5, r.created_ms).Bind(6, r.modified_ms);
  return s.Run();
}

Result<bool> SqliteSchedules::ReplaceSchedule(WriteTxn& t, const ScheduleRecord& r) {
  Stmt s = Db(t).Prepare(
      "UPDATE schedules SET state = ?3, definition = ?4, modified_ms = ?5 "
      "WHERE group_name = ?1 AND name = ?2");
  s.Bind(1, r.group).Bind(2, r.name).Bind(3, r.state).Bind(4, r.definition_json);
  s.Bind(5, r.modified_ms);
  return RunChanged(t, s);
}

Result<bool> SqliteSchedules::DeleteSchedule(WriteTxn& t, std::string_view group,
                                             std::string_view name) {
  Stmt s = Db(t).Prepare("DELETE FROM schedules WHERE group_name = ?1 AND name = ?2");
  s.Bind(1, group).Bind(2, name);
  return RunChanged(t, s);
}

Result<std::optional<ScheduleGroupRecord>> SqliteSchedules::GetScheduleGroup(
    ReadTxn& txn, std::string_view name) {
  Connection& c = ConnectionOf(txn);
  Stmt s = c.Prepare("SELECT name, created_ms, modified_ms FROM schedule_groups WHERE name = ?1");
  s.Bind(1, name);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<ScheduleGroupRecord>();
  return std::optional<ScheduleGroupRecord>(ScheduleGroupRecord{s.String(0), s.Int(1), s.Int(2)});
}

Result<std::vector<ScheduleGroupRecord>> SqliteSchedules::ListScheduleGroups(ReadTxn& txn) {
  Connection& c = ConnectionOf(txn);
  Stmt s = c.Prepare("SELECT name, created_ms, modified_ms FROM schedule_groups ORDER BY name");
  return ReadRows<ScheduleGroupRecord>(s, [](const Stmt& row) {
    return ScheduleGroupRecord{row.String(0), row.Int(1), row.Int(2)};
  });
}

Status SqliteSchedules::CreateScheduleGroup(WriteTxn& t, const ScheduleGroupRecord& g) {
  auto existing = GetScheduleGroup(t, g.name);
  if (!existing.ok()) return std::move(existing).error();
  if (existing->has_value()) return AlreadyExists("schedule group", g.name);
  Stmt s = Db(t).Prepare(
      "INSERT INTO schedule_groups (name, created_ms, modified_ms) VALUES (?1, ?2, ?3)");
  s.Bind(1, g.name).Bind(2, g.created_ms).Bind(3, g.modified_ms);
  return s.Run();
}

Result<bool> SqliteSchedules::DeleteScheduleGroup(WriteTxn& t, std::string_view name) {
  {
    Stmt s = Db(t).Prepare("DELETE FROM schedules WHERE group_name = ?1");
    if (Status st = s.Bind(1, name).Run(); !st.ok()) return std::move(st).error();
  }
  Stmt s = Db(t).Prepare("DELETE FROM schedule_groups WHERE name = ?1");
  s.Bind(1, name);
  return RunChanged(t, s);
}

}  // namespace evoke::store::sqlite
