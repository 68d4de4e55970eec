// The log repository: CloudWatch-style log groups, streams and events as records in the
// database (docs/logs.md). Reads take any connection (usually a pool lease); writes take a
// Committer job's WriteTxn. The observe module sees only this.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/committer.h"
#include "store/sqlite.h"

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

// ---- reads

Result<std::optional<LogGroupRecord>> GetLogGroup(Connection& c, std::string_view name);
// Groups whose name starts with `prefix` and sorts after `after`, in name order, at most `limit`.
Result<std::vector<LogGroupRecord>> ListLogGroups(Connection& c, std::string_view prefix,
                                                  std::string_view after, size_t limit);
// Every group with a retention policy (for expiry).
Result<std::vector<LogGroupRecord>> ListGroupsWithRetention(Connection& c);

Result<std::optional<LogStreamRecord>> GetLogStream(Connection& c, int64_t group_id,
                                                    std::string_view name);
Result<std::vector<LogStreamRecord>> ListAllLogStreams(Connection& c, int64_t group_id);

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
Result<std::vector<LogStreamRecord>> ListLogStreams(Connection& c, const StreamListing& listing);

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
Result<std::vector<StoredLogEvent>> ReadStreamEvents(Connection& c, int64_t stream_id,
                                                     const EventRange& range);
// The same over every stream of a group, interleaved in time order (`from_tail` unused).
Result<std::vector<StoredLogEvent>> ReadGroupEvents(Connection& c, int64_t group_id,
                                                    const EventRange& range);

// ---- writes

// ResourceAlreadyExistsException when the name is taken.
Status CreateLogGroup(WriteTxn& t, std::string_view name, int64_t now_ms);
// ResourceNotFoundException when absent; removes the group's streams and events too.
Status DeleteLogGroup(WriteTxn& t, std::string_view name);
// ResourceNotFoundException when the group is absent; nullopt removes the policy.
Status SetLogRetention(WriteTxn& t, std::string_view group, std::optional<int> days);
// ResourceNotFoundException for a missing group, ResourceAlreadyExistsException for a taken name.
Status CreateLogStream(WriteTxn& t, std::string_view group, std::string_view stream,
                       int64_t now_ms);
Status DeleteLogStream(WriteTxn& t, std::string_view group, std::string_view stream);

// Appends `events` to a stream in the given order, stamping them with `now_ms` as ingestion
// time, and keeps the stream's and group's counters. `create` makes a missing group and stream
// (the invoke path); otherwise they must exist (ResourceNotFoundException, as PutLogEvents).
Status AppendLogEvents(WriteTxn& t, std::string_view group, std::string_view stream,
                       const std::vector<NewLogEvent>& events, int64_t now_ms, bool create);

// Deletes events older than their group's retention at `now_ms`, at most `budget` of them in
// this call; returns how many went (== budget means more may be left).
Result<size_t> ExpireLogEvents(WriteTxn& t, int64_t now_ms, size_t budget);

}  // namespace evoke::store
