// Dispatcher: the asynchronous invocation queue (docs/events.md). Takes events inside the
// commit that acknowledges them, runs each through the invoker once that commit is durable,
// retries function errors after Lambda's delays, re-queues throttled ones with backoff, serves
// OnSuccess/OnFailure destinations, and deletes an event's row once its last attempt is over.
// Events left in the table by a stopped or killed server run after the next start.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/asio.h"
#include "base/clock.h"
#include "events/async_event.h"
#include "lambda/invoker.h"
#include "store/database.h"

namespace evoke::events {

struct DispatcherOptions {
  // Waits before the second and the third attempt after a function error (Lambda: 1 and 2
  // minutes).
  std::vector<int64_t> retry_delays_ms = {60'000, 120'000};
  // Events running at once; more wait in the queue (Lambda's own limits apply beneath).
  int max_in_flight = 64;
};

struct DispatcherStats {
  uint64_t received = 0;   // events committed to the queue
  uint64_t succeeded = 0;
  uint64_t failed = 0;     // attempts exhausted or too old
  uint64_t dropped = 0;    // function gone, or its policy refuses the sender
  uint64_t retried = 0;    // attempts scheduled after a function error
  uint64_t throttled = 0;  // re-queued after a throttle
};

class Dispatcher final : public AsyncQueue {
 public:
  // `clock` times retries and event ages (the events clock); events run on `contexts`.
  Dispatcher(std::vector<asio::io_context*> contexts, store::Database& db,
             store::Committer& committer, const Clock& clock, const lambda::Invoker& invoker,
             DispatcherOptions options);
  ~Dispatcher() override;

  Status Enqueue(store::WriteTxn& t, AsyncEvent event) override;

  // Loads the events a previous run left (blocking; before the server listens) and starts the
  // timer that releases delayed ones.
  Status Start();
  // Re-reads the clock now (after a test moved it). Thread-safe.
  void Wake();
  // No new attempts start after this. Thread-safe.
  void Stop();
  DispatcherStats stats() const;

 private:
  struct Queued {
    int64_t id = 0;
    AsyncEvent event;
    int64_t received_ms = 0;
    int attempts = 0;   // finished attempts that ended in a function error
    int throttles = 0;  // consecutive throttles (in memory only)
    int64_t due_ms = 0;
  };

  void Push(Queued q);
  void PumpLocked();  // starts what is ready, within max_in_flight
  Task<void> Run(Queued q);
  Task<void> TimerLoop();
  // After the event's last attempt: its row goes, and its destination (if any) gets the
  // invocation record, in one commit.
  void Finish(const Queued& q, const std::string& condition, const exec::Outcome* outcome,
              const std::string& destination);
  void Later(Queued q, int64_t delay_ms, bool persist);
  void Forget(const Queued& q);

  std::vector<asio::io_context*> contexts_;
  store::Database& db_;
  store::Committer& committer_;
  const Clock& clock_;
  const lambda::Invoker& invoker_;
  DispatcherOptions options_;
  asio::steady_timer timer_;  // on contexts_[0]

  mutable std::mutex mutex_;
  std::deque<Queued> ready_;              // GUARDED_BY(mutex_): due, in arrival order
  std::multimap<int64_t, Queued> later_;  // GUARDED_BY(mutex_): by due time
  int in_flight_ = 0;                     // GUARDED_BY(mutex_)
  size_t next_context_ = 0;               // GUARDED_BY(mutex_)
  bool stopping_ = false;                 // GUARDED_BY(mutex_)
  DispatcherStats stats_;                 // GUARDED_BY(mutex_)
};

}  // namespace evoke::events
