// BlobStore: object bodies, parts and code packages as immutable blobs named by random ids
// (docs/store.md). A blob is written once by a BlobWriter, made durable by the WriteJob whose
// changes name it, kept once that job has committed, read by range through a BlobReader, and
// removed after the commit that stops naming it. A writer dropped without Keep() removes its
// blob, so every failure path cleans up after itself. Implementations: store/files/ (one file
// per blob). Thread-safe; a reader or writer is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace evoke::store {

class BlobReader {
 public:
  virtual ~BlobReader() = default;
  // Reads up to n bytes at offset; fewer only at the end of the blob.
  virtual Result<size_t> ReadAt(char* out, size_t n, uint64_t offset) const = 0;
};

class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  virtual const std::string& id() const = 0;
  virtual uint64_t size() const = 0;
  virtual Status Write(std::string_view data) = 0;
  // Appends `length` bytes of `source` from `offset` (in the kernel where the store can).
  virtual Status CopyFrom(const BlobReader& source, uint64_t offset, uint64_t length) = 0;
  // The blob is now named by committed records: keep it.
  virtual void Keep() = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  virtual Result<std::unique_ptr<BlobWriter>> Create() = 0;
  // NotFound (store/errors.h, entity "blob") when the blob is gone.
  virtual Result<std::unique_ptr<BlobReader>> Open(std::string_view id) const = 0;
  virtual void Remove(std::string_view id) const = 0;
  // Makes every blob written so far by `writers` durable. Called by the transactions before the
  // commit that names them; all of a batch at once, so their syncs can overlap.
  virtual Status Sync(std::span<BlobWriter* const> writers) const = 0;
  // Removes every blob whose id `is_referenced` rejects. Run before serving. Returns the number
  // removed.
  virtual Result<size_t> RemoveOrphans(
      const std::function<bool(std::string_view)>& is_referenced) const = 0;
};

// The whole blob, for small blobs and code packages (a read of `size` bytes from offset 0).
Result<std::string> ReadWholeBlob(const BlobReader& reader, uint64_t size);

}  // namespace evoke::store
