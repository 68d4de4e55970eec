// MetricMath: the lexer, the parser (recursive descent, depth-bounded) and the printer.
#include "observe/metric_math.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace evoke::observe {
namespace {

using Op = MathExpression::Op;
using Node = MathExpression::Node;
using Kind = MathExpression::Node::Kind;

Error Invalid(std::string message) { return MakeError("ValidationError", std::move(message)); }

// Arity of each function evoke evaluates.
struct FunctionSpec {
  std::string_view name;
  int min_args;
  int max_args;
};
constexpr FunctionSpec kFunctions[] = {
    {"ABS", 1, 1},          {"AVG", 1, 1},
    {"CEIL", 1, 1},         {"DATAPOINT_COUNT", 1, 1},
    {"DATE", 1, 1},         {"DAY", 1, 1},
    {"DIFF", 1, 1},         {"DIFF_TIME", 1, 1},
    {"EPOCH", 1, 1},        {"FILL", 2, 2},
    {"FIRST", 1, 1},        {"FLOOR", 1, 1},
    {"HOUR", 1, 1},         {"IF", 2, 3},
    {"LAST", 1, 1},         {"LOG", 1, 1},
    {"LOG10", 1, 1},        {"MAX", 1, 1},
    {"METRIC_COUNT", 1, 1}, {"METRICS", 0, 1},
    {"MIN", 1, 1},          {"MINUTE", 1, 1},
    {"MONTH", 1, 1},        {"PERIOD", 1, 1},
    {"RATE", 1, 1},         {"REMOVE_EMPTY", 1, 1},
    {"RUNNING_SUM", 1, 1},  {"SEARCH", 2, 3},
    {"SLICE", 2, 3},        {"SORT", 3, 4},
    {"STDDEV", 1, 1},       {"SUM", 1, 1},
    {"TIME_SERIES", 1, 1},  {"YEAR", 1, 1},
};
// CloudWatch's functions evoke does not evaluate.
constexpr std::string_view kUnsupported[] = {"ANOMALY_DETECTION_BAND", "CONCAT", "DB_PERF_INSIGHTS",
                                             "INSIGHT_RULE_METRIC",    "LAMBDA", "SERVICE_QUOTA"};

const FunctionSpec* FindFunction(std::string_view name) {
  for (const auto& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

enum class Tok {
  kEnd,
  kNumber,
  kId,
  kName,
  kString,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kCaret,
  kLt,
  kGt,
  kLe,
  kGe,
  kEq,
  kNe,
  kAnd,
  kOr,
  kNot,
};

struct Token {
  Tok kind = Tok::kEnd;
  size_t pos = 0;  // 0-based offset
  std::string_view text;
  double number = 0;
  char quote = 0;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_';
}

std::string At(size_t pos) { return " at position " + std::to_string(pos + 1); }

Result<std::vector<Token>> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    Token t;
    t.pos = i;
    if (i == s.size()) {
      out.push_back(t);
      return out;
    }
    char c = s[i];
    if (IsDigit(c) || (c == '.' && i + 1 < s.size() && IsDigit(s[i + 1]))) {
      size_t j = i;
      while (j < s.size() && IsDigit(s[j])) ++j;
      if (j < s.size() && s[j] == '.') {
        ++j;
        while (j < s.size() && IsDigit(s[j])) ++j;
      }
      if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
        if (k < s.size() && IsDigit(s[k])) {
          while (k < s.size() && IsDigit(s[k])) ++k;
          j = k;
        }
      }
      if (j < s.size() && IsWordChar(s[j])) return Invalid("Invalid number" + At(i));
      std::string text(s.substr(i, j - i));
      if (text[0] == '.') text.insert(text.begin(), '0');
      double v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
        return Invalid("Number out of range" + At(i));
      }
      t.kind = Tok::kNumber;
      t.number = v;
      t.text = s.substr(i, j - i);
      i = j;
    } else if (IsWordChar(c)) {
      size_t j = i;
      while (j < s.size() && IsWordChar(s[j])) ++j;
      t.text = s.substr(i, j - i);
      if (c >= 'a' && c <= 'z') {
        t.kind = Tok::kId;
      } else if (t.text == "AND") {
        t.kind = Tok::kAnd;
      } else if (t.text == "OR") {
        t.kind = Tok::kOr;
      } else if (t.text == "NOT") {
        t.kind = Tok::kNot;
      } else {
        t.kind = Tok::kName;
      }
      i = j;
    } else if (c == '"' || c == '\'' || c == '\xE2') {
      // Plain quotes; the console's curly quotes (U+201C/U+201D, in the docs' own examples) too.
      std::string_view open = c == '\xE2' ? s.substr(i, 3) : s.substr(i, 1);
      std::string_view close = open;
      if (open == "\xE2\x80\x9C") {
        close = "\xE2\x80\x9D";
      } else if (c == '\xE2') {
        return Invalid("Unexpected character" + At(i));
      }
      size_t start = i + open.size();
      size_t end = s.find(close, start);
      if (end == std::string_view::npos) return Invalid("Unterminated string" + At(i));
      t.kind = Tok::kString;
      t.text = s.substr(start, end - start);
      t.quote = c == '\'' ? '\'' : '"';
      if (t.text.find(t.quote) != std::string_view::npos) {
        return Invalid("Unterminated string" + At(i));  // a curly-quoted string holding '"'
      }
      i = end + close.size();
    } else {
      auto two = s.substr(i, 2);
      struct {
        std::string_view text;
        Tok kind;
      } const ops[] = {{"<=", Tok::kLe},      {">=", Tok::kGe},    {"==", Tok::kEq},
                       {"!=", Tok::kNe},      {"&&", Tok::kAnd},   {"||", Tok::kOr},
                       {"(", Tok::kLParen},   {")", Tok::kRParen}, {"[", Tok::kLBracket},
                       {"]", Tok::kRBracket}, {",", Tok::kComma},  {"+", Tok::kPlus},
                       {"-", Tok::kMinus},    {"*", Tok::kStar},   {"/", Tok::kSlash},
                       {"^", Tok::kCaret},    {"<", Tok::kLt},     {">", Tok::kGt}};
      bool found = false;
      for (const auto& op : ops) {
        if (two.substr(0, op.text.size()) == op.text) {
          t.kind = op.kind;
          t.text = s.substr(i, op.text.size());
          i += op.text.size();
          found = true;
          break;
        }
      }
      if (!found) {
        return Invalid("Unexpected character '" + std::string(1, c) + "'" + At(i));
      }
    }
    out.push_back(t);
  }
}

}  // namespace

class MathParser {
 public:
  explicit MathParser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<MathExpression> Run() {
    auto root = ParseOr();
    if (!root) return std::move(root).error();
    if (Peek().kind != Tok::kEnd) return Unexpected();
    expr_.root_ = *root;
    return std::move(expr_);
  }

 private:
  // Each recursive descent guards the parser's own stack; node heights bound the evaluator's.
  class Nest {
   public:
    explicit Nest(int& depth) : depth_(depth) { ++depth_; }
    ~Nest() { --depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

   private:
    int& depth_;
  };
  static constexpr int kMaxNesting = 2 * kMaxMathDepth + 4;

  const Token& Peek() const { return tokens_[next_]; }
  const Token& Take() { return tokens_[next_ < tokens_.size() - 1 ? next_++ : next_]; }

  Error Unexpected() const {
    const Token& t = Peek();
    if (t.kind == Tok::kEnd) return Invalid("Unexpected end of expression" + At(t.pos));
    return Invalid("Unexpected '" + std::string(t.text) + "'" + At(t.pos));
  }
  Error TooDeep() const {
    return Invalid("The expression is nested more than " + std::to_string(kMaxMathDepth) +
                   " levels deep" + At(Peek().pos));
  }

  Result<int> Add(Node node) {
    int height = 1;
    for (int c : node.children) height = std::max(height, heights_[c] + 1);
    if (height > kMaxMathDepth) return TooDeep();
    expr_.nodes_.push_back(std::move(node));
    heights_.push_back(height);
    return static_cast<int>(expr_.nodes_.size() - 1);
  }
  Result<int> Binary(Op op, int a, int b) {
    Node n;
    n.kind = Kind::kBinary;
    n.op = op;
    n.children = {a, b};
    return Add(std::move(n));
  }
  Result<int> Unary(Op op, int a) {
    Node n;
    n.kind = Kind::kUnary;
    n.op = op;
    n.children = {a};
    return Add(std::move(n));
  }

  template <class Next>
  Result<int> LeftAssoc(Next next, std::initializer_list<std::pair<Tok, Op>> ops) {
    auto left = (this->*next)();
    if (!left) return left;
    int node = *left;
    while (true) {
      const std::pair<Tok, Op>* match = nullptr;
      for (const auto& p : ops) {
        if (Peek().kind == p.first) match = &p;
      }
      if (!match) return node;
      Take();
      auto right = (this->*next)();
      if (!right) return right;
      auto made = Binary(match->second, node, *right);
      if (!made) return made;
      node = *made;
    }
  }

  Result<int> ParseOr() { return LeftAssoc(&MathParser::ParseAnd, {{Tok::kOr, Op::kOr}}); }
  Result<int> ParseAnd() { return LeftAssoc(&MathParser::ParseNot, {{Tok::kAnd, Op::kAnd}}); }
  Result<int> ParseNot() {
    if (Peek().kind != Tok::kNot) return ParseCompare();
    Nest nest(depth_);
    if (depth_ > kMaxNesting) return TooDeep();
    Take();
    auto operand = ParseNot();
    if (!operand) return operand;
    return Unary(Op::kNot, *operand);
  }
  Result<int> ParseCompare() {
    return LeftAssoc(&MathParser::ParseAdditive, {{Tok::kLt, Op::kLt},
                                                  {Tok::kGt, Op::kGt},
                                                  {Tok::kLe, Op::kLe},
                                                  {Tok::kGe, Op::kGe},
                                                  {Tok::kEq, Op::kEq},
                                                  {Tok::kNe, Op::kNe}});
  }
  Result<int> ParseAdditive() {
    return LeftAssoc(&MathParser::ParseMultiplicative,
                     {{Tok::kPlus, Op::kAdd}, {Tok::kMinus, Op::kSub}});
  }
  Result<int> ParseMultiplicative() {
    return LeftAssoc(&MathParser::ParseUnary, {{Tok::kStar, Op::kMul}, {Tok::kSlash, Op::kDiv}});
  }
  Result<int> ParseUnary() {
    if (Peek().kind != Tok::kMinus) return ParsePower();
    Nest nest(depth_);
    if (depth_ > kMaxNesting) return TooDeep();
    Take();
    auto operand = ParseUnary();
    if (!operand) return operand;
    return Unary(Op::kNeg, *operand);
  }
  Result<int> ParsePower() {
    auto base = ParsePrimary();
    if (!base || Peek().kind != Tok::kCaret) return base;
    Nest nest(depth_);
    if (depth_ > kMaxNesting) return TooDeep();
    Take();
    auto exponent = ParseUnary();  // right-associative, and 2^-1
    if (!exponent) return exponent;
    return Binary(Op::kPow, *base, *exponent);
  }

  Result<int> ParsePrimary() {
    Nest nest(depth_);
    if (depth_ > kMaxNesting) return TooDeep();
    const Token& t = Peek();
    Node n;
    switch (t.kind) {
      case Tok::kNumber:
        n.kind = Kind::kNumber;
        n.number = Take().number;
        return Add(std::move(n));
      case Tok::kId:
        n.kind = Kind::kId;
        n.text = std::string(Take().text);
        return Add(std::move(n));
      case Tok::kString:
        n.kind = Kind::kString;
        n.quote = t.quote;
        n.text = std::string(Take().text);
        return Add(std::move(n));
      case Tok::kLParen: {
        Take();
        auto inner = ParseOr();
        if (!inner) return inner;
        if (Peek().kind != Tok::kRParen) return Unexpected();
        Take();
        return inner;
      }
      case Tok::kLBracket: {
        Take();
        n.kind = Kind::kArray;
        if (Peek().kind == Tok::kRBracket) return Unexpected();
        auto items = ParseList(Tok::kRBracket);
        if (!items) return std::move(items).error();
        n.children = std::move(*items);
        return Add(std::move(n));
      }
      case Tok::kName:
        return ParseName();
      default:
        return Unexpected();
    }
  }

  // Comma-separated expressions up to `close` (taken).
  Result<std::vector<int>> ParseList(Tok close) {
    std::vector<int> items;
    if (Peek().kind == close) {
      Take();
      return items;
    }
    while (true) {
      auto item = ParseOr();
      if (!item) return std::move(item).error();
      items.push_back(*item);
      if (Peek().kind == close) {
        Take();
        return items;
      }
      if (Peek().kind != Tok::kComma) return Unexpected();
      Take();
    }
  }

  Result<int> ParseName() {
    const Token name = Take();
    Node n;
    n.text = std::string(name.text);
    if (Peek().kind != Tok::kLParen) {
      // A bare word: FILL's REPEAT/LINEAR, SORT's function and order.
      for (std::string_view k : {"REPEAT", "LINEAR", "ASC", "DESC", "AVG", "MIN", "MAX", "SUM"}) {
        if (name.text == k) {
          n.kind = Kind::kKeyword;
          return Add(std::move(n));
        }
      }
      return Invalid("Unrecognized identifier '" + n.text + "'" + At(name.pos) +
                     " (query ids start with a lowercase letter)");
    }
    for (std::string_view u : kUnsupported) {
      if (name.text == u) {
        return Invalid("The function " + n.text + " is not supported by evoke" + At(name.pos));
      }
    }
    const FunctionSpec* spec = FindFunction(name.text);
    if (!spec) return Invalid("Unknown function '" + n.text + "'" + At(name.pos));
    Take();  // (
    auto args = ParseList(Tok::kRParen);
    if (!args) return std::move(args).error();
    int count = static_cast<int>(args->size());
    if (count < spec->min_args || count > spec->max_args) {
      std::string want =
          spec->min_args == spec->max_args
              ? std::to_string(spec->min_args)
              : std::to_string(spec->min_args) + " to " + std::to_string(spec->max_args);
      return Invalid("The function " + n.text + " takes " + want + " argument" +
                     (spec->max_args == 1 ? "" : "s") + ", not " + std::to_string(count) +
                     At(name.pos));
    }
    n.kind = Kind::kCall;
    n.children = std::move(*args);
    if (name.text == "SEARCH") {
      auto search = CheckSearch(n, name.pos);
      if (!search) return std::move(search).error();
      n.search = static_cast<int>(expr_.searches_.size());
      expr_.searches_.push_back(std::move(*search));
    } else if (name.text == "METRICS" && !n.children.empty() &&
               expr_.nodes_[n.children[0]].kind != Kind::kString) {
      return Invalid("The argument of METRICS must be a string" + At(name.pos));
    }
    return Add(std::move(n));
  }

  Result<SearchRequest> CheckSearch(const Node& call, size_t pos) {
    const Node& query = expr_.nodes_[call.children[0]];
    const Node& statistic = expr_.nodes_[call.children[1]];
    if (query.kind != Kind::kString || statistic.kind != Kind::kString) {
      return Invalid("SEARCH takes a quoted search expression and a quoted statistic" + At(pos));
    }
    int64_t period = 0;
    if (call.children.size() == 3) {
      const Node& p = expr_.nodes_[call.children[2]];
      if (p.kind != Kind::kNumber || p.number != std::floor(p.number) || p.number < 1 ||
          p.number > 1e9) {
        return Invalid("The period of SEARCH must be a whole number of seconds" + At(pos));
      }
      period = static_cast<int64_t>(p.number);
    }
    auto request = ParseSearch(query.text, statistic.text, period);
    if (!request) {
      Error e = std::move(request).error();
      e.message += " (in SEARCH" + At(pos) + ")";
      return e;
    }
    return request;
  }

  std::vector<Token> tokens_;
  size_t next_ = 0;
  int depth_ = 0;
  std::vector<int> heights_;
  MathExpression expr_;
};

Result<MathExpression> MathExpression::Parse(std::string_view expression) {
  if (expression.size() > kMaxMathExpressionLength) {
    return Invalid("The expression is longer than " + std::to_string(kMaxMathExpressionLength) +
                   " characters");
  }
  size_t first = expression.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Invalid("The expression is empty");
  if (expression.substr(first, 7) == "SELECT " || expression.substr(first, 7) == "SELECT\t") {
    return Invalid("Metrics Insights queries (SELECT) are not supported by evoke");
  }
  auto tokens = Lex(expression);
  if (!tokens) return std::move(tokens).error();
  return MathParser(std::move(*tokens)).Run();
}

// ---- Printing -----------------------------------------------------------------------------------

namespace {

int Precedence(const Node& n) {
  if (n.kind == Kind::kUnary) return n.op == Op::kNot ? 3 : 7;
  if (n.kind != Kind::kBinary) return 9;
  switch (n.op) {
    case Op::kOr:
      return 1;
    case Op::kAnd:
      return 2;
    case Op::kLt:
    case Op::kGt:
    case Op::kLe:
    case Op::kGe:
    case Op::kEq:
    case Op::kNe:
      return 4;
    case Op::kAdd:
    case Op::kSub:
      return 5;
    case Op::kMul:
    case Op::kDiv:
      return 6;
    case Op::kPow:
      return 8;
    default:
      return 9;
  }
}

std::string_view Spelling(Op op) {
  switch (op) {
    case Op::kAdd:
      return "+";
    case Op::kSub:
      return "-";
    case Op::kMul:
      return "*";
    case Op::kDiv:
      return "/";
    case Op::kPow:
      return "^";
    case Op::kLt:
      return "<";
    case Op::kGt:
      return ">";
    case Op::kLe:
      return "<=";
    case Op::kGe:
      return ">=";
    case Op::kEq:
      return "==";
    case Op::kNe:
      return "!=";
    case Op::kAnd:
      return "AND";
    case Op::kOr:
      return "OR";
    case Op::kNeg:
      return "-";
    case Op::kNot:
      return "NOT";
  }
  return "?";
}

void PrintNode(const std::vector<Node>& nodes, int index, std::string& out);

void PrintWrapped(const std::vector<Node>& nodes, int index, bool wrap, std::string& out) {
  if (wrap) out += '(';
  PrintNode(nodes, index, out);
  if (wrap) out += ')';
}

void PrintNode(const std::vector<Node>& nodes, int index, std::string& out) {
  const Node& n = nodes[index];
  switch (n.kind) {
    case Kind::kNumber: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", n.number);
      out += buf;
      return;
    }
    case Kind::kId:
    case Kind::kKeyword:
      out += n.text;
      return;
    case Kind::kString:
      out += n.quote;
      out += n.text;
      out += n.quote;
      return;
    case Kind::kArray:
    case Kind::kCall:
      if (n.kind == Kind::kCall) out += n.text;
      out += n.kind == Kind::kCall ? '(' : '[';
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) out += ", ";
        PrintNode(nodes, n.children[i], out);
      }
      out += n.kind == Kind::kCall ? ')' : ']';
      return;
    case Kind::kUnary: {
      out += Spelling(n.op);
      if (n.op == Op::kNot) out += ' ';
      int p = Precedence(n);
      PrintWrapped(nodes, n.children[0], Precedence(nodes[n.children[0]]) < p, out);
      return;
    }
    case Kind::kBinary: {
      int p = Precedence(n);
      int lp = Precedence(nodes[n.children[0]]);
      int rp = Precedence(nodes[n.children[1]]);
      bool pow = n.op == Op::kPow;
      PrintWrapped(nodes, n.children[0], pow ? lp < 9 : lp < p, out);
      out += ' ';
      out += Spelling(n.op);
      out += ' ';
      PrintWrapped(nodes, n.children[1], pow ? rp < 7 : rp <= p, out);
      return;
    }
  }
}

}  // namespace

std::string MathExpression::Print() const {
  std::string out;
  if (root_ >= 0) PrintNode(nodes_, root_, out);
  return out;
}

std::vector<std::string> MathExpression::ReferencedIds() const {
  std::vector<std::string> ids;
  for (const Node& n : nodes_) {
    if (n.kind == Kind::kId && std::find(ids.begin(), ids.end(), n.text) == ids.end()) {
      ids.push_back(n.text);
    }
  }
  return ids;
}

bool MathExpression::UsesMetrics() const {
  for (const Node& n : nodes_) {
    if (n.kind == Kind::kCall && n.text == "METRICS") return true;
  }
  return false;
}

}  // namespace evoke::observe
