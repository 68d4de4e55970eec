// LogStore: CloudWatch-style log groups, streams and events, kept through the store's log
// repository (docs/logs.md). The invoke path appends a function's lines here (it is exec's
// LogSink); the CloudWatch Logs API (observe/logs_service) reads them. Append queues events in
// memory and one fire-and-forget write job at a time writes everything queued when it runs, so
// appends that pile up while the disk is busy share one job (and one transaction), in order per
// stream.
// Thread contract: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "exec/log_sink.h"
#include "observe/metric_store.h"
#include "store/logs.h"
#include "store/txn.h"

namespace evoke::observe {

struct LogStoreOptions {
  // Queued bytes (messages) beyond which Append drops events instead of growing: the bound
  // on memory when producers outrun the disk. Each stream that lost events gets one line
  // saying how many once there is room again.
  size_t max_queued_bytes = 64u << 20;
  // How often a flush also deletes events past their group's retention, and how many at most
  // per flush (so one write job stays short).
  int64_t retention_sweep_interval_ms = 60'000;
  size_t retention_sweep_budget = 10'000;
  // How long appends gather before they are handed to the store: many invocations' lines
  // then share one transaction instead of each paying for a commit.
  std::chrono::milliseconds gather{20};
};

struct LogStoreStats {
  uint64_t appended_events = 0;  // accepted by Append
  uint64_t dropped_events = 0;   // refused because the queue was full
  uint64_t written_events = 0;   // committed
  uint64_t flush_jobs = 0;       // write jobs that wrote them
  uint64_t expired_events = 0;   // deleted by retention
};

class LogStore final : public exec::LogSink {
 public:
  LogStore(store::Transactions& txns, store::LogRepository& logs, const Clock& clock,
           LogStoreOptions options = {});
  // Waits until what is queued is written (or the store has stopped writing).
  ~LogStore() override;
  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  void Append(const std::string& group, const std::string& stream,
              std::vector<exec::LogEvent> events) override;
  // Function log lines in the Embedded Metric Format (observe/emf.h) become metrics here, as
  // CloudWatch Logs extracts them; none are extracted until this is set. Set before serving.
  void ExtractMetricsInto(MetricStore* metrics) { metrics_ = metrics; }

  // Writes what is queued now and waits for it; for start-up, shutdown and tests only.
  void FlushBlocking();
  // Runs a retention sweep in the next write job regardless of the interval (after
  // PutRetentionPolicy, and for tests).
  void RequestRetentionSweep();

  store::Transactions& txns() { return txns_; }
  store::LogRepository& logs() { return logs_; }
  const Clock& clock() const { return clock_; }
  LogStoreStats stats() const;

 private:
  MetricStore* metrics_ = nullptr;
  struct Pending {
    std::string group;
    std::string stream;
    std::vector<store::NewLogEvent> events;
  };
  // Submits a flush job; called with job_pending_ just set, never with mutex_ held.
  void ScheduleJob();
  // The gatherer thread: submits a flush job `gather` after the first append that needs one.
  void Gather();
  // Runs on the store's writing thread inside a job: writes (and counts in `written`) what is
  // queued, and sweeps expired events when due.
  Status WriteQueued(store::WriteTxn& txn, uint64_t& written);

  store::Transactions& txns_;
  store::LogRepository& logs_;
  const Clock& clock_;
  const LogStoreOptions options_;

  mutable std::mutex mutex_;
  std::vector<Pending> queue_;    // GUARDED_BY(mutex_)
  size_t queued_bytes_ = 0;       // GUARDED_BY(mutex_)
  bool job_pending_ = false;      // GUARDED_BY(mutex_): a flush job is queued in the store
  bool sweep_requested_ = false;  // GUARDED_BY(mutex_)
  std::map<std::pair<std::string, std::string>, uint64_t> dropped_;  // GUARDED_BY(mutex_)
  LogStoreStats stats_;                                              // GUARDED_BY(mutex_)
  int64_t last_sweep_ms_ = 0;  // the store's writing thread only
  bool flush_wanted_ = false;  // GUARDED_BY(mutex_): appends wait for the gatherer
  bool stopping_ = false;      // GUARDED_BY(mutex_)
  std::condition_variable wake_;
  std::thread gatherer_;
};

}  // namespace evoke::observe
