#include "store/committer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <set>

#include "base/log.h"

namespace evoke::store {
namespace {

constexpr size_t kMaxBatch = 512;

}  // namespace

Committer::Committer(std::unique_ptr<Connection> writer, const BlobStore& blobs)
    : db_(std::move(writer)), blobs_(blobs), thread_([this] { Loop(); }) {}

Committer::~Committer() { Stop(); }

void Committer::Submit(CommitJob job) {
  {
    std::lock_guard lock(mutex_);
    if (!stopped_) {
      queue_.push_back(std::move(job));
      job.done = nullptr;
    }
  }
  if (job.done) {
    job.done(MakeError("ServiceUnavailable", "the server is shutting down"));
    return;
  }
  wake_.notify_one();
}

Status Committer::RunBlocking(std::function<Status(WriteTxn&)> apply) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  Submit(CommitJob{{}, {}, std::move(apply), [&promise](Status s) { promise.set_value(std::move(s)); }});
  return future.get();
}

void Committer::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

CommitterStats Committer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void Committer::Loop() {
  std::vector<CommitJob> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) {
        stopped_ = true;
        return;
      }
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      stats_.batches += 1;
      stats_.jobs += batch.size();
    }
    RunBatch(batch);
    batch.clear();
  }
}

void Committer::RunBatch(std::vector<CommitJob>& batch) {
  std::vector<Status> results(batch.size());
  std::vector<std::vector<std::string>> garbage(batch.size());
  std::vector<std::vector<std::function<void()>>> after_commit(batch.size());

  // 1. Make every blob durable before anything names it. Starting the write-back of all of
  // them first lets the file system put their allocations in one journal commit instead of
  // one per blob (measured here: ~1.6x the blobs per second for batches of 16 small ones).
  for (const auto& job : batch) {
    for (int fd : job.sync_fds) (void)::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  }
  std::set<std::string> dirs;
  for (size_t i = 0; i < batch.size(); ++i) {
    for (int fd : batch[i].sync_fds) {
      if (::fdatasync(fd) != 0) {
        results[i] = MakeError("InternalError", std::string("fdatasync: ") + std::strerror(errno));
        break;
      }
    }
    if (results[i].ok()) dirs.insert(batch[i].sync_dirs.begin(), batch[i].sync_dirs.end());
  }
  for (const auto& dir : dirs) {
    Status s = SyncDirectory(dir);
    if (!s.ok()) {
      for (size_t i = 0; i < batch.size(); ++i) {
        for (const auto& d : batch[i].sync_dirs) {
          if (d == dir && results[i].ok()) results[i] = s;
        }
      }
    }
  }

  // 2. Apply every job in one transaction, each in its own savepoint.
  Status begin = db_->Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (auto& r : results) {
      if (r.ok()) r = begin;
    }
  } else {
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!results[i].ok() || !batch[i].apply) continue;
      (void)db_->Exec("SAVEPOINT job");
      WriteTxn txn(*db_);
      try {
        results[i] = batch[i].apply(txn);
      } catch (const std::exception& e) {
        results[i] = MakeError("InternalError", std::string("write failed: ") + e.what());
      }
      if (results[i].ok()) {
        garbage[i] = std::move(txn.garbage());
        after_commit[i] = std::move(txn.after_commit());
      } else {
        (void)db_->Exec("ROLLBACK TO job");
      }
      (void)db_->Exec("RELEASE job");
    }
    Status commit = db_->Exec("COMMIT");
    if (!commit.ok()) {
      LogError("store: commit failed: " + commit.error().message);
      (void)db_->Exec("ROLLBACK");
      for (size_t i = 0; i < batch.size(); ++i) {
        if (results[i].ok()) results[i] = commit;
        garbage[i].clear();
        after_commit[i].clear();
      }
    }
  }

  // 3. Only now can replaced blobs go.
  for (const auto& list : garbage) {
    for (const auto& id : list) blobs_.Remove(id);
  }
  for (auto& fns : after_commit) {
    for (auto& fn : fns) fn();
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].done) batch[i].done(std::move(results[i]));
  }
}

}  // namespace evoke::store
