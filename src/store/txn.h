// Transactions: how the API modules read and change what the store keeps (docs/store.md). A
// read is a ReadTxn, one consistent view for one thread while a request looks things up; a
// change is a WriteJob whose `apply` runs against a WriteTxn and commits all or nothing, after
// the blobs it names are durable. The repositories (store/objects.h, ...) take these as their
// first argument. Implementations: store/sqlite/ (the embedded default).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/blob_store.h"

namespace evoke::store {

// One consistent view of the store. Used by one thread at a time, briefly: it may pin a
// connection or a snapshot.
class ReadTxn {
 public:
  virtual ~ReadTxn() = default;

 protected:
  ReadTxn() = default;
};

// A job's changes. Reads through it see them.
class WriteTxn : public ReadTxn {
 public:
  // Unlinks the blob once the transaction has committed (and only then).
  virtual void RemoveBlobAfterCommit(std::string id) = 0;
  // Runs `fn` once the transaction is durable (never if the job failed). Must be quick: it
  // runs on the thread that committed; post real work elsewhere.
  virtual void AfterCommit(std::function<void()> fn) = 0;
  // Runs `fn` as a part of the job that may fail alone: when it fails, its changes (and its
  // after-commit work) are undone and its error returned, and the rest of the job goes on.
  virtual Status Nested(const std::function<Status()>& fn) = 0;
};

struct WriteJob {
  // Blobs to make durable before the changes that name them commit. Owned by the submitter,
  // which keeps them alive until `done` has been called.
  std::vector<BlobWriter*> blobs;
  std::function<Status(WriteTxn&)> apply;
  // Called once the job's fate is known, on the store's own thread. Must be quick: post the
  // result elsewhere.
  std::function<void(Status)> done;
};

class Transactions {
 public:
  virtual ~Transactions() = default;
  virtual std::unique_ptr<ReadTxn> Read() = 0;
  // Queues `job`; jobs may be committed together with others, each all or nothing.
  virtual void Submit(WriteJob job) = 0;
  // Submits and waits; for start-up code and tests, never for I/O threads.
  Status WriteBlocking(std::function<Status(WriteTxn&)> apply);
};

}  // namespace evoke::store
