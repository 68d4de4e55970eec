// FileBlobStore: the BlobStore of the embedded default (docs/storage.md): one immutable file per
// blob under DATA_DIR/blobs/ab/<id>, named by 128 random bits. Durability is the write-back of
// a batch's files started together, then fdatasync of each and fsync of their directories.
// Thread-safe.
#pragma once

#include <string>

#include "store/blob_store.h"

namespace evoke::store::files {

class FileBlobStore final : public BlobStore {
 public:
  explicit FileBlobStore(std::string root);  // DATA_DIR/blobs

  // Creates the directories; before any other call.
  Status Init();

  Result<std::unique_ptr<BlobWriter>> Create() override;
  Result<std::unique_ptr<BlobReader>> Open(std::string_view id) const override;
  void Remove(std::string_view id) const override;
  Status Sync(std::span<BlobWriter* const> writers) const override;
  Result<size_t> RemoveOrphans(
      const std::function<bool(std::string_view)>& is_referenced) const override;

 private:
  std::string DirOf(std::string_view id) const;
  std::string PathOf(std::string_view id) const;

  std::string root_;
};

// fsync of a directory, so that a file created in it survives a crash.
Status SyncDirectory(const std::string& path);

}  // namespace evoke::store::files
