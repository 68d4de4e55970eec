#include "lambda/trace_segments.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/trace_header.h"

namespace evoke::lambda {

using nlohmann::json;

std::vector<std::string> InvocationSegmentDocuments(const InvocationTrace& t) {
  const double start = static_cast<double>(t.start_ms) / 1000.0;
  const double end = std::max(start, static_cast<double>(t.end_ms) / 1000.0);
  const double init_s = t.init_duration_ms.value_or(0.0) / 1000.0;
  // The function's segment ends with the invocation; its Init phase, when there was one, comes
  // first, and the invocation proper takes the rest.
  const double function_start = std::min(end, std::max(start, end - init_s - t.duration_ms / 1000.0));

  json service = {{"id", t.service_segment_id},
                  {"trace_id", t.trace_id},
                  {"name", t.function_name},
                  {"origin", "AWS::Lambda"},
                  {"start_time", start},
                  {"end_time", end},
                  {"resource_arn", t.function_arn},
                  {"aws", {{"request_id", t.request_id}}},
                  {"http", {{"response", {{"status", t.throttled ? 429 : 200}}}}}};
  if (!t.caller_parent.empty()) service["parent_id"] = t.caller_parent;
  if (t.throttled) {
    service["error"] = true;
    service["throttle"] = true;
  }
  std::vector<std::string> docs = {service.dump()};
  if (t.throttled) return docs;

  json subsegments = json::array();
  double invocation_start = function_start;
  if (t.init_duration_ms) {
    invocation_start = std::min(end, function_start + init_s);
    subsegments.push_back({{"id", NewSegmentId()},
                           {"name", "Initialization"},
                           {"start_time", function_start},
                           {"end_time", invocation_start}});
  }
  json invocation = {{"id", NewSegmentId()},
                     {"name", "Invocation"},
                     {"start_time", invocation_start},
                     {"end_time", end}};
  if (t.function_error) invocation["fault"] = true;
  subsegments.push_back(std::move(invocation));
  json function = {{"id", t.function_segment_id},
                   {"trace_id", t.trace_id},
                   {"parent_id", t.service_segment_id},
                   {"name", t.function_name},
                   {"origin", "AWS::Lambda::Function"},
                   {"start_time", function_start},
                   {"end_time", end},
                   {"resource_arn", t.function_arn},
                   {"aws", {{"request_id", t.request_id}}},
                   {"subsegments", std::move(subsegments)}};
  if (t.function_error) function["fault"] = true;
  docs.push_back(function.dump());
  return docs;
}

}  // namespace evoke::lambda
