#include "lambda/code_package.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <memory>
#include <string>

namespace evoke::lambda {
namespace {

Error Unreadable() {
  return MakeError("InvalidParameterValueException",
                   "Could not unzip uploaded file. Please check your file, then try to upload "
                   "again.");
}

// True when `path`, relative to the package root, stays inside it.
bool StaysInside(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  int depth = 0;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(pos, slash - pos);
    if (part == "..") {
      if (--depth < 0) return false;
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    pos = slash + 1;
  }
  return true;
}

}  // namespace

Result<PackageInfo> InspectZip(std::string_view zip) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  if (!a) return MakeError("ServiceException", "cannot create an archive reader");
  archive_read_support_format_zip(a.get());
  if (archive_read_open_memory(a.get(), zip.data(), zip.size()) != ARCHIVE_OK) {
    return Unreadable();
  }
  PackageInfo info;
  for (;;) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return Unreadable();
    const char* path = archive_entry_pathname(entry);
    if (!path || !StaysInside(path)) return Unreadable();
    if (const char* target = archive_entry_symlink(entry)) {
      // A link is resolved from its own directory.
      std::string from(path);
      size_t slash = from.rfind('/');
      std::string resolved = (slash == std::string::npos ? "" : from.substr(0, slash + 1)) + target;
      if (target[0] == '/' || !StaysInside(resolved)) return Unreadable();
    }
    if (archive_entry_hardlink(entry) && !StaysInside(archive_entry_hardlink(entry))) {
      return Unreadable();
    }
    ++info.entries;
    // Every entry is unpacked (and so its CRC checked) here, as Lambda does on upload: a package
    // that would fail to unzip at the first cold start is refused now. Entries written with a
    // data descriptor announce no size, so what they unpack to is counted.
    char buf[64 * 1024];
    for (;;) {
      la_ssize_t n = archive_read_data(a.get(), buf, sizeof buf);
      if (n < 0) return Unreadable();
      if (n == 0) break;
      info.unzipped_bytes += static_cast<uint64_t>(n);
      if (info.unzipped_bytes > kMaxUnzippedBytes) break;
    }
    if (info.unzipped_bytes > kMaxUnzippedBytes) {
      return MakeError("InvalidParameterValueException",
                       "Unzipped size must be smaller than " + std::to_string(kMaxUnzippedBytes) +
                           " bytes");
    }
  }
  return info;
}

}  // namespace evoke::lambda
