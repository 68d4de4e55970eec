#include "observe/prometheus.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "base/encoding.h"

namespace evoke::observe::prometheus {
namespace {

// The length of the UTF-8 sequence a lead byte announces; 0 for a byte that cannot lead one.
size_t SequenceLength(unsigned char c) {
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return 2;
  if (c >= 0xE0 && c <= 0xEF) return 3;
  if (c >= 0xF0 && c <= 0xF4) return 4;
  return 0;
}

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

void AppendSample(std::string& out, double value) {
  out += FormatValue(value);
  out += '\n';
}

}  // namespace

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  return IsValidMetricName(name) && name.find(':') == std::string_view::npos &&
         !name.starts_with("__");
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::to_chars_result r{};
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(v));
  } else {
    r = std::to_chars(buf, buf + sizeof buf, v);
  }
  return std::string(buf, r.ptr);
}

void AppendLabelValue(std::string& out, std::string_view value) {
  for (size_t i = 0; i < value.size();) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c >= 0x80) {
      size_t n = SequenceLength(c);
      if (n == 0 || i + n > value.size() || !IsValidUtf8(value.substr(i, n))) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(value.substr(i, n));
        i += n;
      }
      continue;
    }
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
}

void AppendHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds), counts_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  // The first bucket whose upper bound is >= v (Prometheus's buckets are inclusive); NaN and
  // values past the last bound land in +Inf.
  size_t i = std::isnan(v) ? bounds_.size()
                           : static_cast<size_t>(
                                 std::lower_bound(bounds_.begin(), bounds_.end(), v) -
                                 bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.resize(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = total;
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

FamilyBase::FamilyBase(std::string name, std::string help, Type type,
                       std::vector<std::string> label_names, size_t max_series)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      max_series_(std::max<size_t>(1, max_series)) {}

void FamilyBase::RenderHeader(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  AppendHelp(out, help_);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += TypeName(type_);
  out += '\n';
}

void FamilyBase::RenderLabels(std::string& out, std::string_view suffix,
                              std::span<const std::string> values, std::string_view extra_name,
                              std::string_view extra_value) const {
  out += name_;
  out += suffix;
  if (!values.empty() || !extra_name.empty()) {
    out += '{';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      out += label_names_[i];
      out += "=\"";
      AppendLabelValue(out, values[i]);
      out += '"';
    }
    if (!extra_name.empty()) {
      if (!values.empty()) out += ',';
      out += extra_name;
      out += "=\"";
      out += extra_value;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
}

template <class T>
template <class A, class B>
bool Family<T>::LabelsLess::operator()(const A& a, const B& b) const {
  return std::lexicographical_compare(
      a.begin(), a.end(), b.begin(), b.end(),
      [](std::string_view x, std::string_view y) { return x < y; });
}

template <class T>
Family<T>::Family(std::string name, std::string help, Type type,
                  std::vector<std::string> label_names, size_t max_series,
                  std::vector<double> bounds)
    : FamilyBase(std::move(name), std::move(help), type, std::move(label_names), max_series),
      bounds_(std::move(bounds)) {}

template <class T>
std::unique_ptr<T> Family<T>::Make() const {
  if constexpr (std::is_same_v<T, Histogram>) {
    return std::make_unique<Histogram>(bounds_);
  } else {
    return std::make_unique<T>();
  }
}

template <class T>
T& Family<T>::With(std::span<const std::string_view> values) {
  if (values.size() != label_names_.size()) std::abort();  // a caller's bug, never input
  size_t h = 0;
  for (std::string_view v : values) h = h * 31 + std::hash<std::string_view>()(v);
  Shard& shard = shards_[h % kShards];
  {
    std::lock_guard lock(shard.mutex);
    auto it = shard.series.find(values);
    if (it != shard.series.end()) return *it->second;
    // A new label set: counted against the family's bound before it exists.
    if (count_.fetch_add(1, std::memory_order_relaxed) < max_series_) {
      std::vector<std::string> key(values.begin(), values.end());
      auto made = shard.series.emplace(std::move(key), Make());
      return *made.first->second;
    }
    count_.fetch_sub(1, std::memory_order_relaxed);
  }
  // Over the bound: the one overflow series (kept in shard 0; it may exceed the bound by one).
  std::vector<std::string> other(values.size(), std::string(kOverflowLabel));
  Shard& first = shards_[0];
  std::lock_guard lock(first.mutex);
  auto it = first.series.find(other);
  if (it == first.series.end()) it = first.series.emplace(std::move(other), Make()).first;
  return *it->second;
}

template <class T>
void Family<T>::Render(std::string& out) const {
  RenderHeader(out);
  std::vector<std::pair<const std::vector<std::string>*, const T*>> all;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    // Series are never removed, so the pointers stay valid after the lock is let go.
    for (const auto& [labels, series] : shard.series) all.emplace_back(&labels, series.get());
  }
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return *a.first < *b.first; });
  for (const auto& [labels, series] : all) {
    if constexpr (std::is_same_v<T, Histogram>) {
      Histogram::Snapshot s = series->snapshot();
      for (size_t i = 0; i <= bounds_.size(); ++i) {
        std::string le = i < bounds_.size() ? FormatValue(bounds_[i]) : "+Inf";
        RenderLabels(out, "_bucket", *labels, "le", le);
        AppendSample(out, static_cast<double>(s.cumulative[i]));
      }
      RenderLabels(out, "_sum", *labels);
      AppendSample(out, s.sum);
      RenderLabels(out, "_count", *labels);
      AppendSample(out, static_cast<double>(s.cumulative.back()));
    } else {
      RenderLabels(out, "", *labels);
      AppendSample(out, series->value());
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

void Registry::Check(const std::string& name, const std::vector<std::string>& label_names) const {
  if (!IsValidMetricName(name)) throw std::invalid_argument("bad metric name " + name);
  for (const auto& f : families_) {
    if (f->name() == name) throw std::invalid_argument("metric registered twice: " + name);
  }
  for (const std::string& l : label_names) {
    if (!IsValidLabelName(l) || l == "le") {
      throw std::invalid_argument("bad label name " + l + " of " + name);
    }
  }
}

Family<Counter>& Registry::AddCounter(std::string name, std::string help,
                                      std::vector<std::string> label_names, size_t max_series) {
  Check(name, label_names);
  auto family = std::make_unique<Family<Counter>>(std::move(name), std::move(help),
                                                  Type::kCounter, std::move(label_names),
                                                  max_series);
  Family<Counter>& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Family<Gauge>& Registry::AddGauge(std::string name, std::string help,
                                  std::vector<std::string> label_names, size_t max_series) {
  Check(name, label_names);
  auto family = std::make_unique<Family<Gauge>>(std::move(name), std::move(help), Type::kGauge,
                                                std::move(label_names), max_series);
  Family<Gauge>& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Family<Histogram>& Registry::AddHistogram(std::string name, std::string help,
                                          std::vector<std::string> label_names,
                                          std::vector<double> bounds, size_t max_series) {
  Check(name, label_names);
  if (!std::is_sorted(bounds.begin(), bounds.end()) ||
      std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end() ||
      std::any_of(bounds.begin(), bounds.end(), [](double b) { return !std::isfinite(b); })) {
    throw std::invalid_argument("histogram bounds must ascend and be finite: " + name);
  }
  auto family = std::make_unique<Family<Histogram>>(std::move(name), std::move(help),
                                                    Type::kHistogram, std::move(label_names),
                                                    max_series, std::move(bounds));
  Family<Histogram>& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

void Registry::OnCollect(std::function<void()> collect) {
  collectors_.push_back(std::move(collect));
}

std::string Registry::Render() const {
  for (const auto& collect : collectors_) collect();
  std::string out;
  out.reserve(16 * 1024);
  for (const auto& f : families_) f->Render(out);
  return out;
}

}  // namespace evoke::observe::prometheus
