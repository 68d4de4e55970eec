// CloudWatch metric alarms, the pure parts (docs/metrics.md, "Alarms"): PutMetricAlarm's input
// read and checked into the alarm's stored document, the evaluation of one alarm over its
// periods (statistic, ComparisonOperator, DatapointsToAlarm of EvaluationPeriods,
// TreatMissingData), the StateReason/StateReasonData CloudWatch writes, the history items' data
// and the event a Lambda alarm action receives. No I/O; the unit tests call these directly.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "observe/metrics_input.h"

namespace evoke::observe {

inline constexpr std::string_view kStateOk = "OK";
inline constexpr std::string_view kStateAlarm = "ALARM";
inline constexpr std::string_view kStateInsufficientData = "INSUFFICIENT_DATA";
inline constexpr size_t kMaxAlarms = 10000;    // CloudWatch's quota per account and region
inline constexpr size_t kMaxAlarmActions = 5;  // per state
inline constexpr int64_t kAlarmHistoryMs = 30LL * 86400 * 1000;  // history kept 30 days

bool IsAlarmState(std::string_view state);

// PutMetricAlarm's request, read and checked, as the alarm's stored document: the MetricAlarm
// shape's members (timestamps as epoch milliseconds, StateReasonData as JSON text), AlarmArn
// included, state INSUFFICIENT_DATA ("Unchecked: Initial alarm creation") as of `now_ms`.
// Errors: ValidationError (and MissingParameter, InvalidParameterValue) with CloudWatch's texts
// where known; metric math alarms (Metrics, ThresholdMetricId) and anomaly detection operators
// are refused as not supported by evoke.
Result<nlohmann::json> ReadPutMetricAlarm(const InputReader& reader, const nlohmann::json& input,
                                          std::string_view region, std::string_view account_id,
                                          int64_t now_ms);

// "arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME".
std::string AlarmArn(std::string_view region, std::string_view account_id, std::string_view name);

// One evaluated period: its start and its statistic's value (nullopt: no data).
struct AlarmDatapoint {
  int64_t start_s = 0;
  std::optional<double> value;
};

// What an evaluation decides.
struct AlarmEvaluation {
  std::string state;           // the state the alarm should be in
  std::string reason;          // StateReason
  nlohmann::json reason_data;  // StateReasonData (an object)
};

// Whether `value` breaches `threshold` by `comparison` (GreaterThanThreshold, ...).
bool Breaches(std::string_view comparison, double value, double threshold);

// Evaluates `alarm` (a stored document) over `datapoints`, its EvaluationPeriods periods oldest
// first, as of `query_ms`. DatapointsToAlarm (M, default EvaluationPeriods) of the N periods
// breaching: ALARM; otherwise OK. Missing periods are breaching (`breaching`), not breaching
// (`notBreaching`) or left out (`missing`, `ignore`); with none left, `missing` gives
// INSUFFICIENT_DATA and `ignore` keeps the current state (nullopt: no change to consider).
std::optional<AlarmEvaluation> EvaluateAlarm(const nlohmann::json& alarm,
                                             const std::vector<AlarmDatapoint>& datapoints,
                                             int64_t query_ms);

// CloudWatch's timestamp in reason data and alarm events: "2023-08-04T12:36:15.490+0000".
std::string AlarmTimestamp(int64_t epoch_ms);

// The event a Lambda function alarm action receives (source "aws.cloudwatch", alarmArn,
// accountId, time, region, alarmData {alarmName, state, previousState, configuration}).
// `previous` and `current` are {"value", "reason", "reasonData" (text), "timestamp_ms"}.
nlohmann::json AlarmEvent(const nlohmann::json& alarm, const nlohmann::json& previous,
                          const nlohmann::json& current, std::string_view region,
                          std::string_view account_id, int64_t now_ms);

// HistoryData of a StateUpdate item, as CloudWatch writes it (JSON text).
std::string StateUpdateData(const nlohmann::json& previous, const nlohmann::json& current);

// The function name of a Lambda function ARN of `region` and `account_id`
// ("arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]"); nullopt for any other ARN.
std::optional<std::string> LambdaActionFunction(std::string_view arn, std::string_view region,
                                                std::string_view account_id);

}  // namespace evoke::observe
