#include "exec/code_cache.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "base/ids.h"
#include "base/log.h"

namespace evoke::exec {

Status UnpackZip(const std::string& zip, const std::string& dir) {
  std::unique_ptr<archive, decltype(&archive_read_free)> in(archive_read_new(), archive_read_free);
  archive_read_support_format_zip(in.get());
  if (archive_read_open_memory(in.get(), zip.data(), zip.size()) != ARCHIVE_OK) {
    return MakeError("InvalidZipFileException", "Could not unzip the package");
  }
  std::unique_ptr<archive, decltype(&archive_write_free)> out(archive_write_disk_new(),
                                                              archive_write_free);
  // The package was checked when it was accepted; these flags refuse escapes once more
  // (entries are written under `dir`, so their paths are absolute by design).
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                                                ARCHIVE_EXTRACT_UNLINK |
                                                ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  for (;;) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(in.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) return MakeError("InvalidZipFileException", archive_error_string(in.get()));
    std::string name = archive_entry_pathname(entry);
    if (name.empty() || name.front() == '/') continue;
    archive_entry_set_pathname(entry, (dir + "/" + name).c_str());
    if (const char* link = archive_entry_hardlink(entry)) {
      archive_entry_set_hardlink(entry, (dir + "/" + link).c_str());
    }
    // Read-only for everyone, executable where the zip says so; directories searchable.
    mode_t mode = archive_entry_perm(entry);
    bool is_dir = archive_entry_filetype(entry) == AE_IFDIR;
    mode = is_dir ? 0755 : ((mode & 0111) ? 0555 : 0444);
    archive_entry_set_perm(entry, mode);
    rc = archive_write_header(out.get(), entry);
    if (rc < ARCHIVE_WARN) return MakeError("InvalidZipFileException", archive_error_string(out.get()));
    const void* buf;
    size_t size;
    la_int64_t offset;
    while ((rc = archive_read_data_block(in.get(), &buf, &size, &offset)) == ARCHIVE_OK) {
      if (archive_write_data_block(out.get(), buf, size, offset) < ARCHIVE_WARN) {
        return MakeError("InvalidZipFileException", archive_error_string(out.get()));
      }
    }
    if (rc < ARCHIVE_WARN) return MakeError("InvalidZipFileException", archive_error_string(in.get()));
    archive_write_finish_entry(out.get());
  }
  if (archive_write_close(out.get()) != ARCHIVE_OK) {
    return MakeError("InvalidZipFileException", archive_error_string(out.get()));
  }
  return {};
}

CodeCache::CodeCache(std::string root, WorkerPool& pool) : root_(std::move(root)), pool_(pool) {
  ::mkdir(root_.c_str(), 0755);
}

Status CodeCache::Unpack(const std::string& key, const std::vector<std::string>& zips) {
  std::string final_dir = root_ + "/" + key;
  struct stat st;
  if (::stat(final_dir.c_str(), &st) == 0) return {};
  std::string tmp = root_ + "/.tmp-" + RandomHex(8);
  if (::mkdir(tmp.c_str(), 0755) != 0) return MakeError("ServiceException", "cannot create " + tmp);
  Status s;
  for (const std::string& zip : zips) {
    if (s.ok()) s = UnpackZip(zip, tmp);
  }
  if (s.ok() && ::rename(tmp.c_str(), final_dir.c_str()) != 0) {
    s = MakeError("ServiceException", "cannot rename " + tmp);
  }
  if (!s.ok()) {
    std::error_code ignored;
    std::filesystem::permissions(tmp, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ignored);
    std::filesystem::remove_all(tmp, ignored);
  }
  return s;
}

Task<Result<std::string>> CodeCache::Unpacked(
    std::string key, std::function<Result<std::vector<std::string>>()> read_zips) {
  const std::string& sha256_hex = key;
  std::string dir = root_ + "/" + key;
  Status status = co_await AwaitCallback<Status>([&](std::function<void(Status)> done) {
    bool start = false;
    {
      std::lock_guard lock(mutex_);
      Entry& e = entries_[sha256_hex];
      if (e.done && e.status.ok()) {
        done(Status{});
        return;
      }
      if (e.done) {  // a failed unpack is tried again
        e.done = false;
      }
      start = e.waiters.empty();
      e.waiters.push_back(std::move(done));
    }
    if (!start) return;
    pool_.Post([this, sha256_hex, read_zips] {
      Status s;
      struct stat st;
      if (::stat((root_ + "/" + sha256_hex).c_str(), &st) != 0) {
        // Whatever happens, the waiters get an answer (a package too large to hold in memory
        // throws).
        try {
          auto zips = read_zips();
          s = zips.ok() ? Unpack(sha256_hex, *zips) : Status(std::move(zips).error());
        } catch (const std::exception& e) {
          s = MakeError("InternalError", std::string("unpacking failed: ") + e.what());
        }
      }
      std::vector<std::function<void(Status)>> waiters;
      {
        std::lock_guard lock(mutex_);
        Entry& e = entries_[sha256_hex];
        e.done = true;
        e.status = s;
        waiters.swap(e.waiters);
      }
      for (auto& w : waiters) w(s);
    });
  });
  if (!status.ok()) co_return status.error();
  co_return dir;
}

void CodeCache::RemoveExcept(const std::vector<std::string>& keep) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root_, ec)) {
    std::string name = entry.path().filename().string();
    if (std::find(keep.begin(), keep.end(), name) != keep.end()) continue;
    std::filesystem::permissions(entry.path(), std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    for (const auto& sub : std::filesystem::recursive_directory_iterator(entry.path(), ec)) {
      std::filesystem::permissions(sub.path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add, ec);
    }
    std::filesystem::remove_all(entry.path(), ec);
  }
}

}  // namespace evoke::exec
