#include "observe/alarm_evaluator.h"

#include <chrono>
#include <map>

#include "base/ids.h"
#include "base/log.h"
#include "observe/alarm_model.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

// The evaluator catches up at most this many minute boundaries at once (a test clock moved by
// a day is evaluated at its last hour of minutes).
constexpr int64_t kMaxCatchUpMinutes = 60;

// The state an alarm's document holds, in the form AlarmEvent and StateUpdateData take.
json CurrentState(const json& alarm) {
  return json{{"value", alarm.value("StateValue", "")},
              {"reason", alarm.value("StateReason", "")},
              {"reasonData", alarm.value("StateReasonData", "")},
              {"timestamp_ms", alarm.value("StateUpdatedTimestamp", int64_t{0})}};
}

const char* ActionsOf(std::string_view state) {
  if (state == kStateAlarm) return "AlarmActions";
  if (state == kStateOk) return "OKActions";
  return "InsufficientDataActions";
}

// The alarm's statistic over its last EvaluationPeriods periods before `at_ms`, oldest first.
Result<std::vector<AlarmDatapoint>> ReadWindow(MetricStore& metrics, const json& alarm,
                                               int64_t at_ms) {
  const int64_t period = std::max<int64_t>(1, alarm.value("Period", int64_t{60}));
  const int64_t n = std::max<int64_t>(1, alarm.value("EvaluationPeriods", int64_t{1}));
  const int64_t end_s = at_ms / 1000 / period * period;
  const int64_t start_s = end_s - n * period;
  std::vector<std::pair<std::string, std::string>> dimensions;
  for (const json& d : alarm.value("Dimensions", json::array())) {
    dimensions.emplace_back(d.value("Name", ""), d.value("Value", ""));
  }
  SeriesKey key =
      SeriesKey{alarm.value("Namespace", ""), alarm.value("MetricName", ""), "", dimensions}
          .Canonical();
  key.unit = alarm.value("Unit", "");  // empty: every unit
  auto points = metrics.ReadPeriods(key, static_cast<int>(period), start_s, end_s);
  if (!points.ok()) return std::move(points).error();
  const std::string statistic = alarm.contains("Statistic") ? alarm.value("Statistic", "")
                                                            : alarm.value("ExtendedStatistic", "");
  std::map<int64_t, double> values;
  for (const PeriodPoint& p : *points) {
    if (auto v = p.point.Statistic(statistic)) values[p.start_s] = *v;
  }
  std::vector<AlarmDatapoint> out;
  for (int64_t s = start_s; s < end_s; s += period) {
    AlarmDatapoint d{s, std::nullopt};
    if (auto it = values.find(s); it != values.end()) d.value = it->second;
    out.push_back(d);
  }
  return out;
}

}  // namespace

AlarmEvaluator::AlarmEvaluator(AlarmDependencies deps) : deps_(std::move(deps)) {}

AlarmEvaluator::~AlarmEvaluator() { Stop(); }

void AlarmEvaluator::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void AlarmEvaluator::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AlarmEvaluator::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void AlarmEvaluator::Loop() {
  int64_t evaluated_minute = deps_.clock.NowMs() / 60000;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || woken_; });
    if (stopping_) break;
    woken_ = false;
    lock.unlock();
    int64_t minute = deps_.clock.NowMs() / 60000;
    if (minute > evaluated_minute) {
      // Each minute boundary passed since the last pass, so a clock that jumps two minutes
      // evaluates both.
      for (int64_t m = std::max(evaluated_minute + 1, minute - kMaxCatchUpMinutes + 1); m <= minute;
           ++m) {
        if (Status s = EvaluateBlocking(m * 60000); !s.ok()) {
          LogError("alarms: evaluation failed: " + s.error().message);
        }
      }
      evaluated_minute = minute;
    }
    lock.lock();
  }
}

Status AlarmEvaluator::EvaluateBlocking(int64_t at_ms) {
  if (Status s = deps_.metrics.FlushBlocking(); !s.ok()) return s;
  std::vector<store::AlarmRecord> alarms;
  {
    auto txn = deps_.txns.Read();
    std::string after;
    for (;;) {
      auto page = deps_.alarms.ListAlarms(*txn, after, 500);
      if (!page.ok()) return std::move(page).error();
      if (page->empty()) break;
      after = page->back().name;
      for (auto& a : *page) alarms.push_back(std::move(a));
    }
  }
  for (const store::AlarmRecord& record : alarms) {
    json alarm = json::parse(record.document, nullptr, false);
    if (!alarm.is_object()) continue;
    auto window = ReadWindow(deps_.metrics, alarm, at_ms);
    if (!window.ok()) {
      LogWarning("alarms: " + record.name + ": " + window.error().message);
      continue;
    }
    auto evaluation = EvaluateAlarm(alarm, *window, at_ms);
    if (!evaluation || evaluation->state == record.state) continue;
    AlarmStateChange change{evaluation->state, evaluation->reason, evaluation->reason_data.dump()};
    const int64_t configured = alarm.value("AlarmConfigurationUpdatedTimestamp", int64_t{0});
    Status s = deps_.txns.WriteBlocking([&](store::WriteTxn& t) -> Status {
      // Applied only to the alarm as evaluated: a change since (PutMetricAlarm, SetAlarmState,
      // DeleteAlarms) waits for the next minute.
      auto current = deps_.alarms.GetAlarm(t, record.name);
      if (!current.ok()) return std::move(current).error();
      if (!*current || (*current)->state != record.state) return {};
      json stored = json::parse((*current)->document, nullptr, false);
      if (!stored.is_object() ||
          stored.value("AlarmConfigurationUpdatedTimestamp", int64_t{0}) != configured) {
        return {};
      }
      return Transition(t, stored, change, deps_.clock.NowMs());
    });
    if (!s.ok()) LogError("alarms: " + record.name + ": " + s.error().message);
  }
  return deps_.txns.WriteBlocking([&](store::WriteTxn& t) {
    return deps_.alarms.DeleteHistoryBefore(t, deps_.clock.NowMs() - kAlarmHistoryMs);
  });
}

Status AlarmEvaluator::Transition(store::WriteTxn& t, json& alarm, const AlarmStateChange& change,
                                  int64_t now_ms) {
  const std::string previous_state = alarm.value("StateValue", "");
  if (previous_state == change.state) return {};
  json previous = CurrentState(alarm);
  alarm["StateValue"] = change.state;
  alarm["StateReason"] = change.reason;
  if (change.reason_data.empty()) {
    alarm.erase("StateReasonData");
  } else {
    alarm["StateReasonData"] = change.reason_data;
  }
  alarm["StateUpdatedTimestamp"] = now_ms;
  json current = CurrentState(alarm);
  const std::string name = alarm.value("AlarmName", "");
  if (Status s = deps_.alarms.PutAlarm(t, {name, change.state, alarm.dump()}); !s.ok()) return s;
  store::AlarmHistoryRecord item;
  item.alarm_name = name;
  item.type = "StateUpdate";
  item.time_ms = now_ms;
  item.summary = "Alarm updated from " + previous_state + " to " + change.state;
  item.data = StateUpdateData(previous, current);
  if (Status s = deps_.alarms.AddHistory(t, item); !s.ok()) return s;
  if (!alarm.value("ActionsEnabled", true)) return {};
  return RunActions(t, alarm, previous, current, now_ms);
}

Status AlarmEvaluator::RunActions(store::WriteTxn& t, const json& alarm, const json& previous,
                                  const json& current, int64_t now_ms) {
  const std::string name = alarm.value("AlarmName", "");
  const std::string alarm_arn = alarm.value("AlarmArn", "");
  for (const json& action : alarm.value(ActionsOf(current.value("value", "")), json::array())) {
    if (!action.is_string()) continue;
    const std::string arn = action.get<std::string>();
    store::AlarmHistoryRecord item;
    item.alarm_name = name;
    item.type = "Action";
    item.time_ms = now_ms;
    json data = {{"actionState", "Succeeded"},
                 {"notificationResource", arn},
                 {"stateUpdateTimestamp", current.value("timestamp_ms", now_ms)}};
    auto function = LambdaActionFunction(arn, deps_.region, deps_.account_id);
    std::string error;
    if (!function) {
      error = "not supported by evoke";
    } else if (queue_ == nullptr) {
      error = "no asynchronous queue";
    } else {
      std::string event =
          AlarmEvent(alarm, previous, current, deps_.region, deps_.account_id, now_ms).dump();
      lambda::AsyncEvent ev{*function, event,
                            NewUuid(), "lambda.alarms.cloudwatch.amazonaws.com",
                            alarm_arn, deps_.account_id};
      // Enqueued in a nested part: a failure is this action's, not the state change's.
      Status queued = t.Nested([&] { return queue_->Enqueue(t, std::move(ev)); });
      if (!queued.ok()) error = queued.error().message;
      data["publishedMessage"] = std::move(event);
    }
    if (error.empty()) {
      item.summary = "Successfully executed action " + arn;
    } else {
      item.summary = "Failed to execute action " + arn + ". Received error: \"" + error + "\"";
      data["actionState"] = "Failed";
      data["error"] = error;
      data.erase("publishedMessage");
    }
    item.data = data.dump();
    if (Status s = deps_.alarms.AddHistory(t, item); !s.ok()) return s;
  }
  return {};
}

}  // namespace evoke::observe
