#include "observe/emf.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace evoke::observe {
namespace {

using nlohmann::json;

constexpr size_t kMaxMetricsPerDirective = 100;
constexpr size_t kMaxDimensionsPerSet = 30;
constexpr size_t kMaxValuesPerMetric = 100;
constexpr size_t kMaxNamespaceLength = 255;

bool ValidValue(const json& v) { return v.is_number() && std::isfinite(v.get<double>()); }

}  // namespace

bool MayBeEmf(std::string_view line) {
  size_t start = line.find_first_not_of(" \t\r");
  return start != std::string_view::npos && line[start] == '{' &&
         line.find("\"_aws\"") != std::string_view::npos;
}

std::vector<EmfValue> ParseEmf(std::string_view line) {
  if (!MayBeEmf(line)) return {};
  json root = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) return {};
  auto aws = root.find("_aws");
  if (aws == root.end() || !aws->is_object()) return {};
  auto timestamp = aws->find("Timestamp");
  if (timestamp == aws->end() || !timestamp->is_number_integer()) return {};
  auto directives = aws->find("CloudWatchMetrics");
  if (directives == aws->end() || !directives->is_array()) return {};

  std::vector<EmfValue> out;
  for (const json& directive : *directives) {
    if (!directive.is_object()) return {};
    auto ns = directive.find("Namespace");
    auto dimension_sets = directive.find("Dimensions");
    auto metrics = directive.find("Metrics");
    if (ns == directive.end() || !ns->is_string() || dimension_sets == directive.end() ||
        !dimension_sets->is_array() || metrics == directive.end() || !metrics->is_array()) {
      return {};
    }
    const std::string& name_space = ns->get_ref<const std::string&>();
    if (name_space.empty() || name_space.size() > kMaxNamespaceLength) return {};
    if (metrics->size() > kMaxMetricsPerDirective) return {};

    std::vector<std::vector<std::pair<std::string, std::string>>> sets;
    for (const json& set : *dimension_sets) {
      if (!set.is_array() || set.size() > kMaxDimensionsPerSet) return {};
      std::vector<std::pair<std::string, std::string>> dims;
      for (const json& name : set) {
        if (!name.is_string()) return {};
        auto value = root.find(name.get<std::string>());
        if (value == root.end() || !value->is_string()) return {};
        dims.emplace_back(name.get<std::string>(), value->get<std::string>());
      }
      sets.push_back(std::move(dims));
    }
    // A directive without dimension sets records its metrics without dimensions.
    if (sets.empty()) sets.emplace_back();

    for (const json& metric : *metrics) {
      if (!metric.is_object()) return {};
      auto name = metric.find("Name");
      if (name == metric.end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
        return {};
      }
      std::string unit = "None";
      if (auto u = metric.find("Unit"); u != metric.end()) {
        if (!u->is_string()) return {};
        unit = u->get<std::string>();
      }
      bool high_resolution = false;
      if (auto r = metric.find("StorageResolution"); r != metric.end()) {
        if (!r->is_number_integer()) return {};
        int resolution = r->get<int>();
        if (resolution != 1 && resolution != 60) return {};
        high_resolution = resolution == 1;
      }
      auto value = root.find(name->get<std::string>());
      if (value == root.end()) return {};
      std::vector<double> values;
      if (value->is_array()) {
        if (value->empty() || value->size() > kMaxValuesPerMetric) return {};
        for (const json& v : *value) {
          if (!ValidValue(v)) return {};
          values.push_back(v.get<double>());
        }
      } else if (ValidValue(*value)) {
        values.push_back(value->get<double>());
      } else {
        return {};
      }
      for (const auto& dims : sets) {
        out.push_back({SeriesKey{name_space, name->get<std::string>(), unit, dims}, values,
                       timestamp->get<int64_t>(), high_resolution});
      }
    }
  }
  return out;
}

}  // namespace evoke::observe
