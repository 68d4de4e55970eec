#include "store/sqlite/async_queue.h"

#include "store/errors.h"
#include "store/sqlite/txn.h"

namespace evoke::store::sqlite {

Status SqliteAsyncQueue::Load(Connection& c) {
  Stmt s = c.Prepare(
      "SELECT id, function, request_id, payload, source, received_ms, attempts, due_ms "
      "FROM async_events ORDER BY id");
  for (;;) {
    auto row = s.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    QueuedEvent e;
    e.id = s.Int(0);
    e.function = s.String(1);
    e.request_id = s.String(2);
    e.payload = s.Blob(3);
    e.source = s.String(4);
    e.received_ms = s.Int(5);
    e.attempts = static_cast<int>(s.Int(6));
    e.due_ms = s.Int(7);
    Add(std::move(e));
  }
  return {};
}

void SqliteAsyncQueue::OnReady(std::function<void()> fn) { on_ready_ = std::move(fn); }

void SqliteAsyncQueue::Ready() {
  if (on_ready_) on_ready_();
}

void SqliteAsyncQueue::Add(QueuedEvent event) {
  std::lock_guard lock(mutex_);
  int64_t id = event.id;
  waiting_.emplace(event.due_ms, id);
  entries_[id] = Entry{std::move(event), 0};
}

Result<int64_t> SqliteAsyncQueue::Enqueue(WriteTxn& t, QueuedEvent event) {
  Stmt s = Db(t).Prepare(
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
  if (!*row) return Internal("queue insert returned no id");
  int64_t id = s.Int(0);
  auto done = s.Step();  // finishes the statement
  if (!done.ok()) return std::move(done).error();
  event.id = id;
  t.AfterCommit([this, event = std::move(event)]() mutable {
    Add(std::move(event));
    Ready();
  });
  return id;
}

std::vector<QueuedEvent> SqliteAsyncQueue::Claim(int64_t now_ms, std::chrono::milliseconds lease,
                                                 size_t limit) {
  std::vector<QueuedEvent> out;
  std::lock_guard lock(mutex_);
  // Leases that ran out first: their workers are gone.
  const int64_t real_now = lease_clock_.NowMs();
  while (!leased_.empty() && leased_.begin()->first <= real_now) {
    int64_t id = leased_.begin()->second;
    leased_.erase(leased_.begin());
    Entry& e = entries_.at(id);
    e.lease_until_ms = 0;
    waiting_.emplace(e.event.due_ms, id);
  }
  while (out.size() < limit && !waiting_.empty() && waiting_.begin()->first <= now_ms) {
    int64_t id = waiting_.begin()->second;
    waiting_.erase(waiting_.begin());
    Entry& e = entries_.at(id);
    e.lease_until_ms = real_now + lease.count();
    e.event.lease = ++next_lease_;
    leased_.emplace(e.lease_until_ms, id);
    out.push_back(e.event);
  }
  return out;
}

bool SqliteAsyncQueue::HoldsLocked(int64_t id, uint64_t lease) const {
  auto it = entries_.find(id);
  return it != entries_.end() && it->second.event.lease == lease;
}

void SqliteAsyncQueue::Unlease(int64_t id, uint64_t lease, int attempts, int64_t due_ms) {
  std::lock_guard lock(mutex_);
  if (!HoldsLocked(id, lease)) return;  // claimed again since: that claim decides
  Entry& e = entries_.at(id);
  if (e.lease_until_ms != 0) {
    leased_.erase({e.lease_until_ms, id});
  } else {
    waiting_.erase({e.event.due_ms, id});
  }
  e.lease_until_ms = 0;
  e.event.attempts = attempts;
  e.event.due_ms = due_ms;
  waiting_.emplace(due_ms, id);
}

Status SqliteAsyncQueue::Ack(WriteTxn& t, int64_t id, uint64_t lease) {
  {
    // A claim whose lease ran out and was claimed again must not finish the new claim's event
    // (nor, ids being reused, another event of the same id).
    std::lock_guard lock(mutex_);
    if (!HoldsLocked(id, lease)) return Conflict("async event lease", std::to_string(id));
  }
  Stmt s = Db(t).Prepare("DELETE FROM async_events WHERE id = ?1");
  if (Status st = s.Bind(1, id).Run(); !st.ok()) return st;
  t.AfterCommit([this, id] {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    if (it->second.lease_until_ms != 0) {
      leased_.erase({it->second.lease_until_ms, id});
    } else {
      waiting_.erase({it->second.event.due_ms, id});
    }
    entries_.erase(it);
  });
  return {};
}

Status SqliteAsyncQueue::Retry(WriteTxn& t, int64_t id, uint64_t lease, int attempts,
                               int64_t due_ms) {
  {
    std::lock_guard lock(mutex_);
    if (!HoldsLocked(id, lease)) return Conflict("async event lease", std::to_string(id));
  }
  Stmt s = Db(t).Prepare("UPDATE async_events SET attempts = ?2, due_ms = ?3 WHERE id = ?1");
  s.Bind(1, id).Bind(2, static_cast<int64_t>(attempts)).Bind(3, due_ms);
  if (Status st = s.Run(); !st.ok()) return st;
  t.AfterCommit([this, id, lease, attempts, due_ms] {
    Unlease(id, lease, attempts, due_ms);
    Ready();
  });
  return {};
}

void SqliteAsyncQueue::Release(int64_t id, uint64_t lease, int64_t due_ms) {
  int attempts = 0;
  {
    std::lock_guard lock(mutex_);
    if (!HoldsLocked(id, lease)) return;
    attempts = entries_.at(id).event.attempts;
  }
  Unlease(id, lease, attempts, due_ms);
}

std::optional<int64_t> SqliteAsyncQueue::NextDue() {
  std::lock_guard lock(mutex_);
  if (waiting_.empty()) return std::nullopt;
  return waiting_.begin()->first;
}

size_t SqliteAsyncQueue::size() {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace evoke::store::sqlite
