// BlobStore: object bodies and parts as immutable files under DATA_DIR/blobs/, each named by a
// random id. A BlobWriter removes its file unless Keep() is called, so every failure path
// cleans up after itself. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "base/result.h"

namespace evoke::store {

// An open file descriptor, closed on destruction.
class File {
 public:
  File() = default;
  explicit File(int fd) : fd_(fd) {}
  ~File();
  File(File&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  File& operator=(File&& o) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

  // Reads up to n bytes at offset; fewer only at end of file.
  Result<size_t> ReadAt(char* buf, size_t n, uint64_t offset) const;

 private:
  int fd_ = -1;
};

class BlobWriter {
 public:
  BlobWriter(std::string id, std::string path, File file);
  ~BlobWriter();
  BlobWriter(BlobWriter&&) noexcept = default;
  BlobWriter& operator=(BlobWriter&&) noexcept = default;

  Status Write(std::string_view data);
  // Appends `length` bytes of `src` from `offset`, in the kernel where the file system allows.
  Status CopyFrom(const File& src, uint64_t offset, uint64_t length);
  const std::string& id() const { return id_; }
  const std::string& path() const { return path_; }
  int fd() const { return file_.get(); }
  uint64_t size() const { return size_; }
  // The blob is now named by committed metadata: keep the file.
  void Keep() { keep_ = true; }

 private:
  std::string id_;
  std::string path_;
  File file_;
  uint64_t size_ = 0;
  uint64_t written_back_ = 0;  // bytes whose write-back has been started
  bool keep_ = false;
};

class BlobStore {
 public:
  explicit BlobStore(std::string root);  // DATA_DIR/blobs

  Status Init();
  Result<BlobWriter> Create();
  // ENOENT becomes "NoSuchBlob".
  Result<File> Open(std::string_view id) const;
  void Remove(std::string_view id) const;
  std::string PathOf(std::string_view id) const;
  std::string DirOf(std::string_view id) const;

  // Removes every blob whose id `is_referenced` rejects. Run before serving. Returns the number
  // removed.
  Result<size_t> RemoveOrphans(const std::function<bool(std::string_view)>& is_referenced) const;

 private:
  std::string root_;
};

// fsync of a directory, so that a file created in it survives a crash.
Status SyncDirectory(const std::string& path);

}  // namespace evoke::store
