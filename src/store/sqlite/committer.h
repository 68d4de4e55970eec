// Committer: the SQLite backend's Transactions. Reads lease a connection from the database's
// pool; writes go to the one thread that owns the write connection. Jobs queued while a batch is
// on disk form the next batch: their blobs are made durable together, their changes applied in
// one transaction (each in its own savepoint) and committed once, then every job is answered.
// See docs/storage.md.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/blob_store.h"
#include "store/sqlite/database.h"
#include "store/sqlite/sqlite.h"
#include "store/txn.h"

namespace evoke::store::sqlite {

struct CommitterStats {
  uint64_t batches = 0;
  uint64_t jobs = 0;
};

class Committer final : public Transactions {
 public:
  Committer(Database& db, std::unique_ptr<Connection> writer, const BlobStore& blobs);
  ~Committer() override;
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  std::unique_ptr<ReadTxn> Read() override;
  void Submit(WriteJob job) override;
  // Finishes every queued job, then stops the thread. Jobs submitted later fail at once.
  void Stop();
  CommitterStats stats() const;

 private:
  void Loop();
  void RunBatch(std::vector<WriteJob>& batch);

  Database& db_;
  std::unique_ptr<Connection> writer_;
  const BlobStore& blobs_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<WriteJob> queue_;  // GUARDED_BY(mutex_)
  bool stopping_ = false;       // GUARDED_BY(mutex_)
  bool stopped_ = false;        // GUARDED_BY(mutex_): the thread has exited
  CommitterStats stats_;        // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace evoke::store::sqlite
