// Clock: the source of wall time for everything that schedules, expires or stamps. Injected
// through constructors so tests can drive time (FakeClock) instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace evoke {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ms) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  void Set(int64_t ms) { now_ms_.store(ms); }
  void Advance(int64_t ms) { now_ms_.fetch_add(ms); }

 private:
  std::atomic<int64_t> now_ms_;
};

// The system clock plus an offset that only grows: the clock of schedules and retry delays on
// a server started with --test-clock, which tests move forward (an hour in a call) instead of
// sleeping. Thread-safe.
class AdjustableClock final : public Clock {
 public:
  int64_t NowMs() const override { return system_.NowMs() + offset_ms_.load(); }
  // Moves time forward by `ms` (> 0) and then calls every listener, on the caller's thread.
  void Advance(int64_t ms) {
    if (ms <= 0) return;
    offset_ms_.fetch_add(ms);
    std::vector<std::function<void()>> listeners;
    {
      std::lock_guard lock(mutex_);
      listeners = listeners_;
    }
    for (auto& fn : listeners) fn();
  }
  // `fn` must be quick and thread-safe: it typically posts a wake-up to an io_context.
  void OnAdvance(std::function<void()> fn) {
    std::lock_guard lock(mutex_);
    listeners_.push_back(std::move(fn));
  }

 private:
  SystemClock system_;
  std::atomic<int64_t> offset_ms_{0};
  std::mutex mutex_;
  std::vector<std::function<void()>> listeners_;  // GUARDED_BY(mutex_)
};

}  // namespace evoke
