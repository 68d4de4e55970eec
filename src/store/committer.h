// Committer: the one thread that writes to the database. Jobs queued while a batch is on disk
// form the next batch: their blobs are synced, their changes applied in one transaction (each
// in its own savepoint) and committed once, then every job is answered. See docs/storage.md.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "store/blobs.h"
#include "store/sqlite.h"

namespace evoke::store {

// A job's view of the batch transaction.
class WriteTxn {
 public:
  explicit WriteTxn(Connection& db) : db_(db) {}
  Connection& db() { return db_; }
  // Unlinks the blob once the transaction has committed (and only then).
  void RemoveBlobAfterCommit(std::string id) { garbage_.push_back(std::move(id)); }
  std::vector<std::string>& garbage() { return garbage_; }
  // Runs `fn` on the committer thread once the transaction has committed (never if the job or
  // the batch failed). Must be quick: post work elsewhere.
  void AfterCommit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }
  std::vector<std::function<void()>>& after_commit() { return after_commit_; }

 private:
  Connection& db_;
  std::vector<std::string> garbage_;
  std::vector<std::function<void()>> after_commit_;
};

struct CommitJob {
  std::vector<int> sync_fds;           // blob files to fdatasync before the commit
  std::vector<std::string> sync_dirs;  // directories to fsync before the commit
  std::function<Status(WriteTxn&)> apply;
  // Called on the committer thread once the job's fate is known. Must be quick: post the
  // result elsewhere.
  std::function<void(Status)> done;
};

struct CommitterStats {
  uint64_t batches = 0;
  uint64_t jobs = 0;
};

class Committer {
 public:
  Committer(std::unique_ptr<Connection> writer, const BlobStore& blobs);
  ~Committer();
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  void Submit(CommitJob job);
  // Submits and waits; for start-up code and tests, never for I/O threads.
  Status RunBlocking(std::function<Status(WriteTxn&)> apply);
  // Finishes every queued job, then stops the thread.
  void Stop();
  CommitterStats stats() const;

 private:
  void Loop();
  void RunBatch(std::vector<CommitJob>& batch);

  std::unique_ptr<Connection> db_;
  const BlobStore& blobs_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<CommitJob> queue_;  // GUARDED_BY(mutex_)
  bool stopping_ = false;        // GUARDED_BY(mutex_)
  bool stopped_ = false;         // GUARDED_BY(mutex_): the thread has exited
  CommitterStats stats_;         // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace evoke::store
