#include "store/async_events.h"

namespace evoke::store {

Result<int64_t> InsertAsyncEvent(WriteTxn& t, const AsyncEventRecord& event) {
  Stmt s = t.db().Prepare(
      "INSERT INTO async_events (function, request_id, payload, source, received_ms, attempts, "
      "due_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
  s.Bind(1, event.function)
      .Bind(2, event.request_id)
      .BindBlob(3, event.payload)
      .Bind(4, event.source)
      .Bind(5, event.received_ms)
      .Bind(6, static_cast<int64_t>(event.attempts))
      .Bind(7, event.due_ms);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return MakeError("InternalError", "queue insert returned no id");
  int64_t id = s.Int(0);
  auto done = s.Step();  // finishes the statement
  if (!done.ok()) return std::move(done).error();
  return id;
}

Status UpdateAsyncEventAttempts(WriteTxn& t, int64_t id, int attempts, int64_t due_ms) {
  Stmt s = t.db().Prepare("UPDATE async_events SET attempts = ?2, due_ms = ?3 WHERE id = ?1");
  s.Bind(1, id).Bind(2, static_cast<int64_t>(attempts)).Bind(3, due_ms);
  return s.Run();
}

Status DeleteAsyncEvent(WriteTxn& t, int64_t id) {
  Stmt s = t.db().Prepare("DELETE FROM async_events WHERE id = ?1");
  s.Bind(1, id);
  return s.Run();
}

Result<std::vector<AsyncEventRecord>> ListAsyncEvents(Connection& c) {
  Stmt s = c.Prepare(
      "SELECT id, function, request_id, payload, source, received_ms, attempts, due_ms "
      "FROM async_events ORDER BY id");
  std::vector<AsyncEventRecord> out;
  for (;;) {
    auto row = s.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    AsyncEventRecord e;
    e.id = s.Int(0);
    e.function = s.String(1);
    e.request_id = s.String(2);
    e.payload = s.Blob(3);
    e.source = s.String(4);
    e.received_ms = s.Int(5);
    e.attempts = static_cast<int>(s.Int(6));
    e.due_ms = s.Int(7);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace evoke::store
