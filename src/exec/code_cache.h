// CodeCache: deployment packages unpacked on disk, once per content. A zip (a function's code or
// a layer) is unpacked into DATA_DIR/code/<sha256 hex>/ on the blocking pool, through a temporary
// directory renamed into place, and left read-only; sandboxes bind-mount it. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/asio.h"
#include "base/result.h"
#include "base/worker_pool.h"

namespace evoke::exec {

class CodeCache {
 public:
  CodeCache(std::string root, WorkerPool& pool);  // DATA_DIR/code; the blocking pool

  // The directory named `key` (a package's SHA-256 in hex, or a key naming a list of layers),
  // unpacking it first if needed. `read_zips` is called on the pool and returns the
  // zips, unpacked in order into the same directory (a later layer overwrites an earlier one,
  // as Lambda extracts layers into /opt).
  Task<Result<std::string>> Unpacked(std::string key,
                                     std::function<Result<std::vector<std::string>>()> read_zips);
  // Removes unpacked packages not named in `keep` (start-up housekeeping).
  void RemoveExcept(const std::vector<std::string>& keep);

 private:
  struct Entry {
    bool done = false;
    Status status;
    std::vector<std::function<void(Status)>> waiters;
  };
  Status Unpack(const std::string& key, const std::vector<std::string>& zips);

  std::string root_;
  WorkerPool& pool_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // GUARDED_BY(mutex_)
};

// Unpacks `zip` into the existing directory `dir` (pure file work; used by the cache and tests).
Status UnpackZip(const std::string& zip, const std::string& dir);

}  // namespace evoke::exec
