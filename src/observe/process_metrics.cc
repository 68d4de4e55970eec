#include "observe/process_metrics.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <vector>

namespace evoke::observe {
namespace {

bool ToU64(std::string_view s, uint64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// A small file of /proc, whole (they have no size to stat).
std::optional<std::string> ReadProcFile(const char* path) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > (1u << 20)) break;
  }
  ::close(fd);
  return text;
}

int64_t CountOpenFds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int64_t n = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n - 1;  // the directory's own descriptor
}

}  // namespace

std::optional<ProcStat> ParseProcStat(std::string_view text) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses; the last ')' ends it.
  size_t close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::vector<std::string_view> fields;  // fields[0] is field 3 of proc(5), the state
  std::string_view rest = text.substr(close + 1);
  while (!rest.empty()) {
    size_t start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest = rest.substr(start);
    size_t end = rest.find_first_of(" \n");
    fields.push_back(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }
  auto field = [&fields](size_t n, uint64_t* out) {  // n: proc(5)'s 1-based field number
    return n >= 3 && n - 3 < fields.size() && ToU64(fields[n - 3], out);
  };
  ProcStat s;
  if (!field(14, &s.utime_ticks) || !field(15, &s.stime_ticks) || !field(22, &s.start_ticks) ||
      !field(23, &s.vsize_bytes) || !field(24, &s.rss_pages)) {
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> ParseBootTime(std::string_view proc_stat) {
  size_t pos = 0;
  while (pos < proc_stat.size()) {
    size_t end = proc_stat.find('\n', pos);
    std::string_view line = proc_stat.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (line.starts_with("btime ")) {
      uint64_t v = 0;
      if (ToU64(line.substr(6), &v)) return static_cast<int64_t>(v);
      return std::nullopt;
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return std::nullopt;
}

void RegisterProcessMetrics(prometheus::Registry& registry, std::string_view version) {
  auto& cpu = registry.AddCounter("process_cpu_seconds_total",
                                  "Total user and system CPU time spent in seconds.")
                  .Only();
  auto& rss = registry.AddGauge("process_resident_memory_bytes", "Resident memory size in bytes.")
                  .Only();
  auto& vsize =
      registry.AddGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.").Only();
  auto& fds =
      registry.AddGauge("process_open_fds", "Number of open file descriptors.").Only();
  auto& max_fds =
      registry.AddGauge("process_max_fds", "Maximum number of open file descriptors.").Only();
  auto& start = registry.AddGauge("process_start_time_seconds",
                                  "Start time of the process since unix epoch in seconds.")
                    .Only();
  registry.AddGauge("evoke_build_info", "evoke's version; always 1.", {"version"})
      .With({version})
      .Set(1);

  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  // The start time does not change: read once.
  auto stat_text = ReadProcFile("/proc/self/stat");
  auto boot_text = ReadProcFile("/proc/stat");
  std::optional<ProcStat> first = stat_text ? ParseProcStat(*stat_text) : std::nullopt;
  std::optional<int64_t> boot = boot_text ? ParseBootTime(*boot_text) : std::nullopt;
  if (first && boot) start.Set(static_cast<double>(*boot) + first->start_ticks / ticks);

  registry.OnCollect([&cpu, &rss, &vsize, &fds, &max_fds, ticks, page] {
    if (auto text = ReadProcFile("/proc/self/stat")) {
      if (auto s = ParseProcStat(*text)) {
        cpu.Set(static_cast<double>(s->utime_ticks + s->stime_ticks) / ticks);
        rss.Set(static_cast<double>(s->rss_pages) * page);
        vsize.Set(static_cast<double>(s->vsize_bytes));
      }
    }
    fds.Set(static_cast<double>(CountOpenFds()));
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
      max_fds.Set(limit.rlim_cur == RLIM_INFINITY ? -1 : static_cast<double>(limit.rlim_cur));
    }
  });
}

}  // namespace evoke::observe
