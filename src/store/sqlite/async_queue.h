// SqliteAsyncQueue: the AsyncQueueStore of the embedded default (docs/store.md). Events are
// rows of `async_events`, written in the transaction that enqueues them; their due times and
// leases are also kept in memory (loaded at start-up, added after each commit), so a claim costs
// no query and no commit. Leases live only in memory: this process is the queue's only
// consumer, and a restart voids them, which is what their expiry would do. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>

#include "base/clock.h"
#include "store/async_queue.h"
#include "store/sqlite/database.h"

namespace evoke::store::sqlite {

class SqliteAsyncQueue final : public AsyncQueueStore {
 public:
  // `lease_clock` times leases (real time, never a test clock).
  explicit SqliteAsyncQueue(const Clock& lease_clock) : lease_clock_(lease_clock) {}

  // Reads the events a previous run left; before the first claim.
  Status Load(Connection& c);

  void OnReady(std::function<void()> fn) override;
  Result<int64_t> Enqueue(WriteTxn& t, QueuedEvent event) override;
  std::vector<QueuedEvent> Claim(int64_t now_ms, std::chrono::milliseconds lease,
                                 size_t limit) override;
  Status Ack(WriteTxn& t, int64_t id, uint64_t lease) override;
  Status Retry(WriteTxn& t, int64_t id, uint64_t lease, int attempts, int64_t due_ms) override;
  void Release(int64_t id, uint64_t lease, int64_t due_ms) override;
  std::optional<int64_t> NextDue() override;
  size_t size() override;

 private:
  struct Entry {
    QueuedEvent event;           // event.lease: the token of the last claim
    int64_t lease_until_ms = 0;  // on lease_clock_; 0: not leased
  };
  void Add(QueuedEvent event);
  // Whether `lease` is the event's current claim. REQUIRES: mutex_ held.
  bool HoldsLocked(int64_t id, uint64_t lease) const;
  void Unlease(int64_t id, uint64_t lease, int attempts, int64_t due_ms);
  void Ready();

  const Clock& lease_clock_;
  std::mutex mutex_;
  std::unordered_map<int64_t, Entry> entries_;     // GUARDED_BY(mutex_)
  std::set<std::pair<int64_t, int64_t>> waiting_;  // GUARDED_BY(mutex_): (due_ms, id), not leased
  std::set<std::pair<int64_t, int64_t>> leased_;   // GUARDED_BY(mutex_): (lease_until_ms, id)
  uint64_t next_lease_ = 0;                        // GUARDED_BY(mutex_)
  std::function<void()> on_ready_;                 // set once before use
};

}  // namespace evoke::store::sqlite
