#include "observe/metric_point.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace evoke::observe {

void MetricPoint::Add(double value, double n) {
  if (n <= 0 || !std::isfinite(value)) return;
  min = count == 0 ? value : std::min(min, value);
  max = count == 0 ? value : std::max(max, value);
  count += n;
  sum += value * n;
  sketch.Add(value, static_cast<uint64_t>(std::llround(n)));
}

void MetricPoint::AddStatistics(double sample_count, double s, double lo, double hi) {
  if (sample_count <= 0) return;
  min = count == 0 ? lo : std::min(min, lo);
  max = count == 0 ? hi : std::max(max, hi);
  count += sample_count;
  sum += s;
  // A set of equal values (or of one value) says what its distribution is, and CloudWatch
  // answers percentiles of it.
  if ((lo == hi || sample_count == 1) && std::isfinite(lo)) {
    sketch.Add(lo, static_cast<uint64_t>(std::max<long long>(1, std::llround(sample_count))));
  }
}

void MetricPoint::Merge(const MetricPoint& other) {
  if (other.count == 0) return;
  min = count == 0 ? other.min : std::min(min, other.min);
  max = count == 0 ? other.max : std::max(max, other.max);
  count += other.count;
  sum += other.sum;
  sketch.Merge(other.sketch);
}

std::optional<double> ParsePercentile(std::string_view statistic) {
  if (statistic.size() < 2 || statistic[0] != 'p') return std::nullopt;
  std::string_view digits = statistic.substr(1);
  double p = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
  if (ec != std::errc() || end != digits.data() + digits.size() || !(p >= 0 && p <= 100)) {
    return std::nullopt;
  }
  // At most two decimals, as CloudWatch accepts ("p99.99").
  size_t dot = digits.find('.');
  if (dot != std::string_view::npos && digits.size() - dot - 1 > 2) return std::nullopt;
  return p / 100;
}

std::optional<double> MetricPoint::Statistic(std::string_view name) const {
  if (count == 0) return std::nullopt;
  if (name == "SampleCount") return count;
  if (name == "Sum") return sum;
  if (name == "Average") return sum / count;
  if (name == "Minimum") return min;
  if (name == "Maximum") return max;
  auto q = ParsePercentile(name);
  if (!q || sketch.empty() || sketch.has_negative()) return std::nullopt;
  // The ends of the distribution are known exactly.
  if (*q == 1) return max;
  if (*q == 0) return min;
  // The sketch is within its accuracy of the true value; the true value is within [min, max].
  auto v = sketch.Quantile(*q);
  if (!v) return std::nullopt;
  return std::clamp(*v, min, max);
}

}  // namespace evoke::observe
