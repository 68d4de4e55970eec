// The X-Ray trace header (X-Amzn-Trace-Id, Lambda-Runtime-Trace-Id, _X_AMZN_TRACE_ID):
// "Root=1-<8 hex epoch seconds>-<24 hex>;Parent=<16 hex>;Sampled=0|1[;Lineage=...]", parsed,
// formatted and continued as Lambda continues a caller's trace (docs/tracing.md). Pure, apart
// from the New* functions, which draw random ids; used by lambda, events and observe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evoke {

struct TraceHeader {
  std::string root;              // the trace id, "1-5759e988-bd862e3fe1be46a994272793"
  std::string parent;            // the calling segment's id (16 hex digits), or empty
  std::optional<bool> sampled;   // none: the sender left the decision to the receiver
  // Other fields as sent ("Lineage", "Self", ...), kept in order so they pass through.
  std::vector<std::pair<std::string, std::string>> others;
};

// "1-XXXXXXXX-YYYYYYYYYYYYYYYYYYYYYYYY": version 1, 8 hex digits of epoch seconds, 24 hex
// digits; hex digits in lower or upper case.
bool IsValidTraceId(std::string_view id);
// 16 hex digits.
bool IsValidSegmentId(std::string_view id);

// Fields separated by ';' (spaces around them ignored), each Key=Value; a header without a
// valid Root is nullopt, as is one with an invalid Parent or a Sampled other than 0, 1 or "?".
std::optional<TraceHeader> ParseTraceHeader(std::string_view text);
std::string FormatTraceHeader(const TraceHeader& header);

// The header an invocation runs under: the caller's trace (its Root, its sampling decision)
// with `segment_id` as the new Parent, or, without a usable caller header, a new trace
// `new_root` sampled when `active` (Lambda's Active tracing) and not otherwise. A caller that
// left the decision open ("Sampled=?" or none) gets the same decision as a new trace.
TraceHeader ContinueTrace(std::optional<TraceHeader> caller, bool active, std::string new_root,
                          std::string segment_id);

// The epoch seconds encoded in a trace id, or nullopt.
std::optional<int64_t> TraceIdEpochSeconds(std::string_view id);

// A new trace id stamped with `now_ms`; a new random segment id.
std::string NewTraceId(int64_t now_ms);
std::string NewSegmentId();

}  // namespace evoke
