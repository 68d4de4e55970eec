#include "observe/log_store.h"

#include <memory>

#include "base/log.h"
#include "observe/emf.h"
#include "store/logs.h"

namespace evoke::observe {

LogStore::LogStore(store::Transactions& txns, store::LogRepository& logs, const Clock& clock,
                   LogStoreOptions options)
    : txns_(txns), logs_(logs), clock_(clock), options_(options) {
  gatherer_ = std::thread([this] { Gather(); });
}

LogStore::~LogStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  gatherer_.join();
  FlushBlocking();
}

void LogStore::Gather() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return flush_wanted_ || stopping_; });
    if (stopping_) return;
    wake_.wait_for(lock, options_.gather, [this] { return stopping_; });
    if (stopping_) return;
    flush_wanted_ = false;
    if (job_pending_) continue;  // the queued job takes these appends too
    job_pending_ = true;
    lock.unlock();
    ScheduleJob();
    lock.lock();
  }
}

void LogStore::Append(const std::string& group, const std::string& stream,
                      std::vector<exec::LogEvent> events) {
  if (metrics_) {
    for (const auto& e : events) {
      if (!MayBeEmf(e.message)) continue;
      for (const EmfValue& v : ParseEmf(e.message)) {
        for (double value : v.values) {
          metrics_->RecordValue(v.series, value, 1, v.timestamp_ms, v.high_resolution);
        }
      }
    }
  }
  size_t bytes = 0;
  for (const auto& e : events) bytes += static_cast<size_t>(store::StoredSize(e.message));
  bool submit = false;
  {
    std::lock_guard lock(mutex_);
    auto key = std::make_pair(group, stream);
    if (queued_bytes_ + bytes > options_.max_queued_bytes && !queue_.empty()) {
      if (dropped_.empty()) {
        LogWarning("logs: the log store is behind by " + std::to_string(queued_bytes_) +
                   " bytes; dropping function log lines until it catches up");
      }
      dropped_[key] += events.size();
      stats_.dropped_events += events.size();
      return;
    }
    std::vector<store::NewLogEvent> converted;
    converted.reserve(events.size() + 1);
    if (auto it = dropped_.find(key); it != dropped_.end()) {
      int64_t when = events.empty() ? clock_.NowMs() : events.front().timestamp_ms;
      converted.push_back({when, "evoke: " + std::to_string(it->second) +
                                     " log events of this stream were dropped because the log "
                                     "store fell behind"});
      dropped_.erase(it);
    }
    for (auto& e : events) converted.push_back({e.timestamp_ms, std::move(e.message)});
    stats_.appended_events += events.size();
    queued_bytes_ += bytes;
    // Consecutive appends to one stream become one run of inserts.
    if (!queue_.empty() && queue_.back().group == group && queue_.back().stream == stream) {
      auto& into = queue_.back().events;
      into.insert(into.end(), std::make_move_iterator(converted.begin()),
                  std::make_move_iterator(converted.end()));
    } else {
      queue_.push_back({group, stream, std::move(converted)});
    }
    if (!job_pending_ && !flush_wanted_) submit = flush_wanted_ = true;
  }
  if (submit) wake_.notify_one();
}

void LogStore::RequestRetentionSweep() {
  bool submit = false;
  {
    std::lock_guard lock(mutex_);
    sweep_requested_ = true;
    if (!job_pending_ && !flush_wanted_) submit = flush_wanted_ = true;
  }
  if (submit) wake_.notify_one();
}

void LogStore::ScheduleJob() {
  // Submitted outside the mutex: a stopped store answers `done` at once, on this thread.
  auto ran = std::make_shared<bool>(false);
  auto written = std::make_shared<uint64_t>(0);
  store::WriteJob job;
  job.apply = [this, ran, written](store::WriteTxn& txn) {
    *ran = true;
    return WriteQueued(txn, *written);
  };
  job.done = [this, ran, written](Status s) {
    std::lock_guard lock(mutex_);
    if (!*ran)
      job_pending_ = false;  // never ran (the store stopped writing): let a later Append retry
    if (s.ok()) {
      stats_.written_events += *written;
      stats_.flush_jobs += 1;
    } else {
      LogWarning("logs: " + std::to_string(*written) + " log event(s) lost: " + s.error().message);
    }
  };
  txns_.Submit(std::move(job));
}

Status LogStore::WriteQueued(store::WriteTxn& txn, uint64_t& written) {
  std::vector<Pending> work;
  bool sweep = false;
  {
    std::lock_guard lock(mutex_);
    work.swap(queue_);
    queued_bytes_ = 0;
    // From here on a new Append needs a new job; the store runs it after this one, so the
    // order per stream holds.
    job_pending_ = false;
    sweep = sweep_requested_;
    sweep_requested_ = false;
  }
  int64_t now = clock_.NowMs();
  for (const auto& p : work) {
    // No savepoint per stream: a flush writes many streams, and an append fails before it
    // writes (a name the database refuses), so the others are unaffected.
    Status s = logs_.AppendLogEvents(txn, p.group, p.stream, p.events, now, /*create=*/true);
    if (!s.ok()) {
      // One bad append (say a name the database refuses) must not take the others with it.
      LogWarning("logs: cannot store " + std::to_string(p.events.size()) + " event(s) of " +
                 p.group + " " + p.stream + ": " + s.error().message);
      continue;
    }
    written += p.events.size();
  }
  if (sweep || now - last_sweep_ms_ >= options_.retention_sweep_interval_ms) {
    last_sweep_ms_ = now;
    auto expired = logs_.ExpireLogEvents(txn, now, options_.retention_sweep_budget);
    if (!expired.ok()) {
      LogWarning("logs: retention sweep failed: " + expired.error().message);
    } else if (*expired > 0) {
      std::lock_guard lock(mutex_);
      stats_.expired_events += *expired;
      // A full budget means more is due: sweep again with the next flush.
      if (*expired >= options_.retention_sweep_budget) sweep_requested_ = true;
    }
  }
  return {};
}

void LogStore::FlushBlocking() {
  uint64_t written = 0;
  Status s = txns_.WriteBlocking(
      [this, &written](store::WriteTxn& txn) { return WriteQueued(txn, written); });
  std::lock_guard lock(mutex_);
  if (s.ok()) stats_.written_events += written;
}

LogStoreStats LogStore::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace evoke::observe
