// Pool: the warm sandboxes of every function. An invocation takes an idle sandbox of its
// function's current revision or gets none (and starts one); afterwards it gives the sandbox
// back. Sandboxes idle longer than the idle limit are stopped by a reaper; a function whose
// code or configuration changed (or that was deleted) has its sandboxes retired, and so does a
// sandbox past its `retire_at`. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/asio.h"
#include "exec/sandbox.h"

namespace evoke::exec {

class Pool {
 public:
  Pool(std::vector<asio::io_context*> contexts, std::chrono::seconds idle_limit);
  ~Pool();

  // An idle, usable sandbox of `function` at `revision`, or nullptr; one living on `near` (the
  // caller's io_context) when there is one, which spares the invocation two thread hops. Idle
  // sandboxes of other revisions are stopped on the way.
  std::shared_ptr<Sandbox> TakeIdle(const std::string& function, const std::string& revision,
                                    const asio::execution_context* near = nullptr);
  // The io_context a new sandbox should live on: `near` when it is one of the pool's, else
  // round robin.
  asio::io_context& NextHome(const asio::execution_context* near = nullptr);
  // A new sandbox, busy with its first invocation.
  void Track(const std::shared_ptr<Sandbox>& sandbox);
  // After an invocation: idle again if it is still usable and current, else stopped.
  void GiveBack(std::shared_ptr<Sandbox> sandbox);
  // The function changed or is gone: its idle sandboxes stop now, busy ones when given back.
  void Retire(const std::string& function);
  // Starts the idle reaper on the first context.
  void Start();
  // Stops every sandbox (server shutdown).
  void StopAll();

  size_t idle_count() const;
  // The sandboxes now, for /_evoke/metrics: idle (warm), running an invocation after their
  // first (busy), running their first, whose process starts before it runs (starting); and
  // how many were ever started (cold starts).
  struct Stats {
    size_t warm = 0;
    size_t busy = 0;
    size_t starting = 0;
    uint64_t cold_starts = 0;
  };
  Stats stats() const;

 private:
  struct Idle {
    std::shared_ptr<Sandbox> sandbox;
    std::chrono::steady_clock::time_point since;
  };
  void Reap();
  void ScheduleReap();

  std::vector<asio::io_context*> contexts_;
  std::chrono::seconds idle_limit_;
  std::atomic<size_t> next_home_{0};
  std::unique_ptr<asio::steady_timer> reaper_;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Idle>> idle_;     // GUARDED_BY(mutex_), by function
  std::map<std::string, uint64_t> generation_;        // GUARDED_BY(mutex_): bumped by Retire
  std::vector<std::weak_ptr<Sandbox>> all_;           // GUARDED_BY(mutex_)
  std::map<const Sandbox*, uint64_t> born_in_;        // GUARDED_BY(mutex_): generation at Track
  bool stopped_ = false;                              // GUARDED_BY(mutex_)
  std::set<const Sandbox*> first_run_;  // GUARDED_BY(mutex_): tracked, not yet given back
  size_t taken_ = 0;                    // GUARDED_BY(mutex_): taken idle, not yet given back
  uint64_t cold_starts_ = 0;            // GUARDED_BY(mutex_)
};

}  // namespace evoke::exec
