#include "observe/filter_pattern.h"

namespace evoke::observe {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

Error InvalidPattern(std::string_view why) {
  return MakeError("InvalidParameterException", "Invalid filter pattern: " + std::string(why));
}

}  // namespace

Result<FilterPattern> FilterPattern::Parse(std::string_view text) {
  FilterPattern p;
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < text.size() && IsSpace(text[i])) ++i;
  };
  skip_spaces();
  if (i < text.size() && (text[i] == '{' || text[i] == '[' || text[i] == '%')) {
    return InvalidPattern(
        "evoke supports term, \"phrase\", ?term and -term patterns; JSON, space-delimited and "
        "regular expression patterns are not supported yet");
  }
  while (i < text.size()) {
    std::vector<std::string>* into = &p.required_;
    if (text[i] == '?') {
      into = &p.any_of_;
      ++i;
    } else if (text[i] == '-') {
      into = &p.excluded_;
      ++i;
    }
    std::string term;
    if (i < text.size() && text[i] == '"') {
      size_t close = i + 1;
      while (close < text.size() && text[close] != '"') {
        if (text[close] == '\\' && close + 1 < text.size()) ++close;
        ++close;
      }
      if (close >= text.size()) return InvalidPattern("unterminated quoted phrase");
      for (size_t k = i + 1; k < close; ++k) {
        if (text[k] == '\\' && k + 1 < close) ++k;
        term += text[k];
      }
      i = close + 1;
      if (i < text.size() && !IsSpace(text[i])) {
        return InvalidPattern("a quoted phrase must be followed by a space");
      }
    } else {
      size_t start = i;
      while (i < text.size() && !IsSpace(text[i])) ++i;
      term = std::string(text.substr(start, i - start));
      if (term.find('"') != std::string::npos) {
        return InvalidPattern("Invalid character(s) in term '" + term + "'");
      }
    }
    // A lone "?" or "-" (or "") says nothing: AWS matches it against everything too.
    if (!term.empty()) into->push_back(std::move(term));
    skip_spaces();
  }
  return p;
}

bool FilterPattern::Matches(std::string_view message) const {
  for (const auto& t : required_) {
    if (message.find(t) == std::string_view::npos) return false;
  }
  for (const auto& t : excluded_) {
    if (message.find(t) != std::string_view::npos) return false;
  }
  if (any_of_.empty()) return true;
  for (const auto& t : any_of_) {
    if (message.find(t) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace evoke::observe
