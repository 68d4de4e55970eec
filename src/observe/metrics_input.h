// Reading CloudWatch metrics requests the same whatever protocol carried them: awsQuery gives
// every scalar as a string ("1.5", "true", "2024-05-01T12:30:15Z"), awsJson numbers, booleans
// and epoch-second timestamps ("NaN" and "Infinity" as strings), RPCv2-CBOR the same with
// floats and integers (its timestamp tag already dropped by the codec). Members are named in
// errors as the query protocol names them ("MetricData.member.1.Value"), as CloudWatch does
// whatever the protocol. Also the pure rules the operations share: units, dimensions, periods,
// StartTime rounding, statistic names. Pure.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/service.h"
#include "base/result.h"

namespace evoke::observe {

// "MetricData" + 2 -> "MetricData.member.2"; a member's path: Join("MetricData.member.2", "Value").
std::string ElementPath(std::string_view list_path, size_t index_from_0);
std::string MemberPath(std::string_view parent, std::string_view member);

// CloudWatch's errors for one member (`path` as above).
Error MissingParameter(std::string_view path);  // MissingParameter: "The parameter P is required."
Error InvalidValue(std::string_view value, std::string_view path);  // "The value V for parameter P is invalid."
Error InvalidParameter(std::string_view path, std::string_view must);  // "The parameter P must ..."

// Typed readers over one input object. Every reader answers nullopt for an absent member (or a
// JSON null), and InvalidParameterValue ("The value V for parameter P is invalid.") for one it
// cannot read as its type.
class InputReader {
 public:
  explicit InputReader(api::Protocol protocol) : protocol_(protocol) {}
  api::Protocol protocol() const { return protocol_; }

  Result<std::optional<std::string>> String(const nlohmann::json& in, std::string_view member,
                                            std::string_view path) const;
  // A double; NaN and the infinities are read (as sent: "NaN", "nan", "Infinity", "inf"...) and
  // left to the caller to refuse with its own message.
  Result<std::optional<double>> Number(const nlohmann::json& in, std::string_view member,
                                       std::string_view path) const;
  // An integer (CloudWatch's Period, StorageResolution, MaxDatapoints); a fraction is invalid.
  Result<std::optional<int64_t>> Integer(const nlohmann::json& in, std::string_view member,
                                         std::string_view path) const;
  Result<std::optional<bool>> Bool(const nlohmann::json& in, std::string_view member,
                                   std::string_view path) const;
  // Milliseconds since the epoch: ISO 8601 (query, and accepted everywhere), or epoch seconds
  // with a fraction (JSON, CBOR).
  Result<std::optional<int64_t>> TimestampMs(const nlohmann::json& in, std::string_view member,
                                             std::string_view path) const;
  // A list's elements: [] when absent (or, in query, sent empty). A structure element must be
  // an object (checked by the element's own readers).
  Result<std::vector<const nlohmann::json*>> List(const nlohmann::json& in,
                                                  std::string_view member,
                                                  std::string_view path) const;

 private:
  api::Protocol protocol_;
};

// A value as CloudWatch writes it in a message: "NaN", "Infinity", "-Infinity", else the
// shortest decimal that reads back the same.
std::string FormatValue(double value);

// StandardUnit: Seconds ... Count/Second, None.
bool IsStandardUnit(std::string_view unit);
// "The parameter P must be a value in the set [ Seconds, ..., None ]."
Error InvalidUnit(std::string_view path);

using Dimensions = std::vector<std::pair<std::string, std::string>>;
// A Dimensions list (Name and Value required, at most `max` elements, names 1-255 characters,
// values 1-1024, no name twice), in the order given.
Result<Dimensions> ReadDimensions(const InputReader& reader, const nlohmann::json& in,
                                  std::string_view member, std::string_view path, size_t max);

// Namespace: 1-255 characters, not starting with ':'; `for_put` refuses the reserved "AWS/"
// prefix as PutMetricData does.
Status CheckNamespace(std::string_view name_space, std::string_view path, bool for_put);
// MetricName: 1-255 characters.
Status CheckMetricName(std::string_view metric, std::string_view path);

// The basic statistics a GetMetricStatistics asks for.
bool IsBasicStatistic(std::string_view statistic);

// CloudWatch's rounding of a query's StartTime (seconds): up to 15 days back to the minute
// (for periods under a minute, to the period: 1, 5, 10, 20 or 30 seconds), 15-63 days back to
// five minutes, older to the hour.
int64_t RoundStartTime(int64_t start_s, int period_s, int64_t now_s);

// Period: 1, 5, 10, 20, 30 or a multiple of 60 (InvalidParameterValue otherwise).
Status CheckPeriod(int64_t period_s, std::string_view path);

// The datapoints [start_ms, end_ms) holds at `period_s`, rounded up: counted over the times as
// asked, before StartTime is rounded (a day at Period=1 is 86400, as CloudWatch counts it).
int64_t DatapointsRequested(int64_t start_ms, int64_t end_ms, int64_t period_s);

}  // namespace evoke::observe
