#include "observe/metrics_input.h"

#include <array>
#include <charconv>
#include <cmath>
#include <set>

#include "base/time_format.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 27> kUnits = {
    "Seconds",          "Microseconds",    "Milliseconds",     "Bytes",
    "Kilobytes",        "Megabytes",       "Gigabytes",        "Terabytes",
    "Bits",             "Kilobits",        "Megabits",         "Gigabits",
    "Terabits",         "Percent",         "Count",            "Bytes/Second",
    "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
    "Bits/Second",      "Kilobits/Second", "Megabits/Second",  "Gigabits/Second",
    "Terabits/Second",  "Count/Second",    "None",
};

const json* Find(const json& in, std::string_view member) {
  if (!in.is_object()) return nullptr;
  auto it = in.find(member);
  if (it == in.end() || it->is_null()) return nullptr;
  return &*it;
}

// The text of a member for a message: strings as sent, anything else as JSON prints it.
std::string Shown(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return FormatValue(value.get<double>());
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A double spelled as query (strtod's forms) or as Smithy's JSON strings spell the specials.
std::optional<double> ParseDouble(std::string_view s) {
  if (s == "NaN" || s == "nan") return std::nan("");
  if (s == "Infinity" || s == "inf" || s == "+Infinity") return HUGE_VAL;
  if (s == "-Infinity" || s == "-inf") return -HUGE_VAL;
  if (s.empty()) return std::nullopt;
  std::string_view digits = s.front() == '+' ? s.substr(1) : s;
  double value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  // out of range: from_chars leaves `value` alone; CloudWatch's own range check refuses it
  if (ec == std::errc::result_out_of_range) return digits.front() == '-' ? -HUGE_VAL : HUGE_VAL;
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string ElementPath(std::string_view list_path, size_t index_from_0) {
  return std::string(list_path) + ".member." + std::to_string(index_from_0 + 1);
}

std::string MemberPath(std::string_view parent, std::string_view member) {
  if (parent.empty()) return std::string(member);
  return std::string(parent) + "." + std::string(member);
}

Error MissingParameter(std::string_view path) {
  return MakeError("MissingParameter", "The parameter " + std::string(path) + " is required.");
}

Error InvalidValue(std::string_view value, std::string_view path) {
  return MakeError("InvalidParameterValue", "The value " + std::string(value) +
                                                " for parameter " + std::string(path) +
                                                " is invalid.");
}

Error InvalidParameter(std::string_view path, std::string_view must) {
  return MakeError("InvalidParameterValue",
                   "The parameter " + std::string(path) + " must " + std::string(must) + ".");
}

Result<std::optional<std::string>> InputReader::String(const json& in, std::string_view member,
                                                       std::string_view path) const {
  const json* v = Find(in, member);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return InvalidValue(Shown(*v), path);
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::optional<double>> InputReader::Number(const json& in, std::string_view member,
                                                  std::string_view path) const {
  const json* v = Find(in, member);
  if (!v) return std::optional<double>();
  if (v->is_number()) return std::optional<double>(v->get<double>());
  if (v->is_string()) {
    if (auto d = ParseDouble(v->get_ref<const std::string&>())) return std::optional<double>(*d);
  }
  return InvalidValue(Shown(*v), path);
}

Result<std::optional<int64_t>> InputReader::Integer(const json& in, std::string_view member,
                                                    std::string_view path) const {
  const json* v = Find(in, member);
  if (!v) return std::optional<int64_t>();
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return InvalidValue(Shown(*v), path);
    }
    return std::optional<int64_t>(v->get<int64_t>());
  }
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
      return std::optional<int64_t>(static_cast<int64_t>(d));
    }
  }
  if (v->is_string() && protocol_ == api::Protocol::kAwsQuery) {
    const std::string& s = v->get_ref<const std::string&>();
    int64_t n = 0;
    const char* begin = s.data() + (s.starts_with('+') ? 1 : 0);
    auto [end, ec] = std::from_chars(begin, s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size() && begin != end) {
      return std::optional<int64_t>(n);
    }
  }
  return InvalidValue(Shown(*v), path);
}

Result<std::optional<bool>> InputReader::Bool(const json& in, std::string_view member,
                                              std::string_view path) const {
  const json* v = Find(in, member);
  if (!v) return std::optional<bool>();
  if (v->is_boolean()) return std::optional<bool>(v->get<bool>());
  if (v->is_string() && protocol_ == api::Protocol::kAwsQuery) {
    const std::string& s = v->get_ref<const std::string&>();
    if (s == "true") return std::optional<bool>(true);
    if (s == "false") return std::optional<bool>(false);
  }
  return InvalidValue(Shown(*v), path);
}

Result<std::optional<int64_t>> InputReader::TimestampMs(const json& in, std::string_view member,
                                                        std::string_view path) const {
  const json* v = Find(in, member);
  if (!v) return std::optional<int64_t>();
  if (v->is_number()) {
    double seconds = v->get<double>();
    // Years 0001-9999, as an ISO 8601 timestamp could name them.
    if (std::isfinite(seconds) && seconds > -62135596800.0 && seconds < 253402300800.0) {
      return std::optional<int64_t>(static_cast<int64_t>(std::llround(seconds * 1000)));
    }
  } else if (v->is_string()) {
    if (auto ms = ParseIso8601Ms(v->get_ref<const std::string&>())) {
      return std::optional<int64_t>(*ms);
    }
  }
  return InvalidValue(Shown(*v), path);
}

Result<std::vector<const json*>> InputReader::List(const json& in, std::string_view member,
                                                   std::string_view path) const {
  std::vector<const json*> out;
  const json* v = Find(in, member);
  if (!v) return out;
  if (v->is_string() && v->get_ref<const std::string&>().empty() &&
      protocol_ == api::Protocol::kAwsQuery) {
    return out;  // botocore's empty list in query: "Name="
  }
  if (!v->is_array()) return InvalidValue(Shown(*v), path);
  out.reserve(v->size());
  for (const json& element : *v) out.push_back(&element);
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return json(value).dump();
}

bool IsStandardUnit(std::string_view unit) {
  for (std::string_view u : kUnits) {
    if (u == unit) return true;
  }
  return false;
}

Error InvalidUnit(std::string_view path) {
  std::string set = "be a value in the set [ ";
  for (size_t i = 0; i < kUnits.size(); ++i) {
    if (i) set += ", ";
    set += kUnits[i];
  }
  set += " ]";
  return InvalidParameter(path, set);
}

Result<Dimensions> ReadDimensions(const InputReader& reader, const json& in,
                                  std::string_view member, std::string_view path, size_t max) {
  std::string list_path = MemberPath(path, member);
  auto list = reader.List(in, member, list_path);
  if (!list.ok()) return std::move(list).error();
  if (list->size() > max) {
    return MakeError("InvalidParameterValue", "The collection " + list_path +
                                                  " must not have a size greater than " +
                                                  std::to_string(max) + ".");
  }
  Dimensions out;
  std::set<std::string, std::less<>> names;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& element = *(*list)[i];
    std::string element_path = ElementPath(list_path, i);
    if (!element.is_object()) return InvalidValue(Shown(element), element_path);
    std::string name_path = MemberPath(element_path, "Name");
    std::string value_path = MemberPath(element_path, "Value");
    auto name = reader.String(element, "Name", name_path);
    if (!name.ok()) return std::move(name).error();
    auto value = reader.String(element, "Value", value_path);
    if (!value.ok()) return std::move(value).error();
    if (!*name || (*name)->empty()) return MissingParameter(name_path);
    if (!*value || (*value)->empty()) return MissingParameter(value_path);
    if ((*name)->size() > 255) return InvalidParameter(name_path, "be shorter than 256 characters");
    if ((*value)->size() > 1024) {
      return InvalidParameter(value_path, "be shorter than 1025 characters");
    }
    if (!names.insert(**name).second) {
      return MakeError("InvalidParameterValue", "No Metric may specify the same dimension twice.");
    }
    out.emplace_back(std::move(**name), std::move(**value));
  }
  return out;
}

Status CheckNamespace(std::string_view name_space, std::string_view path, bool for_put) {
  if (name_space.empty()) return MissingParameter(path);
  if (name_space.size() > 255) return InvalidParameter(path, "be shorter than 256 characters");
  if (name_space.front() == ':') return InvalidValue(name_space, path);
  // CloudWatch names the reserved prefix, not the namespace sent: "The value AWS/ for parameter
  // Namespace is invalid." (boto/boto3#1847).
  if (for_put && name_space.starts_with("AWS/")) return InvalidValue("AWS/", path);
  return {};
}

Status CheckMetricName(std::string_view metric, std::string_view path) {
  if (metric.empty()) return MissingParameter(path);
  if (metric.size() > 255) return InvalidParameter(path, "be shorter than 256 characters");
  return {};
}

bool IsBasicStatistic(std::string_view statistic) {
  return statistic == "SampleCount" || statistic == "Average" || statistic == "Sum" ||
         statistic == "Minimum" || statistic == "Maximum";
}

int64_t RoundStartTime(int64_t start_s, int period_s, int64_t now_s) {
  auto floor_to = [](int64_t t, int64_t unit) { return t - (((t % unit) + unit) % unit); };
  int64_t age = now_s - start_s;
  if (age > 63 * 86400) return floor_to(start_s, 3600);
  if (age > 15 * 86400) return floor_to(start_s, 300);
  if (period_s < 60 && period_s > 0) return floor_to(start_s, period_s);
  return floor_to(start_s, 60);
}

Status CheckPeriod(int64_t period_s, std::string_view path) {
  if (period_s <= 0) return InvalidParameter(path, "be greater than 0");
  if (period_s % 60 == 0) return {};
  for (int allowed : {1, 5, 10, 20, 30}) {
    if (period_s == allowed) return {};
  }
  return InvalidParameter(path, "be 1, 5, 10, 20, 30, or a multiple of 60");
}

int64_t DatapointsRequested(int64_t start_ms, int64_t end_ms, int64_t period_s) {
  if (end_ms <= start_ms || period_s <= 0) return 0;
  int64_t period_ms = period_s * 1000;
  return (end_ms - start_ms + period_ms - 1) / period_ms;
}

}  // namespace evoke::observe
