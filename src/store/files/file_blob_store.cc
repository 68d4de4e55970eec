#include "store/files/file_blob_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "base/ids.h"
#include "store/errors.h"

namespace evoke::store::files {
namespace {

Error IoError(std::string_view what, int err) {
  return Internal(std::string(what) + ": " + std::strerror(err));
}

bool IsBlobId(std::string_view name) {
  if (name.size() != 32) return false;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// An open file descriptor, closed on destruction.
class File {
 public:
  File() = default;
  explicit File(int fd) : fd_(fd) {}
  ~File();
  File(File&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  File& operator=(File&& o) = delete;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Reads up to n bytes at offset; fewer only at end of file.
  Result<size_t> ReadAt(char* buf, size_t n, uint64_t offset) const;

 private:
  int fd_ = -1;
};

class FileBlobReader final : public BlobReader {
 public:
  explicit FileBlobReader(File file) : file_(std::move(file)) {}
  Result<size_t> ReadAt(char* out, size_t n, uint64_t offset) const override {
    return file_.ReadAt(out, n, offset);
  }
  const File& file() const { return file_; }

 private:
  File file_;
};

class FileBlobWriter final : public BlobWriter {
 public:
  FileBlobWriter(std::string id, std::string path, std::string dir, File file)
      : id_(std::move(id)), path_(std::move(path)), dir_(std::move(dir)), file_(std::move(file)) {}
  ~FileBlobWriter() override {
    if (!keep_ && !path_.empty() && file_.valid()) ::unlink(path_.c_str());
  }
  const std::string& id() const override { return id_; }
  uint64_t size() const override { return size_; }
  Status Write(std::string_view data) override;
  Status CopyFrom(const BlobReader& source, uint64_t offset, uint64_t length) override;
  void Keep() override { keep_ = true; }
  int fd() const { return file_.get(); }
  const std::string& dir() const { return dir_; }

 private:
  std::string id_;
  std::string path_;
  std::string dir_;
  File file_;
  uint64_t size_ = 0;
  uint64_t written_back_ = 0;  // bytes whose write-back has been started
  bool keep_ = false;
};

}  // namespace

File::~File() {
  if (fd_ >= 0) ::close(fd_);
}

Result<size_t> File::ReadAt(char* buf, size_t n, uint64_t offset) const {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd_, buf + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      return IoError("read", errno);
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

Status FileBlobWriter::Write(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(file_.get(), data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write", errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
    size_ += static_cast<uint64_t>(n);
  }
  // Start writing back each full stretch as it fills, so that the fdatasync before the commit
  // has only the tail left to wait for instead of the whole body.
  constexpr uint64_t kWriteBackStretch = 8 * 1024 * 1024;
  while (size_ - written_back_ >= kWriteBackStretch) {
    (void)::sync_file_range(file_.get(), static_cast<off64_t>(written_back_), kWriteBackStretch,
                            SYNC_FILE_RANGE_WRITE);
    written_back_ += kWriteBackStretch;
  }
  return {};
}

Status FileBlobWriter::CopyFrom(const BlobReader& source, uint64_t offset, uint64_t length) {
  // Every reader of this store is a FileBlobReader.
  const File& src = static_cast<const FileBlobReader&>(source).file();
  loff_t in_off = static_cast<loff_t>(offset);
  while (length > 0) {
    ssize_t n = ::copy_file_range(src.get(), &in_off, file_.get(), nullptr, length, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
      return IoError("copy_file_range", errno);
    }
    if (n < 0) break;  // not supported here: fall back to reads and writes below
    if (n == 0) return Internal("copy source shorter than expected");
    length -= static_cast<uint64_t>(n);
    size_ += static_cast<uint64_t>(n);
  }
  std::vector<char> buf;
  while (length > 0) {
    if (buf.empty()) buf.resize(1 << 20);
    auto got = src.ReadAt(buf.data(), std::min<uint64_t>(buf.size(), length),
                          static_cast<uint64_t>(in_off));
    if (!got.ok()) return std::move(got).error();
    if (*got == 0) return Internal("copy source shorter than expected");
    Status s = Write(std::string_view(buf.data(), *got));
    if (!s.ok()) return s;
    in_off += static_cast<loff_t>(*got);
    length -= *got;
  }
  return {};
}

FileBlobStore::FileBlobStore(std::string root) : root_(std::move(root)) {}

Status FileBlobStore::Init() {
  if (::mkdir(root_.c_str(), 0700) != 0 && errno != EEXIST) return IoError("mkdir " + root_, errno);
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 256; ++i) {
    std::string dir = root_ + "/" + kHex[i >> 4] + kHex[i & 15];
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return IoError("mkdir " + dir, errno);
  }
  return SyncDirectory(root_);
}

std::string FileBlobStore::DirOf(std::string_view id) const {
  return root_ + "/" + std::string(id.substr(0, 2));
}

std::string FileBlobStore::PathOf(std::string_view id) const {
  return DirOf(id) + "/" + std::string(id);
}

Result<std::unique_ptr<BlobWriter>> FileBlobStore::Create() {
  std::string id = RandomHex(16);
  std::string path = PathOf(id);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("create blob", errno);
  std::string dir = DirOf(id);
  return std::unique_ptr<BlobWriter>(
      std::make_unique<FileBlobWriter>(std::move(id), std::move(path), std::move(dir), File(fd)));
}

Result<std::unique_ptr<BlobReader>> FileBlobStore::Open(std::string_view id) const {
  std::string path = PathOf(id);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("blob", id);
    return IoError("open blob", errno);
  }
  return std::unique_ptr<BlobReader>(std::make_unique<FileBlobReader>(File(fd)));
}

Status FileBlobStore::Sync(std::span<BlobWriter* const> writers) const {
  // Starting the write-back of all of them first lets the file system put their allocations in
  // one journal commit instead of one per blob (measured here: ~1.6x the blobs per second for
  // batches of 16 small ones).
  for (BlobWriter* w : writers) {
    (void)::sync_file_range(static_cast<FileBlobWriter*>(w)->fd(), 0, 0, SYNC_FILE_RANGE_WRITE);
  }
  std::set<std::string> dirs;
  for (BlobWriter* w : writers) {
    auto* file = static_cast<FileBlobWriter*>(w);
    if (::fdatasync(file->fd()) != 0) return IoError("fdatasync", errno);
    dirs.insert(file->dir());
  }
  for (const auto& dir : dirs) {
    if (Status s = SyncDirectory(dir); !s.ok()) return s;
  }
  return {};
}

void FileBlobStore::Remove(std::string_view id) const { ::unlink(PathOf(id).c_str()); }

Result<size_t> FileBlobStore::RemoveOrphans(
    const std::function<bool(std::string_view)>& is_referenced) const {
  size_t removed = 0;
  DIR* top = ::opendir(root_.c_str());
  if (!top) return IoError("opendir " + root_, errno);
  std::vector<std::string> subdirs;
  while (dirent* e = ::readdir(top)) {
    std::string_view name = e->d_name;
    if (name.size() == 2 && name != "..") subdirs.emplace_back(name);
  }
  ::closedir(top);
  for (const auto& sub : subdirs) {
    std::string dir = root_ + "/" + sub;
    DIR* d = ::opendir(dir.c_str());
    if (!d) continue;
    std::vector<std::string> doomed;
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      if (!IsBlobId(name) || !is_referenced(name)) doomed.emplace_back(name);
    }
    ::closedir(d);
    for (const auto& name : doomed) {
      if (::unlink((dir + "/" + name).c_str()) == 0) ++removed;
    }
  }
  return removed;
}

Status SyncDirectory(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("open dir " + path, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return IoError("fsync dir " + path, err);
  return {};
}

}  // namespace evoke::store::files
