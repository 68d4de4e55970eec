// Process figures in Prometheus's standard names (process_cpu_seconds_total,
// process_resident_memory_bytes, process_virtual_memory_bytes, process_open_fds,
// process_max_fds, process_start_time_seconds) and evoke_build_info, read from /proc/self when
// scraped (Linux only). The parser is pure, for tests.
// Thread contract: the collector it registers may run on any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "observe/prometheus.h"

namespace evoke::observe {

// What /proc/<pid>/stat says that we use, in its own units (clock ticks, bytes, pages).
struct ProcStat {
  uint64_t utime_ticks = 0;
  uint64_t stime_ticks = 0;
  uint64_t start_ticks = 0;  // after boot
  uint64_t vsize_bytes = 0;
  uint64_t rss_pages = 0;
};
std::optional<ProcStat> ParseProcStat(std::string_view text);
// The boot time (seconds since the epoch) from /proc/stat's "btime" line.
std::optional<int64_t> ParseBootTime(std::string_view proc_stat);

// Registers the process series and their collector, and evoke_build_info{version}.
void RegisterProcessMetrics(prometheus::Registry& registry, std::string_view version);

}  // namespace evoke::observe
