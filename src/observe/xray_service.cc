#include "observe/xray_service.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>

#include "base/time_format.h"
#include "base/trace_header.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

// PutTraceSegments takes documents of up to 64 KB each; a request's JSON escapes them.
constexpr size_t kMaxRequestBytes = 8u << 20;
constexpr size_t kSummariesPerPage = 100;
constexpr size_t kMaxBatchTraceIds = 5;
// GetTraceSummaries' time range may span 24 hours at most.
constexpr double kMaxRangeSeconds = 24 * 3600;

// X-Ray's errors (its model: InvalidRequestException 400, ThrottledException 429), with the
// pipeline's own refusals as a rest-json service answers them.
constexpr std::array<api::ErrorStatus, 7> kErrors = {{
    {"InvalidRequestException", 400},
    {"ThrottledException", 429},
    {"InternalFailure", 500},
    {"AccessDeniedException", 403},
    {"UnrecognizedClientException", 403},
    {"InvalidSignatureException", 403},
    {"MissingAuthenticationTokenException", 403},
}};

Error Invalid(std::string message) {
  return MakeError("InvalidRequestException", std::move(message));
}

// A timestamp member: epoch seconds (rest-json's default) or an ISO 8601 string.
Result<double> Timestamp(const json& input, const char* name) {
  auto it = input.find(name);
  if (it == input.end() || it->is_null()) return Invalid(std::string(name) + " is required.");
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    if (auto ms = ParseIso8601Ms(it->get<std::string>())) return static_cast<double>(*ms) / 1000.0;
  }
  return Invalid("Invalid value for " + std::string(name) + ".");
}

// The segment a trace starts with: one whose parent is not in the trace, earliest first.
const SegmentInfo* RootOf(const StoredTrace& trace) {
  const SegmentInfo* root = nullptr;
  for (const auto& [id, s] : trace.segments) {
    if (s.subsegment) continue;
    if (!s.parent_id.empty() && trace.segments.contains(s.parent_id)) continue;
    if (!root || s.start_time < root->start_time) root = &s;
  }
  if (!root && !trace.segments.empty()) root = &trace.segments.begin()->second;
  return root;
}

double DurationOf(const StoredTrace& trace) {
  double start = std::numeric_limits<double>::max(), end = 0;
  for (const auto& [id, s] : trace.segments) {
    start = std::min(start, s.start_time);
    end = std::max(end, s.end_time.value_or(s.start_time));
  }
  return trace.segments.empty() ? 0.0 : std::max(0.0, end - start);
}

json ServiceId(const SegmentInfo& s) {
  json id = {{"Name", s.name}, {"Names", json::array({s.name})}, {"AccountId", ""}};
  if (!s.origin.empty()) id["Type"] = s.origin;
  return id;
}

json Summary(const StoredTrace& trace) {
  const SegmentInfo* root = RootOf(trace);
  bool fault = false, error = false, throttle = false, partial = false;
  json services = json::array(), arns = json::array();
  std::set<std::string> seen_services, seen_arns;
  for (const auto& [id, s] : trace.segments) {
    throttle = throttle || s.throttle;
    partial = partial || !s.end_time;
    if (s.subsegment) continue;
    if (seen_services.insert(s.name + "\n" + s.origin).second) services.push_back(ServiceId(s));
    if (!s.resource_arn.empty() && seen_arns.insert(s.resource_arn).second) {
      arns.push_back({{"ARN", s.resource_arn}});
    }
  }
  json http = json::object();
  if (root) {
    fault = root->fault;
    error = root->error;
    if (!root->http_method.empty()) http["HttpMethod"] = root->http_method;
    if (!root->http_url.empty()) http["HttpURL"] = root->http_url;
    if (root->http_status) http["HttpStatus"] = *root->http_status;
  }
  json summary = {{"Id", trace.id},
                  {"Duration", DurationOf(trace)},
                  {"ResponseTime",
                   root ? std::max(0.0, root->end_time.value_or(root->start_time) - root->start_time)
                        : 0.0},
                  {"HasFault", fault},
                  {"HasError", error},
                  {"HasThrottle", throttle},
                  {"IsPartial", partial},
                  {"Http", http},
                  {"Annotations", json::object()},
                  {"Users", json::array()},
                  {"ServiceIds", services},
                  {"ResourceARNs", arns},
                  {"Revision", static_cast<int>(trace.segments.size())}};
  if (root) summary["EntryPoint"] = ServiceId(*root);
  return summary;
}

Task<Result<api::Output>> Run(Result<json> (*op)(TraceStore&, const json&), TraceStore& store,
                              api::Call& call) {
  Result<json> out = op(store, call.input);
  if (!out.ok()) co_return std::move(out).error();
  co_return api::Output::Document(std::move(*out));
}

Result<json> PutSegmentsOp(TraceStore& s, const json& in) { return PutTraceSegments(s, in); }
Result<json> SummariesOp(TraceStore& s, const json& in) { return GetTraceSummaries(s, in); }
Result<json> TracesOp(TraceStore& s, const json& in) { return BatchGetTraces(s, in); }

struct Route {
  const char* path;
  const char* name;
  Result<json> (*run)(TraceStore&, const json&);
};

constexpr std::array kRoutes = {
    Route{"/TraceSegments", "PutTraceSegments", PutSegmentsOp},
    Route{"/TraceSummaries", "GetTraceSummaries", SummariesOp},
    Route{"/Traces", "BatchGetTraces", TracesOp},
};

api::Service MakeTable(TraceStore& store) {
  api::Service service;
  service.name = "xray";
  service.protocol = api::Protocol::kRestJson;
  service.errors = kErrors;
  service.internal_error = "InternalFailure";
  service.max_body = kMaxRequestBytes;
  service.too_large_error = "InvalidRequestException";
  service.error_message_member = "Message";
  for (const Route& route : kRoutes) {
    api::Operation op;
    op.name = route.name;
    op.method = "POST";
    op.path = route.path;
    op.iam_action = std::string("xray:") + route.name;
    op.run = [run = route.run, &store](api::Call& call) { return Run(run, store, call); };
    service.operations.push_back(std::move(op));
  }
  return service;
}

}  // namespace

Result<json> PutTraceSegments(TraceStore& store, const json& input) {
  auto docs = input.find("TraceSegmentDocuments");
  if (docs == input.end() || docs->is_null()) {
    return Invalid("TraceSegmentDocuments is required.");
  }
  if (!docs->is_array()) return Invalid("TraceSegmentDocuments must be a list.");
  const double now_s = static_cast<double>(store.clock().NowMs()) / 1000.0;
  json unprocessed = json::array();
  for (const json& doc : *docs) {
    if (!doc.is_string()) return Invalid("TraceSegmentDocuments must be a list of strings.");
    auto parsed = ParseSegmentDocument(doc.get<std::string>(), now_s);
    if (auto* rejected = std::get_if<SegmentRejection>(&parsed)) {
      json entry = {{"ErrorCode", rejected->code}, {"Message", rejected->message}};
      if (!rejected->id.empty()) entry["Id"] = rejected->id;
      unprocessed.push_back(std::move(entry));
      continue;
    }
    store.Put(std::get<SegmentInfo>(std::move(parsed)));
  }
  return json{{"UnprocessedTraceSegments", unprocessed}};
}

Result<json> GetTraceSummaries(const TraceStore& store, const json& input) {
  auto start = Timestamp(input, "StartTime");
  if (!start.ok()) return std::move(start).error();
  auto end = Timestamp(input, "EndTime");
  if (!end.ok()) return std::move(end).error();
  if (*end < *start) return Invalid("EndTime must be after StartTime.");
  if (*end - *start > kMaxRangeSeconds) {
    return Invalid("Time range between StartTime and EndTime must be less than 24 hours.");
  }
  bool by_trace_id = true;
  if (auto type = input.find("TimeRangeType"); type != input.end() && !type->is_null()) {
    std::string t = type->is_string() ? type->get<std::string>() : "";
    if (t != "TraceId" && t != "Event") {
      return Invalid("TimeRangeType must be one of TraceId, Event.");
    }
    by_trace_id = t == "TraceId";
  }
  if (auto filter = input.find("FilterExpression"); filter != input.end() && !filter->is_null()) {
    return Invalid("evoke does not evaluate filter expressions.");
  }
  size_t offset = 0;
  if (auto token = input.find("NextToken"); token != input.end() && !token->is_null()) {
    std::string t = token->is_string() ? token->get<std::string>() : "";
    if (t.empty() || t.size() > 9 || !std::all_of(t.begin(), t.end(), ::isdigit)) {
      return Invalid("Invalid NextToken.");
    }
    offset = std::stoul(t);
  }
  std::vector<StoredTrace> traces = store.Find(*start, *end, by_trace_id);
  json summaries = json::array();
  for (size_t i = offset; i < traces.size() && i < offset + kSummariesPerPage; ++i) {
    summaries.push_back(Summary(traces[i]));
  }
  json out = {{"TraceSummaries", summaries},
              {"ApproximateTime", std::floor(static_cast<double>(store.clock().NowMs()) / 1000.0)},
              {"TracesProcessedCount", static_cast<int64_t>(traces.size())}};
  if (offset + kSummariesPerPage < traces.size()) {
    out["NextToken"] = std::to_string(offset + kSummariesPerPage);
  }
  return out;
}

Result<json> BatchGetTraces(const TraceStore& store, const json& input) {
  auto ids = input.find("TraceIds");
  if (ids == input.end() || ids->is_null()) return Invalid("TraceIds is required.");
  if (!ids->is_array()) return Invalid("TraceIds must be a list.");
  if (ids->size() > kMaxBatchTraceIds) {
    return Invalid("Too many TraceIds: at most " + std::to_string(kMaxBatchTraceIds) +
                   " per request.");
  }
  json traces = json::array(), unprocessed = json::array();
  for (const json& id : *ids) {
    if (!id.is_string()) return Invalid("TraceIds must be a list of strings.");
    const std::string trace_id = id.get<std::string>();
    if (trace_id.empty() || trace_id.size() > 35) {
      return Invalid("Invalid TraceId: " + trace_id);
    }
    auto trace = store.Get(trace_id);
    if (!trace) {
      unprocessed.push_back(trace_id);
      continue;
    }
    json segments = json::array();
    for (const auto& [sid, s] : trace->segments) {
      segments.push_back({{"Id", sid}, {"Document", s.document}});
    }
    traces.push_back({{"Id", trace->id},
                      {"Duration", DurationOf(*trace)},
                      {"LimitExceeded", false},
                      {"Segments", segments}});
  }
  return json{{"Traces", traces}, {"UnprocessedTraceIds", unprocessed}};
}

XRayService::XRayService(XRayOptions options, TraceStore& store, const api::Pipeline& pipeline)
    : options_(std::move(options)),
      store_(store),
      pipeline_(pipeline),
      service_(MakeTable(store_)) {}

Task<void> XRayService::Handle(http::Exchange& ex) { return pipeline_.Handle(ex, service_); }

}  // namespace evoke::observe
