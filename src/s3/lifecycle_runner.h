// LifecycleRunner: applies buckets' lifecycle rules (docs/lifecycle.md) on a thread of its own:
// a pass over every bucket with rules at start, then every few minutes and whenever the clock it
// reads is moved (the test clock), expiring current versions (a delete, or a delete marker in a
// versioned bucket), noncurrent versions and lone delete markers, and aborting old multipart
// uploads. Each change commits with the notification it sends (LifecycleExpiration:*). The same
// thread records AWS/S3's daily storage metrics (s3/request_metrics.h) at its first pass and at
// the first pass of each new day of the clock, when S3Dependencies::metrics is set.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "base/clock.h"
#include "base/result.h"
#include "s3/service.h"

namespace evoke::s3 {

class LifecycleRunner {
 public:
  // `clock` decides what is due (the events clock: --test-clock moves it).
  LifecycleRunner(const S3Options& options, const S3Dependencies& deps, const Clock& clock,
                  int64_t interval_ms = 10 * 60 * 1000);
  ~LifecycleRunner();
  LifecycleRunner(const LifecycleRunner&) = delete;
  LifecycleRunner& operator=(const LifecycleRunner&) = delete;

  void Start();
  // Runs a pass soon (the clock moved, or a configuration changed). Thread-safe, cheap; calls
  // coalesce.
  void Wake();
  void Stop();

  // One pass as of the clock's time: how many objects, versions and uploads it removed.
  // Blocking; for the runner's thread and tests.
  Result<size_t> RunOnce();

 private:
  void Loop();
  // The daily storage metrics, if the clock's day has not had them yet (the runner's thread).
  void RecordStorageMetricsIfDue();

  const S3Options& options_;
  const S3Dependencies& deps_;
  const Clock& clock_;
  const int64_t interval_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;    // GUARDED_BY(mutex_)
  bool stopping_ = false;  // GUARDED_BY(mutex_)
  std::thread thread_;
  int64_t storage_day_ = -1;  // the runner's thread only: the last day storage metrics were for
};

}  // namespace evoke::s3
