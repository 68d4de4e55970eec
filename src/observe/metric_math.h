// MetricMath: the metric math expression language of GetMetricData ("Using math expressions
// with CloudWatch metrics"): parse an Expression into a tree, print it back, evaluate it over time
// series. Pure: the series of other queries (an Id, METRICS()) and SEARCH's metrics come through
// the MathResolver the caller passes, so the module never touches the store. Not thread-safe per
// object; distinct objects may be used from any thread.
//
// Errors are ValidationError with a message that names no query; GetMetricData answers a bad
// expression with ValidationError "Error in expression <Id>: <message>" (the prefix is the
// caller's: AWS documents neither the code nor the text, see docs/metrics.md, Metric math).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.h"

namespace evoke::observe {

// Bounds on what a caller can make the module do.
inline constexpr size_t kMaxMathExpressionLength = 2048;  // MetricDataQuery.Expression's max
inline constexpr size_t kMaxSearchQueryLength = 1024;     // "maximum search expression query size"
inline constexpr int kMaxMathDepth = 64;                  // operator/call nesting of the tree
inline constexpr size_t kMaxMathGridPoints = 100800;      // periods in a grid (GetMetricData's
                                                          // datapoint limit)
inline constexpr size_t kMaxMathArraySeries = 500;        // series in one array
inline constexpr size_t kMaxMathWork = 10'000'000;        // datapoints produced in one Evaluate

// ---- Values -----------------------------------------------------------------------------------

struct MathPoint {
  int64_t t = 0;  // seconds since the epoch: the start of the point's period
  double v = 0;
  bool operator==(const MathPoint&) const = default;
};

// One time series: its points by increasing t, at most one per t, every value finite.
struct MathSeries {
  std::string label;
  int64_t period_s = 0;  // the metric's period (PERIOD(), FILL's grid); 0 = the context's
  std::vector<MathPoint> points;
};

// A scalar (S), a time series (TS) or an array of time series (TS[]), as the docs name them.
using MathValue = std::variant<double, MathSeries, std::vector<MathSeries>>;

// ---- SEARCH -----------------------------------------------------------------------------------

// One node of a search term's boolean tree ("CloudWatch search expression syntax").
struct SearchNode {
  enum class Kind { kTerm, kAnd, kOr, kNot };
  Kind kind = Kind::kTerm;
  // kTerm: `property` is "" (any name, namespace, dimension name or value), "MetricName",
  // "Namespace" or a dimension name (the designator before '='); `exact` for a "quoted" value
  // (escapes \" \\ \( \) undone), else a partial (token) match.
  std::string property;
  std::string text;
  bool exact = false;
  std::vector<int> children;  // indexes into SearchRequest::nodes: 2+ for AND/OR, 1 for NOT
};

// SEARCH('{Namespace, Dim1, Dim2} terms', 'Statistic', Period) parsed.
struct SearchRequest {
  std::string query;  // the first argument as written
  bool has_schema = false;
  std::string name_space;                    // the schema's namespace
  std::vector<std::string> dimension_names;  // the schema's dimension names, as written
  std::vector<SearchNode> nodes;
  int root = -1;          // -1: no search term (the schema alone)
  std::string statistic;  // Average, Sum, Minimum, Maximum, SampleCount or pNN
  int64_t period_s = 0;   // 0 when omitted: the query's Period
};

// The metric a SEARCH is matched against.
struct SearchCandidate {
  std::string_view name_space;
  std::string_view metric_name;
  const std::vector<std::pair<std::string, std::string>>* dimensions = nullptr;  // name, value
};

// SEARCH's arguments checked and the query parsed: ValidationError for a query longer than
// kMaxSearchQueryLength, one with neither schema nor term, a statistic CloudWatch does not know
// (Average, Sum, Minimum, Maximum, SampleCount, pNN; other extended statistics are not
// supported), or a period that is not 1, 5, 10, 20, 30 or a multiple of 60 (0 = omitted).
Result<SearchRequest> ParseSearch(std::string_view query, std::string_view statistic,
                                  int64_t period_s);

// Whether the metric matches: the schema (if any) names its namespace and exactly its set of
// dimension names, and the term tree holds. A partial term matches when its tokens (CloudWatch's
// tokenization: camel case, digits and non-alphanumerics split) appear consecutively, ignoring
// case, among the tokens of a name, namespace, dimension name or value; an exact one when it
// equals one of them.
bool SearchMatches(const SearchRequest& request, const SearchCandidate& candidate);

// ---- Expressions --------------------------------------------------------------------------------

// A parsed expression: an immutable tree (nodes in one vector, children by index, so no
// destructor recursion). Cheap to move.
class MathExpression {
 public:
  // + - * / ^, < > <= >= == !=, AND (&&) OR (||), and the unary - and NOT.
  enum class Op {
    kAdd,
    kSub,
    kMul,
    kDiv,
    kPow,
    kLt,
    kGt,
    kLe,
    kGe,
    kEq,
    kNe,
    kAnd,
    kOr,
    kNeg,
    kNot
  };

  struct Node {
    enum class Kind { kNumber, kId, kString, kKeyword, kArray, kCall, kUnary, kBinary };
    Kind kind = Kind::kNumber;
    double number = 0;
    std::string text;  // kId: the id; kString: the contents; kKeyword, kCall: the NAME
    char quote = '"';  // kString: the quote it was written with
    Op op = Op::kAdd;
    std::vector<int> children;
    int search = -1;  // kCall SEARCH: index into searches_
  };

  // The tree of `expression`; ValidationError with the position (1-based) of what is wrong.
  static Result<MathExpression> Parse(std::string_view expression);

  // The expression written back: the same tree when parsed again (parentheses only where
  // precedence needs them, AND/OR spelled as words, numbers with 17 digits).
  std::string Print() const;

  // Query ids the expression names (each once, in order of appearance), and whether it calls
  // METRICS(): what the caller must evaluate first (and where it finds cycles).
  std::vector<std::string> ReferencedIds() const;
  bool UsesMetrics() const;
  // The SEARCH calls, parsed.
  const std::vector<SearchRequest>& searches() const { return searches_; }

  const std::vector<Node>& nodes() const { return nodes_; }
  int root() const { return root_; }

 private:
  friend class MathParser;
  std::vector<Node> nodes_;
  std::vector<SearchRequest> searches_;
  int root_ = -1;
};

// What the evaluator asks the caller for.
class MathResolver {
 public:
  virtual ~MathResolver() = default;
  // The result of the query with this Id: a MetricStat's series, or an expression's result (a
  // series or an array). An Error (ValidationError, say "Unknown identifier") when there is none.
  virtual Result<MathValue> Fetch(std::string_view id) = 0;
  // The Ids of the request's MetricStat queries (not expressions), in request order: METRICS().
  virtual std::vector<std::string> MetricIds() = 0;
  // SEARCH: one series per matching metric (SearchMatches), aggregated with request.statistic
  // over request.period_s (or the query's Period), at most kMaxMathArraySeries.
  virtual Result<std::vector<MathSeries>> Search(const SearchRequest& request) = 0;
};

// The query's time range and grid: points of a filled or generated series (FILL, TIME_SERIES,
// MINUTE()...) are at start_s + k * period for start_s <= t < end_s.
struct MathContext {
  int64_t start_s = 0;
  int64_t end_s = 0;
  int64_t period_s = 60;  // the query's Period, for series that do not carry one
};

// Evaluates the expression. The result is a series or an array (a scalar result is a
// ValidationError, as CloudWatch requires); values that come out non-finite (division by zero,
// LOG of 0, overflow) are dropped points. Series from the resolver are put in order (sorted by
// t, the last of equal t kept, non-finite values dropped) before use.
Result<MathValue> EvaluateMath(const MathExpression& expression, const MathContext& context,
                               MathResolver& resolver);

}  // namespace evoke::observe
