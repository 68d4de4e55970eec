#include "observe/metric_sketch.h"

#include <algorithm>
#include <cmath>

namespace evoke::observe {
namespace {

// Bucket i holds magnitudes in (kGamma^(i-1), kGamma^i]; its middle, 2·kGamma^i/(kGamma+1), is
// within kRelativeAccuracy of every one of them.
const double kGamma = (1 + MetricSketch::kRelativeAccuracy) / (1 - MetricSketch::kRelativeAccuracy);
const double kLogGamma = std::log(kGamma);
// At most this many values in a stored sketch (far more than a point ever holds), so that sums of
// counts never overflow.
constexpr uint64_t kMaxCount = uint64_t{1} << 53;
// Magnitudes below this count as zero (far below anything CloudWatch shows: it keeps 15
// significant digits and values from 8.5e-109).
constexpr double kMinMagnitude = 1e-300;

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

bool GetVarint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    uint8_t b = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    if (shift == 63 && b > 1) return false;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// Buckets as (index delta, count) pairs after their number.
void PutBuckets(std::string& out, const std::map<int, uint64_t>& buckets) {
  PutVarint(out, buckets.size());
  int64_t previous = 0;
  for (const auto& [index, n] : buckets) {
    PutVarint(out, ZigZag(index - previous));
    PutVarint(out, n);
    previous = index;
  }
}

bool GetBuckets(std::string_view& in, std::map<int, uint64_t>& buckets, uint64_t& total) {
  uint64_t size = 0;
  if (!GetVarint(in, size) || size > in.size() / 2) return false;
  int64_t index = 0;
  for (uint64_t i = 0; i < size; ++i) {
    uint64_t delta = 0, n = 0;
    if (!GetVarint(in, delta) || !GetVarint(in, n) || n == 0) return false;
    int64_t step = UnZigZag(delta);
    if ((i > 0 && step <= 0) || step > (1 << 20) || step < -(1 << 20)) return false;
    index += step;
    if (index > (1 << 20) || index < -(1 << 20)) return false;
    if (n > kMaxCount || total > kMaxCount - n) return false;
    total += n;
    buckets.emplace(static_cast<int>(index), n);
  }
  return true;
}

}  // namespace

int MetricSketch::IndexOf(double magnitude) {
  return static_cast<int>(std::ceil(std::log(magnitude) / kLogGamma));
}

double MetricSketch::ValueOf(int index) { return 2 * std::pow(kGamma, index) / (kGamma + 1); }

void MetricSketch::Add(double value, uint64_t count) {
  if (count == 0 || !std::isfinite(value)) return;
  if (std::abs(value) < kMinMagnitude) {
    zero_ += count;
  } else if (value > 0) {
    positive_[IndexOf(value)] += count;
  } else {
    negative_[IndexOf(-value)] += count;
  }
  count_ += count;
}

void MetricSketch::Merge(const MetricSketch& other) {
  for (const auto& [i, n] : other.positive_) positive_[i] += n;
  for (const auto& [i, n] : other.negative_) negative_[i] += n;
  zero_ += other.zero_;
  count_ += other.count_;
}

std::optional<double> MetricSketch::Quantile(double q) const {
  if (count_ == 0 || !(q >= 0 && q <= 1)) return std::nullopt;
  // Nearest rank: the smallest value with at least q of all values at or below it (0-based).
  double nearest = std::ceil(q * static_cast<double>(count_));
  uint64_t rank = nearest <= 1 ? 0 : std::min(count_, static_cast<uint64_t>(nearest)) - 1;
  uint64_t seen = 0;
  // From the most negative value up: negative buckets by falling magnitude, zero, positive.
  for (auto it = negative_.rbegin(); it != negative_.rend(); ++it) {
    seen += it->second;
    if (seen > rank) return -ValueOf(it->first);
  }
  seen += zero_;
  if (seen > rank) return 0.0;
  for (const auto& [i, n] : positive_) {
    seen += n;
    if (seen > rank) return ValueOf(i);
  }
  return std::nullopt;  // not reached: the buckets' counts add up to count_
}

std::string MetricSketch::Encode() const {
  std::string out;
  PutVarint(out, zero_);
  PutBuckets(out, positive_);
  PutBuckets(out, negative_);
  return out;
}

std::optional<MetricSketch> MetricSketch::Decode(std::string_view bytes) {
  MetricSketch s;
  uint64_t total = 0;
  if (!GetVarint(bytes, s.zero_) || !GetBuckets(bytes, s.positive_, total) ||
      !GetBuckets(bytes, s.negative_, total) || !bytes.empty()) {
    return std::nullopt;
  }
  if (s.zero_ > kMaxCount || total > kMaxCount - s.zero_) return std::nullopt;
  s.count_ = total + s.zero_;
  return s;
}

}  // namespace evoke::observe
