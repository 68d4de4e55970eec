#include "store/sqlite/committer.h"

#include "base/log.h"
#include "store/errors.h"
#include "store/sqlite/txn.h"

namespace evoke::store::sqlite {
namespace {

constexpr size_t kMaxBatch = 512;

}  // namespace

Status SqliteWriteTxn::Nested(const std::function<Status()>& fn) {
  const std::string name = "nested" + std::to_string(depth_++);
  const size_t garbage = garbage_.size();
  const size_t after = after_commit_.size();
  Status s = db_.Exec("SAVEPOINT " + name);
  if (s.ok()) {
    try {
      s = fn();
    } catch (const std::exception& e) {
      s = Internal(std::string("write failed: ") + e.what());
    }
    if (!s.ok()) {
      (void)db_.Exec("ROLLBACK TO " + name);
      garbage_.resize(garbage);
      after_commit_.resize(after);
    }
    (void)db_.Exec("RELEASE " + name);
  }
  --depth_;
  return s;
}

Connection& ConnectionOf(ReadTxn& t) {
  if (auto* w = dynamic_cast<SqliteWriteTxn*>(&t)) return w->connection();
  return static_cast<SqliteReadTxn&>(t).connection();
}

Committer::Committer(Database& db, std::unique_ptr<Connection> writer, const BlobStore& blobs)
    : db_(db), writer_(std::move(writer)), blobs_(blobs), thread_([this] { Loop(); }) {}

Committer::~Committer() { Stop(); }

std::unique_ptr<ReadTxn> Committer::Read() { return std::make_unique<SqliteReadTxn>(db_.Reader()); }

void Committer::Submit(WriteJob job) {
  {
    std::lock_guard lock(mutex_);
    if (!stopped_) {
      queue_.push_back(std::move(job));
      job.done = nullptr;
    }
  }
  if (job.done) {
    job.done(MakeError(std::string(kUnavailable), "the server is shutting down"));
    return;
  }
  wake_.notify_one();
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
  std::vector<WriteJob> batch;
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

void Committer::RunBatch(std::vector<WriteJob>& batch) {
  std::vector<Status> results(batch.size());
  std::vector<std::vector<std::string>> garbage(batch.size());
  std::vector<std::vector<std::function<void()>>> after_commit(batch.size());

  // 1. Make every blob durable before anything names it, all of the batch together (the blob
  // store overlaps their syncs); when that fails, job by job, to fail only the jobs concerned.
  std::vector<BlobWriter*> all;
  for (const auto& job : batch) all.insert(all.end(), job.blobs.begin(), job.blobs.end());
  if (!all.empty() && !blobs_.Sync(all).ok()) {
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!batch[i].blobs.empty()) results[i] = blobs_.Sync(batch[i].blobs);
    }
  }

  // 2. Apply every job in one transaction, each in its own savepoint.
  Connection& db = *writer_;
  Status begin = db.Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (auto& r : results) {
      if (r.ok()) r = begin;
    }
  } else {
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!results[i].ok() || !batch[i].apply) continue;
      (void)db.Exec("SAVEPOINT job");
      SqliteWriteTxn txn(db);
      try {
        results[i] = batch[i].apply(txn);
      } catch (const std::exception& e) {
        results[i] = Internal(std::string("write failed: ") + e.what());
      }
      if (results[i].ok()) {
        garbage[i] = std::move(txn.garbage());
        after_commit[i] = std::move(txn.after_commit());
      } else {
        (void)db.Exec("ROLLBACK TO job");
      }
      (void)db.Exec("RELEASE job");
    }
    Status commit = db.Exec("COMMIT");
    if (!commit.ok()) {
      LogError("store: commit failed: " + commit.error().message);
      (void)db.Exec("ROLLBACK");
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

}  // namespace evoke::store::sqlite
