// ScheduleRunner: fires EventBridge rules that have a ScheduleExpression and EventBridge
// Scheduler schedules into the async queue. It keeps each one's next firing in memory (from
// the store, re-read on Wake), sleeps on its io_context until the earliest (at most a second
// at a time, so a clock that jumps is noticed), and hands each firing to the store as ONE write
// job whose transaction enqueues every target's event (and deletes a completed at() schedule
// with ActionAfterCompletion DELETE). Firings missed while evoke was down are not replayed: a
// runner that starts computes every next firing strictly after now. While it runs, a clock
// that moves past several firings at once (a test clock) fires each of them.
// Thread contract: Wake(), Start() and Stop() from any thread; the runner's work runs on the
// io_context, which must be run by ONE thread (as evoke's I/O contexts are).
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/metric_sink.h"
#include "lambda/async_queue.h"
#include "store/schedules.h"
#include "store/txn.h"

namespace boost::asio {
class io_context;
}

namespace evoke::events {

class ScheduleRunner {
 public:
  ScheduleRunner(boost::asio::io_context& io, store::Transactions& txns,
                 store::ScheduleRepository& schedules, const Clock& clock,
                 lambda::AsyncQueue& queue, std::string account_id, std::string region);
  ~ScheduleRunner();
  ScheduleRunner(const ScheduleRunner&) = delete;
  ScheduleRunner& operator=(const ScheduleRunner&) = delete;

  // Loads the rules and schedules and starts the timer.
  void Start();
  // Re-reads rules and schedules (after an API change) and re-checks the clock (after the test
  // clock moved). Thread-safe and cheap; calls coalesce.
  void Wake();
  // Cancels the timer; no firing is submitted afterwards.
  void Stop();

  // Firings handed to the store so far (a firing with no deliverable target counts too).
  uint64_t firings() const;
  // AWS/Events and AWS/Scheduler metrics of each firing go here; none until set. Before Start.
  void RecordMetricsInto(MetricSink* metrics);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace evoke::events
