// X-Ray segment documents as PutTraceSegments takes them: checked (id, trace_id, name,
// start_time, end_time or in_progress, parent_id of a subsegment, 64 KB) with the error codes
// X-Ray gives in UnprocessedTraceSegments, and what a trace summary needs read from them.
// Pure; used by the trace store and the X-Ray service (docs/tracing.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>


namespace evoke::observe {

inline constexpr size_t kMaxSegmentDocumentBytes = 64 * 1024;
// X-Ray keeps traces 30 days; older trace ids are refused.
inline constexpr int64_t kTraceRetentionSeconds = 30 * 24 * 3600;

struct SegmentInfo {
  std::string id;
  std::string trace_id;
  std::string parent_id;  // empty for a root segment
  std::string name;
  std::string origin;     // "AWS::Lambda", ... or empty
  std::string resource_arn;
  double start_time = 0;
  std::optional<double> end_time;  // none while in progress
  bool subsegment = false;         // "type": "subsegment", sent on its own
  bool fault = false, error = false, throttle = false;
  std::optional<int> http_status;
  std::string http_method, http_url;
  std::string document;  // as sent
};

// A rejected document: the Id (when it has a readable one), X-Ray's ErrorCode and Message
// ("Invalid segment. ErrorCode: MissingId").
struct SegmentRejection {
  std::string id;
  std::string code;
  std::string message;
};

// Checks one document; `now_s` is the time trace ids are judged against (30 days' retention).
// Returns the segment or why it was refused.
std::variant<SegmentInfo, SegmentRejection> ParseSegmentDocument(std::string_view document,
                                                                 double now_s);

}  // namespace evoke::observe
