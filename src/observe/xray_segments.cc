#include "observe/xray_segments.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "base/trace_header.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

SegmentRejection Reject(std::string id, bool subsegment, std::string code) {
  std::string message = std::string(subsegment ? "Invalid subsegment" : "Invalid segment") +
                        ". ErrorCode: " + code;
  return {std::move(id), std::move(code), std::move(message)};
}

// Names: up to 200 characters of letters, numbers, white space and _ . : / % & # = + \ - @
// (any non-ASCII character is taken for a letter).
bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > 200) return false;
  for (unsigned char c : name) {
    if (c >= 0x80 || std::isalnum(c) || std::isspace(c)) continue;
    if (std::string_view("_.:/%&#=+\\-@").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// A string member, or "" when absent or of another type (json::value would throw).
std::string StringOf(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::variant<SegmentInfo, SegmentRejection> ParseSegmentDocument(std::string_view document,
                                                                 double now_s) {
  json j = json::parse(document, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Reject("", false, "ParseError");
  SegmentInfo s;
  s.subsegment = StringOf(j, "type") == "subsegment";
  auto id = j.find("id");
  if (id == j.end() || id->is_null()) return Reject("", s.subsegment, "MissingId");
  if (!id->is_string() || !IsValidSegmentId(id->get<std::string>())) {
    return Reject(id->is_string() ? id->get<std::string>() : "", s.subsegment, "InvalidId");
  }
  s.id = id->get<std::string>();
  if (document.size() > kMaxSegmentDocumentBytes) {
    return Reject(s.id, s.subsegment, "SegmentTooLarge");
  }
  auto trace = j.find("trace_id");
  if (trace == j.end() || trace->is_null()) return Reject(s.id, s.subsegment, "MissingTraceId");
  if (!trace->is_string() || !IsValidTraceId(trace->get<std::string>())) {
    return Reject(s.id, s.subsegment, "InvalidTraceId");
  }
  s.trace_id = trace->get<std::string>();
  auto epoch = TraceIdEpochSeconds(s.trace_id);
  if (!epoch || static_cast<double>(*epoch) < now_s - kTraceRetentionSeconds) {
    return Reject(s.id, s.subsegment, "InvalidTraceId");
  }
  auto name = j.find("name");
  if (name == j.end() || name->is_null()) return Reject(s.id, s.subsegment, "MissingName");
  if (!name->is_string() || !IsValidName(name->get<std::string>())) {
    return Reject(s.id, s.subsegment, "InvalidName");
  }
  s.name = name->get<std::string>();
  auto start = j.find("start_time");
  if (start == j.end() || start->is_null()) return Reject(s.id, s.subsegment, "MissingStartTime");
  if (!start->is_number()) return Reject(s.id, s.subsegment, "InvalidStartTime");
  s.start_time = start->get<double>();
  auto end = j.find("end_time");
  auto progress = j.find("in_progress");
  bool in_progress = progress != j.end() && progress->is_boolean() && progress->get<bool>();
  if (end != j.end() && !end->is_null()) {
    if (!end->is_number()) return Reject(s.id, s.subsegment, "InvalidEndTime");
    s.end_time = end->get<double>();
  } else if (!in_progress) {
    return Reject(s.id, s.subsegment, "MissingEndTime");
  }
  if (auto parent = j.find("parent_id"); parent != j.end() && !parent->is_null()) {
    if (!parent->is_string() || !IsValidSegmentId(parent->get<std::string>())) {
      return Reject(s.id, s.subsegment, "InvalidParentId");
    }
    s.parent_id = parent->get<std::string>();
  } else if (s.subsegment) {
    return Reject(s.id, s.subsegment, "MissingParentId");
  }
  auto flag = [&j](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
  };
  s.fault = flag("fault");
  s.error = flag("error");
  s.throttle = flag("throttle");
  s.origin = StringOf(j, "origin");
  s.resource_arn = StringOf(j, "resource_arn");
  if (auto http = j.find("http"); http != j.end() && http->is_object()) {
    if (auto rq = http->find("request"); rq != http->end() && rq->is_object()) {
      s.http_method = StringOf(*rq, "method");
      s.http_url = StringOf(*rq, "url");
    }
    if (auto rs = http->find("response"); rs != http->end() && rs->is_object()) {
      if (auto st = rs->find("status"); st != rs->end() && st->is_number_integer()) {
        s.http_status = st->get<int>();
      }
    }
  }
  s.document = std::string(document);
  return s;
}

}  // namespace evoke::observe
