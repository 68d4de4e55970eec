// TraceStore: the X-Ray traces evoke keeps, in memory, bounded (docs/tracing.md says why):
// segments evoke records itself (the TraceSink it implements) and those PutTraceSegments takes,
// grouped by trace; the oldest traces go first when the bound is reached, and none is kept
// past X-Ray's 30 days. Read by the X-Ray service. Thread-safe (one mutex, short sections).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/trace_sink.h"
#include "observe/xray_segments.h"

namespace evoke::observe {

struct StoredTrace {
  std::string id;
  std::map<std::string, SegmentInfo> segments;  // by segment id; a later document replaces one
};

class TraceStore final : public TraceSink {
 public:
  TraceStore(const Clock& clock, size_t max_traces = 10'000, size_t max_segments_per_trace = 1'000)
      : clock_(clock), max_traces_(max_traces), max_segments_(max_segments_per_trace) {}

  // TraceSink: evoke's own segments (valid by construction; an invalid one is dropped).
  void Record(std::vector<std::string> documents) override;
  // A checked segment.
  void Put(SegmentInfo segment);

  // Copies of the traces with a segment starting in [start_s, end_s] (by_trace_id: whose id's
  // timestamp lies in it), oldest first.
  std::vector<StoredTrace> Find(double start_s, double end_s, bool by_trace_id) const;
  std::optional<StoredTrace> Get(const std::string& trace_id) const;
  const Clock& clock() const { return clock_; }

 private:
  void ExpireLocked(double now_s);

  const Clock& clock_;
  const size_t max_traces_;
  const size_t max_segments_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, StoredTrace> traces_;  // GUARDED_BY(mutex_)
  // Trace ids in the order they were first seen, with that time (seconds). GUARDED_BY(mutex_)
  std::deque<std::pair<std::string, double>> order_;
};

}  // namespace evoke::observe
