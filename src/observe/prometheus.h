// Prometheus: a registry of counters, gauges and histograms with labels, rendered in Prometheus's
// text exposition format (0.0.4) for GET /_evoke/metrics (docs/metrics.md, "Prometheus"). Pure:
// no I/O; `app` feeds it (request figures, AWS/Lambda records, what is read when scraped).
// Thread contract: families are registered before the first Render; after that every method may
// be called from any thread. Updating a series is an atomic add; finding a labelled one holds one
// of a family's shard locks for a map lookup. A family keeps at most `max_series` label sets;
// any later one is counted in one series whose label values are all "other", so no input can
// grow memory without bound (callers fold what they do not know into "unknown" before that).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace evoke::observe::prometheus {

inline constexpr size_t kDefaultMaxSeries = 2000;
inline constexpr std::string_view kOverflowLabel = "other";
// The Content-Type of the text exposition format.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// A value only ever increased (Inc with v >= 0; Set for a total read elsewhere, e.g. CPU time).
class Counter {
 public:
  void Inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted in buckets with upper bounds `bounds` (ascending) and one for +Inf.
class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds);
  void Observe(double v);
  struct Snapshot {
    std::vector<uint64_t> cumulative;  // per bound, then +Inf (== count)
    double sum = 0;
  };
  Snapshot snapshot() const;

 private:
  std::span<const double> bounds_;  // the family's, which outlives this
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

enum class Type { kCounter, kGauge, kHistogram };

// What the families share: name, help, label names, and rendering.
class FamilyBase {
 public:
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  // Appends the family's HELP and TYPE lines and every series, label sets in sorted order.
  virtual void Render(std::string& out) const = 0;

 protected:
  FamilyBase(std::string name, std::string help, Type type, std::vector<std::string> label_names,
             size_t max_series);
  void RenderHeader(std::string& out) const;
  // `name{a="x",b="y"` + `extra` label + `} ` (no braces when there are no labels at all).
  void RenderLabels(std::string& out, std::string_view suffix,
                    std::span<const std::string> values, std::string_view extra_name = {},
                    std::string_view extra_value = {}) const;

  const std::string name_;
  const std::string help_;
  const Type type_;
  const std::vector<std::string> label_names_;
  const size_t max_series_;
};

// The series of one metric, one per label set. T is Counter, Gauge or Histogram.
template <class T>
class Family final : public FamilyBase {
 public:
  Family(std::string name, std::string help, Type type, std::vector<std::string> label_names,
         size_t max_series, std::vector<double> bounds = {});

  // The series for these label values (as many as the family has label names; std::abort
  // otherwise: a programming error), created at its first use.
  T& With(std::initializer_list<std::string_view> values) {
    return With(std::span<const std::string_view>(values.begin(), values.size()));
  }
  T& With(std::span<const std::string_view> values);
  // The one series of a family without labels.
  T& Only() { return With(std::span<const std::string_view>()); }
  size_t series_count() const { return count_.load(std::memory_order_relaxed); }

  void Render(std::string& out) const override;

 private:
  struct LabelsLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::map<std::vector<std::string>, std::unique_ptr<T>, LabelsLess> series;  // GUARDED_BY(mutex)
  };
  static constexpr size_t kShards = 8;
  std::unique_ptr<T> Make() const;

  const std::vector<double> bounds_;  // histograms only
  std::array<Shard, kShards> shards_;
  std::atomic<size_t> count_{0};
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Names and label names must be valid Prometheus names, unique in the registry
  // (std::invalid_argument otherwise, at start-up). Histogram bounds ascend, without +Inf.
  Family<Counter>& AddCounter(std::string name, std::string help,
                              std::vector<std::string> label_names = {},
                              size_t max_series = kDefaultMaxSeries);
  Family<Gauge>& AddGauge(std::string name, std::string help,
                          std::vector<std::string> label_names = {},
                          size_t max_series = kDefaultMaxSeries);
  Family<Histogram>& AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> label_names, std::vector<double> bounds,
                                  size_t max_series = kDefaultMaxSeries);
  // Called at the start of every Render, in order: sets what is read when scraped (gauges of
  // the queue, the sandboxes, the process). Must be quick and safe from any thread.
  void OnCollect(std::function<void()> collect);

  // Runs the collectors, then renders every family in registration order.
  std::string Render() const;

 private:
  void Check(const std::string& name, const std::vector<std::string>& label_names) const;

  std::vector<std::unique_ptr<FamilyBase>> families_;
  std::vector<std::function<void()>> collectors_;
};

// Pure helpers of the format, for the renderer and its tests.
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);
// A sample value: integers without a fraction, others shortest round-trip, NaN, +Inf, -Inf.
std::string FormatValue(double v);
// A label value between its quotes: \ " and newline escaped; bytes that are not valid UTF-8
// replaced by U+FFFD (Prometheus refuses a whole scrape over one bad label value).
void AppendLabelValue(std::string& out, std::string_view value);
// HELP text: \ and newline escaped.
void AppendHelp(std::string& out, std::string_view help);

}  // namespace evoke::observe::prometheus
