// The X-Ray segments Lambda records for a sampled invocation of an actively traced function:
// an AWS::Lambda segment (the service's side of the invoke, a child of the caller's segment)
// and an AWS::Lambda::Function segment under it with Initialization (cold starts only) and
// Invocation subsegments (docs/tracing.md). Pure; used by the invoker.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace evoke::lambda {

struct InvocationTrace {
  std::string trace_id;             // the Root
  std::string caller_parent;        // the caller's segment id, or empty
  std::string service_segment_id;   // the AWS::Lambda segment
  std::string function_segment_id;  // the AWS::Lambda::Function segment: the function's Parent
  std::string function_name;
  std::string function_arn;
  std::string request_id;
  int64_t start_ms = 0;  // when the invoke began (epoch ms)
  int64_t end_ms = 0;    // when it ended
  std::optional<double> init_duration_ms;  // the cold start's Init phase
  double duration_ms = 0;                  // the invocation proper, as REPORT gives it
  bool function_error = false;
  bool throttled = false;  // refused by the concurrency limits (429)
};

// The segment documents (JSON text), the AWS::Lambda segment first.
std::vector<std::string> InvocationSegmentDocuments(const InvocationTrace& trace);

}  // namespace evoke::lambda
