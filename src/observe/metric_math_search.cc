// MetricMath: SEARCH's query language ("CloudWatch search expression syntax"), parsed and matched.
#include <algorithm>
#include <cctype>
#include <string>

#include "observe/metric_math.h"
#include "observe/metric_point.h"

namespace evoke::observe {
namespace {

constexpr int kMaxSearchNesting = 32;

Error Invalid(std::string message) { return MakeError("ValidationError", std::move(message)); }

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class SearchParser {
 public:
  SearchParser(std::string_view q, SearchRequest& out) : q_(q), out_(out) {}

  Status Run() {
    SkipSpace();
    if (Peek() == '{') {
      ++i_;
      if (auto s = ParseSchema(); !s) return s;
      SkipSpace();
      if (Peek() == ',') ++i_;  // the docs write '{AWS/Lambda, FunctionName}, MetricName=...'
    }
    SkipSpace();
    if (i_ < q_.size()) {
      auto root = ParseOr();
      if (!root) return std::move(root).error();
      SkipSpace();
      if (i_ < q_.size()) return Unexpected();
      out_.root = *root;
    }
    if (!out_.has_schema && out_.root < 0) {
      return Invalid("A search expression needs a metric schema, a search term or both");
    }
    return {};
  }

 private:
  char Peek() const { return i_ < q_.size() ? q_[i_] : '\0'; }
  void SkipSpace() {
    while (i_ < q_.size() && IsSpace(q_[i_])) ++i_;
  }
  Error Unexpected() const {
    if (i_ >= q_.size()) return Invalid("Unexpected end of the search expression");
    return Invalid("Unexpected '" + std::string(1, q_[i_]) +
                   "' in the search expression at position " + std::to_string(i_ + 1));
  }

  // A "quoted" string with \" \\ \( \) escapes; i_ is at the opening quote.
  Result<std::string> Quoted() {
    size_t start = i_++;
    std::string text;
    while (i_ < q_.size() && q_[i_] != '"') {
      if (q_[i_] == '\\' && i_ + 1 < q_.size()) ++i_;
      text += q_[i_++];
    }
    if (i_ >= q_.size()) {
      return Invalid("Unterminated quote in the search expression at position " +
                     std::to_string(start + 1));
    }
    ++i_;
    return text;
  }

  // A bare word: up to a space, a quote, a parenthesis, or any of `stop`.
  std::string Bare(std::string_view stop) {
    size_t start = i_;
    while (i_ < q_.size() && !IsSpace(q_[i_]) && q_[i_] != '"' && q_[i_] != '(' && q_[i_] != ')' &&
           stop.find(q_[i_]) == std::string_view::npos) {
      ++i_;
    }
    return std::string(q_.substr(start, i_ - start));
  }

  Status ParseSchema() {
    out_.has_schema = true;
    bool first = true;
    while (true) {
      SkipSpace();
      std::string item;
      if (Peek() == '"') {
        auto quoted = Quoted();
        if (!quoted) return std::move(quoted).error();
        item = std::move(*quoted);
      } else {
        item = Bare(",{}=");
      }
      if (item.empty())
        return first ? Invalid("The metric schema must name a namespace") : Unexpected();
      if (first) {
        out_.name_space = std::move(item);
      } else {
        out_.dimension_names.push_back(std::move(item));
      }
      first = false;
      SkipSpace();
      if (Peek() == '}') {
        ++i_;
        return {};
      }
      if (Peek() != ',') return Unexpected();
      ++i_;
    }
  }

  int AddNode(SearchNode node) {
    out_.nodes.push_back(std::move(node));
    return static_cast<int>(out_.nodes.size() - 1);
  }

  // Whether a bare operator word (AND, OR, NOT: case sensitive) is next.
  bool AtWord(std::string_view word) const {
    if (q_.substr(i_, word.size()) != word) return false;
    size_t end = i_ + word.size();
    return end == q_.size() || IsSpace(q_[end]) || q_[end] == '(' || q_[end] == '"';
  }

  Result<int> ParseOr() {
    if (++depth_ > kMaxSearchNesting) return Invalid("The search expression is nested too deeply");
    SearchNode node;
    node.kind = SearchNode::Kind::kOr;
    while (true) {
      auto item = ParseAnd();
      if (!item) return item;
      node.children.push_back(*item);
      SkipSpace();
      if (!AtWord("OR")) break;
      i_ += 2;
    }
    --depth_;
    if (node.children.size() == 1) return node.children[0];
    return AddNode(std::move(node));
  }

  Result<int> ParseAnd() {
    SearchNode node;
    node.kind = SearchNode::Kind::kAnd;
    while (true) {
      auto item = ParseNot();
      if (!item) return item;
      node.children.push_back(*item);
      SkipSpace();
      if (AtWord("AND")) {
        i_ += 3;
        continue;
      }
      // Terms side by side are ANDed.
      if (i_ >= q_.size() || Peek() == ')' || AtWord("OR")) break;
    }
    if (node.children.size() == 1) return node.children[0];
    return AddNode(std::move(node));
  }

  Result<int> ParseNot() {
    SkipSpace();
    if (AtWord("NOT")) {
      if (++depth_ > kMaxSearchNesting) {
        return Invalid("The search expression is nested too deeply");
      }
      i_ += 3;
      auto operand = ParseNot();
      if (!operand) return operand;
      --depth_;
      SearchNode node;
      node.kind = SearchNode::Kind::kNot;
      node.children = {*operand};
      return AddNode(std::move(node));
    }
    if (Peek() == '(') {
      ++i_;
      auto inner = ParseOr();
      if (!inner) return inner;
      SkipSpace();
      if (Peek() != ')') return Unexpected();
      ++i_;
      return inner;
    }
    return ParseTerm();
  }

  Result<int> ParseTerm() {
    SearchNode term;
    if (Peek() == '"') {
      auto quoted = Quoted();
      if (!quoted) return std::move(quoted).error();
      term.text = std::move(*quoted);
      term.exact = true;
      return AddNode(std::move(term));
    }
    std::string word = Bare("=");
    if (Peek() == '=') {
      if (word.empty()) return Unexpected();
      ++i_;
      term.property = std::move(word);
      if (Peek() == '"') {
        auto quoted = Quoted();
        if (!quoted) return std::move(quoted).error();
        term.text = std::move(*quoted);
        term.exact = true;
      } else {
        term.text = Bare("");
        if (term.text.empty()) return Unexpected();
      }
      return AddNode(std::move(term));
    }
    if (word.empty()) return Unexpected();
    term.text = std::move(word);
    return AddNode(std::move(term));
  }

  std::string_view q_;
  SearchRequest& out_;
  size_t i_ = 0;
  int depth_ = 0;
};

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigitChar(char c) { return c >= '0' && c <= '9'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// CloudWatch's tokens of a name, lowercased: runs of letters and digits split at non-alphanumerics,
// at camel case (aB, and ABc before the B) and between letters and digits.
std::vector<std::string> Tokens(std::string_view s) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) out.push_back(Lower(current));
    current.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!IsAlnum(c)) {
      flush();
      continue;
    }
    if (!current.empty()) {
      char p = current.back();
      bool split = (IsLower(p) && IsUpper(c)) || (IsDigitChar(p) != IsDigitChar(c)) ||
                   (IsUpper(p) && IsUpper(c) && i + 1 < s.size() && IsLower(s[i + 1]));
      if (split) flush();
    }
    current += c;
  }
  flush();
  return out;
}

std::string Compact(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (IsAlnum(c)) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool TermMatches(const SearchNode& term, std::string_view value) {
  if (term.exact) return value == term.text;
  std::vector<std::string> want = Tokens(term.text);
  if (want.empty()) return false;
  if (Compact(term.text) == Compact(value)) return true;
  std::vector<std::string> have = Tokens(value);
  if (want.size() > have.size()) return false;
  for (size_t i = 0; i + want.size() <= have.size(); ++i) {
    if (std::equal(want.begin(), want.end(), have.begin() + static_cast<std::ptrdiff_t>(i))) {
      return true;
    }
  }
  return false;
}

bool NodeMatches(const SearchRequest& r, int index, const SearchCandidate& c) {
  const SearchNode& n = r.nodes[index];
  switch (n.kind) {
    case SearchNode::Kind::kAnd:
      for (int child : n.children) {
        if (!NodeMatches(r, child, c)) return false;
      }
      return true;
    case SearchNode::Kind::kOr:
      for (int child : n.children) {
        if (NodeMatches(r, child, c)) return true;
      }
      return false;
    case SearchNode::Kind::kNot:
      return !NodeMatches(r, n.children[0], c);
    case SearchNode::Kind::kTerm:
      break;
  }
  static const std::vector<std::pair<std::string, std::string>> kNone;
  const auto& dims = c.dimensions ? *c.dimensions : kNone;
  if (n.property == "MetricName") return TermMatches(n, c.metric_name);
  if (n.property == "Namespace") return TermMatches(n, c.name_space);
  if (!n.property.empty()) {
    for (const auto& [name, value] : dims) {
      if (name == n.property && TermMatches(n, value)) return true;
    }
    return false;
  }
  if (TermMatches(n, c.metric_name) || TermMatches(n, c.name_space)) return true;
  for (const auto& [name, value] : dims) {
    if (TermMatches(n, name) || TermMatches(n, value)) return true;
  }
  return false;
}

}  // namespace

Result<SearchRequest> ParseSearch(std::string_view query, std::string_view statistic,
                                  int64_t period_s) {
  if (query.size() > kMaxSearchQueryLength) {
    return Invalid("The search expression is longer than " + std::to_string(kMaxSearchQueryLength) +
                   " characters");
  }
  SearchRequest request;
  request.query = std::string(query);
  if (auto s = SearchParser(query, request).Run(); !s) return std::move(s).error();
  bool known = false;
  for (std::string_view name : {"Average", "Sum", "Minimum", "Maximum", "SampleCount"}) {
    known = known || statistic == name;
  }
  if (!known && !ParsePercentile(statistic)) {
    return Invalid("The statistic '" + std::string(statistic) +
                   "' is not Average, Sum, Minimum, Maximum, SampleCount or a percentile");
  }
  request.statistic = std::string(statistic);
  if (period_s < 0 || (period_s != 0 && period_s % 60 != 0 && period_s != 1 && period_s != 5 &&
                       period_s != 10 && period_s != 20 && period_s != 30)) {
    return Invalid("The period must be 1, 5, 10, 20, 30 or a multiple of 60 seconds");
  }
  request.period_s = period_s;
  return request;
}

bool SearchMatches(const SearchRequest& request, const SearchCandidate& candidate) {
  if (request.has_schema) {
    if (candidate.name_space != request.name_space) return false;
    std::vector<std::string_view> want(request.dimension_names.begin(),
                                       request.dimension_names.end());
    std::vector<std::string_view> have;
    if (candidate.dimensions) {
      for (const auto& d : *candidate.dimensions) have.push_back(d.first);
    }
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    std::sort(have.begin(), have.end());
    if (want != have) return false;
  }
  return request.root < 0 || NodeMatches(request, request.root, candidate);
}

}  // namespace evoke::observe
