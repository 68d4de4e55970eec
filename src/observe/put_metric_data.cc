// PutMetricData: checks every MetricDatum first, then records them all in the MetricStore's
// accumulator (committed by its writer within a second); nothing is recorded from a request
// with one invalid member.
#include <cmath>

#include "observe/metrics_actions.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

// 2^360: CloudWatch's bound on the magnitude of a value.
const double kMaxMagnitude = std::ldexp(1.0, 360);

Status CheckValue(double value, std::string_view path) {
  if (!std::isfinite(value) || std::fabs(value) > kMaxMagnitude) {
    return InvalidValue(FormatValue(value), path);
  }
  return {};
}

Result<double> RequiredNumber(const InputReader& reader, const json& in, std::string_view member,
                              const std::string& parent) {
  std::string path = MemberPath(parent, member);
  auto value = reader.Number(in, member, path);
  if (!value.ok()) return std::move(value).error();
  if (!*value) return MissingParameter(path);
  if (Status s = CheckValue(**value, path); !s.ok()) return std::move(s).error();
  return **value;
}

Result<MetricDatumInput> ReadDatum(const InputReader& reader, const json& in,
                                   const std::string& name_space, const std::string& path,
                                   int64_t now_ms) {
  if (!in.is_object()) return InvalidValue(in.dump(), path);
  MetricDatumInput datum;
  datum.series.name_space = name_space;

  std::string name_path = MemberPath(path, "MetricName");
  auto metric = reader.String(in, "MetricName", name_path);
  if (!metric.ok()) return std::move(metric).error();
  if (Status s = CheckMetricName(metric->value_or(""), name_path); !s.ok()) {
    return std::move(s).error();
  }
  datum.series.metric = **metric;

  auto dimensions = ReadDimensions(reader, in, "Dimensions", path, kMaxDimensions);
  if (!dimensions.ok()) return std::move(dimensions).error();
  datum.series.dimensions = std::move(*dimensions);

  std::string unit_path = MemberPath(path, "Unit");
  auto unit = reader.String(in, "Unit", unit_path);
  if (!unit.ok()) return std::move(unit).error();
  datum.series.unit = unit->value_or("None");
  if (!IsStandardUnit(datum.series.unit)) return InvalidUnit(unit_path);
  datum.series = datum.series.Canonical();

  std::string time_path = MemberPath(path, "Timestamp");
  auto time = reader.TimestampMs(in, "Timestamp", time_path);
  if (!time.ok()) return std::move(time).error();
  datum.time_ms = time->value_or(now_ms);
  if (datum.time_ms < now_ms - kMaxPastMs) {
    return InvalidParameter(time_path, "specify a time within the past two weeks");
  }
  if (datum.time_ms > now_ms + kMaxFutureMs) {
    return InvalidParameter(time_path, "specify a time no more than two hours in the future");
  }

  std::string resolution_path = MemberPath(path, "StorageResolution");
  auto resolution = reader.Integer(in, "StorageResolution", resolution_path);
  if (!resolution.ok()) return std::move(resolution).error();
  if (*resolution && **resolution != 1 && **resolution != 60) {
    return InvalidParameter(resolution_path, "be a value in the set [ 1, 60 ]");
  }
  datum.high_resolution = resolution->value_or(60) == 1;

  // Exactly one of Value, Values (with Counts) and StatisticValues.
  std::string value_path = MemberPath(path, "Value");
  std::string values_path = MemberPath(path, "Values");
  std::string counts_path = MemberPath(path, "Counts");
  std::string statistics_path = MemberPath(path, "StatisticValues");
  auto value = reader.Number(in, "Value", value_path);
  if (!value.ok()) return std::move(value).error();
  auto values = reader.List(in, "Values", values_path);
  if (!values.ok()) return std::move(values).error();
  auto counts = reader.List(in, "Counts", counts_path);
  if (!counts.ok()) return std::move(counts).error();
  auto statistics = in.find("StatisticValues");
  bool has_statistics = statistics != in.end() && !statistics->is_null();
  bool has_values = !values->empty();
  auto both = [](const std::string& a, const std::string& b) {
    return MakeError("InvalidParameterCombination", "The parameters " + a + " and " + b +
                                                        " are mutually exclusive and you have "
                                                        "specified both.");
  };
  if (*value && has_statistics) return both(value_path, statistics_path);
  if (*value && has_values) return both(value_path, values_path);
  if (has_values && has_statistics) return both(values_path, statistics_path);
  if (!*value && !has_values && !has_statistics) {
    return MakeError("InvalidParameterCombination",
                     "At least one of the parameters " + value_path + " and " + statistics_path +
                         " must be specified.");
  }
  if (!counts->empty() && !has_values) {
    return MakeError("InvalidParameterCombination",
                     "The parameter " + counts_path + " may only be specified with " +
                         values_path + ".");
  }

  if (*value) {
    if (Status s = CheckValue(**value, value_path); !s.ok()) return std::move(s).error();
    datum.values.emplace_back(**value, 1.0);
  } else if (has_values) {
    if (values->size() > kMaxValues) {
      return MakeError("InvalidParameterValue", "The collection " + values_path +
                                                    " must not have a size greater than " +
                                                    std::to_string(kMaxValues) + ".");
    }
    if (!counts->empty() && counts->size() != values->size()) {
      return MakeError("InvalidParameterValue", "The parameters " + values_path + " and " +
                                                    counts_path +
                                                    " must be of the same size.");
    }
    // Elements are read through a one-member object so the readers' rules apply to them.
    for (size_t i = 0; i < values->size(); ++i) {
      std::string element_path = ElementPath(values_path, i);
      json holder = {{"v", *(*values)[i]}};
      auto v = reader.Number(holder, "v", element_path);
      if (!v.ok()) return std::move(v).error();
      if (!*v) return MissingParameter(element_path);
      if (Status s = CheckValue(**v, element_path); !s.ok()) return std::move(s).error();
      double count = 1;
      if (!counts->empty()) {
        std::string count_path = ElementPath(counts_path, i);
        json count_holder = {{"c", *(*counts)[i]}};
        auto c = reader.Number(count_holder, "c", count_path);
        if (!c.ok()) return std::move(c).error();
        if (!*c || !std::isfinite(**c) || **c < 0) {
          return InvalidValue(FormatValue(c->value_or(NAN)), count_path);
        }
        count = **c;
      }
      if (count > 0) datum.values.emplace_back(**v, count);
    }
  } else {
    MetricDatumInput::Statistics s;
    auto sample_count = RequiredNumber(reader, *statistics, "SampleCount", statistics_path);
    if (!sample_count.ok()) return std::move(sample_count).error();
    auto sum = RequiredNumber(reader, *statistics, "Sum", statistics_path);
    if (!sum.ok()) return std::move(sum).error();
    auto min = RequiredNumber(reader, *statistics, "Minimum", statistics_path);
    if (!min.ok()) return std::move(min).error();
    auto max = RequiredNumber(reader, *statistics, "Maximum", statistics_path);
    if (!max.ok()) return std::move(max).error();
    if (*sample_count <= 0) {
      return InvalidParameter(MemberPath(statistics_path, "SampleCount"), "be greater than 0");
    }
    if (*max < *min) {
      return InvalidParameter(MemberPath(statistics_path, "Maximum"),
                              "be greater than " + MemberPath(statistics_path, "Minimum"));
    }
    s.sample_count = *sample_count;
    s.sum = *sum;
    s.min = *min;
    s.max = *max;
    datum.statistics = s;
  }
  return datum;
}

// The MetricData lists of a request: MetricData, and each EntityMetricData's (the entity
// itself is not kept).
Result<std::vector<std::pair<const json*, std::string>>> DatumList(const InputReader& reader,
                                                                   const json& input) {
  std::vector<std::pair<const json*, std::string>> out;
  auto data = reader.List(input, "MetricData", "MetricData");
  if (!data.ok()) return std::move(data).error();
  for (size_t i = 0; i < data->size(); ++i) {
    out.emplace_back((*data)[i], ElementPath("MetricData", i));
  }
  auto entities = reader.List(input, "EntityMetricData", "EntityMetricData");
  if (!entities.ok()) return std::move(entities).error();
  for (size_t e = 0; e < entities->size(); ++e) {
    std::string entity_path = ElementPath("EntityMetricData", e);
    const json& entity = *(*entities)[e];
    if (!entity.is_object()) return InvalidValue(entity.dump(), entity_path);
    std::string list_path = MemberPath(entity_path, "MetricData");
    auto inner = reader.List(entity, "MetricData", list_path);
    if (!inner.ok()) return std::move(inner).error();
    for (size_t i = 0; i < inner->size(); ++i) {
      out.emplace_back((*inner)[i], ElementPath(list_path, i));
    }
  }
  return out;
}

}  // namespace

Result<std::vector<MetricDatumInput>> ReadPutMetricData(const InputReader& reader,
                                                        const json& input, int64_t now_ms) {
  auto name_space = reader.String(input, "Namespace", "Namespace");
  if (!name_space.ok()) return std::move(name_space).error();
  if (Status s = CheckNamespace(name_space->value_or(""), "Namespace", true); !s.ok()) {
    return std::move(s).error();
  }
  auto data = DatumList(reader, input);
  if (!data.ok()) return std::move(data).error();
  if (data->empty()) return MissingParameter("MetricData");
  if (data->size() > kMaxMetricData) {
    return MakeError("InvalidParameterValue",
                     "The collection MetricData must not have a size greater than " +
                         std::to_string(kMaxMetricData) + ".");
  }
  std::vector<MetricDatumInput> out;
  out.reserve(data->size());
  for (const auto& [datum, path] : *data) {
    auto read = ReadDatum(reader, *datum, **name_space, path, now_ms);
    if (!read.ok()) return std::move(read).error();
    out.push_back(std::move(*read));
  }
  return out;
}

Task<Result<json>> PutMetricData(MetricsContext& ctx) {
  auto data = ReadPutMetricData(ctx.in, ctx.input, ctx.NowMs());
  if (!data.ok()) co_return std::move(data).error();
  for (const MetricDatumInput& datum : *data) {
    for (const auto& [value, count] : datum.values) {
      ctx.store.RecordValue(datum.series, value, count, datum.time_ms, datum.high_resolution);
    }
    if (datum.statistics) {
      const auto& s = *datum.statistics;
      ctx.store.RecordStatistics(datum.series, s.sample_count, s.sum, s.min, s.max,
                                 datum.time_ms, datum.high_resolution);
    }
  }
  co_return json();
}

}  // namespace evoke::observe
