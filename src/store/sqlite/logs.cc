#include <algorithm>
#include <map>

#include "store/errors.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/txn.h"

namespace evoke::store::sqlite {
namespace {

constexpr char kGroupColumns[] = "id, name, created_ms, retention_days, stored_bytes";
constexpr char kStreamColumns[] =
    "id, group_id, name, created_ms, first_event_ms, last_event_ms, last_ingestion_ms, "
    "stored_bytes";
constexpr char kEventColumns[] = "id, stream_id, timestamp_ms, ingestion_ms, message";

std::optional<int64_t> OptionalInt(const Stmt& s, int col) {
  if (s.IsNull(col)) return std::nullopt;
  return s.Int(col);
}

LogGroupRecord ReadGroup(const Stmt& s) {
  LogGroupRecord g;
  g.id = s.Int(0);
  g.name = s.String(1);
  g.created_ms = s.Int(2);
  if (!s.IsNull(3)) g.retention_days = static_cast<int>(s.Int(3));
  g.stored_bytes = s.Int(4);
  return g;
}

LogStreamRecord ReadStream(const Stmt& s) {
  LogStreamRecord r;
  r.id = s.Int(0);
  r.group_id = s.Int(1);
  r.name = s.String(2);
  r.created_ms = s.Int(3);
  r.first_event_ms = OptionalInt(s, 4);
  r.last_event_ms = OptionalInt(s, 5);
  r.last_ingestion_ms = OptionalInt(s, 6);
  r.stored_bytes = s.Int(7);
  return r;
}

StoredLogEvent ReadEvent(const Stmt& s) {
  StoredLogEvent e;
  e.id = s.Int(0);
  e.stream_id = s.Int(1);
  e.timestamp_ms = s.Int(2);
  e.ingestion_ms = s.Int(3);
  e.message = s.String(4);
  return e;
}

Result<std::optional<LogGroupRecord>> FindGroup(Connection& c, std::string_view name) {
  static const std::string sql =
      std::string("SELECT ") + kGroupColumns + " FROM log_groups WHERE name = ?1";
  Stmt s = c.Prepare(sql);
  s.Bind(1, name);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<LogGroupRecord>();
  return std::optional<LogGroupRecord>(ReadGroup(s));
}

Result<LogGroupRecord> ExistingGroup(WriteTxn& t, std::string_view name) {
  auto g = FindGroup(Db(t), name);
  if (!g.ok()) return std::move(g).error();
  if (!g->has_value()) return NotFound("log group", name);
  return std::move(**g);
}

// The events of a range, over one index: `owner_column` is stream_id or group_id.
Result<std::vector<StoredLogEvent>> ReadRange(Connection& c, std::string_view owner_column,
                                              int64_t owner, const EventRange& r) {
  // Row values keep the (timestamp, id) order comparisons inside the index.
  std::string sql = std::string("SELECT ") + kEventColumns + " FROM log_events WHERE " +
                    std::string(owner_column) +
                    " = ?1 AND timestamp_ms >= ?2 AND timestamp_ms < ?3 AND (timestamp_ms, id) "
                    "> (?4, ?5) AND (timestamp_ms, id) < (?6, ?7) ORDER BY timestamp_ms " +
                    (r.from_tail ? "DESC, id DESC" : "ASC, id ASC") + " LIMIT ?8";
  Stmt s = c.Prepare(sql);
  LogPosition after = r.after.value_or(LogPosition{INT64_MIN, INT64_MIN});
  LogPosition before = r.before.value_or(LogPosition{INT64_MAX, INT64_MAX});
  s.Bind(1, owner).Bind(2, r.start_ms).Bind(3, r.end_ms);
  s.Bind(4, after.timestamp_ms).Bind(5, after.id).Bind(6, before.timestamp_ms).Bind(7, before.id);
  s.Bind(8, static_cast<int64_t>(r.limit));
  auto events = ReadRows<StoredLogEvent>(s, ReadEvent);
  if (events.ok() && r.from_tail) std::reverse(events->begin(), events->end());
  return events;
}

Status Exec(Connection& c, std::string_view sql, int64_t id) {
  Stmt s = c.Prepare(sql);
  s.Bind(1, id);
  return s.Run();
}

}  // namespace

Result<std::optional<LogGroupRecord>> SqliteLogs::GetLogGroup(ReadTxn& t, std::string_view name) {
  return FindGroup(ConnectionOf(t), name);
}

Result<std::vector<LogGroupRecord>> SqliteLogs::ListLogGroups(ReadTxn& txn, std::string_view prefix,
                                                              std::string_view after,
                                                              size_t limit) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql =
      std::string("SELECT ") + kGroupColumns +
      " FROM log_groups WHERE name > ?1 AND substr(name, 1, length(?2)) = ?2 ORDER BY name "
      "LIMIT ?3";
  Stmt s = c.Prepare(sql);
  s.Bind(1, after).Bind(2, prefix).Bind(3, static_cast<int64_t>(limit));
  return ReadRows<LogGroupRecord>(s, ReadGroup);
}

Result<std::vector<LogGroupRecord>> SqliteLogs::ListGroupsWithRetention(ReadTxn& txn) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql =
      std::string("SELECT ") + kGroupColumns + " FROM log_groups WHERE retention_days IS NOT NULL";
  Stmt s = c.Prepare(sql);
  return ReadRows<LogGroupRecord>(s, ReadGroup);
}

Result<std::optional<LogStreamRecord>> SqliteLogs::GetLogStream(ReadTxn& txn, int64_t group_id,
                                                                std::string_view name) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql = std::string("SELECT ") + kStreamColumns +
                                 " FROM log_streams WHERE group_id = ?1 AND name = ?2";
  Stmt s = c.Prepare(sql);
  s.Bind(1, group_id).Bind(2, name);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<LogStreamRecord>();
  return std::optional<LogStreamRecord>(ReadStream(s));
}

Result<std::vector<LogStreamRecord>> SqliteLogs::ListAllLogStreams(ReadTxn& txn, int64_t group_id) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql = std::string("SELECT ") + kStreamColumns +
                                 " FROM log_streams WHERE group_id = ?1 ORDER BY name";
  Stmt s = c.Prepare(sql);
  s.Bind(1, group_id);
  return ReadRows<LogStreamRecord>(s, ReadStream);
}

Result<std::vector<LogStreamRecord>> SqliteLogs::ListLogStreams(ReadTxn& txn,
                                                                const StreamListing& l) {
  Connection& c = ConnectionOf(txn);
  std::string key = l.by_last_event ? "(coalesce(last_event_ms, -1), name)" : "name";
  std::string bound = l.by_last_event ? "(?3, ?4)" : "?4";
  std::string dir = l.descending ? " DESC" : " ASC";
  std::string order =
      l.by_last_event ? "coalesce(last_event_ms, -1)" + dir + ", name" + dir : "name" + dir;
  std::string sql = std::string("SELECT ") + kStreamColumns +
                    " FROM log_streams WHERE group_id = ?1 AND substr(name, 1, length(?2)) = ?2" +
                    (l.after ? " AND " + key + (l.descending ? " < " : " > ") + bound : "") +
                    " ORDER BY " + order + " LIMIT ?5";
  Stmt s = c.Prepare(sql);
  s.Bind(1, l.group_id).Bind(2, l.prefix).Bind(5, static_cast<int64_t>(l.limit));
  if (l.after) s.Bind(3, l.after->first).Bind(4, l.after->second);
  return ReadRows<LogStreamRecord>(s, ReadStream);
}

Result<std::vector<StoredLogEvent>> SqliteLogs::ReadStreamEvents(ReadTxn& txn, int64_t stream_id,
                                                                 const EventRange& range) {
  Connection& c = ConnectionOf(txn);
  return ReadRange(c, "stream_id", stream_id, range);
}

Result<std::vector<StoredLogEvent>> SqliteLogs::ReadGroupEvents(ReadTxn& txn, int64_t group_id,
                                                                const EventRange& range) {
  Connection& c = ConnectionOf(txn);
  EventRange forward = range;
  forward.from_tail = false;
  return ReadRange(c, "group_id", group_id, forward);
}

Status SqliteLogs::CreateLogGroup(WriteTxn& t, std::string_view name, int64_t now_ms) {
  Stmt s = Db(t).Prepare(
      "INSERT INTO log_groups (name, created_ms) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING");
  s.Bind(1, name).Bind(2, now_ms);
  if (Status st = s.Run(); !st.ok()) return st;
  if (Db(t).Changes() == 0) {
    return AlreadyExists("log group", name);
  }
  return {};
}

Status SqliteLogs::DeleteLogGroup(WriteTxn& t, std::string_view name) {
  auto g = ExistingGroup(t, name);
  if (!g.ok()) return std::move(g).error();
  for (std::string_view sql :
       {"DELETE FROM log_events WHERE group_id = ?1", "DELETE FROM log_streams WHERE group_id = ?1",
        "DELETE FROM log_groups WHERE id = ?1"}) {
    if (Status s = Exec(Db(t), sql, g->id); !s.ok()) return s;
  }
  return {};
}

Status SqliteLogs::SetLogRetention(WriteTxn& t, std::string_view group, std::optional<int> days) {
  auto g = ExistingGroup(t, group);
  if (!g.ok()) return std::move(g).error();
  Stmt s = Db(t).Prepare("UPDATE log_groups SET retention_days = ?2 WHERE id = ?1");
  s.Bind(1, g->id);
  if (days) {
    s.Bind(2, static_cast<int64_t>(*days));
  } else {
    s.BindNull(2);
  }
  return s.Run();
}

Status SqliteLogs::CreateLogStream(WriteTxn& t, std::string_view group, std::string_view stream,
                                   int64_t now_ms) {
  auto g = ExistingGroup(t, group);
  if (!g.ok()) return std::move(g).error();
  Stmt s = Db(t).Prepare(
      "INSERT INTO log_streams (group_id, name, created_ms) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (group_id, name) DO NOTHING");
  s.Bind(1, g->id).Bind(2, stream).Bind(3, now_ms);
  if (Status st = s.Run(); !st.ok()) return st;
  if (Db(t).Changes() == 0) {
    return AlreadyExists("log stream", stream);
  }
  return {};
}

Status SqliteLogs::DeleteLogStream(WriteTxn& t, std::string_view group, std::string_view stream) {
  auto g = ExistingGroup(t, group);
  if (!g.ok()) return std::move(g).error();
  auto r = GetLogStream(t, g->id, stream);
  if (!r.ok()) return std::move(r).error();
  if (!r->has_value()) return NotFound("log stream", stream);
  const LogStreamRecord& rec = **r;
  if (Status s = Exec(Db(t), "DELETE FROM log_events WHERE stream_id = ?1", rec.id); !s.ok()) {
    return s;
  }
  if (Status s = Exec(Db(t), "DELETE FROM log_streams WHERE id = ?1", rec.id); !s.ok()) return s;
  Stmt s = Db(t).Prepare("UPDATE log_groups SET stored_bytes = stored_bytes - ?2 WHERE id = ?1");
  s.Bind(1, g->id).Bind(2, rec.stored_bytes);
  return s.Run();
}

Status SqliteLogs::AppendLogEvents(WriteTxn& t, std::string_view group, std::string_view stream,
                                   const std::vector<NewLogEvent>& events, int64_t now_ms,
                                   bool create) {
  Connection& db = Db(t);
  auto g = GetLogGroup(t, group);
  if (!g.ok()) return std::move(g).error();
  if (!g->has_value()) {
    if (!create) return NotFound("log group", group);
    if (Status s = CreateLogGroup(t, group, now_ms); !s.ok()) return s;
    g = GetLogGroup(t, group);
    if (!g.ok()) return std::move(g).error();
  }
  int64_t group_id = (*g)->id;
  auto r = GetLogStream(t, group_id, stream);
  if (!r.ok()) return std::move(r).error();
  if (!r->has_value()) {
    if (!create) return NotFound("log stream", stream);
    if (Status s = CreateLogStream(t, group, stream, now_ms); !s.ok()) return s;
    r = GetLogStream(t, group_id, stream);
    if (!r.ok()) return std::move(r).error();
  }
  int64_t stream_id = (*r)->id;
  if (events.empty()) return {};

  Stmt insert = db.Prepare(
      "INSERT INTO log_events (group_id, stream_id, timestamp_ms, ingestion_ms, message) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  int64_t bytes = 0;
  int64_t first = INT64_MAX;
  int64_t last = INT64_MIN;
  for (const auto& e : events) {
    insert.Reset().Bind(1, group_id).Bind(2, stream_id).Bind(3, e.timestamp_ms).Bind(4, now_ms);
    insert.Bind(5, e.message);
    if (Status s = insert.Run(); !s.ok()) return s;
    bytes += StoredSize(e.message);
    first = std::min(first, e.timestamp_ms);
    last = std::max(last, e.timestamp_ms);
  }
  Stmt stream_update = db.Prepare(
      "UPDATE log_streams SET first_event_ms = min(coalesce(first_event_ms, ?2), ?2), "
      "last_event_ms = max(coalesce(last_event_ms, ?3), ?3), last_ingestion_ms = ?4, "
      "stored_bytes = stored_bytes + ?5 WHERE id = ?1");
  stream_update.Bind(1, stream_id).Bind(2, first).Bind(3, last).Bind(4, now_ms).Bind(5, bytes);
  if (Status s = stream_update.Run(); !s.ok()) return s;
  Stmt group_update =
      db.Prepare("UPDATE log_groups SET stored_bytes = stored_bytes + ?2 WHERE id = ?1");
  group_update.Bind(1, group_id).Bind(2, bytes);
  return group_update.Run();
}

Result<size_t> SqliteLogs::ExpireLogEvents(WriteTxn& t, int64_t now_ms, size_t budget) {
  Connection& db = Db(t);
  auto groups = ListGroupsWithRetention(t);
  if (!groups.ok()) return std::move(groups).error();
  size_t removed = 0;
  for (const auto& g : *groups) {
    if (removed >= budget) break;
    int64_t cutoff = now_ms - static_cast<int64_t>(*g.retention_days) * 86'400'000;
    // The oldest events of the group, at most what is left of the budget: how many and how
    // many bytes per stream, then delete those very rows.
    static constexpr char kOldest[] =
        "SELECT id FROM log_events WHERE group_id = ?1 AND timestamp_ms < ?2 "
        "ORDER BY timestamp_ms, id LIMIT ?3";
    Stmt sums = db.Prepare(std::string("SELECT stream_id, count(*), sum(length(CAST(message AS "
                                       "BLOB)) + 26) FROM log_events WHERE id IN (") +
                           kOldest + ") GROUP BY stream_id");
    sums.Bind(1, g.id).Bind(2, cutoff).Bind(3, static_cast<int64_t>(budget - removed));
    std::map<int64_t, int64_t> bytes_by_stream;
    int64_t group_bytes = 0;
    size_t count = 0;
    for (;;) {
      auto row = sums.Step();
      if (!row.ok()) return std::move(row).error();
      if (!*row) break;
      bytes_by_stream[sums.Int(0)] = sums.Int(2);
      count += static_cast<size_t>(sums.Int(1));
      group_bytes += sums.Int(2);
    }
    if (count == 0) continue;
    Stmt del = db.Prepare(std::string("DELETE FROM log_events WHERE id IN (") + kOldest + ")");
    del.Bind(1, g.id).Bind(2, cutoff).Bind(3, static_cast<int64_t>(budget - removed));
    if (Status s = del.Run(); !s.ok()) return std::move(s).error();
    Stmt stream_update = db.Prepare(
        "UPDATE log_streams SET stored_bytes = stored_bytes - ?2, first_event_ms = "
        "(SELECT min(timestamp_ms) FROM log_events WHERE stream_id = ?1) WHERE id = ?1");
    for (const auto& [stream_id, bytes] : bytes_by_stream) {
      stream_update.Reset().Bind(1, stream_id).Bind(2, bytes);
      if (Status s = stream_update.Run(); !s.ok()) return std::move(s).error();
    }
    Stmt group_update =
        db.Prepare("UPDATE log_groups SET stored_bytes = stored_bytes - ?2 WHERE id = ?1");
    group_update.Bind(1, g.id).Bind(2, group_bytes);
    if (Status s = group_update.Run(); !s.ok()) return std::move(s).error();
    removed += count;
  }
  return removed;
}

}  // namespace evoke::store::sqlite
