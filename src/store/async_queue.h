// AsyncQueueStore: the durable queue of asynchronous invocations, as claim / lease / ack
// (docs/store.md). An event is enqueued inside the commit that acknowledges it and becomes
// claimable once that commit is durable; a worker claims due events, each leased to it for a
// while, and acks an event when it is done with it or retries it later. An event whose lease
// ran out (its worker died) is claimable again: every event runs at least once. Used by the
// events module's dispatcher. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/txn.h"

namespace evoke::store {

struct QueuedEvent {
  int64_t id = 0;  // assigned by Enqueue
  std::string function;
  std::string request_id;
  std::string payload;
  std::string source;  // JSON, the events module's
  int64_t received_ms = 0;
  int attempts = 0;    // finished attempts that ended in a function error
  int64_t due_ms = 0;  // not claimable before (on the events clock)
  uint64_t lease = 0;  // set by Claim: the claim's token, which Ack, Retry and Release name
};

class AsyncQueueStore {
 public:
  virtual ~AsyncQueueStore() = default;

  // Called (on the committing thread; it must be quick) whenever events may have become
  // claimable: after an enqueue or a retry has committed. Set before the first Enqueue.
  virtual void OnReady(std::function<void()> fn) = 0;
  // Persists `event` in the caller's transaction; returns its id. Claimable once committed.
  virtual Result<int64_t> Enqueue(WriteTxn& t, QueuedEvent event) = 0;
  // Up to `limit` events due at `now_ms` (events clock) and not leased, oldest due first; each
  // is leased for `lease` (real time) from now, under a token of its own (QueuedEvent::lease).
  virtual std::vector<QueuedEvent> Claim(int64_t now_ms, std::chrono::milliseconds lease,
                                         size_t limit) = 0;
  // Removes a claimed event for good, in the caller's transaction (with what finishing it
  // wrote, e.g. its destination's record). Conflict when `lease` is not the event's current
  // claim (its lease ran out and someone else claimed it): that claim finishes it instead.
  virtual Status Ack(WriteTxn& t, int64_t id, uint64_t lease) = 0;
  // Puts a claimed event back with its attempt count, due at `due_ms`, in the caller's
  // transaction; its lease ends when that commits. Conflict as Ack.
  virtual Status Retry(WriteTxn& t, int64_t id, uint64_t lease, int attempts,
                       int64_t due_ms) = 0;
  // Gives a claimed event back without a write: due at `due_ms` (a throttled event; its delay
  // is not kept across a restart, which then runs it at once). Nothing when `lease` is not the
  // current claim.
  virtual void Release(int64_t id, uint64_t lease, int64_t due_ms) = 0;
  // The earliest due time of an event that is not leased, if any.
  virtual std::optional<int64_t> NextDue() = 0;
  // Events waiting or claimed.
  virtual size_t size() = 0;
};

}  // namespace evoke::store
