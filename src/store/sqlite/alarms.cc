#include "store/sqlite/repositories.h"
#include "store/sqlite/txn.h"

namespace evoke::store::sqlite {
namespace {

AlarmRecord ReadAlarm(const Stmt& s) { return AlarmRecord{s.String(0), s.String(1), s.String(2)}; }

AlarmHistoryRecord ReadHistory(const Stmt& s) {
  AlarmHistoryRecord r;
  r.id = s.Int(0);
  r.alarm_name = s.String(1);
  r.type = s.String(2);
  r.time_ms = s.Int(3);
  r.summary = s.String(4);
  r.data = s.String(5);
  return r;
}

}  // namespace

Result<std::optional<AlarmRecord>> SqliteAlarms::GetAlarm(ReadTxn& txn, std::string_view name) {
  Stmt s =
      ConnectionOf(txn).Prepare("SELECT name, state, document FROM metric_alarms WHERE name = ?1");
  s.Bind(1, name);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<AlarmRecord>();
  return std::optional<AlarmRecord>(ReadAlarm(s));
}

Result<std::vector<AlarmRecord>> SqliteAlarms::ListAlarms(ReadTxn& txn, std::string_view after,
                                                          size_t limit) {
  Stmt s = ConnectionOf(txn).Prepare(
      "SELECT name, state, document FROM metric_alarms WHERE name > ?1 ORDER BY name LIMIT ?2");
  s.Bind(1, after).Bind(2, static_cast<int64_t>(limit));
  return ReadRows<AlarmRecord>(s, ReadAlarm);
}

Result<int64_t> SqliteAlarms::CountAlarms(ReadTxn& txn) {
  Stmt s = ConnectionOf(txn).Prepare("SELECT COUNT(*) FROM metric_alarms");
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  return *row ? s.Int(0) : 0;
}

Result<std::vector<AlarmHistoryRecord>> SqliteAlarms::ListHistory(ReadTxn& txn,
                                                                  const AlarmHistoryQuery& q) {
  // ?6/?7: the last item seen; ?8 = 1 when there is one.
  static constexpr char kAscending[] =
      "SELECT id, alarm_name, type, time_ms, summary, data FROM alarm_history "
      "WHERE (?1 = '' OR alarm_name = ?1) AND (?2 = '' OR type = ?2) AND time_ms >= ?3 AND "
      "time_ms < ?4 AND (?8 = 0 OR time_ms > ?6 OR (time_ms = ?6 AND id > ?7)) "
      "ORDER BY time_ms, id LIMIT ?5";
  static constexpr char kDescending[] =
      "SELECT id, alarm_name, type, time_ms, summary, data FROM alarm_history "
      "WHERE (?1 = '' OR alarm_name = ?1) AND (?2 = '' OR type = ?2) AND time_ms >= ?3 AND "
      "time_ms < ?4 AND (?8 = 0 OR time_ms < ?6 OR (time_ms = ?6 AND id < ?7)) "
      "ORDER BY time_ms DESC, id DESC LIMIT ?5";
  Stmt s = ConnectionOf(txn).Prepare(q.ascending ? kAscending : kDescending);
  s.Bind(1, q.alarm_name)
      .Bind(2, q.type)
      .Bind(3, q.start_ms)
      .Bind(4, q.end_ms)
      .Bind(5, static_cast<int64_t>(q.limit))
      .Bind(6, q.after ? q.after->first : int64_t{0})
      .Bind(7, q.after ? q.after->second : int64_t{0})
      .Bind(8, int64_t{q.after ? 1 : 0});
  return ReadRows<AlarmHistoryRecord>(s, ReadHistory);
}

Status SqliteAlarms::PutAlarm(WriteTxn& t, const AlarmRecord& alarm) {
  Stmt s = Db(t).Prepare(
      "INSERT INTO metric_alarms (name, state, document) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (name) DO UPDATE SET state = excluded.state, document = excluded.document");
  s.Bind(1, alarm.name).Bind(2, alarm.state).Bind(3, alarm.document);
  return s.Run();
}

Status SqliteAlarms::DeleteAlarm(WriteTxn& t, std::string_view name) {
  Stmt s = Db(t).Prepare("DELETE FROM metric_alarms WHERE name = ?1");
  s.Bind(1, name);
  return s.Run();
}

Status SqliteAlarms::AddHistory(WriteTxn& t, const AlarmHistoryRecord& item) {
  Stmt s = Db(t).Prepare(
      "INSERT INTO alarm_history (alarm_name, type, time_ms, summary, data) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  s.Bind(1, item.alarm_name)
      .Bind(2, item.type)
      .Bind(3, item.time_ms)
      .Bind(4, item.summary)
      .Bind(5, item.data);
  return s.Run();
}

Status SqliteAlarms::DeleteHistoryBefore(WriteTxn& t, int64_t before_ms) {
  Stmt s = Db(t).Prepare("DELETE FROM alarm_history WHERE time_ms < ?1");
  s.Bind(1, before_ms);
  return s.Run();
}

}  // namespace evoke::store::sqlite
