#include "s3/trace_segment.h"

#include <nlohmann/json.hpp>

#include "s3/dispatch.h"

namespace evoke::s3 {

std::string S3SegmentDocument(const S3Segment& s) {
  const RequestFacts& f = *s.facts;
  nlohmann::json aws = {{"operation", std::string(ActionName(f.action))},
                        {"request_id", s.request_id}};
  if (!f.bucket.empty()) aws["bucket_name"] = f.bucket;
  if (f.key) aws["key"] = *f.key;
  nlohmann::json doc = {
      {"id", s.id},
      {"trace_id", s.caller.root},
      {"name", "S3"},
      {"origin", "AWS::S3"},
      {"start_time", s.start_s},
      {"end_time", s.start_s + f.total_ms / 1000.0},
      {"http",
       {{"request", {{"method", std::string(f.method)}}},
        {"response", {{"status", f.status}, {"content_length", f.bytes_downloaded}}}}},
      {"aws", std::move(aws)}};
  if (!s.caller.parent.empty()) doc["parent_id"] = s.caller.parent;
  // X-Ray's flags: error for a client error (throttle when it was 429), fault for a server's.
  if (f.status >= 400 && f.status < 500) doc["error"] = true;
  if (f.status == 429) doc["throttle"] = true;
  if (f.status >= 500) doc["fault"] = true;
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace evoke::s3
