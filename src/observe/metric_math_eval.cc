// MetricMath: the evaluator, over the tree MathExpression::Parse built ("Metric math syntax and
// functions": arithmetic, comparison and logical operators, the functions of the table).
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "observe/metric_math.h"

namespace evoke::observe {
namespace {

using Node = MathExpression::Node;
using Kind = MathExpression::Node::Kind;
using Op = MathExpression::Op;
using Array = std::vector<MathSeries>;

Error Invalid(std::string message) { return MakeError("ValidationError", std::move(message)); }

bool IsScalar(const MathValue& v) { return std::holds_alternative<double>(v); }
bool IsSeries(const MathValue& v) { return std::holds_alternative<MathSeries>(v); }
bool IsArray(const MathValue& v) { return std::holds_alternative<Array>(v); }

std::string TypeName(const MathValue& v) {
  if (IsScalar(v)) return "a scalar";
  if (IsSeries(v)) return "a time series";
  return "an array of time series";
}

// The value at t, if the series has one.
const double* At(const MathSeries& s, int64_t t) {
  auto it = std::lower_bound(s.points.begin(), s.points.end(), t,
                             [](const MathPoint& p, int64_t x) { return p.t < x; });
  return it != s.points.end() && it->t == t ? &it->v : nullptr;
}

double Apply(Op op, double a, double b) {
  switch (op) {
    case Op::kAdd:
      return a + b;
    case Op::kSub:
      return a - b;
    case Op::kMul:
      return a * b;
    case Op::kDiv:
      return b == 0 ? std::nan("") : a / b;  // the point is dropped
    case Op::kPow:
      return std::pow(a, b);
    case Op::kLt:
      return a < b;
    case Op::kGt:
      return a > b;
    case Op::kLe:
      return a <= b;
    case Op::kGe:
      return a >= b;
    case Op::kEq:
      return a == b;
    case Op::kNe:
      return a != b;
    case Op::kAnd:
      return a != 0 && b != 0;
    case Op::kOr:
      return a != 0 || b != 0;
    case Op::kNeg:
      return -a;
    case Op::kNot:
      return a == 0;
  }
  return std::nan("");
}

// Days since 1970-01-01 to (year, month, day) (H. Hinnant's civil_from_days).
void CivilFromDays(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

double TimeField(std::string_view name, int64_t t) {
  int64_t days = FloorDiv(t, 86400);
  int64_t second_of_day = t - days * 86400;
  if (name == "EPOCH") return static_cast<double>(t);
  if (name == "MINUTE") return static_cast<double>(second_of_day / 60 % 60);
  if (name == "HOUR") return static_cast<double>(second_of_day / 3600);
  if (name == "DAY") return static_cast<double>((days % 7 + 7 + 3) % 7 + 1);  // 1970-01-01: Thu
  int64_t y = 0, m = 0, d = 0;
  CivilFromDays(days, y, m, d);
  if (name == "DATE") return static_cast<double>(d);
  if (name == "MONTH") return static_cast<double>(m);
  return static_cast<double>(y);  // YEAR
}

class Evaluator {
 public:
  Evaluator(const MathExpression& e, const MathContext& ctx, MathResolver& r)
      : nodes_(e.nodes()), searches_(e.searches()), ctx_(ctx), resolver_(r) {}

  Result<MathValue> Eval(int index) {
    const Node& n = nodes_[index];
    switch (n.kind) {
      case Kind::kNumber:
        return MathValue(n.number);
      case Kind::kId: {
        auto v = resolver_.Fetch(n.text);
        if (!v) return v;
        return Normalized(std::move(*v));
      }
      case Kind::kString:
        return Invalid("A string can only be an argument of METRICS or SEARCH");
      case Kind::kKeyword:
        return Invalid(n.text + " can only be an argument of " +
                       (n.text == "REPEAT" || n.text == "LINEAR" ? "FILL" : "SORT"));
      case Kind::kArray:
        return EvalArray(n);
      case Kind::kUnary: {
        auto a = Eval(n.children[0]);
        if (!a) return a;
        return Pointwise(std::move(*a), [op = n.op](double x) { return Apply(op, x, 0); });
      }
      case Kind::kBinary: {
        auto a = Eval(n.children[0]);
        if (!a) return a;
        auto b = Eval(n.children[1]);
        if (!b) return b;
        return Combine(n.op, std::move(*a), std::move(*b));
      }
      case Kind::kCall:
        return Call(n);
    }
    return Invalid("Unknown node");
  }

 private:
  Status Charge(size_t points) {
    work_ += points;
    if (work_ > kMaxMathWork) {
      return Invalid("The expression needs more than " + std::to_string(kMaxMathWork) +
                     " datapoints to evaluate");
    }
    return {};
  }

  // Puts a resolver's series in order, counting its points.
  Result<MathValue> Normalized(MathValue v) {
    auto fix = [this](MathSeries& s) -> Status {
      std::stable_sort(s.points.begin(), s.points.end(),
                       [](const MathPoint& a, const MathPoint& b) { return a.t < b.t; });
      std::vector<MathPoint> out;
      out.reserve(s.points.size());
      for (const MathPoint& p : s.points) {
        if (!std::isfinite(p.v)) continue;
        if (!out.empty() && out.back().t == p.t) {
          out.back() = p;
        } else {
          out.push_back(p);
        }
      }
      s.points = std::move(out);
      return Charge(s.points.size());
    };
    if (auto* s = std::get_if<MathSeries>(&v)) {
      if (auto st = fix(*s); !st) return std::move(st).error();
    } else if (auto* a = std::get_if<Array>(&v)) {
      if (a->size() > kMaxMathArraySeries) a->resize(kMaxMathArraySeries);
      for (auto& s : *a) {
        if (auto st = fix(s); !st) return std::move(st).error();
      }
    } else if (!std::isfinite(std::get<double>(v))) {
      v = std::nan("");
    }
    return v;
  }

  // A series made by `f` point by point; non-finite results dropped.
  template <class F>
  Result<MathSeries> MapSeries(const MathSeries& s, F f) {
    MathSeries out;
    out.label = s.label;
    out.period_s = s.period_s;
    out.points.reserve(s.points.size());
    for (const MathPoint& p : s.points) {
      double v = f(p.v);
      if (std::isfinite(v)) out.points.push_back({p.t, v});
    }
    if (auto st = Charge(out.points.size()); !st) return std::move(st).error();
    return out;
  }

  // `f` on a scalar, each point of a series, each point of each series of an array.
  template <class F>
  Result<MathValue> Pointwise(MathValue v, F f) {
    if (auto* x = std::get_if<double>(&v)) return MathValue(f(*x));
    if (auto* s = std::get_if<MathSeries>(&v)) {
      auto r = MapSeries(*s, f);
      if (!r) return std::move(r).error();
      return MathValue(std::move(*r));
    }
    Array out;
    for (const MathSeries& s : std::get<Array>(v)) {
      auto r = MapSeries(s, f);
      if (!r) return std::move(r).error();
      out.push_back(std::move(*r));
    }
    return MathValue(std::move(out));
  }

  // Two series, point by point over the union of their timestamps, a missing value as 0 (as
  // CloudWatch treats missing values in arithmetic and comparisons).
  Result<MathSeries> Merge(Op op, const MathSeries& a, const MathSeries& b) {
    MathSeries out;
    out.label = a.label.empty() ? b.label : a.label;
    out.period_s = a.period_s ? a.period_s : b.period_s;
    size_t i = 0, j = 0;
    while (i < a.points.size() || j < b.points.size()) {
      int64_t t;
      double x = 0, y = 0;
      if (j == b.points.size() || (i < a.points.size() && a.points[i].t < b.points[j].t)) {
        t = a.points[i].t;
        x = a.points[i++].v;
      } else if (i == a.points.size() || b.points[j].t < a.points[i].t) {
        t = b.points[j].t;
        y = b.points[j++].v;
      } else {
        t = a.points[i].t;
        x = a.points[i++].v;
        y = b.points[j++].v;
      }
      double v = Apply(op, x, y);
      if (std::isfinite(v)) out.points.push_back({t, v});
    }
    if (auto st = Charge(out.points.size()); !st) return std::move(st).error();
    return out;
  }

  Result<MathValue> Combine(Op op, MathValue a, MathValue b) {
    if (IsScalar(a) && IsScalar(b)) {
      return MathValue(Apply(op, std::get<double>(a), std::get<double>(b)));
    }
    if (IsScalar(a) || IsScalar(b)) {
      bool left = IsScalar(a);
      double x = left ? std::get<double>(a) : std::get<double>(b);
      return Pointwise(left ? std::move(b) : std::move(a), [op, x, left](double y) {
        return left ? Apply(op, x, y) : Apply(op, y, x);
      });
    }
    if (IsSeries(a) && IsSeries(b)) {
      auto r = Merge(op, std::get<MathSeries>(a), std::get<MathSeries>(b));
      if (!r) return std::move(r).error();
      return MathValue(std::move(*r));
    }
    if (IsArray(a) && IsArray(b)) {
      return Invalid("An operator cannot combine two arrays of time series");
    }
    bool left_array = IsArray(a);
    const Array& array = left_array ? std::get<Array>(a) : std::get<Array>(b);
    const MathSeries& series = left_array ? std::get<MathSeries>(b) : std::get<MathSeries>(a);
    Array out;
    for (const MathSeries& s : array) {
      auto r = left_array ? Merge(op, s, series) : Merge(op, series, s);
      if (!r) return std::move(r).error();
      r->label = s.label;
      out.push_back(std::move(*r));
    }
    return MathValue(std::move(out));
  }

  Result<MathValue> EvalArray(const Node& n) {
    Array out;
    for (int child : n.children) {
      auto v = Eval(child);
      if (!v) return v;
      if (auto* s = std::get_if<MathSeries>(&*v)) {
        out.push_back(std::move(*s));
      } else if (auto* a = std::get_if<Array>(&*v)) {
        for (auto& s : *a) out.push_back(std::move(s));
      } else {
        return Invalid("An array can hold only time series, not scalars");
      }
      if (out.size() > kMaxMathArraySeries) {
        return Invalid("An array can hold at most " + std::to_string(kMaxMathArraySeries) +
                       " time series");
      }
    }
    return MathValue(std::move(out));
  }

  // The grid of a series with period `period` (0: the context's): start_s + k * period.
  Result<std::pair<int64_t, size_t>> Grid(int64_t period) {
    if (period <= 0) period = ctx_.period_s;
    if (period <= 0) return Invalid("The query has no period");
    if (ctx_.end_s <= ctx_.start_s) return std::pair<int64_t, size_t>(period, 0);
    uint64_t span = static_cast<uint64_t>(ctx_.end_s) - static_cast<uint64_t>(ctx_.start_s);
    uint64_t count = span / static_cast<uint64_t>(period) + (span % period != 0);
    if (count > kMaxMathGridPoints) {
      return Invalid("The time range holds more than " + std::to_string(kMaxMathGridPoints) +
                     " periods");
    }
    if (auto st = Charge(count); !st) return std::move(st).error();
    return std::pair<int64_t, size_t>(period, static_cast<size_t>(count));
  }

  // Evaluates argument `i` of a call.
  Result<MathValue> Arg(const Node& n, size_t i) { return Eval(n.children[i]); }

  Result<Array> ArrayArg(const Node& n, size_t i) {
    auto v = Arg(n, i);
    if (!v) return std::move(v).error();
    if (!IsArray(*v)) {
      return Invalid("The function " + n.text + " takes an array of time series, not " +
                     TypeName(*v));
    }
    return std::get<Array>(std::move(*v));
  }

  Result<double> ScalarArg(const Node& n, size_t i) {
    auto v = Arg(n, i);
    if (!v) return std::move(v).error();
    if (!IsScalar(*v)) {
      return Invalid("Argument " + std::to_string(i + 1) + " of " + n.text +
                     " must be a scalar, not " + TypeName(*v));
    }
    return std::get<double>(*v);
  }

  // A series or each series of an array, through `f` (MathSeries -> Result<MathSeries>).
  template <class F>
  Result<MathValue> EachSeries(const Node& n, F f) {
    auto v = Arg(n, 0);
    if (!v) return v;
    if (auto* s = std::get_if<MathSeries>(&*v)) {
      auto r = f(*s);
      if (!r) return std::move(r).error();
      return MathValue(std::move(*r));
    }
    if (auto* a = std::get_if<Array>(&*v)) {
      Array out;
      for (const MathSeries& s : *a) {
        auto r = f(s);
        if (!r) return std::move(r).error();
        out.push_back(std::move(*r));
      }
      return MathValue(std::move(out));
    }
    return Invalid("The function " + n.text + " takes a time series or an array, not a scalar");
  }

  // SUM, AVG, MIN, MAX, STDDEV, DATAPOINT_COUNT of values (AVG over `divisor` when non-zero).
  static double Aggregate(std::string_view f, const std::vector<double>& v, size_t divisor = 0) {
    if (f == "DATAPOINT_COUNT") return static_cast<double>(v.size());
    if (v.empty()) return std::nan("");
    double sum = 0, lo = v[0], hi = v[0];
    for (double x : v) {
      sum += x;
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    if (f == "SUM") return sum;
    if (f == "MIN") return lo;
    if (f == "MAX") return hi;
    double mean = sum / static_cast<double>(v.size());
    if (f == "AVG") return divisor ? sum / static_cast<double>(divisor) : mean;
    double sq = 0;  // STDDEV: of the population
    for (double x : v) sq += (x - mean) * (x - mean);
    return std::sqrt(sq / static_cast<double>(v.size()));
  }

  Result<MathValue> AggregateCall(const Node& n) {
    auto v = Arg(n, 0);
    if (!v) return v;
    if (auto* s = std::get_if<MathSeries>(&*v)) {
      std::vector<double> values;
      values.reserve(s->points.size());
      for (const MathPoint& p : s->points) values.push_back(p.v);
      return MathValue(Aggregate(n.text, values));
    }
    if (!IsArray(*v)) {
      return Invalid("The function " + n.text + " takes a time series or an array, not a scalar");
    }
    // Per timestamp across the array; AVG counts a missing value as 0, the others skip it.
    const Array& a = std::get<Array>(*v);
    std::vector<MathPoint> all;
    for (const MathSeries& s : a) all.insert(all.end(), s.points.begin(), s.points.end());
    if (auto st = Charge(all.size()); !st) return std::move(st).error();
    std::stable_sort(all.begin(), all.end(),
                     [](const MathPoint& x, const MathPoint& y) { return x.t < y.t; });
    MathSeries out;
    if (!a.empty()) out.period_s = a[0].period_s;
    std::vector<double> values;
    for (size_t i = 0; i < all.size();) {
      size_t j = i;
      values.clear();
      while (j < all.size() && all[j].t == all[i].t) values.push_back(all[j++].v);
      double r = Aggregate(n.text, values, a.size());
      if (std::isfinite(r)) out.points.push_back({all[i].t, r});
      i = j;
    }
    return MathValue(std::move(out));
  }

  // DIFF, DIFF_TIME, RATE, RUNNING_SUM of one series.
  Result<MathSeries> Sequence(std::string_view f, const MathSeries& s) {
    MathSeries out;
    out.label = s.label;
    out.period_s = s.period_s;
    double running = 0;
    for (size_t i = 0; i < s.points.size(); ++i) {
      const MathPoint& p = s.points[i];
      double v;
      if (f == "RUNNING_SUM") {
        running += p.v;
        v = running;
      } else if (i == 0) {
        continue;
      } else {
        const MathPoint& q = s.points[i - 1];
        double dt = static_cast<double>(p.t) - static_cast<double>(q.t);
        v = f == "DIFF" ? p.v - q.v : f == "DIFF_TIME" ? dt : (p.v - q.v) / dt;
      }
      if (std::isfinite(v)) out.points.push_back({p.t, v});
    }
    if (auto st = Charge(out.points.size()); !st) return std::move(st).error();
    return out;
  }

  Result<MathValue> Fill(const Node& n) {
    const Node& how = nodes_[n.children[1]];
    enum { kValue, kSeries, kRepeat, kLinear } mode = kValue;
    double value = 0;
    MathSeries with;
    if (how.kind == Kind::kKeyword && (how.text == "REPEAT" || how.text == "LINEAR")) {
      mode = how.text == "REPEAT" ? kRepeat : kLinear;
    } else if (how.kind == Kind::kKeyword) {
      return Invalid("FILL's second argument must be a scalar, a time series, REPEAT or LINEAR");
    } else {
      auto v = Arg(n, 1);
      if (!v) return v;
      if (IsScalar(*v)) {
        value = std::get<double>(*v);
        if (!std::isfinite(value)) return Invalid("FILL's value is not a number");
      } else if (IsSeries(*v)) {
        mode = kSeries;
        with = std::get<MathSeries>(std::move(*v));
      } else {
        return Invalid("FILL's second argument must be a scalar, a time series, REPEAT or LINEAR");
      }
    }
    return EachSeries(n, [&](const MathSeries& s) -> Result<MathSeries> {
      auto grid = Grid(s.period_s);
      if (!grid) return std::move(grid).error();
      auto [period, count] = *grid;
      MathSeries out;
      out.label = s.label;
      out.period_s = s.period_s;
      size_t next = 0;  // first point of s at or after t
      for (size_t k = 0; k < count; ++k) {
        int64_t t = ctx_.start_s + static_cast<int64_t>(k) * period;
        while (next < s.points.size() && s.points[next].t < t)
          out.points.push_back(s.points[next++]);
        if (next < s.points.size() && s.points[next].t == t) continue;  // present: kept below
        const MathPoint* before = next > 0 ? &s.points[next - 1] : nullptr;
        const MathPoint* after = next < s.points.size() ? &s.points[next] : nullptr;
        std::optional<double> v;
        switch (mode) {
          case kValue:
            v = value;
            break;
          case kSeries:
            if (const double* w = At(with, t)) v = *w;
            break;
          case kRepeat:
            if (before) v = before->v;
            break;
          case kLinear:
            if (before && after) {
              v = before->v + (after->v - before->v) * static_cast<double>(t - before->t) /
                                  static_cast<double>(after->t - before->t);
            }
            break;
        }
        if (v && std::isfinite(*v)) out.points.push_back({t, *v});
      }
      while (next < s.points.size()) out.points.push_back(s.points[next++]);
      if (auto st = Charge(out.points.size()); !st) return std::move(st).error();
      return out;
    });
  }

  Result<MathValue> If(const Node& n) {
    auto cond = Arg(n, 0);
    if (!cond) return cond;
    auto yes = Arg(n, 1);
    if (!yes) return yes;
    std::optional<MathValue> no;
    if (n.children.size() == 3) {
      auto v = Arg(n, 2);
      if (!v) return v;
      no = std::move(*v);
    }
    if (IsArray(*cond) || IsArray(*yes) || (no && IsArray(*no))) {
      return Invalid("IF takes scalars and time series, not arrays");
    }
    if (IsScalar(*cond)) {
      double c = std::get<double>(*cond);
      if (c != 0 && !std::isnan(c)) return std::move(*yes);
      if (no) return std::move(*no);
      return MathValue(MathSeries{});
    }
    const MathSeries& c = std::get<MathSeries>(*cond);
    MathSeries out;
    out.label = IsSeries(*yes) ? std::get<MathSeries>(*yes).label : c.label;
    out.period_s = c.period_s;
    for (const MathPoint& p : c.points) {
      std::optional<double> v;
      if (p.v != 0) {
        if (IsScalar(*yes)) {
          v = std::get<double>(*yes);
        } else {
          const double* y = At(std::get<MathSeries>(*yes), p.t);
          v = y ? *y : 0.0;  // true with no value: 0, as CloudWatch documents
        }
      } else if (no) {
        if (IsScalar(*no)) {
          v = std::get<double>(*no);
        } else if (const double* x = At(std::get<MathSeries>(*no), p.t)) {
          v = *x;
        }
      }
      if (v && std::isfinite(*v)) out.points.push_back({p.t, *v});
    }
    if (auto st = Charge(out.points.size()); !st) return std::move(st).error();
    return MathValue(std::move(out));
  }

  Result<MathValue> Sort(const Node& n) {
    auto a = ArrayArg(n, 0);
    if (!a) return std::move(a).error();
    const Node& by = nodes_[n.children[1]];
    const Node& order = nodes_[n.children[2]];
    if (by.kind != Kind::kKeyword ||
        (by.text != "AVG" && by.text != "MIN" && by.text != "MAX" && by.text != "SUM")) {
      return Invalid("SORT's second argument must be AVG, MIN, MAX or SUM");
    }
    if (order.kind != Kind::kKeyword || (order.text != "ASC" && order.text != "DESC")) {
      return Invalid("SORT's third argument must be ASC or DESC");
    }
    size_t limit = a->size();
    if (n.children.size() == 4) {
      auto l = ScalarArg(n, 3);
      if (!l) return std::move(l).error();
      if (!(*l >= 0)) return Invalid("SORT's limit must be a number of time series");
      limit = std::min(limit, static_cast<size_t>(std::min(*l, 1e9)));
    }
    std::vector<std::pair<double, size_t>> keys;
    for (size_t i = 0; i < a->size(); ++i) {
      std::vector<double> values;
      for (const MathPoint& p : (*a)[i].points) values.push_back(p.v);
      keys.emplace_back(Aggregate(by.text, values), i);
    }
    bool descending = order.text == "DESC";
    std::stable_sort(keys.begin(), keys.end(), [descending](const auto& x, const auto& y) {
      if (std::isnan(x.first) || std::isnan(y.first)) {
        return !std::isnan(x.first) && std::isnan(y.first);  // series without data last
      }
      return descending ? x.first > y.first : x.first < y.first;
    });
    Array out;
    for (size_t i = 0; i < limit; ++i) out.push_back(std::move((*a)[keys[i].second]));
    return MathValue(std::move(out));
  }

  Result<MathValue> Slice(const Node& n) {
    auto a = ArrayArg(n, 0);
    if (!a) return std::move(a).error();
    auto index = [&](size_t i) -> Result<size_t> {
      auto v = ScalarArg(n, i);
      if (!v) return std::move(v).error();
      if (!(*v >= 0)) return Invalid("SLICE's bounds must be indexes from 0");
      return static_cast<size_t>(std::min(*v, static_cast<double>(a->size())));
    };
    auto from = index(1);
    if (!from) return std::move(from).error();
    size_t to = a->size();
    if (n.children.size() == 3) {
      auto t = index(2);
      if (!t) return std::move(t).error();
      to = *t;
    }
    Array out;
    for (size_t i = *from; i < to; ++i) out.push_back(std::move((*a)[i]));
    return MathValue(std::move(out));
  }

  Result<MathValue> Metrics(const Node& n) {
    std::string filter;
    if (!n.children.empty()) filter = nodes_[n.children[0]].text;
    Array out;
    for (const std::string& id : resolver_.MetricIds()) {
      if (id.find(filter) == std::string::npos) continue;
      auto v = resolver_.Fetch(id);
      if (!v) return v;
      auto norm = Normalized(std::move(*v));
      if (!norm) return norm;
      if (auto* s = std::get_if<MathSeries>(&*norm)) {
        out.push_back(std::move(*s));
      } else if (auto* a = std::get_if<Array>(&*norm)) {
        for (auto& s : *a) out.push_back(std::move(s));
      }
      if (out.size() > kMaxMathArraySeries) {
        return Invalid("METRICS() gives more than " + std::to_string(kMaxMathArraySeries) +
                       " time series");
      }
    }
    return MathValue(std::move(out));
  }

  Result<MathValue> Call(const Node& n) {
    const std::string& f = n.text;
    if (f == "ABS" || f == "CEIL" || f == "FLOOR" || f == "LOG" || f == "LOG10") {
      auto v = Arg(n, 0);
      if (!v) return v;
      return Pointwise(std::move(*v), [&f](double x) {
        if (f == "ABS") return std::fabs(x);
        if (f == "CEIL") return std::ceil(x);
        if (f == "FLOOR") return std::floor(x);
        if (f == "LOG") return std::log(x);
        return std::log10(x);
      });
    }
    if (f == "SUM" || f == "AVG" || f == "MIN" || f == "MAX" || f == "STDDEV" ||
        f == "DATAPOINT_COUNT") {
      return AggregateCall(n);
    }
    if (f == "DIFF" || f == "DIFF_TIME" || f == "RATE" || f == "RUNNING_SUM") {
      return EachSeries(n, [&](const MathSeries& s) { return Sequence(f, s); });
    }
    if (f == "FILL") return Fill(n);
    if (f == "IF") return If(n);
    if (f == "SORT") return Sort(n);
    if (f == "SLICE") return Slice(n);
    if (f == "METRICS") return Metrics(n);
    if (f == "FIRST" || f == "LAST" || f == "METRIC_COUNT" || f == "REMOVE_EMPTY") {
      auto a = ArrayArg(n, 0);
      if (!a) return std::move(a).error();
      if (f == "METRIC_COUNT") return MathValue(static_cast<double>(a->size()));
      if (f == "REMOVE_EMPTY") {
        Array out;
        for (auto& s : *a) {
          if (!s.points.empty()) out.push_back(std::move(s));
        }
        return MathValue(std::move(out));
      }
      if (a->empty()) return MathValue(MathSeries{});
      return MathValue(std::move(f == "FIRST" ? a->front() : a->back()));
    }
    if (f == "PERIOD") {
      auto v = Arg(n, 0);
      if (!v) return v;
      if (!IsSeries(*v)) return Invalid("PERIOD takes a time series, not " + TypeName(*v));
      int64_t p = std::get<MathSeries>(*v).period_s;
      return MathValue(static_cast<double>(p ? p : ctx_.period_s));
    }
    if (f == "TIME_SERIES") {
      auto v = ScalarArg(n, 0);
      if (!v) return std::move(v).error();
      auto grid = Grid(0);
      if (!grid) return std::move(grid).error();
      MathSeries out;
      out.period_s = grid->first;
      if (std::isfinite(*v)) {
        for (size_t k = 0; k < grid->second; ++k) {
          out.points.push_back({ctx_.start_s + static_cast<int64_t>(k) * grid->first, *v});
        }
      }
      return MathValue(std::move(out));
    }
    if (f == "MINUTE" || f == "HOUR" || f == "DAY" || f == "DATE" || f == "MONTH" || f == "YEAR" ||
        f == "EPOCH") {
      auto v = Arg(n, 0);
      if (!v) return v;
      if (!IsSeries(*v)) return Invalid(f + " takes a time series, not " + TypeName(*v));
      const MathSeries& s = std::get<MathSeries>(*v);
      auto grid = Grid(s.period_s);
      if (!grid) return std::move(grid).error();
      MathSeries out;
      out.label = s.label;
      out.period_s = s.period_s;
      for (size_t k = 0; k < grid->second; ++k) {
        int64_t t = ctx_.start_s + static_cast<int64_t>(k) * grid->first;
        out.points.push_back({t, TimeField(f, t)});
      }
      return MathValue(std::move(out));
    }
    if (f == "SEARCH") {
      auto found = resolver_.Search(searches_[n.search]);
      if (!found) return std::move(found).error();
      return Normalized(MathValue(std::move(*found)));
    }
    return Invalid("Unknown function '" + f + "'");
  }

  const std::vector<Node>& nodes_;
  const std::vector<SearchRequest>& searches_;
  const MathContext& ctx_;
  MathResolver& resolver_;
  size_t work_ = 0;
};

}  // namespace

Result<MathValue> EvaluateMath(const MathExpression& expression, const MathContext& context,
                               MathResolver& resolver) {
  if (expression.root() < 0) return Invalid("The expression is empty");
  auto v = Evaluator(expression, context, resolver).Eval(expression.root());
  if (!v) return v;
  if (IsScalar(*v)) {
    return Invalid(
        "The expression gives a scalar; the result must be a time series or an array of time "
        "series");
  }
  return v;
}

}  // namespace evoke::observe
