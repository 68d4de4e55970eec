// The log repository: CloudWatch-style log groups, streams and events as records (docs/logs.md,
// docs/store.md). Reads take any transaction; writes a job's WriteTxn. Used by the observe
// module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/txn.h"

namespace evoke::store {

struct LogGroupRecord {
  int64_t id = 0;
  std::string name;
  int64_t created_ms = 0;
  std::optional<int> retention_days;
  int64_t stored_bytes = 0;
};

struct LogStreamRecord {
  int64_t id = 0;
  int64_t group_id = 0;
  std::string name;
  int64_t created_ms = 0;
  std::optional<int64_t> first_event_ms;  // none while the stream is empty
  std::optional<int64_t> last_event_ms;
  std::optional<int64_t> last_ingestion_ms;
  int64_t stored_bytes = 0;
};

// A place in time order: events are ordered by (timestamp_ms, id).
struct LogPosition {
  int64_t timestamp_ms = 0;
  int64_t id = 0;
  friend bool operator==(const LogPosition&, const LogPosition&) = default;
};

struct StoredLogEvent {
  int64_t id = 0;  // unique in the database; orders events of equal timestamp by arrival
  int64_t stream_id = 0;
  int64_t timestamp_ms = 0;
  int64_t ingestion_ms = 0;
  std::string message;
  LogPosition position() const { return {timestamp_ms, id}; }
};

struct NewLogEvent {
  int64_t timestamp_ms = 0;
  std::string message;
};

// The bytes an event counts for in storedBytes: its message plus the 26 bytes of overhead
// CloudWatch counts per event.
inline int64_t StoredSize(std::string_view message) {
  return static_cast<int64_t>(message.size()) + 26;
}

// The position of a stream listing: by name, or by (last event time, name) with streams that
// have no event first.
struct StreamListing {
  int64_t group_id = 0;
  std::string prefix;          // name prefix, only when ordered by name
  bool by_last_event = false;  // else by name
  bool descending = false;
  // Continue after (or before, when descending) this stream; none for the first page.
  std::optional<std::pair<int64_t, std::string>> after;  // (last_event_ms or -1, name)
  size_t limit = 50;
};

// A time range of one stream (start <= timestamp < end), in time order. With `after` only
// events past it; with `before` only events before it. `from_tail` takes the last `limit`
// events of the range instead of the first (still returned in ascending order).
struct EventRange {
  int64_t start_ms = 0;
  int64_t end_ms = INT64_MAX;
  std::optional<LogPosition> after;
  std::optional<LogPosition> before;
  bool from_tail = false;
  size_t limit = 10000;
};

// Errors: NotFound "log group" / "log stream", AlreadyExists "log group" / "log stream".
class LogRepository {
 public:
  virtual ~LogRepository() = default;

  virtual Result<std::optional<LogGroupRecord>> GetLogGroup(ReadTxn& t, std::string_view name) = 0;
  // Groups whose name starts with `prefix` and sorts after `after`, in name order, at most
  // `limit`.
  virtual Result<std::vector<LogGroupRecord>> ListLogGroups(ReadTxn& t, std::string_view prefix,
                                                            std::string_view after,
                                                            size_t limit) = 0;
  // Every group with a retention policy (for expiry).
  virtual Result<std::vector<LogGroupRecord>> ListGroupsWithRetention(ReadTxn& t) = 0;
  virtual Result<std::optional<LogStreamRecord>> GetLogStream(ReadTxn& t, int64_t group_id,
                                                              std::string_view name) = 0;
  virtual Result<std::vector<LogStreamRecord>> ListAllLogStreams(ReadTxn& t, int64_t group_id) = 0;
  virtual Result<std::vector<LogStreamRecord>> ListLogStreams(ReadTxn& t,
                                                              const StreamListing& listing) = 0;
  virtual Result<std::vector<StoredLogEvent>> ReadStreamEvents(ReadTxn& t, int64_t stream_id,
                                                               const EventRange& range) = 0;
  // The same over every stream of a group, interleaved in time order (`from_tail` unused).
  virtual Result<std::vector<StoredLogEvent>> ReadGroupEvents(ReadTxn& t, int64_t group_id,
                                                              const EventRange& range) = 0;

  virtual Status CreateLogGroup(WriteTxn& t, std::string_view name, int64_t now_ms) = 0;
  // Removes the group's streams and events too.
  virtual Status DeleteLogGroup(WriteTxn& t, std::string_view name) = 0;
  // nullopt removes the policy.
  virtual Status SetLogRetention(WriteTxn& t, std::string_view group, std::optional<int> days) = 0;
  virtual Status CreateLogStream(WriteTxn& t, std::string_view group, std::string_view stream,
                                 int64_t now_ms) = 0;
  virtual Status DeleteLogStream(WriteTxn& t, std::string_view group, std::string_view stream) = 0;
  // Appends `events` to a stream in the given order, stamping them with `now_ms` as ingestion
  // time, and keeps the stream's and group's counters. `create` makes a missing group and
  // stream (the invoke path); otherwise they must exist (as PutLogEvents wants).
  virtual Status AppendLogEvents(WriteTxn& t, std::string_view group, std::string_view stream,
                                 const std::vector<NewLogEvent>& events, int64_t now_ms,
                                 bool create) = 0;
  // Deletes events older than their group's retention at `now_ms`, at most `budget` of them in
  // this call; returns how many went (== budget means more may be left).
  virtual Result<size_t> ExpireLogEvents(WriteTxn& t, int64_t now_ms, size_t budget) = 0;
};

}  // namespace evoke::store
