#include "observe/alarm_model.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "base/time_format.h"
#include "observe/metric_point.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 4> kComparisons = {
    "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
    "LessThanOrEqualToThreshold"};
// The model's anomaly detection operators, which need a ThresholdMetricId (metric math).
constexpr std::array<std::string_view, 3> kBandComparisons = {
    "LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold",
    "GreaterThanUpperThreshold"};
constexpr std::array<std::string_view, 4> kTreatMissingData = {"breaching", "notBreaching",
                                                               "ignore", "missing"};

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& set, std::string_view value) {
  for (std::string_view v : set) {
    if (v == value) return true;
  }
  return false;
}

// The error CloudWatch answers for a member that fails the model's constraint, e.g.
// "1 validation error detected: Value '0' at 'evaluationPeriods' failed to satisfy constraint:
// Member must have value greater than or equal to 1".
Error ConstraintError(std::string_view value, std::string_view member,
                      std::string_view constraint) {
  std::string camel(member);
  if (!camel.empty()) camel[0] = static_cast<char>(std::tolower(camel[0]));
  return MakeError("ValidationError",
                   "1 validation error detected: Value '" + std::string(value) + "' at '" + camel +
                       "' failed to satisfy constraint: Member must " + std::string(constraint));
}

Error Validation(std::string message) { return MakeError("ValidationError", std::move(message)); }

// An action list: at most five ARNs of 1-1024 characters that look like ARNs.
Result<json> ReadActions(const InputReader& reader, const json& input, std::string_view member) {
  auto list = reader.List(input, member, member);
  if (!list.ok()) return std::move(list).error();
  if (list->size() > kMaxAlarmActions) {
    return Validation("The collection " + std::string(member) +
                      " must not have a size greater than 5.");
  }
  json out = json::array();
  for (size_t i = 0; i < list->size(); ++i) {
    const json& element = *(*list)[i];
    if (!element.is_string()) return InvalidValue(element.dump(), ElementPath(member, i));
    std::string arn = element.get<std::string>();
    if (arn.empty() || arn.size() > 1024 || arn.rfind("arn:", 0) != 0 ||
        std::count(arn.begin(), arn.end(), ':') < 5) {
      return Validation("Invalid arn syntax: " + arn);
    }
    out.push_back(std::move(arn));
  }
  return out;
}

// A value as CloudWatch writes it in a reason: "1.0", "0.5", "1.0E7".
std::string ReasonNumber(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e7) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1f", v);
    return buf;
  }
  return FormatValue(v);
}

// "07/12/26 10:00:00": how a reason dates its datapoints (dd/MM/yy HH:mm:ss, UTC).
std::string ReasonDate(int64_t epoch_s) {
  std::time_t t = static_cast<std::time_t>(epoch_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%d/%m/%y %H:%M:%S", &tm);
  return buf;
}

std::string ComparisonWords(std::string_view comparison) {
  if (comparison == "GreaterThanOrEqualToThreshold") return "greater than or equal to";
  if (comparison == "GreaterThanThreshold") return "greater than";
  if (comparison == "LessThanThreshold") return "less than";
  return "less than or equal to";
}

std::string Plural(size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

}  // namespace

bool IsAlarmState(std::string_view state) {
  return state == kStateOk || state == kStateAlarm || state == kStateInsufficientData;
}

std::string AlarmArn(std::string_view region, std::string_view account_id, std::string_view name) {
  return "arn:aws:cloudwatch:" + std::string(region) + ":" + std::string(account_id) +
         ":alarm:" + std::string(name);
}

Result<json> ReadPutMetricAlarm(const InputReader& reader, const json& input,
                                std::string_view region, std::string_view account_id,
                                int64_t now_ms) {
  json alarm = json::object();
  auto name = reader.String(input, "AlarmName", "AlarmName");
  if (!name.ok()) return std::move(name).error();
  if (!*name) return MissingParameter("AlarmName");
  if ((*name)->empty() || (*name)->size() > 255) {
    return ConstraintError(**name, "AlarmName", "have length between 1 and 255");
  }
  alarm["AlarmName"] = **name;
  alarm["AlarmArn"] = AlarmArn(region, account_id, **name);

  // Metric math and anomaly detection alarms are not evaluated by evoke.
  auto metrics = reader.List(input, "Metrics", "Metrics");
  if (!metrics.ok()) return std::move(metrics).error();
  auto threshold_metric = reader.String(input, "ThresholdMetricId", "ThresholdMetricId");
  if (!threshold_metric.ok()) return std::move(threshold_metric).error();
  if (!metrics->empty() || *threshold_metric) {
    return Validation(
        "Metric math alarms (Metrics, ThresholdMetricId) are not supported by evoke; alarm on "
        "one metric with MetricName and Namespace.");
  }

  auto description = reader.String(input, "AlarmDescription", "AlarmDescription");
  if (!description.ok()) return std::move(description).error();
  if (*description && (*description)->size() > 1024) {
    return ConstraintError(**description, "AlarmDescription",
                           "have length less than or equal to 1024");
  }
  if (*description) alarm["AlarmDescription"] = **description;
  auto enabled = reader.Bool(input, "ActionsEnabled", "ActionsEnabled");
  if (!enabled.ok()) return std::move(enabled).error();
  alarm["ActionsEnabled"] = enabled->value_or(true);
  for (const char* member : {"OKActions", "AlarmActions", "InsufficientDataActions"}) {
    auto actions = ReadActions(reader, input, member);
    if (!actions.ok()) return std::move(actions).error();
    alarm[member] = std::move(*actions);
  }

  auto metric = reader.String(input, "MetricName", "MetricName");
  if (!metric.ok()) return std::move(metric).error();
  auto name_space = reader.String(input, "Namespace", "Namespace");
  if (!name_space.ok()) return std::move(name_space).error();
  if (!*metric) return MissingParameter("MetricName");
  if (!*name_space) return MissingParameter("Namespace");
  if (Status s = CheckMetricName(**metric, "MetricName"); !s.ok()) return std::move(s).error();
  if (Status s = CheckNamespace(**name_space, "Namespace", false); !s.ok()) {
    return std::move(s).error();
  }
  alarm["MetricName"] = **metric;
  alarm["Namespace"] = **name_space;

  auto statistic = reader.String(input, "Statistic", "Statistic");
  if (!statistic.ok()) return std::move(statistic).error();
  auto extended = reader.String(input, "ExtendedStatistic", "ExtendedStatistic");
  if (!extended.ok()) return std::move(extended).error();
  if (*statistic && *extended) {
    return MakeError("InvalidParameterCombination",
                     "The parameters Statistic and ExtendedStatistic are mutually exclusive and "
                     "you have specified both.");
  }
  if (!*statistic && !*extended) {
    return MakeError("MissingParameter",
                     "Either the parameter Statistic or ExtendedStatistic is required.");
  }
  if (*statistic) {
    if (!IsBasicStatistic(**statistic)) {
      return ConstraintError(**statistic, "Statistic",
                             "satisfy enum value set: [Maximum, SampleCount, Sum, Minimum, "
                             "Average]");
    }
    alarm["Statistic"] = **statistic;
  } else {
    if (!ParsePercentile(**extended)) return InvalidValue(**extended, "ExtendedStatistic");
    alarm["ExtendedStatistic"] = **extended;
    auto low = reader.String(input, "EvaluateLowSampleCountPercentile",
                             "EvaluateLowSampleCountPercentile");
    if (!low.ok()) return std::move(low).error();
    if (*low && **low != "evaluate" && **low != "ignore") {
      return Validation("EvaluateLowSampleCountPercentile must be one of: [evaluate, ignore]");
    }
    if (*low) alarm["EvaluateLowSampleCountPercentile"] = **low;
  }

  auto dimensions = ReadDimensions(reader, input, "Dimensions", "", 30);
  if (!dimensions.ok()) return std::move(dimensions).error();
  alarm["Dimensions"] = json::array();
  for (const auto& [dim_name, dim_value] : *dimensions) {
    alarm["Dimensions"].push_back({{"Name", dim_name}, {"Value", dim_value}});
  }
  auto unit = reader.String(input, "Unit", "Unit");
  if (!unit.ok()) return std::move(unit).error();
  if (*unit && !IsStandardUnit(**unit)) return InvalidUnit("Unit");
  if (*unit) alarm["Unit"] = **unit;

  auto period = reader.Integer(input, "Period", "Period");
  if (!period.ok()) return std::move(period).error();
  if (!*period) return MissingParameter("Period");
  if (**period < 1) {
    return ConstraintError(std::to_string(**period), "Period",
                           "have value greater than or equal to 1");
  }
  if (**period != 10 && **period != 30 && **period % 60 != 0) {
    return Validation("Period must be 10, 30 or a multiple of 60.");
  }
  if (**period < 60 && (*name_space)->rfind("AWS/", 0) == 0) {
    // evoke records the AWS/ namespaces at one-minute resolution (evoke's wording).
    return Validation("Period must be a multiple of 60 for metrics in namespace " + **name_space +
                      ", which are recorded at one-minute resolution.");
  }
  alarm["Period"] = **period;

  auto evaluation_periods = reader.Integer(input, "EvaluationPeriods", "EvaluationPeriods");
  if (!evaluation_periods.ok()) return std::move(evaluation_periods).error();
  if (!*evaluation_periods) return MissingParameter("EvaluationPeriods");
  if (**evaluation_periods < 1) {
    return ConstraintError(std::to_string(**evaluation_periods), "EvaluationPeriods",
                           "have value greater than or equal to 1");
  }
  // CloudWatch: Period x EvaluationPeriods at most one day, or seven for hour-long periods.
  int64_t limit_s = **period >= 3600 ? 7 * 86400 : 86400;
  if (**evaluation_periods > limit_s / **period) {
    return Validation(
        "The evaluation period (Period * EvaluationPeriods) must be less than or "
        "equal to " +
        std::to_string(limit_s) + " seconds.");
  }
  alarm["EvaluationPeriods"] = **evaluation_periods;
  auto to_alarm = reader.Integer(input, "DatapointsToAlarm", "DatapointsToAlarm");
  if (!to_alarm.ok()) return std::move(to_alarm).error();
  if (*to_alarm) {
    if (**to_alarm < 1) {
      return ConstraintError(std::to_string(**to_alarm), "DatapointsToAlarm",
                             "have value greater than or equal to 1");
    }
    if (**to_alarm > **evaluation_periods) {
      return Validation("DatapointsToAlarm must be less than or equal to EvaluationPeriods.");
    }
    alarm["DatapointsToAlarm"] = **to_alarm;
  }

  auto threshold = reader.Number(input, "Threshold", "Threshold");
  if (!threshold.ok()) return std::move(threshold).error();
  if (!*threshold) return MissingParameter("Threshold");
  if (!std::isfinite(**threshold)) return InvalidValue(FormatValue(**threshold), "Threshold");
  alarm["Threshold"] = **threshold;

  auto comparison = reader.String(input, "ComparisonOperator", "ComparisonOperator");
  if (!comparison.ok()) return std::move(comparison).error();
  if (!*comparison) return MissingParameter("ComparisonOperator");
  if (OneOf(kBandComparisons, **comparison)) {
    return Validation("Anomaly detection alarms (ComparisonOperator " + **comparison +
                      ") are not supported by evoke.");
  }
  if (!OneOf(kComparisons, **comparison)) {
    return ConstraintError(
        **comparison, "ComparisonOperator",
        "satisfy enum value set: [LessThanLowerOrGreaterThanUpperThreshold, "
        "LessThanOrEqualToThreshold, LessThanLowerThreshold, LessThanThreshold, "
        "GreaterThanOrEqualToThreshold, GreaterThanUpperThreshold, GreaterThanThreshold]");
  }
  alarm["ComparisonOperator"] = **comparison;

  auto missing = reader.String(input, "TreatMissingData", "TreatMissingData");
  if (!missing.ok()) return std::move(missing).error();
  if (*missing && !OneOf(kTreatMissingData, **missing)) {
    return Validation("Invalid value for TreatMissingData: " + **missing +
                      ". Valid values are: [breaching, notBreaching, ignore, missing]");
  }
  if (*missing) alarm["TreatMissingData"] = **missing;

  alarm["AlarmConfigurationUpdatedTimestamp"] = now_ms;
  alarm["StateValue"] = kStateInsufficientData;
  alarm["StateReason"] = "Unchecked: Initial alarm creation";
  alarm["StateUpdatedTimestamp"] = now_ms;
  return alarm;
}

bool Breaches(std::string_view comparison, double value, double threshold) {
  if (comparison == "GreaterThanOrEqualToThreshold") return value >= threshold;
  if (comparison == "GreaterThanThreshold") return value > threshold;
  if (comparison == "LessThanThreshold") return value < threshold;
  if (comparison == "LessThanOrEqualToThreshold") return value <= threshold;
  return false;
}

std::optional<AlarmEvaluation> EvaluateAlarm(const json& alarm,
                                             const std::vector<AlarmDatapoint>& datapoints,
                                             int64_t query_ms) {
  const std::string comparison = alarm.value("ComparisonOperator", "");
  const double threshold = alarm.value("Threshold", 0.0);
  const size_t n = datapoints.size();
  const size_t m = alarm.value("DatapointsToAlarm", static_cast<int64_t>(n));
  const std::string missing = alarm.value("TreatMissingData", "missing");
  const int64_t period = alarm.value("Period", int64_t{60});

  size_t known = 0, breaching = 0, absent = 0;
  std::vector<const AlarmDatapoint*> present;  // newest first, as CloudWatch lists them
  for (auto it = datapoints.rbegin(); it != datapoints.rend(); ++it) {
    if (it->value) {
      ++known;
      present.push_back(&*it);
      if (Breaches(comparison, *it->value, threshold)) ++breaching;
    } else {
      ++absent;
      if (missing == "breaching") {
        ++known;
        ++breaching;
      } else if (missing == "notBreaching") {
        ++known;
      }
    }
  }

  AlarmEvaluation out;
  json data = {{"version", "1.0"},
               {"queryDate", AlarmTimestamp(query_ms)},
               {"statistic", alarm.contains("Statistic") ? alarm.value("Statistic", "")
                                                         : alarm.value("ExtendedStatistic", "")},
               {"period", period},
               {"threshold", threshold}};
  if (!datapoints.empty()) data["startDate"] = AlarmTimestamp(datapoints.front().start_s * 1000);
  json recent = json::array();
  json evaluated = json::array();
  for (const AlarmDatapoint* p : present) recent.push_back(*p->value);
  for (auto it = datapoints.rbegin(); it != datapoints.rend(); ++it) {
    json point = {{"timestamp", AlarmTimestamp(it->start_s * 1000)}};
    if (it->value) point["value"] = *it->value;
    evaluated.push_back(std::move(point));
  }
  data["recentDatapoints"] = std::move(recent);
  data["evaluatedDatapoints"] = std::move(evaluated);

  if (known == 0) {
    if (missing == "ignore") return std::nullopt;
    out.state = kStateInsufficientData;
    out.reason =
        "Insufficient Data: " + Plural(n, "datapoint") + (n == 1 ? " was" : " were") + " unknown.";
    out.reason_data = std::move(data);
    return out;
  }
  // The values the reason lists: the present ones, newest first.
  std::string listed;
  for (const AlarmDatapoint* p : present) {
    if (!listed.empty()) listed += ", ";
    listed += ReasonNumber(*p->value) + " (" + ReasonDate(p->start_s) + ")";
  }
  const std::string words = ComparisonWords(comparison);
  const std::string threshold_text = ReasonNumber(threshold);
  std::string missing_note;
  if (absent > 0 && (missing == "breaching" || missing == "notBreaching")) {
    missing_note = " and " + Plural(absent, "missing datapoint") +
                   (absent == 1 ? " was" : " were") + " treated as [" +
                   (missing == "breaching" ? "Breaching" : "NonBreaching") + "]";
  }
  if (breaching >= m) {
    out.state = kStateAlarm;
    if (n == 1) {
      out.reason =
          "Threshold Crossed: 1 " +
          std::string(present.empty() ? "missing datapoint" : "datapoint [" + listed + "]") +
          " was " + words + " the threshold (" + threshold_text + ")" + missing_note + ".";
    } else {
      out.reason = "Threshold Crossed: " + std::to_string(breaching) + " out of the last " +
                   std::to_string(n) + " datapoints [" + listed + "] " +
                   (breaching == 1 ? "was " : "were ") + words + " the threshold (" +
                   threshold_text + ")" + missing_note + " (minimum " + Plural(m, "datapoint") +
                   " for OK -> ALARM transition).";
    }
  } else {
    out.state = kStateOk;
    if (n == 1) {
      out.reason =
          "Threshold Crossed: 1 " +
          std::string(present.empty() ? "missing datapoint" : "datapoint [" + listed + "]") +
          " was not " + words + " the threshold (" + threshold_text + ")" + missing_note + ".";
    } else {
      size_t good = known - breaching;
      out.reason = "Threshold Crossed: " + std::to_string(good) + " out of the last " +
                   std::to_string(n) + " datapoints [" + listed + "] " +
                   (good == 1 ? "was not " : "were not ") + words + " the threshold (" +
                   threshold_text + ")" + missing_note + " (minimum " +
                   Plural(n - m + 1, "datapoint") + " for ALARM -> OK transition).";
    }
  }
  out.reason_data = std::move(data);
  return out;
}

std::string AlarmTimestamp(int64_t epoch_ms) {
  std::string iso = FormatIso8601Ms(epoch_ms);  // ...T17:50:30.000Z
  if (!iso.empty() && iso.back() == 'Z') iso.pop_back();
  return iso + "+0000";
}

namespace {

json EventState(const json& state) {
  json out = {{"value", state.value("value", "")}, {"reason", state.value("reason", "")}};
  std::string reason_data = state.value("reasonData", "");
  if (!reason_data.empty()) out["reasonData"] = reason_data;
  out["timestamp"] = AlarmTimestamp(state.value("timestamp_ms", int64_t{0}));
  return out;
}

}  // namespace

json AlarmEvent(const json& alarm, const json& previous, const json& current,
                std::string_view region, std::string_view account_id, int64_t now_ms) {
  json dimensions = json::object();
  for (const json& d : alarm.value("Dimensions", json::array())) {
    dimensions[d.value("Name", "")] = d.value("Value", "");
  }
  json metric_stat = {{"metric",
                       {{"namespace", alarm.value("Namespace", "")},
                        {"name", alarm.value("MetricName", "")},
                        {"dimensions", std::move(dimensions)}}},
                      {"period", alarm.value("Period", int64_t{60})},
                      {"stat", alarm.contains("Statistic") ? alarm.value("Statistic", "")
                                                           : alarm.value("ExtendedStatistic", "")}};
  if (alarm.contains("Unit")) metric_stat["unit"] = alarm.value("Unit", "");
  json configuration = json::object();
  if (alarm.contains("AlarmDescription")) {
    configuration["description"] = alarm.value("AlarmDescription", "");
  }
  // CloudWatch names the one metric of a metric alarm with an id of its own.
  configuration["metrics"] =
      json::array({{{"id", "m1"}, {"metricStat", std::move(metric_stat)}, {"returnData", true}}});
  return json{{"source", "aws.cloudwatch"},
              {"alarmArn", alarm.value("AlarmArn", "")},
              {"accountId", std::string(account_id)},
              {"time", AlarmTimestamp(now_ms)},
              {"region", std::string(region)},
              {"alarmData",
               {{"alarmName", alarm.value("AlarmName", "")},
                {"state", EventState(current)},
                {"previousState", EventState(previous)},
                {"configuration", std::move(configuration)}}}};
}

std::string StateUpdateData(const json& previous, const json& current) {
  auto state = [](const json& s) {
    json out = {{"stateValue", s.value("value", "")}, {"stateReason", s.value("reason", "")}};
    std::string reason_data = s.value("reasonData", "");
    if (!reason_data.empty()) {
      json parsed = json::parse(reason_data, nullptr, false);
      if (!parsed.is_discarded()) out["stateReasonData"] = std::move(parsed);
    }
    return out;
  };
  return json{{"version", "1.0"}, {"oldState", state(previous)}, {"newState", state(current)}}
      .dump();
}

std::optional<std::string> LambdaActionFunction(std::string_view arn, std::string_view region,
                                                std::string_view account_id) {
  std::string prefix =
      "arn:aws:lambda:" + std::string(region) + ":" + std::string(account_id) + ":function:";
  if (arn.rfind(prefix, 0) != 0) return std::nullopt;
  std::string_view rest = arn.substr(prefix.size());
  std::string_view name = rest.substr(0, rest.find(':'));
  if (name.empty()) return std::nullopt;
  return std::string(name);
}

}  // namespace evoke::observe
