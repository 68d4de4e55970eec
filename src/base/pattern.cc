#include "base/pattern.h"

#include <boost/regex.hpp>

namespace evoke {

namespace {

// The models write classes such as [a-zA-Z0-9-_], where a hyphen after a range is literal in
// ECMAScript; Boost.Regex reads it as a second range and refuses it. Such hyphens are escaped.
std::string EscapeLiteralHyphens(std::string_view e) {
  std::string out;
  bool in_class = false;
  bool can_start_range = false;  // the last thing in the class is a single character
  for (size_t i = 0; i < e.size(); ++i) {
    char c = e[i];
    if (c == '\\' && i + 1 < e.size()) {
      char escaped = e[++i];
      out += c;
      out += escaped;
      can_start_range = in_class && std::string_view("dDwWsS").find(escaped) == std::string_view::npos;
      continue;
    }
    if (!in_class) {
      out += c;
      if (c == '[') {
        in_class = true;
        can_start_range = false;
        if (i + 1 < e.size() && e[i + 1] == '^') out += e[++i];
      }
      continue;
    }
    if (c == ']') {
      in_class = false;
      out += c;
    } else if (c == '-' && can_start_range && i + 1 < e.size() && e[i + 1] != ']') {
      out += c;  // a range: its end follows, and after it no range can start
      ++i;
      out += e[i];
      if (e[i] == '\\' && i + 1 < e.size()) out += e[++i];
      can_start_range = false;
    } else if (c == '-') {
      out += "\\-";
      can_start_range = false;
    } else {
      out += c;
      can_start_range = true;
    }
  }
  return out;
}

}  // namespace

struct Pattern::Impl {
  boost::regex re;
};

Pattern::Pattern(const char* expression)
    : impl_(std::make_unique<Impl>(
          Impl{boost::regex(EscapeLiteralHyphens(expression), boost::regex::ECMAScript)})) {}
Pattern::~Pattern() = default;
Pattern::Pattern(Pattern&&) noexcept = default;

bool Pattern::FullMatch(std::string_view s) const {
  try {
    return boost::regex_match(s.begin(), s.end(), impl_->re);
  } catch (const std::runtime_error&) {
    return false;  // the matcher gave up on a pathological input: treat it as not matching
  }
}

std::optional<std::vector<std::string>> Pattern::Groups(std::string_view s) const {
  boost::match_results<std::string_view::const_iterator> m;
  try {
    if (!boost::regex_match(s.begin(), s.end(), m, impl_->re)) return std::nullopt;
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
  std::vector<std::string> groups;
  groups.reserve(m.size());
  for (const auto& g : m) groups.push_back(g.matched ? g.str() : std::string());
  return groups;
}

bool FullMatch(std::string_view s, const char* expression) {
  return Pattern(expression).FullMatch(s);
}

}  // namespace evoke
