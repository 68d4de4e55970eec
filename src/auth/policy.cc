// The IAM policy language. Sources: IAM User Guide ("Grammar of the IAM JSON policy language",
// "IAM JSON policy elements: Resource / Principal / NotPrincipal / Condition operators",
// "Creating a condition with multiple keys or values", "IAM policy elements: Variables and tags",
// "Policy evaluation logic"); S3's MalformedPolicy texts as reported from AWS (versitygw, issues).
#include "auth/policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/time_format.h"
#include "http/message.h"

namespace evoke::auth {

// ---------------------------------------------------------------------------------------------
// JSON: nlohmann's (iterative) SAX lexer feeding a small DOM that keeps numbers as written, and
// refuses duplicate keys and nesting deeper than any policy needs.

namespace {

// Policy > Statement[] > statement > Condition > operator > key > [values]: 6 levels.
constexpr size_t kMaxDepth = 8;

struct JsonValue {
  enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  std::string text;               // string value; number as written; "true" / "false"
  std::vector<JsonValue> items;   // array elements, or object member values
  std::vector<std::string> keys;  // object member names, parallel to items

  bool is(Type t) const { return type == t; }
  bool is_scalar() const {
    return type == Type::kString || type == Type::kNumber || type == Type::kBool;
  }
  const JsonValue* Find(std::string_view key) const {
    for (size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) return &items[i];
    }
    return nullptr;
  }
};
using JType = JsonValue::Type;

class DomBuilder {
 public:
  using json = nlohmann::json;
  explicit DomBuilder(JsonValue* root) : root_(root) {}

  bool null() { return Add(JType::kNull, {}); }
  bool boolean(bool b) { return Add(JType::kBool, b ? "true" : "false"); }
  bool number_integer(json::number_integer_t v) { return Add(JType::kNumber, std::to_string(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return Add(JType::kNumber, std::to_string(v)); }
  bool number_float(json::number_float_t, const json::string_t& s) {
    return Add(JType::kNumber, s);
  }
  bool string(json::string_t& s) { return Add(JType::kString, std::move(s)); }
  bool binary(json::binary_t&) { return false; }
  bool start_object(std::size_t) { return Open(JType::kObject); }
  bool key(json::string_t& k) {
    stack_.back()->keys.push_back(std::move(k));
    return true;
  }
  bool end_object() {
    const JsonValue* o = stack_.back();
    stack_.pop_back();
    return !HasDuplicateKeys(*o);
  }
  bool start_array(std::size_t) { return Open(JType::kArray); }
  bool end_array() {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const json::exception&) { return false; }

 private:
  // Pointers to open containers stay valid: only the innermost open container grows.
  JsonValue* Place() {
    if (stack_.empty()) return root_;
    JsonValue* parent = stack_.back();
    parent->items.emplace_back();
    return &parent->items.back();
  }
  bool Add(JType type, std::string text) {
    JsonValue* v = Place();
    v->type = type;
    v->text = std::move(text);
    return true;
  }
  bool Open(JType type) {
    if (stack_.size() >= kMaxDepth) return false;
    JsonValue* v = Place();
    v->type = type;
    stack_.push_back(v);
    return true;
  }
  // "Individual elements must not contain multiple instances of the same key" (grammar notes).
  static bool HasDuplicateKeys(const JsonValue& o) {
    std::vector<std::string_view> names(o.keys.begin(), o.keys.end());
    std::sort(names.begin(), names.end());
    return std::adjacent_find(names.begin(), names.end()) != names.end();
  }

  JsonValue* root_;
  std::vector<JsonValue*> stack_;
};

bool ParseJson(std::string_view text, JsonValue* root) {
  DomBuilder builder(root);
  try {
    return nlohmann::json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

// The strings of an element written as a string or an array of strings.
bool StringList(const JsonValue& v, std::vector<std::string_view>* out) {
  out->clear();
  if (v.is(JType::kString)) {
    out->push_back(v.text);
    return true;
  }
  if (!v.is(JType::kArray)) return false;
  for (const JsonValue& item : v.items) {
    if (!item.is(JType::kString)) return false;
    out->push_back(item.text);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Strings.

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case folding, as HTTP's header names use it.
bool IEquals(std::string_view a, std::string_view b) { return http::EqualsIgnoreCase(a, b); }
using http::ToLower;

bool IStartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && IEquals(s.substr(0, prefix.size()), prefix);
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool HasWildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

// The values a request carries for a condition key (names compare case-insensitively).
void Lookup(const ConditionKeys& keys, std::string_view name, std::vector<std::string_view>* out) {
  out->clear();
  for (const auto& [k, v] : keys) {
    if (IEquals(k, name)) out->push_back(v);
  }
}

// ---------------------------------------------------------------------------------------------
// Wildcard patterns. A pattern is a string of tokens: bytes 0-255 stand for themselves, and four
// codes above 255 for the wildcards. "Segment" wildcards do not match ':' (the first five parts
// of a Resource ARN are matched each on its own, IAM guide "IAM JSON policy elements: Resource").

using Tokens = std::u16string;
constexpr char16_t kStar = 0x100;        // any run of characters
constexpr char16_t kSegStar = 0x101;     // any run of characters within one ARN segment
constexpr char16_t kAnyChar = 0x102;     // one character
constexpr char16_t kSegAnyChar = 0x103;  // one character other than ':'

char16_t Literal(char c) { return static_cast<unsigned char>(c); }
bool IsStar(char16_t t) { return t == kStar || t == kSegStar; }

bool TokenMatches(char16_t t, char c, bool fold) {
  if (t == kAnyChar) return true;
  if (t == kSegAnyChar) return c != ':';
  char p = static_cast<char>(t);
  return fold ? Lower(p) == Lower(c) : p == c;
}

// Patterns whose only wildcards are kStar and kAnyChar: the classic matcher that backtracks to
// the last star only. O(pattern x text) at worst, never exponential.
bool GreedyMatch(const Tokens& p, std::string_view s, bool fold) {
  size_t pi = 0, si = 0, star = Tokens::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == kStar) {
      star = pi++;
      mark = si;
    } else if (pi < p.size() && TokenMatches(p[pi], s[si], fold)) {
      ++pi;
      ++si;
    } else if (star != Tokens::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == kStar) ++pi;
  return pi == p.size();
}

// Any pattern: one row of the match table per text character. O(pattern x text).
bool TableMatch(const Tokens& p, std::string_view s, bool fold) {
  const size_t m = p.size();
  std::vector<uint8_t> row(m + 1, 0), next(m + 1, 0);
  row[0] = 1;
  for (size_t j = 0; j < m; ++j) row[j + 1] = IsStar(p[j]) && row[j];
  for (char c : s) {
    next[0] = 0;
    bool any = false;
    for (size_t j = 0; j < m; ++j) {
      const char16_t t = p[j];
      if (IsStar(t)) {
        next[j + 1] = next[j] || (row[j + 1] && (t == kStar || c != ':'));
      } else {
        next[j + 1] = row[j] && TokenMatches(t, c, fold);
      }
      any = any || next[j + 1];
    }
    if (!any) return false;
    row.swap(next);
  }
  return row[m] != 0;
}

bool GlobMatch(const Tokens& p, std::string_view s, bool fold) {
  const bool segmented =
      std::any_of(p.begin(), p.end(), [](char16_t t) { return t == kSegStar || t == kSegAnyChar; });
  return segmented ? TableMatch(p, s, fold) : GreedyMatch(p, s, fold);
}

// Tokens that are all literal (an Equals operator's value) against a string.
bool LiteralEquals(const Tokens& p, std::string_view s, bool fold) {
  if (p.size() != s.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (p[i] > 0xff) return false;
    if (!TokenMatches(p[i], s[i], fold)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Policy strings with variables (IAM guide, "IAM policy elements: Variables and tags"):
// ${key} is replaced by the request's value of the key, ${key, 'default'} falls back to the
// default when the key has no (single) value, and ${*} ${?} ${$} are a literal * ? $.
// Substituted values are literal: a '*' in a user name is not a wildcard.

struct Piece {
  Tokens tokens;    // text: literal bytes and wildcards
  std::string key;  // variable: the key, lower case
  std::optional<std::string> fallback;
  bool is_var = false;
};

struct Template {
  std::vector<Piece> pieces;
  Tokens fixed;  // the whole pattern when it has no variables
  bool has_vars = false;
};

struct CompileOptions {
  bool wildcards = false;     // * and ? are wildcards (Like and Arn operators, Action, Resource)
  bool variables = false;     // ${...} is recognised (2012-10-17 documents)
  size_t variables_from = 0;  // variables only from this offset on (after a Resource's 5th colon)
  bool arn_segments = false;  // Resource: wildcards in the first five parts stay in their part
};

// Parses "${...}" at s[i] (s[i] == '$', s[i+1] == '{'). Returns the offset after it, or npos
// when it is not a well-formed variable (then the '$' is literal).
size_t ParseVariable(std::string_view s, size_t i, Piece* var, char* escaped) {
  size_t j = i + 2;
  if (j + 1 < s.size() && s[j + 1] == '}' && (s[j] == '*' || s[j] == '?' || s[j] == '$')) {
    *escaped = s[j];
    return j + 2;
  }
  *escaped = 0;
  size_t k = j;
  while (k < s.size() && s[k] != '}' && s[k] != ',') ++k;
  if (k == s.size()) return std::string_view::npos;
  std::string_view key = s.substr(j, k - j);
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  if (key.empty() || key.find_first_of("${") != std::string_view::npos)
    return std::string_view::npos;
  var->is_var = true;
  var->key = ToLower(key);
  if (s[k] == '}') return k + 1;
  // ${key, 'default'}: a '' inside the quotes is one quote.
  ++k;
  while (k < s.size() && s[k] == ' ') ++k;
  if (k == s.size() || s[k] != '\'') return std::string_view::npos;
  std::string fallback;
  for (++k;; ++k) {
    if (k >= s.size()) return std::string_view::npos;
    if (s[k] == '\'') {
      if (k + 1 < s.size() && s[k + 1] == '\'') {
        fallback += '\'';
        ++k;
        continue;
      }
      break;
    }
    fallback += s[k];
  }
  ++k;
  while (k < s.size() && s[k] == ' ') ++k;
  if (k == s.size() || s[k] != '}') return std::string_view::npos;
  var->fallback = std::move(fallback);
  return k + 1;
}

Template Compile(std::string_view s, const CompileOptions& o) {
  Template t;
  Piece text;
  size_t colons = 0;
  auto flush = [&] {
    if (!text.tokens.empty()) t.pieces.push_back(std::move(text));
    text = Piece();
  };
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '$' && o.variables && i >= o.variables_from && i + 1 < s.size() && s[i + 1] == '{') {
      Piece var;
      char escaped = 0;
      size_t end = ParseVariable(s, i, &var, &escaped);
      if (end != std::string_view::npos) {
        if (escaped) {
          text.tokens += Literal(escaped);
        } else {
          flush();
          t.pieces.push_back(std::move(var));
          t.has_vars = true;
        }
        i = end;
        continue;
      }
    }
    const bool in_arn_prefix = o.arn_segments && colons < 5;
    if (o.wildcards && c == '*') {
      // "If the * wildcard is the last character of a resource ARN segment, it can expand to
      // match beyond the colon boundaries."
      const bool last_in_segment = i + 1 == s.size() || s[i + 1] == ':';
      text.tokens += (in_arn_prefix && !last_in_segment) ? kSegStar : kStar;
    } else if (o.wildcards && c == '?') {
      text.tokens += in_arn_prefix ? kSegAnyChar : kAnyChar;
    } else {
      text.tokens += Literal(c);
    }
    if (c == ':') ++colons;
    ++i;
  }
  flush();
  if (!t.has_vars) {
    for (Piece& p : t.pieces) t.fixed += p.tokens;
    t.pieces.clear();
  }
  return t;
}

// The value a variable stands for: the key's single value, else the default. A multi-valued
// key cannot be a variable (IAM guide, "Single-valued vs. multivalued context keys").
std::optional<std::string_view> VariableValue(const Piece& var, const ConditionKeys& keys) {
  std::optional<std::string_view> found;
  int count = 0;
  for (const auto& [k, v] : keys) {
    if (IEquals(k, var.key)) {
      found = v;
      ++count;
    }
  }
  if (count == 1) return found;
  if (var.fallback) return std::string_view(*var.fallback);
  return std::nullopt;
}

// The pattern with its variables replaced: &t.fixed, or `scratch`, or nullptr when a variable
// cannot be resolved ("any attempt to match it fails").
const Tokens* Resolve(const Template& t, const ConditionKeys& keys, Tokens* scratch) {
  if (!t.has_vars) return &t.fixed;
  scratch->clear();
  for (const Piece& p : t.pieces) {
    if (!p.is_var) {
      *scratch += p.tokens;
      continue;
    }
    std::optional<std::string_view> v = VariableValue(p, keys);
    if (!v) return nullptr;
    for (char c : *v) *scratch += Literal(c);
  }
  return scratch;
}

// ---------------------------------------------------------------------------------------------
// Typed values of condition operators.

std::optional<double> ParseNumber(std::string_view s) {
  if (s.empty() || s.size() > 64) return std::nullopt;
  if (s.find_first_not_of("0123456789+-.eE") != std::string_view::npos) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Reads exactly `n` digits at s[*i] into *out.
bool Digits(std::string_view s, size_t* i, size_t n, int* out) {
  if (*i + n > s.size()) return false;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[*i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *i += n;
  *out = v;
  return true;
}

// Dates as the Date operators take them: "one of the W3C implementations of the ISO 8601 date
// formats" (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.s]]TZD) or epoch seconds (a string
// of digits). Milliseconds since the epoch.
std::optional<int64_t> ParseDateMs(std::string_view s) {
  if (IsDigits(s)) {
    if (s.size() > 15) return std::nullopt;
    int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v * 1000;
  }
  size_t i = 0;
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, ms = 0;
  if (!Digits(s, &i, 4, &year)) return std::nullopt;
  if (i < s.size() && (s[i++] != '-' || !Digits(s, &i, 2, &month))) return std::nullopt;
  if (i < s.size() && (s[i++] != '-' || !Digits(s, &i, 2, &day))) return std::nullopt;
  if (month < 1 || month > 12 || day < 1) return std::nullopt;
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDays[month - 1] || (month == 2 && day == 29 && !leap)) return std::nullopt;
  int64_t offset_min = 0;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != 't') return std::nullopt;
    ++i;
    if (!Digits(s, &i, 2, &hour) || i >= s.size() || s[i++] != ':' || !Digits(s, &i, 2, &minute)) {
      return std::nullopt;
    }
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!Digits(s, &i, 2, &second)) return std::nullopt;
      if (i < s.size() && s[i] == '.') {
        ++i;
        size_t start = i;
        int scale = 100;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          ms += (s[i] - '0') * scale;
          scale /= 10;
          ++i;
        }
        if (i == start) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    if (i < s.size()) {
      if (s[i] == 'Z' || s[i] == 'z') {
        ++i;
      } else if (s[i] == '+' || s[i] == '-') {
        const int sign = s[i++] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!Digits(s, &i, 2, &oh) || i >= s.size() || s[i++] != ':' || !Digits(s, &i, 2, &om) ||
            oh > 23 || om > 59) {
          return std::nullopt;
        }
        offset_min = sign * (oh * 60 + om);
      } else {
        return std::nullopt;
      }
    }
    if (i != s.size()) return std::nullopt;
  }
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_min * 60;
  return secs * 1000 + ms;
}

std::optional<bool> ParseBool(std::string_view s) {
  if (IEquals(s, "true")) return true;
  if (IEquals(s, "false")) return false;
  return std::nullopt;
}

struct Cidr {
  bool v6 = false;
  std::array<uint8_t, 16> addr{};
  int prefix = 0;
};

// "203.0.113.0/24", "2001:DB8:1234:5678::/64"; an address without a prefix is /32 (/128).
std::optional<Cidr> ParseCidr(std::string_view s, bool allow_prefix) {
  if (s.empty() || s.size() > 64) return std::nullopt;
  std::string_view address = s, bits;
  if (size_t slash = s.find('/'); slash != std::string_view::npos) {
    if (!allow_prefix) return std::nullopt;
    address = s.substr(0, slash);
    bits = s.substr(slash + 1);
    if (!IsDigits(bits) || bits.size() > 3) return std::nullopt;
  }
  std::string text(address);
  Cidr c;
  if (inet_pton(AF_INET, text.c_str(), c.addr.data()) == 1) {
    c.prefix = 32;
  } else if (inet_pton(AF_INET6, text.c_str(), c.addr.data()) == 1) {
    c.v6 = true;
    c.prefix = 128;
    // A request from an IPv4-mapped address (::ffff:a.b.c.d) is an IPv4 request.
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!allow_prefix && std::equal(kMapped, kMapped + 12, c.addr.begin())) {
      std::copy(c.addr.begin() + 12, c.addr.end(), c.addr.begin());
      c.v6 = false;
      c.prefix = 32;
    }
  } else {
    return std::nullopt;
  }
  if (!bits.empty()) {
    int p = 0;
    std::from_chars(bits.data(), bits.data() + bits.size(), p);
    if (p > c.prefix) return std::nullopt;
    c.prefix = p;
  }
  return c;
}

bool CidrContains(const Cidr& range, const Cidr& ip) {
  if (range.v6 != ip.v6) return false;
  int bits = range.prefix;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((range.addr[i] & mask) != (ip.addr[i] & mask)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Condition operators (IAM guide, "IAM JSON policy elements: Condition operators").

enum class Family : uint8_t {
  kString,
  kStringIgnoreCase,
  kStringLike,
  kNumeric,
  kDate,
  kBool,
  kBinary,
  kIp,
  kArn,
  kNull
};
enum class Relation : uint8_t { kEq, kLt, kLe, kGt, kGe };
enum class SetOp : uint8_t { kNone, kForAnyValue, kForAllValues };

struct OperatorSpec {
  std::string_view name;
  Family family;
  Relation relation;
  bool negated;
};

constexpr OperatorSpec kOperators[] = {
    {"StringEquals", Family::kString, Relation::kEq, false},
    {"StringNotEquals", Family::kString, Relation::kEq, true},
    {"StringEqualsIgnoreCase", Family::kStringIgnoreCase, Relation::kEq, false},
    {"StringNotEqualsIgnoreCase", Family::kStringIgnoreCase, Relation::kEq, true},
    {"StringLike", Family::kStringLike, Relation::kEq, false},
    {"StringNotLike", Family::kStringLike, Relation::kEq, true},
    {"NumericEquals", Family::kNumeric, Relation::kEq, false},
    {"NumericNotEquals", Family::kNumeric, Relation::kEq, true},
    {"NumericLessThan", Family::kNumeric, Relation::kLt, false},
    {"NumericLessThanEquals", Family::kNumeric, Relation::kLe, false},
    {"NumericGreaterThan", Family::kNumeric, Relation::kGt, false},
    {"NumericGreaterThanEquals", Family::kNumeric, Relation::kGe, false},
    {"DateEquals", Family::kDate, Relation::kEq, false},
    {"DateNotEquals", Family::kDate, Relation::kEq, true},
    {"DateLessThan", Family::kDate, Relation::kLt, false},
    {"DateLessThanEquals", Family::kDate, Relation::kLe, false},
    {"DateGreaterThan", Family::kDate, Relation::kGt, false},
    {"DateGreaterThanEquals", Family::kDate, Relation::kGe, false},
    {"Bool", Family::kBool, Relation::kEq, false},
    {"BinaryEquals", Family::kBinary, Relation::kEq, false},
    {"IpAddress", Family::kIp, Relation::kEq, false},
    {"NotIpAddress", Family::kIp, Relation::kEq, true},
    {"ArnEquals", Family::kArn, Relation::kEq, false},
    {"ArnLike", Family::kArn, Relation::kEq, false},
    {"ArnNotEquals", Family::kArn, Relation::kEq, true},
    {"ArnNotLike", Family::kArn, Relation::kEq, true},
    {"Null", Family::kNull, Relation::kEq, false},
};

struct Operator {
  const OperatorSpec* spec = nullptr;
  SetOp set = SetOp::kNone;
  bool if_exists = false;
};

// "[ForAnyValue:|ForAllValues:]Name[IfExists]"; IfExists and the set operators are refused on
// Null ("You can add IfExists to the end of any condition operator name except the Null
// condition").
std::optional<Operator> ParseOperator(std::string_view name) {
  Operator op;
  if (name.starts_with("ForAnyValue:")) {
    op.set = SetOp::kForAnyValue;
    name.remove_prefix(12);
  } else if (name.starts_with("ForAllValues:")) {
    op.set = SetOp::kForAllValues;
    name.remove_prefix(13);
  }
  if (name.ends_with("IfExists")) {
    op.if_exists = true;
    name.remove_suffix(8);
  }
  for (const OperatorSpec& spec : kOperators) {
    if (spec.name == name) op.spec = &spec;
  }
  if (op.spec == nullptr) return std::nullopt;
  if (op.spec->family == Family::kNull && (op.if_exists || op.set != SetOp::kNone)) {
    return std::nullopt;
  }
  return op;
}

struct ConditionValue {
  Template text;  // String and Arn families
  double number = 0;
  int64_t date_ms = 0;
  bool boolean = false;
  std::string bytes;
  Cidr cidr;
};

struct Condition {
  Operator op;
  std::string key;   // lower case
  std::string name;  // as the policy spells it
  std::vector<ConditionValue> values;
};

enum class ValueError { kNone, kDate, kIp, kOther };

ValueError CompileValue(Family family, std::string_view raw, bool v2012, ConditionValue* out) {
  switch (family) {
    case Family::kString:
    case Family::kStringIgnoreCase:
      out->text = Compile(raw, {.wildcards = false, .variables = v2012});
      return ValueError::kNone;
    case Family::kStringLike:
    case Family::kArn:  // ArnEquals behaves as ArnLike
      out->text = Compile(raw, {.wildcards = true, .variables = v2012});
      return ValueError::kNone;
    case Family::kNumeric:
      if (auto n = ParseNumber(raw)) {
        out->number = *n;
        return ValueError::kNone;
      }
      return ValueError::kOther;
    case Family::kDate:
      if (auto d = ParseDateMs(raw)) {
        out->date_ms = *d;
        return ValueError::kNone;
      }
      return ValueError::kDate;
    case Family::kBool:
    case Family::kNull:
      if (auto b = ParseBool(raw)) {
        out->boolean = *b;
        return ValueError::kNone;
      }
      return ValueError::kOther;
    case Family::kBinary:
      if (auto b = Base64Decode(raw)) {
        out->bytes = std::move(*b);
        return ValueError::kNone;
      }
      return ValueError::kOther;
    case Family::kIp:
      if (auto c = ParseCidr(raw, true)) {
        out->cidr = *c;
        return ValueError::kNone;
      }
      return ValueError::kIp;
  }
  return ValueError::kOther;
}

// The values under one condition key: a scalar or a non-empty array of scalars.
bool ConditionValuesOk(const JsonValue& v) {
  if (v.is_scalar()) return true;
  if (!v.is(JType::kArray) || v.items.empty()) return false;
  return std::all_of(v.items.begin(), v.items.end(),
                     [](const JsonValue& i) { return i.is_scalar(); });
}

// The syntax of a Condition element; *unknown_operator gets the first name that is no operator.
bool ConditionSyntaxOk(const JsonValue& c, std::string* unknown_operator) {
  if (!c.is(JType::kObject)) return false;
  for (size_t i = 0; i < c.keys.size(); ++i) {
    if (!ParseOperator(c.keys[i])) {
      *unknown_operator = c.keys[i];
      return false;
    }
    const JsonValue& block = c.items[i];
    if (!block.is(JType::kObject)) return false;
    for (size_t k = 0; k < block.keys.size(); ++k) {
      if (block.keys[k].empty() || !ConditionValuesOk(block.items[k])) return false;
    }
  }
  return true;
}

ValueError CompileConditions(const JsonValue& c, bool v2012, std::vector<Condition>* out) {
  for (size_t i = 0; i < c.keys.size(); ++i) {
    const Operator op = *ParseOperator(c.keys[i]);
    const JsonValue& block = c.items[i];
    for (size_t k = 0; k < block.keys.size(); ++k) {
      Condition cond;
      cond.op = op;
      cond.key = ToLower(block.keys[k]);
      cond.name = block.keys[k];
      const JsonValue& v = block.items[k];
      auto add = [&](const JsonValue& scalar) {
        ConditionValue value;
        ValueError e = CompileValue(op.spec->family, scalar.text, v2012, &value);
        cond.values.push_back(std::move(value));
        return e;
      };
      if (v.is(JType::kArray)) {
        for (const JsonValue& item : v.items) {
          if (ValueError e = add(item); e != ValueError::kNone) return e;
        }
      } else if (ValueError e = add(v); e != ValueError::kNone) {
        return e;
      }
      out->push_back(std::move(cond));
    }
  }
  return ValueError::kNone;
}

// ArnLike: "Each of the six colon-delimited components of the ARN is checked separately".
// Splits at the first five ':' that are literal tokens (resp. characters).
bool SplitArnTokens(const Tokens& t, std::array<Tokens, 6>* parts) {
  size_t start = 0, n = 0;
  for (size_t i = 0; i < t.size() && n < 5; ++i) {
    if (t[i] == Literal(':')) {
      (*parts)[n++] = t.substr(start, i - start);
      start = i + 1;
    }
  }
  if (n < 5) return false;
  (*parts)[5] = t.substr(start);
  return true;
}

bool SplitArn(std::string_view s, std::array<std::string_view, 6>* parts) {
  size_t start = 0, n = 0;
  for (size_t i = 0; i < s.size() && n < 5; ++i) {
    if (s[i] == ':') {
      (*parts)[n++] = s.substr(start, i - start);
      start = i + 1;
    }
  }
  if (n < 5) return false;
  (*parts)[5] = s.substr(start);
  return true;
}

bool ArnMatch(const Tokens& pattern, std::string_view arn) {
  std::array<Tokens, 6> p;
  std::array<std::string_view, 6> a;
  if (!SplitArnTokens(pattern, &p) || !SplitArn(arn, &a)) return false;
  for (size_t i = 0; i < 6; ++i) {
    if (!GlobMatch(p[i], a[i], false)) return false;
  }
  return true;
}

// The outcome of comparing one request value with one policy value. kFail: the comparison
// cannot be made (a variable that does not resolve, a request value that is not of the
// operator's type).
enum class Cmp { kMatch, kNoMatch, kFail };

Cmp Is(bool b) { return b ? Cmp::kMatch : Cmp::kNoMatch; }

template <class T>
bool Relate(Relation r, const T& request, const T& policy) {
  switch (r) {
    case Relation::kEq:
      return request == policy;
    case Relation::kLt:
      return request < policy;
    case Relation::kLe:
      return request <= policy;
    case Relation::kGt:
      return request > policy;
    case Relation::kGe:
      return request >= policy;
  }
  return false;
}

Cmp CompareOne(const OperatorSpec& spec, const ConditionValue& pv, std::string_view rv,
               const ConditionKeys& keys, Tokens* scratch) {
  switch (spec.family) {
    case Family::kString:
    case Family::kStringIgnoreCase:
    case Family::kStringLike:
    case Family::kArn: {
      const Tokens* t = Resolve(pv.text, keys, scratch);
      if (t == nullptr) return Cmp::kFail;
      if (spec.family == Family::kString) return Is(LiteralEquals(*t, rv, false));
      if (spec.family == Family::kStringIgnoreCase) return Is(LiteralEquals(*t, rv, true));
      if (spec.family == Family::kStringLike) return Is(GlobMatch(*t, rv, false));
      return Is(ArnMatch(*t, rv));
    }
    case Family::kNumeric: {
      std::optional<double> n = ParseNumber(rv);
      return n ? Is(Relate(spec.relation, *n, pv.number)) : Cmp::kFail;
    }
    case Family::kDate: {
      std::optional<int64_t> d = ParseDateMs(rv);
      return d ? Is(Relate(spec.relation, *d, pv.date_ms)) : Cmp::kFail;
    }
    case Family::kBool: {
      std::optional<bool> b = ParseBool(rv);
      return b ? Is(*b == pv.boolean) : Cmp::kFail;
    }
    case Family::kBinary:
      return Is(rv == pv.bytes);
    case Family::kIp: {
      std::optional<Cidr> ip = ParseCidr(rv, false);
      return ip ? Is(CidrContains(pv.cidr, *ip)) : Cmp::kFail;
    }
    case Family::kNull:
      break;
  }
  return Cmp::kFail;
}

// One condition (IAM guide, "Condition operators" and "Creating a condition with multiple keys
// or values"): several policy values are ORed (a negated operator: the request value must match
// none of them); a missing key makes an ordinary operator false, a negated operator or
// ...IfExists true; ForAllValues is true when the key is missing or empty, ForAnyValue false.
// A comparison that cannot be made fails closed: it never lets an Allow statement apply and
// never keeps a Deny statement from applying.
bool ConditionHolds(const Condition& c, const ConditionKeys& keys, bool deny,
                    std::vector<std::string_view>* values, Tokens* scratch) {
  Lookup(keys, c.key, values);
  const OperatorSpec& spec = *c.op.spec;
  if (spec.family == Family::kNull) {
    const bool absent = values->empty();
    return std::any_of(c.values.begin(), c.values.end(),
                       [&](const ConditionValue& v) { return v.boolean == absent; });
  }
  const bool fail_as_match = deny != spec.negated;
  auto matches = [&](std::string_view rv) {
    for (const ConditionValue& pv : c.values) {
      Cmp r = CompareOne(spec, pv, rv, keys, scratch);
      if (r == Cmp::kMatch || (r == Cmp::kFail && fail_as_match)) return true;
    }
    return false;
  };
  auto holds = [&](std::string_view rv) { return spec.negated ? !matches(rv) : matches(rv); };
  const bool missing = values->empty();
  switch (c.op.set) {
    case SetOp::kNone:
      if (missing) return c.op.if_exists || spec.negated;
      // Several request values without a set operator: an ordinary operator needs one of them
      // to match, a negated one needs none to.
      return spec.negated ? std::all_of(values->begin(), values->end(), holds)
                          : std::any_of(values->begin(), values->end(), holds);
    case SetOp::kForAllValues:
    case SetOp::kForAnyValue: {
      // "If the key values in the request resolve to an empty data set (for example, an empty
      // string), ForAllValues returns true, and ForAnyValue returns false."
      const bool empty =
          std::all_of(values->begin(), values->end(), [](std::string_view v) { return v.empty(); });
      if (c.op.set == SetOp::kForAllValues) {
        return empty || std::all_of(values->begin(), values->end(), holds);
      }
      if (missing) return c.op.if_exists;
      return !empty && std::any_of(values->begin(), values->end(), holds);
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Principals (IAM guide, "AWS JSON policy elements: Principal" and "NotPrincipal").

struct PrincipalSpec {
  bool everyone = false;              // "*" or {"AWS": "*"}
  std::vector<std::string> accounts;  // "123456789012" and arn:aws:iam::123456789012:root
  std::vector<std::string> arns;      // users, roles, role sessions, federated users
  std::vector<std::string> services;
  // Federated and CanonicalUser entries are kept out: evoke has neither kind of principal.
};

// How a resource policy's Allow reaches the principal, weakest first: through its account (a
// delegation to the account's own policies), through the role of its session (still limited by
// the boundary and session policies), or directly.
enum class Grant : uint8_t { kNone, kAccount, kRole, kDirect };

template <class C>
bool Contains(const C& c, std::string_view v) {
  return std::find(std::begin(c), std::end(c), v) != std::end(c);
}

Grant MatchPrincipal(const PrincipalSpec& p, const PrincipalInfo& who) {
  if (p.everyone) return Grant::kDirect;
  using Kind = PrincipalInfo::Kind;
  switch (who.kind) {
    case Kind::kAnonymous:
      return Grant::kNone;
    case Kind::kService:
      return Contains(p.services, who.service) ? Grant::kDirect : Grant::kNone;
    case Kind::kRoot:
    case Kind::kUser:
    case Kind::kAssumedRole:
      if (!who.arn.empty() && Contains(p.arns, who.arn)) return Grant::kDirect;
      if (who.kind == Kind::kAssumedRole && !who.role_arn.empty() &&
          Contains(p.arns, who.role_arn)) {
        return Grant::kRole;
      }
      if (!who.account_id.empty() && Contains(p.accounts, who.account_id)) return Grant::kAccount;
      return Grant::kNone;
  }
  return Grant::kNone;
}

// NotPrincipal with Deny: "AWS might validate the account first, then the role, and then the
// assumed-role user", so a principal escapes the Deny only when every identity it acts as is
// named: its account, its role, and itself.
bool EveryIdentityNamed(const PrincipalSpec& p, const PrincipalInfo& who) {
  if (p.everyone) return true;
  using Kind = PrincipalInfo::Kind;
  switch (who.kind) {
    case Kind::kAnonymous:
      return false;
    case Kind::kService:
      return Contains(p.services, who.service);
    case Kind::kRoot:
      return Contains(p.accounts, who.account_id);
    case Kind::kUser:
      return Contains(p.accounts, who.account_id) && Contains(p.arns, who.arn);
    case Kind::kAssumedRole:
      return Contains(p.accounts, who.account_id) && Contains(p.arns, who.role_arn) &&
             Contains(p.arns, who.arn);
  }
  return false;
}

bool IsAccountId(std::string_view s) { return s.size() == 12 && IsDigits(s); }

// An "AWS" principal entry: "*", an account id, or the ARN of an account, user, role, role
// session or federated user. No partial wildcards ("You cannot use a wildcard to match part of
// a principal name or ARN").
bool AddAwsPrincipal(std::string_view v, PrincipalSpec* out) {
  if (v == "*") {
    out->everyone = true;
    return true;
  }
  if (HasWildcard(v)) return false;
  if (IsAccountId(v)) {
    out->accounts.emplace_back(v);
    return true;
  }
  std::array<std::string_view, 6> a;
  if (!SplitArn(v, &a) || a[0] != "arn" || a[1] != "aws" || !a[3].empty() || !IsAccountId(a[4])) {
    return false;
  }
  std::string_view r = a[5];
  auto named = [](std::string_view rest) { return !rest.empty() && rest.back() != '/'; };
  if (a[2] == "iam") {
    if (r == "root") {
      out->accounts.emplace_back(a[4]);
      return true;
    }
    if ((r.starts_with("user/") && named(r.substr(5))) ||
        (r.starts_with("role/") && named(r.substr(5)))) {
      out->arns.emplace_back(v);
      return true;
    }
    return false;
  }
  if (a[2] == "sts") {
    if (r.starts_with("assumed-role/")) {
      std::string_view rest = r.substr(13);
      size_t slash = rest.find('/');
      if (slash == 0 || slash == std::string_view::npos || slash + 1 == rest.size()) return false;
      out->arns.emplace_back(v);
      return true;
    }
    if (r.starts_with("federated-user/") && named(r.substr(15))) {
      out->arns.emplace_back(v);
      return true;
    }
  }
  return false;
}

enum class PrincipalError { kNone, kEmpty, kSyntax, kInvalid };

// The Principal / NotPrincipal element: "*" or a map of AWS, Service, Federated and
// CanonicalUser to a string or a list of strings. *bad gets the refused entry as IAM quotes it
// ("AWS":"arn:aws:iam::123456789012:role/Nope").
PrincipalError CompilePrincipal(const JsonValue& v, PrincipalSpec* out, std::string* bad) {
  if (v.is(JType::kString)) {
    if (v.text != "*") return PrincipalError::kSyntax;
    out->everyone = true;
    return PrincipalError::kNone;
  }
  if (!v.is(JType::kObject)) return PrincipalError::kSyntax;
  if (v.keys.empty()) return PrincipalError::kEmpty;
  std::vector<std::string_view> entries;
  for (size_t i = 0; i < v.keys.size(); ++i) {
    const std::string& type = v.keys[i];
    if (type != "AWS" && type != "Service" && type != "Federated" && type != "CanonicalUser") {
      return PrincipalError::kSyntax;
    }
    if (!StringList(v.items[i], &entries)) return PrincipalError::kSyntax;
    if (entries.empty()) return PrincipalError::kEmpty;
    for (std::string_view e : entries) {
      bool ok = false;
      if (type == "AWS") {
        ok = AddAwsPrincipal(e, out);
      } else if (!e.empty() && !HasWildcard(e)) {
        ok = true;
        if (type == "Service") out->services.emplace_back(e);
      }
      if (!ok) {
        *bad = "\"" + (type == "Service" ? std::string("SERVICE") : type) + "\":\"" +
               std::string(e) + "\"";
        return PrincipalError::kInvalid;
      }
    }
  }
  return PrincipalError::kNone;
}

// ---------------------------------------------------------------------------------------------
// Statements.

struct ResourcePattern {
  std::string raw;
  Template pattern;
  bool everything = false;  // "*"
};

ResourcePattern CompileResource(std::string_view raw, bool v2012) {
  ResourcePattern r;
  r.raw = std::string(raw);
  if (raw == "*") {
    r.everything = true;
    return r;
  }
  // Variables only "in the resource portion of the ARN ... after the fifth colon".
  size_t from = std::string_view::npos;
  for (size_t i = 0, colons = 0; i < raw.size(); ++i) {
    if (raw[i] == ':' && ++colons == 5) {
      from = i + 1;
      break;
    }
  }
  r.pattern = Compile(raw, {.wildcards = true,
                            .variables = v2012 && from != std::string_view::npos,
                            .variables_from = from == std::string_view::npos ? 0 : from,
                            .arn_segments = true});
  return r;
}

Cmp MatchResource(const ResourcePattern& r, std::string_view resource, const ConditionKeys& keys,
                  Tokens* scratch) {
  if (r.everything) return Cmp::kMatch;
  const Tokens* t = Resolve(r.pattern, keys, scratch);
  if (t == nullptr) return Cmp::kFail;
  return Is(GlobMatch(*t, resource, false));
}

struct Statement {
  std::string sid;
  bool deny = false;
  bool not_action = false;
  std::vector<Tokens> actions;  // lower case
  bool has_resource = false;
  bool not_resource = false;
  std::vector<ResourcePattern> resources;
  bool has_principal = false;
  bool not_principal = false;
  PrincipalSpec principal;
  std::vector<Condition> conditions;
};

Tokens CompileAction(std::string_view action) {
  Template t = Compile(ToLower(action), {.wildcards = true});
  return t.fixed;
}

}  // namespace

struct Policy::Data {
  PolicyKind kind = PolicyKind::kIdentity;
  bool v2012 = false;
  std::vector<Statement> statements;
  bool uses_keys = false;  // a condition, or a policy variable in a resource
};

Policy::Policy() : data_(std::make_shared<const Data>()) {}
PolicyKind Policy::kind() const { return data_->kind; }
bool Policy::uses_keys() const { return data_->uses_keys; }
std::string_view Policy::version() const { return data_->v2012 ? "2012-10-17" : "2008-10-17"; }
size_t Policy::statement_count() const { return data_->statements.size(); }

class PolicyAccess {
 public:
  static const Policy::Data& Of(const Policy& p) { return *p.data_; }
  static Policy Make(std::shared_ptr<Policy::Data> d) {
    for (const auto& s : d->statements) {
      d->uses_keys |= !s.conditions.empty();
      for (const auto& r : s.resources) d->uses_keys |= r.pattern.has_vars;
    }
    return Policy(std::move(d));
  }
};

Policy Combine(const Policy& first, const Policy& second) {
  const Policy::Data& a = PolicyAccess::Of(first);
  const Policy::Data& b = PolicyAccess::Of(second);
  auto d = std::make_shared<Policy::Data>(a);
  d->statements.insert(d->statements.end(), b.statements.begin(), b.statements.end());
  d->uses_keys = a.uses_keys || b.uses_keys;
  return PolicyAccess::Make(std::move(d));
}

namespace {

// ---------------------------------------------------------------------------------------------
// Parsing, IAM's dialect. Checks run in the order IAM reports them (as moto's validator models
// it: getmoto/moto moto/iam/policy_validation.py): syntax, version, legacy parsing, Sid
// uniqueness, actions, resources, resource formats, action prefixes; then principals.

constexpr std::string_view kSyntaxErrors = "Syntax errors in policy.";

bool IsIdentityKind(PolicyKind k) {
  return k == PolicyKind::kIdentity || k == PolicyKind::kManaged;
}

bool ValidVersion(const JsonValue& v) {
  return v.is(JType::kString) && (v.text == "2012-10-17" || v.text == "2008-10-17");
}

bool StatementSyntaxOk(const JsonValue& s, bool principals) {
  if (!s.is(JType::kObject)) return false;
  static constexpr std::string_view kElements[] = {
      "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"};
  for (const std::string& k : s.keys) {
    const bool known =
        Contains(kElements, k) || (principals && (k == "Principal" || k == "NotPrincipal"));
    if (!known) return false;
  }
  auto both = [&](std::string_view a, std::string_view b) { return s.Find(a) && s.Find(b); };
  if (both("Action", "NotAction") || both("Resource", "NotResource") ||
      both("Principal", "NotPrincipal")) {
    return false;
  }
  const JsonValue* effect = s.Find("Effect");
  if (!effect || !effect->is(JType::kString) ||
      !(IEquals(effect->text, "Allow") || IEquals(effect->text, "Deny"))) {
    return false;
  }
  if (const JsonValue* sid = s.Find("Sid"); sid && !sid->is(JType::kString)) return false;
  std::vector<std::string_view> list;
  for (std::string_view e : {"Action", "NotAction", "Resource", "NotResource"}) {
    if (const JsonValue* v = s.Find(e); v && !StringList(*v, &list)) return false;
  }
  std::string unknown;
  if (const JsonValue* c = s.Find("Condition"); c && !ConditionSyntaxOk(*c, &unknown)) return false;
  for (std::string_view e : {"Principal", "NotPrincipal"}) {
    const JsonValue* p = s.Find(e);
    if (!p) continue;
    PrincipalSpec spec;
    std::string bad;
    PrincipalError pe = CompilePrincipal(*p, &spec, &bad);
    if (pe == PrincipalError::kSyntax || pe == PrincipalError::kEmpty) return false;
  }
  return true;
}

// 'Resource X must be in ARN format or "*".' and the other resource format messages IAM gives.
std::optional<std::string> ResourceFormatError(std::string_view r) {
  if (r == "*") return std::nullopt;
  std::array<std::string_view, 6> a;
  if (r.find(':') == std::string_view::npos || !SplitArn(r, &a) || a[0] != "arn") {
    return "Resource " + std::string(r) + " must be in ARN format or \"*\".";
  }
  if (a[1] != "aws") {
    return "Partition \"" + std::string(a[1]) + "\" is not valid for resource \"" + std::string(r) +
           "\".";
  }
  if (a[2].empty() || HasWildcard(a[2])) {
    return "Resource vendor must be fully qualified and cannot contain regexes.";
  }
  return std::nullopt;
}

std::optional<std::string> ActionFormatError(std::string_view action) {
  if (action == "*") return std::nullopt;
  size_t colon = action.find(':');
  if (colon == std::string_view::npos) {
    return "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
  }
  if (action.find(':', colon + 1) != std::string_view::npos) {
    return "Actions/Condition can contain only one colon.";
  }
  std::string_view vendor = action.substr(0, colon);
  const bool ok = !vendor.empty() && std::all_of(vendor.begin(), vendor.end(), [](char c) {
    return IsAlnum(c) || c == '-' || c == '.';
  });
  if (!ok) return "Vendor " + std::string(vendor) + " is not valid";
  return std::nullopt;
}

// Builds the parts of a statement that both dialects compile the same way.
ValueError CompileCommon(const JsonValue& s, bool v2012, Statement* out) {
  std::vector<std::string_view> list;
  if (const JsonValue* sid = s.Find("Sid")) out->sid = sid->text;
  out->deny = s.Find("Effect")->text == "Deny";
  const JsonValue* action = s.Find("Action");
  out->not_action = action == nullptr;
  StringList(action ? *action : *s.Find("NotAction"), &list);
  for (std::string_view a : list) out->actions.push_back(CompileAction(a));
  const JsonValue* resource = s.Find("Resource");
  const JsonValue* not_resource = s.Find("NotResource");
  if (resource || not_resource) {
    out->has_resource = true;
    out->not_resource = resource == nullptr;
    StringList(resource ? *resource : *not_resource, &list);
    for (std::string_view r : list) out->resources.push_back(CompileResource(r, v2012));
  }
  if (const JsonValue* c = s.Find("Condition"))
    return CompileConditions(*c, v2012, &out->conditions);
  return ValueError::kNone;
}

Result<Policy> ParseIam(std::string_view json, PolicyKind kind) {
  auto fail = [](std::string_view message) {
    return MakeError("MalformedPolicyDocument", std::string(message));
  };
  if (json.size() > kMaxPolicyChars) return fail(kSyntaxErrors);
  JsonValue root;
  if (!ParseJson(json, &root) || !root.is(JType::kObject)) return fail(kSyntaxErrors);

  const JsonValue* statement = root.Find("Statement");
  std::vector<const JsonValue*> statements;
  if (statement && statement->is(JType::kObject)) {
    statements.push_back(statement);
  } else if (statement && statement->is(JType::kArray)) {
    for (const JsonValue& s : statement->items) statements.push_back(&s);
  }

  // Prohibited elements, which IAM names before anything else.
  for (const JsonValue* s : statements) {
    if (!s->is(JType::kObject)) continue;
    if (IsIdentityKind(kind) && (s->Find("Principal") || s->Find("NotPrincipal"))) {
      return fail("Policy document should not specify a principal.");
    }
    if (kind == PolicyKind::kTrust) {
      for (std::string_view e : {"Resource", "NotResource"}) {
        if (s->Find(e)) return fail("Has prohibited field " + std::string(e) + ".");
      }
    }
  }

  // Syntax.
  for (const std::string& k : root.keys) {
    if (k != "Version" && k != "Id" && k != "Statement") return fail(kSyntaxErrors);
  }
  const JsonValue* version = root.Find("Version");
  if (version && !ValidVersion(*version)) return fail(kSyntaxErrors);
  if (const JsonValue* id = root.Find("Id"); id && !id->is(JType::kString))
    return fail(kSyntaxErrors);
  if (statements.empty()) return fail(kSyntaxErrors);
  const bool principals = !IsIdentityKind(kind);
  for (const JsonValue* s : statements) {
    if (!StatementSyntaxOk(*s, principals)) return fail(kSyntaxErrors);
  }

  const bool v2012 = version && version->text == "2012-10-17";
  if (kind == PolicyKind::kManaged && !v2012) {
    return fail("Policy document must be version 2012-10-17 or greater.");
  }

  // Legacy parsing: Effect is case-sensitive here.
  for (const JsonValue* s : statements) {
    const std::string& effect = s->Find("Effect")->text;
    if (effect != "Allow" && effect != "Deny") return fail("The policy failed legacy parsing");
  }

  std::vector<std::string_view> sids;
  for (const JsonValue* s : statements) {
    const JsonValue* sid = s->Find("Sid");
    if (sid && !sid->text.empty()) sids.push_back(sid->text);
  }
  std::sort(sids.begin(), sids.end());
  if (std::adjacent_find(sids.begin(), sids.end()) != sids.end()) {
    return fail("Statement IDs (SID) in a single policy must be unique.");
  }
  // "For IAM policies, basic alphanumeric characters (A-Z,a-z,0-9) are the only allowed
  // characters in the Sid value."
  if (kind != PolicyKind::kResource) {
    for (std::string_view sid : sids) {
      if (!std::all_of(sid.begin(), sid.end(), IsAlnum)) {
        return fail(
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
            "regular expression [0-9A-Za-z]*");
      }
    }
  }

  std::vector<std::string_view> list;
  for (const JsonValue* s : statements) {
    const JsonValue* a = s->Find("Action");
    if (!a) a = s->Find("NotAction");
    if (!a || !StringList(*a, &list) || list.empty()) {
      return fail("Policy statement must contain actions.");
    }
  }
  if (kind != PolicyKind::kTrust) {
    for (const JsonValue* s : statements) {
      const JsonValue* r = s->Find("Resource");
      if (!r) r = s->Find("NotResource");
      if (!r || !StringList(*r, &list) || list.empty()) {
        return fail("Policy statement must contain resources.");
      }
    }
  }
  if (principals) {
    for (const JsonValue* s : statements) {
      if (!s->Find("Principal") && !s->Find("NotPrincipal")) {
        return fail(
            "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The "
            "passed in policy has a statement with no principals!");
      }
    }
  }
  for (const JsonValue* s : statements) {
    for (std::string_view e : {"Resource", "NotResource"}) {
      const JsonValue* r = s->Find(e);
      if (!r) continue;
      StringList(*r, &list);
      for (std::string_view res : list) {
        if (auto message = ResourceFormatError(res)) return fail(*message);
      }
    }
  }
  for (const JsonValue* s : statements) {
    for (std::string_view e : {"Action", "NotAction"}) {
      const JsonValue* a = s->Find(e);
      if (!a) continue;
      StringList(*a, &list);
      for (std::string_view action : list) {
        if (auto message = ActionFormatError(action)) return fail(*message);
      }
    }
    if (const JsonValue* c = s->Find("Condition")) {
      for (const JsonValue& block : c->items) {
        for (const std::string& key : block.keys) {
          if (key.find(':') == std::string::npos) {
            return fail(
                "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
          }
        }
      }
    }
  }

  auto data = std::make_shared<Policy::Data>();
  data->kind = kind;
  data->v2012 = v2012;
  for (const JsonValue* s : statements) {
    Statement st;
    for (std::string_view e : {"Principal", "NotPrincipal"}) {
      const JsonValue* p = s->Find(e);
      if (!p) continue;
      std::string bad;
      if (CompilePrincipal(*p, &st.principal, &bad) != PrincipalError::kNone) {
        return fail("Invalid principal in policy: " + bad);
      }
      st.has_principal = true;
      st.not_principal = e == "NotPrincipal";
    }
    switch (CompileCommon(*s, v2012, &st)) {
      case ValueError::kNone:
        break;
      case ValueError::kDate:
        return fail("The policy failed legacy parsing");
      case ValueError::kIp:
      case ValueError::kOther:
        return fail(kSyntaxErrors);
    }
    data->statements.push_back(std::move(st));
  }
  return PolicyAccess::Make(std::move(data));
}

// ---------------------------------------------------------------------------------------------
// Parsing, S3's dialect (PutBucketPolicy's MalformedPolicy messages).

constexpr std::string_view kS3ResourcePrefix = "arn:aws:s3:::";
constexpr std::string_view kS3InvalidJson = "This policy contains invalid Json";

// Whether a bucket-policy resource can name a bucket (no '/') or an object ('/', or a '*' that
// can expand across one).
bool CanNameBucket(std::string_view resource) {
  return resource.substr(kS3ResourcePrefix.size()).find('/') == std::string_view::npos;
}
bool CanNameObject(std::string_view resource) {
  return resource.substr(kS3ResourcePrefix.size()).find_first_of("/*") != std::string_view::npos;
}

bool ValidS3Action(std::string_view a) {
  if (a == "*") return true;
  if (!IStartsWith(a, "s3:") || a.size() == 3) return false;
  std::string_view name = a.substr(3);
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsAlnum(c) || c == '*' || c == '?'; });
}

bool ValidS3Resource(std::string_view r) {
  return r.starts_with(kS3ResourcePrefix) && r.size() > kS3ResourcePrefix.size() &&
         r[kS3ResourcePrefix.size()] != '/';
}

Result<Policy> ParseS3(std::string_view json) {
  auto fail = [](std::string_view message) {
    return MakeError("MalformedPolicy", std::string(message));
  };
  if (json.empty() || json.front() != '{') {
    return fail("Policies must be valid JSON and the first byte must be '{'");
  }
  if (json.size() > kMaxPolicyChars) return fail(kS3InvalidJson);
  JsonValue root;
  if (!ParseJson(json, &root) || !root.is(JType::kObject)) return fail(kS3InvalidJson);
  for (const std::string& k : root.keys) {
    if (k != "Version" && k != "Id" && k != "Statement") return fail("Unknown field " + k);
  }
  const JsonValue* version = root.Find("Version");
  if (version && !ValidVersion(*version))
    return fail("The policy must contain a valid version string");
  if (const JsonValue* id = root.Find("Id"); id && !id->is(JType::kString))
    return fail(kS3InvalidJson);
  const JsonValue* statement = root.Find("Statement");
  if (!statement) return fail("Missing required field Statement");
  std::vector<const JsonValue*> statements;
  if (statement->is(JType::kObject)) {
    statements.push_back(statement);
  } else if (statement->is(JType::kArray)) {
    for (const JsonValue& s : statement->items) statements.push_back(&s);
  } else {
    return fail(kS3InvalidJson);
  }
  if (statements.empty()) return fail("Could not parse the policy: Statement is empty!");

  const bool v2012 = version && version->text == "2012-10-17";
  auto data = std::make_shared<Policy::Data>();
  data->kind = PolicyKind::kBucket;
  data->v2012 = v2012;
  std::vector<std::string_view> list;
  static constexpr std::string_view kElements[] = {"Sid",          "Effect",      "Principal",
                                                   "NotPrincipal", "Action",      "NotAction",
                                                   "Resource",     "NotResource", "Condition"};
  for (const JsonValue* s : statements) {
    if (!s->is(JType::kObject)) return fail(kS3InvalidJson);
    for (const std::string& k : s->keys) {
      if (!Contains(kElements, k)) return fail("Unknown field " + k);
    }
    auto either = [&](std::string_view a, std::string_view b, const JsonValue** v) {
      const JsonValue* x = s->Find(a);
      const JsonValue* y = s->Find(b);
      *v = x ? x : y;
      return !(x && y);
    };
    if (const JsonValue* sid = s->Find("Sid"); sid && !sid->is(JType::kString))
      return fail(kS3InvalidJson);
    const JsonValue* effect = s->Find("Effect");
    if (!effect) return fail("Missing required field Effect");
    if (!effect->is(JType::kString) || (effect->text != "Allow" && effect->text != "Deny")) {
      return fail("Invalid effect: " + (effect->is(JType::kString) ? effect->text : std::string()));
    }

    Statement st;
    const JsonValue* principal = nullptr;
    if (!either("Principal", "NotPrincipal", &principal)) return fail(kS3InvalidJson);
    if (!principal) return fail("Missing required field Principal");
    std::string bad;
    switch (CompilePrincipal(*principal, &st.principal, &bad)) {
      case PrincipalError::kNone:
        break;
      case PrincipalError::kEmpty:
        return fail("Missing required field Principal cannot be empty!");
      case PrincipalError::kSyntax:
      case PrincipalError::kInvalid:
        return fail("Invalid principal in policy");
    }
    st.has_principal = true;
    st.not_principal = s->Find("NotPrincipal") != nullptr;

    const JsonValue* action = nullptr;
    if (!either("Action", "NotAction", &action)) return fail(kS3InvalidJson);
    if (!action) return fail("Missing required field Action");
    if (!StringList(*action, &list) || list.empty() ||
        !std::all_of(list.begin(), list.end(), ValidS3Action)) {
      return fail("Policy has invalid action");
    }
    std::vector<std::string_view> actions = list;

    const JsonValue* resource = nullptr;
    if (!either("Resource", "NotResource", &resource)) return fail(kS3InvalidJson);
    if (!resource) return fail("Missing required field Resource");
    if (!StringList(*resource, &list) || list.empty() ||
        !std::all_of(list.begin(), list.end(), ValidS3Resource)) {
      return fail("Policy has invalid resource");
    }

    if (const JsonValue* c = s->Find("Condition")) {
      std::string unknown;
      if (!ConditionSyntaxOk(*c, &unknown)) {
        if (!unknown.empty()) return fail("Invalid Condition type : " + unknown);
        return fail(kS3InvalidJson);
      }
    }

    // "Action does not apply to any resource(s) in statement": each named S3 action needs a
    // resource of its type (wildcard actions apply to both).
    if (s->Find("Action") && s->Find("Resource")) {
      for (std::string_view a : actions) {
        if (HasWildcard(a)) continue;
        std::optional<S3ResourceType> type = S3ResourceTypeOf(a);
        if (!type) continue;
        const bool ok = std::any_of(list.begin(), list.end(), [&](std::string_view r) {
          return *type == S3ResourceType::kBucket ? CanNameBucket(r) : CanNameObject(r);
        });
        if (!ok) return fail("Action does not apply to any resource(s) in statement");
      }
    }

    switch (CompileCommon(*s, v2012, &st)) {
      case ValueError::kNone:
        break;
      case ValueError::kIp:
        return fail("Invalid IP address in Conditions");
      case ValueError::kDate:
      case ValueError::kOther:
        return fail("Policy has an invalid condition value");
    }
    data->statements.push_back(std::move(st));
  }
  return PolicyAccess::Make(std::move(data));
}

// ---------------------------------------------------------------------------------------------
// Evaluation.

struct Scratch {
  Tokens tokens;
  std::vector<std::string_view> values;
};

// Whether a statement applies to the request, and how its principal was reached (kDirect for
// statements without a principal).
Grant Applies(const Statement& s, const RequestContext& r, bool check_principal, Scratch* scratch) {
  const bool action = std::any_of(s.actions.begin(), s.actions.end(),
                                  [&](const Tokens& a) { return GlobMatch(a, r.action, true); });
  if (action == s.not_action) return Grant::kNone;

  if (s.has_resource) {
    const bool fail_as_match = s.deny != s.not_resource;
    bool any = false;
    for (const ResourcePattern& p : s.resources) {
      Cmp m = MatchResource(p, r.resource, r.keys, &scratch->tokens);
      if (m == Cmp::kMatch || (m == Cmp::kFail && fail_as_match)) {
        any = true;
        break;
      }
    }
    if (any == s.not_resource) return Grant::kNone;
  }

  Grant grant = Grant::kDirect;
  if (check_principal && s.has_principal) {
    if (!s.not_principal) {
      grant = MatchPrincipal(s.principal, r.principal);
      if (grant == Grant::kNone) return Grant::kNone;
    } else {
      // NotPrincipal: an Allow reaches everyone not named; a Deny everyone not fully named.
      const bool applies = s.deny ? !EveryIdentityNamed(s.principal, r.principal)
                                  : MatchPrincipal(s.principal, r.principal) == Grant::kNone;
      if (!applies) return Grant::kNone;
    }
  }

  for (const Condition& c : s.conditions) {
    if (!ConditionHolds(c, r.keys, s.deny, &scratch->values, &scratch->tokens)) return Grant::kNone;
  }
  return grant;
}

struct Outcome {
  Effect effect = Effect::kNotApplicable;
  Grant grant = Grant::kNone;  // the strongest Allow when effect is kAllow
};

Outcome EvaluateWithGrant(const Policy& policy, const RequestContext& r) {
  const Policy::Data& d = PolicyAccess::Of(policy);
  const bool check_principal = !IsIdentityKind(d.kind);
  Scratch scratch;
  Outcome out;
  for (const Statement& s : d.statements) {
    if (!s.deny) continue;
    if (Applies(s, r, check_principal, &scratch) != Grant::kNone)
      return {Effect::kDeny, Grant::kNone};
  }
  for (const Statement& s : d.statements) {
    if (s.deny) continue;
    Grant g = Applies(s, r, check_principal, &scratch);
    if (g != Grant::kNone) {
      out.effect = Effect::kAllow;
      out.grant = std::max(out.grant, g);
      if (g == Grant::kDirect) break;
    }
  }
  return out;
}

// The S3 action -> resource type table (Service Authorization Reference, "Actions defined by
// Amazon S3"), lower case, sorted.
struct S3ActionType {
  std::string_view action;
  S3ResourceType type;
};
constexpr S3ActionType kS3Actions[] = {
    {"abortmultipartupload", S3ResourceType::kObject},
    {"bypassgovernanceretention", S3ResourceType::kObject},
    {"createbucket", S3ResourceType::kBucket},
    {"deletebucket", S3ResourceType::kBucket},
    {"deletebucketpolicy", S3ResourceType::kBucket},
    {"deletebucketwebsite", S3ResourceType::kBucket},
    {"deleteobject", S3ResourceType::kObject},
    {"deleteobjecttagging", S3ResourceType::kObject},
    {"deleteobjectversion", S3ResourceType::kObject},
    {"deleteobjectversiontagging", S3ResourceType::kObject},
    {"getaccelerateconfiguration", S3ResourceType::kBucket},
    {"getbucketacl", S3ResourceType::kBucket},
    {"getbucketcors", S3ResourceType::kBucket},
    {"getbucketlocation", S3ResourceType::kBucket},
    {"getbucketlogging", S3ResourceType::kBucket},
    {"getbucketnotification", S3ResourceType::kBucket},
    {"getbucketobjectlockconfiguration", S3ResourceType::kBucket},
    {"getbucketownershipcontrols", S3ResourceType::kBucket},
    {"getbucketpolicy", S3ResourceType::kBucket},
    {"getbucketpolicystatus", S3ResourceType::kBucket},
    {"getbucketpublicaccessblock", S3ResourceType::kBucket},
    {"getbucketrequestpayment", S3ResourceType::kBucket},
    {"getbuckettagging", S3ResourceType::kBucket},
    {"getbucketversioning", S3ResourceType::kBucket},
    {"getbucketwebsite", S3ResourceType::kBucket},
    {"getencryptionconfiguration", S3ResourceType::kBucket},
    {"getlifecycleconfiguration", S3ResourceType::kBucket},
    {"getobject", S3ResourceType::kObject},
    {"getobjectacl", S3ResourceType::kObject},
    {"getobjectattributes", S3ResourceType::kObject},
    {"getobjectlegalhold", S3ResourceType::kObject},
    {"getobjectretention", S3ResourceType::kObject},
    {"getobjecttagging", S3ResourceType::kObject},
    {"getobjectversion", S3ResourceType::kObject},
    {"getobjectversionacl", S3ResourceType::kObject},
    {"getobjectversionattributes", S3ResourceType::kObject},
    {"getobjectversiontagging", S3ResourceType::kObject},
    {"getreplicationconfiguration", S3ResourceType::kBucket},
    {"listbucket", S3ResourceType::kBucket},
    {"listbucketmultipartuploads", S3ResourceType::kBucket},
    {"listbucketversions", S3ResourceType::kBucket},
    {"listmultipartuploadparts", S3ResourceType::kObject},
    {"putaccelerateconfiguration", S3ResourceType::kBucket},
    {"putbucketacl", S3ResourceType::kBucket},
    {"putbucketcors", S3ResourceType::kBucket},
    {"putbucketlogging", S3ResourceType::kBucket},
    {"putbucketnotification", S3ResourceType::kBucket},
    {"putbucketobjectlockconfiguration", S3ResourceType::kBucket},
    {"putbucketownershipcontrols", S3ResourceType::kBucket},
    {"putbucketpolicy", S3ResourceType::kBucket},
    {"putbucketpublicaccessblock", S3ResourceType::kBucket},
    {"putbucketrequestpayment", S3ResourceType::kBucket},
    {"putbuckettagging", S3ResourceType::kBucket},
    {"putbucketversioning", S3ResourceType::kBucket},
    {"putbucketwebsite", S3ResourceType::kBucket},
    {"putencryptionconfiguration", S3ResourceType::kBucket},
    {"putlifecycleconfiguration", S3ResourceType::kBucket},
    {"putobject", S3ResourceType::kObject},
    {"putobjectacl", S3ResourceType::kObject},
    {"putobjectlegalhold", S3ResourceType::kObject},
    {"putobjectretention", S3ResourceType::kObject},
    {"putobjecttagging", S3ResourceType::kObject},
    {"putobjectversionacl", S3ResourceType::kObject},
    {"putobjectversiontagging", S3ResourceType::kObject},
    {"putreplicationconfiguration", S3ResourceType::kBucket},
    {"restoreobject", S3ResourceType::kObject},
};

constexpr bool SortedS3Actions() {
  for (size_t i = 1; i < std::size(kS3Actions); ++i) {
    if (!(kS3Actions[i - 1].action < kS3Actions[i].action)) return false;
  }
  return true;
}
static_assert(SortedS3Actions(), "kS3Actions must be sorted for lower_bound");

std::string Because(std::string_view what, std::string_view action) {
  return "because no " + std::string(what) + " allows the " + std::string(action) + " action";
}

}  // namespace

Result<Policy> ParsePolicy(std::string_view json, PolicyKind kind) {
  if (kind == PolicyKind::kBucket) return ParseS3(json);
  return ParseIam(json, kind);
}

Result<Policy> ParseBucketPolicy(std::string_view json, std::string_view bucket) {
  Result<Policy> policy = ParsePolicy(json, PolicyKind::kBucket);
  if (!policy.ok()) return policy;
  for (const Statement& s : PolicyAccess::Of(*policy).statements) {
    for (const ResourcePattern& r : s.resources) {
      std::string_view name = std::string_view(r.raw).substr(kS3ResourcePrefix.size());
      const bool ours =
          name.starts_with(bucket) && (name.size() == bucket.size() || name[bucket.size()] == '/');
      if (!ours) return MakeError("MalformedPolicy", "Policy has invalid resource");
    }
  }
  return policy;
}

Effect Evaluate(const Policy& policy, const RequestContext& request) {
  return EvaluateWithGrant(policy, request).effect;
}

Decision Decide(std::span<const Policy* const> identity, const Policy* resource,
                std::span<const Policy* const> session, const Policy* boundary,
                const RequestContext& request) {
  auto evaluate_all = [&](std::span<const Policy* const> policies, bool* allowed) {
    bool deny = false;
    for (const Policy* p : policies) {
      if (p == nullptr) continue;
      Effect e = Evaluate(*p, request);
      deny = deny || e == Effect::kDeny;
      *allowed = *allowed || e == Effect::kAllow;
    }
    return deny;
  };
  bool identity_allows = false, session_allows = false;
  const bool identity_denies = evaluate_all(identity, &identity_allows);
  const bool session_denies = evaluate_all(session, &session_allows);
  const Outcome from_resource = resource ? EvaluateWithGrant(*resource, request) : Outcome{};
  const Effect from_boundary = boundary ? Evaluate(*boundary, request) : Effect::kNotApplicable;

  Decision d;
  if (identity_denies) {
    d.reason = "with an explicit deny in an identity-based policy";
  } else if (from_resource.effect == Effect::kDeny) {
    d.reason = "with an explicit deny in a resource-based policy";
  } else if (from_boundary == Effect::kDeny) {
    d.reason = "with an explicit deny in a permissions boundary";
  } else if (session_denies) {
    d.reason = "with an explicit deny in a session policy";
  }
  if (!d.reason.empty()) return d;

  const bool boundary_ok = boundary == nullptr || from_boundary == Effect::kAllow;
  const bool session_ok = session.empty() || session_allows;
  const Grant grant = from_resource.effect == Effect::kAllow ? from_resource.grant : Grant::kNone;
  if (grant == Grant::kDirect || (grant == Grant::kRole && boundary_ok && session_ok) ||
      (identity_allows && boundary_ok && session_ok)) {
    d.allowed = true;
    return d;
  }
  using Kind = PrincipalInfo::Kind;
  const Kind kind = request.principal.kind;
  if (identity_allows || grant == Grant::kRole) {
    d.reason = !boundary_ok ? Because("permissions boundary", request.action)
                            : Because("session policy", request.action);
  } else if (kind == Kind::kAnonymous || kind == Kind::kService) {
    d.reason = Because("resource-based policy", request.action);
  } else {
    d.reason = Because("identity-based policy", request.action);
  }
  return d;
}

namespace {

// The condition keys whose fixed values keep a statement naming everyone from being public
// (S3 User Guide, "The meaning of 'public'").
constexpr std::string_view kRestrictingKeys[] = {
    "aws:principalaccount", "aws:principalarn",  "aws:principalorgid", "aws:principalorgpaths",
    "aws:sourceaccount",    "aws:sourcearn",     "aws:sourceip",       "aws:sourceowner",
    "aws:sourcevpc",        "aws:sourcevpce",    "aws:userid",         "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn"};

// Whether a condition pins one of kRestrictingKeys to fixed values. ForAllValues holds when the
// key is missing (as it is for anonymous callers), IfExists too, and negated operators hold for
// everyone but the values named: none of them restricts. Address ranges restrict only while all
// of a condition's ranges together stay within a /8 of IPv4 (a /32 of IPv6).
bool Restricts(const Condition& c) {
  if (c.op.spec->negated || c.op.spec->family == Family::kNull || c.op.if_exists ||
      c.op.set == SetOp::kForAllValues) {
    return false;
  }
  if (!Contains(kRestrictingKeys, c.key)) return false;
  long double v4 = 0, v6 = 0;  // addresses covered
  for (const ConditionValue& v : c.values) {
    if (c.op.spec->family == Family::kIp) {
      (v.cidr.v6 ? v6 : v4) += std::ldexp(1.0L, (v.cidr.v6 ? 128 : 32) - v.cidr.prefix);
    } else if (v.text.has_vars || v.text.fixed.empty() ||
               std::any_of(v.text.fixed.begin(), v.text.fixed.end(),
                           [](char16_t t) { return t >= kStar; })) {
      return false;  // a variable or a wildcard
    }
  }
  if (v4 > std::ldexp(1.0L, 24) || v6 > std::ldexp(1.0L, 96)) return false;
  return !c.values.empty();
}

}  // namespace

bool IsPublic(const Policy& policy) {
  for (const Statement& s : PolicyAccess::Of(policy).statements) {
    if (s.deny) continue;
    if (!s.not_principal && !s.principal.everyone) continue;
    bool restricted = false;
    for (const Condition& c : s.conditions) restricted |= Restricts(c);
    if (!restricted) return true;
  }
  return false;
}

bool TrustAllows(const Policy& trust, const RequestContext& request) {
  return Evaluate(trust, request) == Effect::kAllow;
}

std::optional<S3ResourceType> S3ResourceTypeOf(std::string_view action) {
  if (!IStartsWith(action, "s3:") || HasWildcard(action)) return std::nullopt;
  const std::string name = ToLower(action.substr(3));
  auto it =
      std::lower_bound(std::begin(kS3Actions), std::end(kS3Actions), name,
                       [](const S3ActionType& a, const std::string& n) { return a.action < n; });
  if (it == std::end(kS3Actions) || it->action != name) return std::nullopt;
  return it->type;
}

std::vector<std::string_view> S3ActionNames() {
  std::vector<std::string_view> names;
  for (const S3ActionType& a : kS3Actions) names.push_back(a.action);
  return names;
}

std::vector<StatementMatch> MatchingStatements(const Policy& policy,
                                               const RequestContext& request) {
  const Policy::Data& d = PolicyAccess::Of(policy);
  const bool check_principal = !IsIdentityKind(d.kind);
  Scratch scratch;
  std::vector<StatementMatch> out;
  for (size_t i = 0; i < d.statements.size(); ++i) {
    const Statement& s = d.statements[i];
    if (Applies(s, request, check_principal, &scratch) != Grant::kNone) out.push_back({i, s.deny});
  }
  return out;
}

std::vector<std::string> ConditionKeysRead(const Policy& policy, const RequestContext& request) {
  const Policy::Data& d = PolicyAccess::Of(policy);
  const bool check_principal = !IsIdentityKind(d.kind);
  Scratch scratch;
  std::vector<std::string> out;
  for (const Statement& s : d.statements) {
    if (s.conditions.empty()) continue;
    Statement unconditional = s;
    unconditional.conditions.clear();
    if (Applies(unconditional, request, check_principal, &scratch) == Grant::kNone) continue;
    for (const Condition& c : s.conditions) {
      const bool seen = std::any_of(out.begin(), out.end(),
                                    [&](const std::string& k) { return IEquals(k, c.name); });
      if (!seen) out.push_back(c.name);
    }
  }
  return out;
}

}  // namespace evoke::auth
