// SqliteStore: the embedded default backend, DATA_DIR/evoke.db (SQLite in WAL mode) beside a
// blob store (docs/store.md, docs/storage.md). Opens and migrates the database, removes the
// blobs a crash left unnamed, loads the async queue, and serves every store interface until
// Stop(). Created by app (and tests) only; nothing of SQLite shows through this header.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "store/blob_store.h"
#include "store/store.h"

namespace evoke::store::sqlite {

class SqliteStore {
 public:
  // `blobs` and `lease_clock` must outlive the store.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, BlobStore& blobs,
                                                   const Clock& lease_clock);
  ~SqliteStore();

  Store view();
  // Finishes every queued write and stops writing; later writes fail.
  void Stop();

 private:
  struct Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace evoke::store::sqlite
