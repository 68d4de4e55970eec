// The alarm repository: CloudWatch metric alarms and their history (docs/metrics.md, "Alarms").
// An alarm is kept as its JSON document (observe/alarm_model.h's stored form) beside the columns
// queries need (name, state); history items are kept 30 days. Reads take any transaction, writes
// a job's WriteTxn. Used by the observe module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/txn.h"

namespace evoke::store {

struct AlarmRecord {
  std::string name;
  std::string state;     // OK | ALARM | INSUFFICIENT_DATA
  std::string document;  // the whole alarm, JSON
};

struct AlarmHistoryRecord {
  int64_t id = 0;  // assigned by AddHistory
  std::string alarm_name;
  std::string type;  // ConfigurationUpdate | StateUpdate | Action
  int64_t time_ms = 0;
  std::string summary;
  std::string data;  // HistoryData, JSON
};

// Which history items to list: of one alarm (empty: all) and type (empty: all), with
// start_ms <= time < end_ms, after the item (after_time_ms, after_id) in the order asked.
struct AlarmHistoryQuery {
  std::string alarm_name;
  std::string type;
  int64_t start_ms = 0;
  int64_t end_ms = INT64_MAX;
  bool ascending = false;
  std::optional<std::pair<int64_t, int64_t>> after;  // (time_ms, id) of the last item seen
  size_t limit = 100;
};

class AlarmRepository {
 public:
  virtual ~AlarmRepository() = default;

  virtual Result<std::optional<AlarmRecord>> GetAlarm(ReadTxn& t, std::string_view name) = 0;
  // Alarms with a name after `after`, in name order, at most `limit`.
  virtual Result<std::vector<AlarmRecord>> ListAlarms(ReadTxn& t, std::string_view after,
                                                      size_t limit) = 0;
  virtual Result<int64_t> CountAlarms(ReadTxn& t) = 0;
  virtual Result<std::vector<AlarmHistoryRecord>> ListHistory(ReadTxn& t,
                                                              const AlarmHistoryQuery& query) = 0;

  // Inserts or replaces the alarm.
  virtual Status PutAlarm(WriteTxn& t, const AlarmRecord& alarm) = 0;
  virtual Status DeleteAlarm(WriteTxn& t, std::string_view name) = 0;
  virtual Status AddHistory(WriteTxn& t, const AlarmHistoryRecord& item) = 0;
  // Removes the history items older than `before_ms`.
  virtual Status DeleteHistoryBefore(WriteTxn& t, int64_t before_ms) = 0;
};

}  // namespace evoke::store
