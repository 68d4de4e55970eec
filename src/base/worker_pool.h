// WorkerPool: a fixed set of threads for work that must not run on an I/O thread, where it
// would stall every connection of that thread: reading and unpacking code packages, copying
// large packages to blobs, hashing large bodies. app builds two: one for blocking work and one
// for hashing; nothing starts a thread of its own per request. Jobs run in submission order, as
// threads free up; the queue has no bound, so the number of threads is the bound on the work
// running at once. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace evoke {

class WorkerPool {
 public:
  // `name` goes into the server log when a job throws.
  WorkerPool(std::string name, size_t threads);
  // Runs what is queued, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `job`; it must not block on other jobs of this pool.
  void Post(std::function<void()> job);
  size_t threads() const { return threads_.size(); }

 private:
  void Loop();

  const std::string name_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;  // GUARDED_BY(mutex_)
  bool stopping_ = false;                    // GUARDED_BY(mutex_)
  std::vector<std::thread> threads_;         // last: started once the rest is built
};

}  // namespace evoke
