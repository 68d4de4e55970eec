#include "observe/trace_store.h"

#include <algorithm>
#include <cmath>

#include "base/trace_header.h"

namespace evoke::observe {

void TraceStore::Record(std::vector<std::string> documents) {
  const double now_s = static_cast<double>(clock_.NowMs()) / 1000.0;
  for (const std::string& doc : documents) {
    auto parsed = ParseSegmentDocument(doc, now_s);
    if (auto* segment = std::get_if<SegmentInfo>(&parsed)) Put(std::move(*segment));
  }
}

void TraceStore::Put(SegmentInfo segment) {
  const double now_s = static_cast<double>(clock_.NowMs()) / 1000.0;
  std::lock_guard lock(mutex_);
  ExpireLocked(now_s);
  auto [it, inserted] = traces_.try_emplace(segment.trace_id);
  StoredTrace& trace = it->second;
  if (inserted) {
    trace.id = segment.trace_id;
    order_.emplace_back(segment.trace_id, now_s);
  }
  if (trace.segments.size() >= max_segments_ && !trace.segments.contains(segment.id)) return;
  std::string id = segment.id;
  trace.segments.insert_or_assign(std::move(id), std::move(segment));
  while (traces_.size() > max_traces_ && !order_.empty()) {
    traces_.erase(order_.front().first);
    order_.pop_front();
  }
}

void TraceStore::ExpireLocked(double now_s) {
  while (!order_.empty() && order_.front().second < now_s - kTraceRetentionSeconds) {
    traces_.erase(order_.front().first);
    order_.pop_front();
  }
}

std::vector<StoredTrace> TraceStore::Find(double start_s, double end_s, bool by_trace_id) const {
  std::vector<StoredTrace> found;
  std::lock_guard lock(mutex_);
  for (const auto& [id, seen] : order_) {
    auto it = traces_.find(id);
    if (it == traces_.end()) continue;
    bool match = false;
    if (by_trace_id) {
      auto epoch = TraceIdEpochSeconds(id);
      match = epoch && static_cast<double>(*epoch) >= std::floor(start_s) &&
              static_cast<double>(*epoch) <= end_s;
    } else {
      for (const auto& [sid, s] : it->second.segments) {
        if (s.start_time >= start_s && s.start_time <= end_s) match = true;
      }
    }
    if (match) found.push_back(it->second);
  }
  return found;
}

std::optional<StoredTrace> TraceStore::Get(const std::string& trace_id) const {
  std::lock_guard lock(mutex_);
  auto it = traces_.find(trace_id);
  if (it == traces_.end()) return std::nullopt;
  return it->second;
}

}  // namespace evoke::observe
