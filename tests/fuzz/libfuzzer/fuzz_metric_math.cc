// GetMetricData's metric math expressions, fed any bytes: parsing must not crash or recurse without
// bound, what parses must print to text that parses back to the same text, and evaluating it
// against a fixed pair of series (and an array for METRICS() and SEARCH) must give ordered,
// finite points or an error. The bytes are also tried as a SEARCH query and matched.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "observe/metric_math.h"

using namespace evoke::observe;  // NOLINT: a fuzz target's one file

namespace {

MathSeries Make(std::string label, std::vector<std::pair<int64_t, double>> points) {
  MathSeries s;
  s.label = std::move(label);
  s.period_s = 60;
  for (const auto& p : points) s.points.push_back({p.first, p.second});
  return s;
}

class FixedResolver : public MathResolver {
 public:
  evoke::Result<MathValue> Fetch(std::string_view id) override {
    if (id == "m1") return MathValue(Make("m1", {{0, 30}, {60, 20}, {120, 0}, {240, -7.5}}));
    if (id == "m2") return MathValue(Make("m2", {{0, 20}, {120, 1e300}, {180, 0}}));
    if (id == "e1") {
      return MathValue(std::vector<MathSeries>{Make("a", {{60, 1}}), Make("b", {})});
    }
    return evoke::MakeError("ValidationError", "Unknown identifier");
  }
  std::vector<std::string> MetricIds() override { return {"m1", "m2"}; }
  evoke::Result<std::vector<MathSeries>> Search(const SearchRequest&) override {
    return std::vector<MathSeries>{Make("s1", {{0, 1}, {300, 2}}), Make("s2", {{60, -1}})};
  }
};

void CheckSeries(const MathSeries& s) {
  for (size_t i = 0; i < s.points.size(); ++i) {
    if (!std::isfinite(s.points[i].v)) abort();
    if (i > 0 && s.points[i - 1].t >= s.points[i].t) abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto search = ParseSearch(text, "Sum", 60);
  if (search) {
    std::vector<std::pair<std::string, std::string>> dims = {{"FunctionName", "my-Fn2"}};
    SearchMatches(*search, {"AWS/Lambda", "Errors", &dims});
  }

  auto expr = MathExpression::Parse(text);
  if (!expr) return 0;
  std::string printed = expr->Print();
  if (printed.size() <= kMaxMathExpressionLength) {
    auto again = MathExpression::Parse(printed);
    if (!again || again->Print() != printed) abort();
  }
  FixedResolver resolver;
  MathContext context{0, 3600, 60};
  auto value = EvaluateMath(*expr, context, resolver);
  if (!value) {
    if (value.error().code != "ValidationError") abort();
    return 0;
  }
  if (std::holds_alternative<double>(*value)) abort();  // a scalar result is refused
  if (auto* s = std::get_if<MathSeries>(&*value)) CheckSeries(*s);
  if (auto* a = std::get_if<std::vector<MathSeries>>(&*value)) {
    if (a->size() > kMaxMathArraySeries) abort();
    for (const auto& s : *a) CheckSeries(s);
  }
  return 0;
}
