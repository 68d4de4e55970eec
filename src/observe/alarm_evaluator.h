// AlarmEvaluator: evaluates CloudWatch metric alarms (docs/metrics.md, "Alarms") once a minute
// on the events clock (--test-clock moves it: each minute boundary the clock passes is
// evaluated), and applies state changes: the alarm's new state, its StateUpdate history item,
// and, when ActionsEnabled, the actions of the new state (a Lambda function is invoked
// asynchronously through lambda::AsyncQueue with CloudWatch's alarm event, in the same
// transaction; other ARNs are recorded as failed actions). SetAlarmState changes states through
// Transition too. Thread contract: Start/Stop/Wake from any thread; evaluation runs on the
// evaluator's own thread and writes through the store's committer; Transition runs inside a
// write job on the committer's thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "base/clock.h"
#include "base/result.h"
#include "lambda/async_queue.h"
#include "observe/metric_store.h"
#include "store/alarms.h"
#include "store/txn.h"

namespace evoke::observe {

struct AlarmDependencies {
  store::Transactions& txns;
  store::AlarmRepository& alarms;
  MetricStore& metrics;
  const Clock& clock;  // the events clock
  std::string region;
  std::string account_id;
};

// A state change to apply: the new state, its reason and reason data (JSON text or empty).
struct AlarmStateChange {
  std::string state;
  std::string reason;
  std::string reason_data;
};

class AlarmEvaluator {
 public:
  explicit AlarmEvaluator(AlarmDependencies deps);
  ~AlarmEvaluator();
  AlarmEvaluator(const AlarmEvaluator&) = delete;
  AlarmEvaluator& operator=(const AlarmEvaluator&) = delete;

  // Where Lambda alarm actions are enqueued (the dispatcher); none until set. Before Start.
  void SendActionsTo(lambda::AsyncQueue* queue) { queue_ = queue; }
  // Starts the thread; Stop() (and the destructor) joins it.
  void Start();
  void Stop();
  // Re-checks the clock (after the test clock moved). Thread-safe and quick.
  void Wake();

  // Evaluates every alarm as of `at_ms` and applies the changes. Blocking (the thread, tests).
  Status EvaluateBlocking(int64_t at_ms);

  // Inside a write job: moves `alarm` (its stored document, updated in place) to `change` as of
  // `now_ms`, writes it, records its StateUpdate item and runs the new state's actions. No-op
  // when the state does not change.
  Status Transition(store::WriteTxn& t, nlohmann::json& alarm, const AlarmStateChange& change,
                    int64_t now_ms);

  const AlarmDependencies& deps() const { return deps_; }

 private:
  void Loop();
  Status RunActions(store::WriteTxn& t, const nlohmann::json& alarm, const nlohmann::json& previous,
                    const nlohmann::json& current, int64_t now_ms);

  AlarmDependencies deps_;
  lambda::AsyncQueue* queue_ = nullptr;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // GUARDED_BY(mutex_)
  bool woken_ = false;     // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace evoke::observe
