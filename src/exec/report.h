// The platform's own lines in a function's log stream: START, END and REPORT, spelled as
// Lambda spells them (aws-wire.md §1.6). Pure; used by the invoke path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evoke::exec {

struct InvocationReport {
  std::string request_id;
  double duration_ms = 0;
  int memory_size_mb = 0;
  int64_t max_memory_used_bytes = 0;     // measured
  std::optional<double> init_duration_ms;  // cold starts only
  std::string status;      // "timeout" or "error" when the invocation failed in the platform
  std::string error_type;  // with status "error", e.g. Runtime.ExitError
  // Active tracing of a sampled invocation: the trace id and the function's segment id, which
  // Lambda prints on a second line of the REPORT event.
  std::string xray_trace_id;
  std::string xray_segment_id;
};

std::string StartLine(std::string_view request_id, std::string_view version);
std::string EndLine(std::string_view request_id);
// "REPORT RequestId: ID\tDuration: 1.42 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\t
// Max Memory Used: 39 MB\tInit Duration: 123.74 ms\t". Billing rounds up to the millisecond
// and, as Lambda now does, includes the init duration; memory rounds up to whole MB. A
// platform failure adds "Status: timeout" or "Status: error\tError Type: T", as Lambda does.
// With `xray_trace_id`, the same event goes on with a second line,
// "\nXRAY TraceId: 1-...\tSegmentId: <16 hex>\tSampled: true\t".
std::string ReportLine(const InvocationReport& report);
int64_t BilledDurationMs(double duration_ms, std::optional<double> init_duration_ms);

}  // namespace evoke::exec
