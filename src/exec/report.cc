#include "exec/report.h"

#include <cmath>
#include <cstdio>

namespace evoke::exec {
namespace {

std::string Ms(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", ms);
  return buf;
}

}  // namespace

std::string StartLine(std::string_view request_id, std::string_view version) {
  return "START RequestId: " + std::string(request_id) + " Version: " + std::string(version);
}

std::string EndLine(std::string_view request_id) {
  return "END RequestId: " + std::string(request_id);
}

int64_t BilledDurationMs(double duration_ms, std::optional<double> init_duration_ms) {
  double total = duration_ms + init_duration_ms.value_or(0.0);
  auto billed = static_cast<int64_t>(std::ceil(total));
  return billed < 1 ? 1 : billed;
}

std::string ReportLine(const InvocationReport& r) {
  constexpr int64_t kMiB = 1024 * 1024;
  int64_t used_mb = (r.max_memory_used_bytes + kMiB - 1) / kMiB;
  std::string line = "REPORT RequestId: " + r.request_id + "\tDuration: " + Ms(r.duration_ms) +
                     " ms\tBilled Duration: " +
                     std::to_string(BilledDurationMs(r.duration_ms, r.init_duration_ms)) +
                     " ms\tMemory Size: " + std::to_string(r.memory_size_mb) +
                     " MB\tMax Memory Used: " + std::to_string(used_mb) + " MB\t";
  if (r.init_duration_ms) line += "Init Duration: " + Ms(*r.init_duration_ms) + " ms\t";
  if (!r.status.empty()) line += "Status: " + r.status + "\t";
  if (!r.error_type.empty()) line += "Error Type: " + r.error_type + "\t";
  if (!r.xray_trace_id.empty()) {
    line += "\nXRAY TraceId: " + r.xray_trace_id + "\tSegmentId: " + r.xray_segment_id +
            "\tSampled: true\t";
  }
  return line;
}

}  // namespace evoke::exec
