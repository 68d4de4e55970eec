// Dispatcher: runs the asynchronous invocations (docs/events.md). It is Lambda's AsyncQueue
// port over the store's durable queue (store/async_queue.h): an event is enqueued inside the
// commit that acknowledges it; the dispatcher claims due events (each leased to it while it
// works on it), runs each through the invoker, retries function errors after Lambda's delays
// and throttled events with backoff, and after an event's last attempt acks it in the same
// commit as its OnSuccess/OnFailure destination's record. Events left queued by a stopped or
// killed server run after the next start; an event whose worker vanished runs again when its
// lease runs out.
// Thread contract: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/asio.h"
#include "base/clock.h"
#include "base/metric_sink.h"
#include "lambda/async_queue.h"
#include "lambda/invoker.h"
#include "s3/object_access.h"
#include "store/async_queue.h"
#include "store/txn.h"

namespace evoke::events {

struct DispatcherOptions {
  // Waits before the second and the third attempt after a function error (Lambda: 1 and 2
  // minutes).
  std::vector<int64_t> retry_delays_ms = {60'000, 120'000};
  // Events running at once; more wait in the queue (Lambda's own limits apply beneath).
  int max_in_flight = 64;
  // How long a claimed event is this dispatcher's: far longer than the longest run (a 900 s
  // timeout, a cold start, a queue for the blocking pool), so only a dispatcher that died loses
  // its events to another claim. Should a run outlast it all the same, its late ack or retry is
  // refused (store::kConflict): the later claim finishes the event.
  std::chrono::milliseconds lease{std::chrono::hours(1)};
  // AWS/Lambda's asynchronous invocation metrics (lambda/lambda_metrics.h); none when null.
  MetricSink* metrics = nullptr;
};

struct DispatcherStats {
  uint64_t received = 0;  // events committed to the queue
  uint64_t succeeded = 0;
  uint64_t failed = 0;     // attempts exhausted or too old
  uint64_t dropped = 0;    // function gone, or its policy refuses the sender
  uint64_t retried = 0;    // attempts scheduled after a function error
  uint64_t throttled = 0;  // put back after a throttle
};

class Dispatcher final : public lambda::AsyncQueue {
 public:
  // `clock` times retries and event ages (the events clock); events run on `contexts`; S3
  // destinations are written through `objects`.
  Dispatcher(std::vector<asio::io_context*> contexts, store::Transactions& txns,
             store::AsyncQueueStore& queue, s3::ObjectAccess& objects, const Clock& clock,
             const lambda::Invoker& invoker, DispatcherOptions options);
  ~Dispatcher() override;

  Status Enqueue(store::WriteTxn& t, lambda::AsyncEvent event) override;

  // Starts claiming (what a previous run left runs first) and the timer that wakes delayed
  // events.
  void Start();
  // Re-reads the clock now (after a test moved it).
  void Wake();
  // No new attempts start after this.
  void Stop();
  DispatcherStats stats() const;
  // The queue now, for /_evoke/metrics: events waiting or running, those running, and how long
  // (on the events clock) the most overdue event not running has been due (0: none is).
  struct QueueFigures {
    size_t events = 0;
    int in_flight = 0;
    int64_t overdue_ms = 0;
  };
  QueueFigures queue_figures() const;

 private:
  // Claims what is due, within max_in_flight, and starts each on an I/O thread.
  void Pump();
  Task<void> Run(store::QueuedEvent event);
  Task<void> TimerLoop();
  // The event's last attempt is over: it is acked, and its destination (if any) gets the
  // invocation record, in one commit.
  void Finish(const store::QueuedEvent& event, int attempts, const std::string& function_arn,
              const std::string& condition, const lambda::RunResult* result,
              const std::string& destination);
  void RetryLater(const store::QueuedEvent& event, int attempts, int64_t delay_ms);
  void Throttled(const store::QueuedEvent& event);
  void Drop(const store::QueuedEvent& event);
  // One of the function's asynchronous invocation metrics (a count of 1), when recorded.
  void Count(const std::string& function, std::string_view metric);
  // Submits `apply` as a write nobody waits for; logs a failure as `what`.
  void WriteInBackground(std::function<Status(store::WriteTxn&)> apply, std::string what);
  // One event fewer in flight (and its throttle count gone when `done`).
  void Settled(int64_t id, bool done);

  std::vector<asio::io_context*> contexts_;
  store::Transactions& txns_;
  store::AsyncQueueStore& queue_;
  s3::ObjectAccess& objects_;
  const Clock& clock_;
  const lambda::Invoker& invoker_;
  DispatcherOptions options_;
  asio::steady_timer timer_;  // on contexts_[0]

  mutable std::mutex mutex_;
  int in_flight_ = 0;                 // GUARDED_BY(mutex_)
  size_t next_context_ = 0;           // GUARDED_BY(mutex_)
  bool started_ = false;              // GUARDED_BY(mutex_)
  bool stopping_ = false;             // GUARDED_BY(mutex_)
  std::map<int64_t, int> throttles_;  // GUARDED_BY(mutex_): consecutive, by event id
  DispatcherStats stats_;             // GUARDED_BY(mutex_)
};

}  // namespace evoke::events
