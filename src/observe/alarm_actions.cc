// The CloudWatch alarm operations (docs/metrics.md, "Alarms"): PutMetricAlarm, DescribeAlarms,
// DescribeAlarmHistory, DeleteAlarms, SetAlarmState, EnableAlarmActions, DisableAlarmActions,
// over the alarm repository; state changes and their actions go through AlarmEvaluator.
#include <algorithm>
#include <cctype>

#include "observe/alarm_evaluator.h"
#include "observe/alarm_model.h"
#include "observe/metrics_actions.h"
#include "store/alarms.h"
#include "store/write.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

constexpr size_t kMaxAlarmNames = 100;

Error NotServed() {
  return MakeError("InternalServiceError", "alarms are not configured on this server");
}

Result<std::vector<std::string>> ReadNames(const InputReader& reader, const json& input,
                                           std::string_view member, bool required) {
  auto list = reader.List(input, member, member);
  if (!list.ok()) return std::move(list).error();
  if (required && list->empty()) return MissingParameter(member);
  if (list->size() > kMaxAlarmNames) {
    return MakeError("InvalidParameterValue", "The collection " + std::string(member) +
                                                  " must not have a size greater than 100.");
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& element = *(*list)[i];
    if (!element.is_string()) return InvalidValue(element.dump(), ElementPath(member, i));
    out.push_back(element.get<std::string>());
  }
  return out;
}

// MaxRecords: 1 to 100.
Result<size_t> ReadMaxRecords(const InputReader& reader, const json& input, size_t fallback) {
  auto max = reader.Integer(input, "MaxRecords", "MaxRecords");
  if (!max.ok()) return std::move(max).error();
  if (!*max) return fallback;
  if (**max < 1 || **max > 100) {
    return MakeError("ValidationError",
                     "1 validation error detected: Value '" + std::to_string(**max) +
                         "' at 'maxRecords' failed to satisfy constraint: Member must have value "
                         "between 1 and 100");
  }
  return static_cast<size_t>(**max);
}

// Opaque tokens: the text they stand for, in hexadecimal.
std::string HexToken(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::optional<std::string> ParseHexToken(std::string_view token) {
  if (token.empty() || token.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < token.size(); i += 2) {
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = digit(token[i]), lo = digit(token[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

Error BadToken() { return MakeError("InvalidNextToken", "The NextToken is not valid."); }

// An alarm's document as DescribeAlarms answers it (timestamps in the request's protocol).
json RenderAlarm(const MetricsContext& ctx, json alarm) {
  for (const char* member : {"AlarmConfigurationUpdatedTimestamp", "StateUpdatedTimestamp"}) {
    if (alarm.contains(member)) alarm[member] = ctx.Timestamp(alarm.value(member, int64_t{0}));
  }
  return alarm;
}

// A configuration's form in history items: the document without its state.
json ConfigurationOf(json alarm) {
  for (const char* member :
       {"StateValue", "StateReason", "StateReasonData", "StateUpdatedTimestamp"}) {
    alarm.erase(member);
  }
  return alarm;
}

store::AlarmHistoryRecord ConfigurationItem(const std::string& name, int64_t now_ms,
                                            std::string summary, json data) {
  store::AlarmHistoryRecord item;
  item.alarm_name = name;
  item.type = "ConfigurationUpdate";
  item.time_ms = now_ms;
  item.summary = std::move(summary);
  item.data = data.dump();
  return item;
}

}  // namespace

Task<Result<json>> PutMetricAlarm(MetricsContext& ctx) {
  AlarmEvaluator* alarms = ctx.options.alarms;
  if (alarms == nullptr) co_return NotServed();
  const int64_t now_ms = ctx.NowMs();
  auto read =
      ReadPutMetricAlarm(ctx.in, ctx.input, ctx.options.region, ctx.options.account_id, now_ms);
  if (!read.ok()) co_return std::move(read).error();
  json alarm = std::move(*read);
  const std::string name = alarm.value("AlarmName", "");
  store::AlarmRepository& repo = alarms->deps().alarms;
  Status s = co_await store::Write(alarms->deps().txns, [&](store::WriteTxn& t) -> Status {
    auto existing = repo.GetAlarm(t, name);
    if (!existing.ok()) return std::move(existing).error();
    json original;
    if (*existing) {
      // An update leaves the state as it is and replaces the whole configuration.
      original = json::parse((*existing)->document, nullptr, false);
      if (original.is_object()) {
        for (const char* member :
             {"StateValue", "StateReason", "StateReasonData", "StateUpdatedTimestamp"}) {
          if (original.contains(member)) alarm[member] = original[member];
        }
      }
    } else {
      auto count = repo.CountAlarms(t);
      if (!count.ok()) return std::move(count).error();
      if (*count >= static_cast<int64_t>(kMaxAlarms)) {
        return MakeError("LimitExceeded", "The maximum allowed number of alarms (" +
                                              std::to_string(kMaxAlarms) + ") has been reached.");
      }
    }
    if (Status put = repo.PutAlarm(t, {name, alarm.value("StateValue", ""), alarm.dump()});
        !put.ok()) {
      return put;
    }
    json data = {{"version", "1.0"}};
    std::string summary;
    if (*existing) {
      data["type"] = "Update";
      data["updatedAlarm"] = ConfigurationOf(alarm);
      if (original.is_object()) data["originalUpdatedAlarm"] = ConfigurationOf(original);
      summary = "Alarm \"" + name + "\" updated";
    } else {
      data["type"] = "Create";
      data["createdAlarm"] = ConfigurationOf(alarm);
      summary = "Alarm \"" + name + "\" created";
    }
    return repo.AddHistory(t, ConfigurationItem(name, now_ms, std::move(summary), std::move(data)));
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> DescribeAlarms(MetricsContext& ctx) {
  AlarmEvaluator* alarms = ctx.options.alarms;
  if (alarms == nullptr) co_return NotServed();
  auto names = ReadNames(ctx.in, ctx.input, "AlarmNames", false);
  if (!names.ok()) co_return std::move(names).error();
  auto prefix = ctx.in.String(ctx.input, "AlarmNamePrefix", "AlarmNamePrefix");
  if (!prefix.ok()) co_return std::move(prefix).error();
  if (!names->empty() && *prefix) {
    co_return MakeError("InvalidParameterCombination",
                        "The parameters AlarmNames and AlarmNamePrefix are mutually exclusive.");
  }
  auto state = ctx.in.String(ctx.input, "StateValue", "StateValue");
  if (!state.ok()) co_return std::move(state).error();
  if (*state && !IsAlarmState(**state)) {
    co_return MakeError("ValidationError",
                        "1 validation error detected: Value '" + **state +
                            "' at 'stateValue' failed to satisfy constraint: Member must satisfy "
                            "enum value set: [INSUFFICIENT_DATA, ALARM, OK]");
  }
  auto action_prefix = ctx.in.String(ctx.input, "ActionPrefix", "ActionPrefix");
  if (!action_prefix.ok()) co_return std::move(action_prefix).error();
  auto types = ReadNames(ctx.in, ctx.input, "AlarmTypes", false);
  if (!types.ok()) co_return std::move(types).error();
  for (const std::string& type : *types) {
    if (type != "MetricAlarm" && type != "CompositeAlarm") {
      co_return MakeError("ValidationError", "Invalid value for AlarmTypes: " + type);
    }
  }
  const bool metric_alarms =
      types->empty() || std::find(types->begin(), types->end(), "MetricAlarm") != types->end();
  const bool composite_alarms =
      std::find(types->begin(), types->end(), "CompositeAlarm") != types->end();
  auto max = ReadMaxRecords(ctx.in, ctx.input, 50);
  if (!max.ok()) co_return std::move(max).error();
  auto token = ctx.in.String(ctx.input, "NextToken", "NextToken");
  if (!token.ok()) co_return std::move(token).error();
  std::string after;
  if (*token) {
    auto parsed = ParseHexToken(**token);
    if (!parsed) co_return BadToken();
    after = *parsed;
  }

  json list = json::array();
  std::string next;
  if (metric_alarms) {
    auto txn = alarms->deps().txns.Read();
    for (bool more = true; more;) {
      auto page = alarms->deps().alarms.ListAlarms(*txn, after, 500);
      if (!page.ok()) co_return std::move(page).error();
      more = page->size() == 500;
      for (const store::AlarmRecord& record : *page) {
        after = record.name;
        if (!names->empty() &&
            std::find(names->begin(), names->end(), record.name) == names->end()) {
          continue;
        }
        if (*prefix && record.name.rfind(**prefix, 0) != 0) continue;
        if (*state && record.state != **state) continue;
        json alarm = json::parse(record.document, nullptr, false);
        if (!alarm.is_object()) continue;
        if (*action_prefix) {
          bool found = false;
          for (const char* member : {"AlarmActions", "OKActions", "InsufficientDataActions"}) {
            for (const json& arn : alarm.value(member, json::array())) {
              if (arn.is_string() && arn.get<std::string>().rfind(**action_prefix, 0) == 0) {
                found = true;
              }
            }
          }
          if (!found) continue;
        }
        if (list.size() == *max) {
          next = HexToken(list.back().value("AlarmName", ""));
          more = false;
          break;
        }
        list.push_back(RenderAlarm(ctx, std::move(alarm)));
      }
    }
  }
  json out = json::object();
  out["MetricAlarms"] = std::move(list);
  if (composite_alarms) out["CompositeAlarms"] = json::array();
  if (!next.empty()) out["NextToken"] = next;
  co_return out;
}

Task<Result<json>> DescribeAlarmHistory(MetricsContext& ctx) {
  AlarmEvaluator* alarms = ctx.options.alarms;
  if (alarms == nullptr) co_return NotServed();
  store::AlarmHistoryQuery query;
  auto name = ctx.in.String(ctx.input, "AlarmName", "AlarmName");
  if (!name.ok()) co_return std::move(name).error();
  query.alarm_name = name->value_or("");
  auto type = ctx.in.String(ctx.input, "HistoryItemType", "HistoryItemType");
  if (!type.ok()) co_return std::move(type).error();
  if (*type && **type != "ConfigurationUpdate" && **type != "StateUpdate" && **type != "Action") {
    co_return MakeError("ValidationError",
                        "1 validation error detected: Value '" + **type +
                            "' at 'historyItemType' failed to satisfy constraint: Member must "
                            "satisfy enum value set: [ConfigurationUpdate, StateUpdate, Action]");
  }
  query.type = type->value_or("");
  auto types = ReadNames(ctx.in, ctx.input, "AlarmTypes", false);
  if (!types.ok()) co_return std::move(types).error();
  const bool metric_alarms =
      types->empty() || std::find(types->begin(), types->end(), "MetricAlarm") != types->end();
  auto start = ctx.in.TimestampMs(ctx.input, "StartDate", "StartDate");
  if (!start.ok()) co_return std::move(start).error();
  auto end = ctx.in.TimestampMs(ctx.input, "EndDate", "EndDate");
  if (!end.ok()) co_return std::move(end).error();
  if (*start) query.start_ms = **start;
  if (*end) query.end_ms = **end;
  auto scan = ctx.in.String(ctx.input, "ScanBy", "ScanBy");
  if (!scan.ok()) co_return std::move(scan).error();
  if (*scan && **scan != "TimestampDescending" && **scan != "TimestampAscending") {
    co_return MakeError("ValidationError",
                        "1 validation error detected: Value '" + **scan +
                            "' at 'scanBy' failed to satisfy constraint: Member must satisfy "
                            "enum value set: [TimestampDescending, TimestampAscending]");
  }
  query.ascending = *scan && **scan == "TimestampAscending";
  auto max = ReadMaxRecords(ctx.in, ctx.input, 100);
  if (!max.ok()) co_return std::move(max).error();
  query.limit = *max + 1;
  auto token = ctx.in.String(ctx.input, "NextToken", "NextToken");
  if (!token.ok()) co_return std::move(token).error();
  if (*token) {
    auto parsed = ParseHexToken(**token);
    if (!parsed) co_return BadToken();
    size_t colon = parsed->find(':');
    if (colon == std::string::npos) co_return BadToken();
    try {
      query.after = std::make_pair(std::stoll(parsed->substr(0, colon)),
                                   std::stoll(parsed->substr(colon + 1)));
    } catch (const std::exception&) {
      co_return BadToken();
    }
  }
  json items = json::array();
  json out = json::object();
  if (metric_alarms) {
    auto txn = alarms->deps().txns.Read();
    auto history = alarms->deps().alarms.ListHistory(*txn, query);
    if (!history.ok()) co_return std::move(history).error();
    for (size_t i = 0; i < history->size() && i < *max; ++i) {
      const store::AlarmHistoryRecord& r = (*history)[i];
      items.push_back({{"AlarmName", r.alarm_name},
                       {"AlarmType", "MetricAlarm"},
                       {"Timestamp", ctx.Timestamp(r.time_ms)},
                       {"HistoryItemType", r.type},
                       {"HistorySummary", r.summary},
                       {"HistoryData", r.data}});
    }
    if (history->size() > *max) {
      const store::AlarmHistoryRecord& last = (*history)[*max - 1];
      out["NextToken"] = HexToken(std::to_string(last.time_ms) + ":" + std::to_string(last.id));
    }
  }
  out["AlarmHistoryItems"] = std::move(items);
  co_return out;
}

Task<Result<json>> DeleteAlarms(MetricsContext& ctx) {
  AlarmEvaluator* alarms = ctx.options.alarms;
  if (alarms == nullptr) co_return NotServed();
  auto names = ReadNames(ctx.in, ctx.input, "AlarmNames", true);
  if (!names.ok()) co_return std::move(names).error();
  const int64_t now_ms = ctx.NowMs();
  store::AlarmRepository& repo = alarms->deps().alarms;
  Status s = co_await store::Write(alarms->deps().txns, [&](store::WriteTxn& t) -> Status {
    // All or nothing: an unknown name deletes none (the message is evoke's).
    std::vector<std::string> unknown;
    for (const std::string& name : *names) {
      auto alarm = repo.GetAlarm(t, name);
      if (!alarm.ok()) return std::move(alarm).error();
      if (!*alarm) unknown.push_back(name);
    }
    if (!unknown.empty()) {
      std::string list;
      for (const std::string& name : unknown) list += (list.empty() ? "" : ", ") + name;
      return MakeError("ResourceNotFound", "The following alarms were not found: [" + list + "]");
    }
    for (const std::string& name : *names) {
      if (Status d = repo.DeleteAlarm(t, name); !d.ok()) return d;
      json data = {{"version", "1.0"}, {"type", "Delete"}};
      if (Status h = repo.AddHistory(
              t, ConfigurationItem(name, now_ms, "Alarm \"" + name + "\" deleted", data));
          !h.ok()) {
        return h;
      }
    }
    return {};
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

Task<Result<json>> SetAlarmState(MetricsContext& ctx) {
  AlarmEvaluator* alarms = ctx.options.alarms;
  if (alarms == nullptr) co_return NotServed();
  auto name = ctx.in.String(ctx.input, "AlarmName", "AlarmName");
  if (!name.ok()) co_return std::move(name).error();
  if (!*name) co_return MissingParameter("AlarmName");
  auto state = ctx.in.String(ctx.input, "StateValue", "StateValue");
  if (!state.ok()) co_return std::move(state).error();
  if (!*state) co_return MissingParameter("StateValue");
  if (!IsAlarmState(**state)) {
    co_return MakeError("ValidationError",
                        "1 validation error detected: Value '" + **state +
                            "' at 'stateValue' failed to satisfy constraint: Member must satisfy "
                            "enum value set: [INSUFFICIENT_DATA, ALARM, OK]");
  }
  auto reason = ctx.in.String(ctx.input, "StateReason", "StateReason");
  if (!reason.ok()) co_return std::move(reason).error();
  if (!*reason) co_return MissingParameter("StateReason");
  if ((*reason)->size() > 1023) {
    co_return MakeError("ValidationError",
                        "1 validation error detected: Value at 'stateReason' failed to satisfy "
                        "constraint: Member must have length less than or equal to 1023");
  }
  auto reason_data = ctx.in.String(ctx.input, "StateReasonData", "StateReasonData");
  if (!reason_data.ok()) co_return std::move(reason_data).error();
  if (*reason_data) {
    json parsed = json::parse(**reason_data, nullptr, false);
    if (parsed.is_discarded() || (*reason_data)->size() > 4000) {
      co_return MakeError("InvalidFormat", "Reason data is not valid JSON.");
    }
  }
  AlarmStateChange change{**state, **reason, reason_data->value_or("")};
  const int64_t now_ms = ctx.NowMs();
  store::AlarmRepository& repo = alarms->deps().alarms;
  Status s = co_await store::Write(alarms->deps().txns, [&](store::WriteTxn& t) -> Status {
    auto record = repo.GetAlarm(t, **name);
    if (!record.ok()) return std::move(record).error();
    if (!*record) return MakeError("ResourceNotFound", "Alarm " + **name + " not found");
    json alarm = json::parse((*record)->document, nullptr, false);
    if (!alarm.is_object()) return MakeError("InternalServiceError", "unreadable alarm");
    return alarms->Transition(t, alarm, change, now_ms);
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

namespace {

Task<Result<json>> SetActionsEnabled(MetricsContext& ctx, bool enabled) {
  AlarmEvaluator* alarms = ctx.options.alarms;
  if (alarms == nullptr) co_return NotServed();
  auto names = ReadNames(ctx.in, ctx.input, "AlarmNames", true);
  if (!names.ok()) co_return std::move(names).error();
  store::AlarmRepository& repo = alarms->deps().alarms;
  Status s = co_await store::Write(alarms->deps().txns, [&](store::WriteTxn& t) -> Status {
    for (const std::string& name : *names) {  // unknown names are skipped, as CloudWatch does
      auto record = repo.GetAlarm(t, name);
      if (!record.ok()) return std::move(record).error();
      if (!*record) continue;
      json alarm = json::parse((*record)->document, nullptr, false);
      if (!alarm.is_object()) continue;
      alarm["ActionsEnabled"] = enabled;
      if (Status put = repo.PutAlarm(t, {name, (*record)->state, alarm.dump()}); !put.ok()) {
        return put;
      }
    }
    return {};
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json();
}

}  // namespace

Task<Result<json>> EnableAlarmActions(MetricsContext& ctx) { return SetActionsEnabled(ctx, true); }

Task<Result<json>> DisableAlarmActions(MetricsContext& ctx) {
  return SetActionsEnabled(ctx, false);
}

}  // namespace evoke::observe
