// Whole-string matches against the patterns in AWS's service models (ECMAScript syntax).
// Boost.Regex keeps its backtracking state on the heap, so a hostile 100 000-character value is
// just a slow match; std::regex recurses once per character and overflows the stack on it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evoke {

class Pattern {
 public:
  explicit Pattern(const char* expression);
  ~Pattern();
  Pattern(Pattern&&) noexcept;

  bool FullMatch(std::string_view s) const;
  // The capture groups of a whole-string match (group 0 is the string; a group that did not
  // take part is empty), or nothing when the string does not match.
  std::optional<std::vector<std::string>> Groups(std::string_view s) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-off match of a pattern compiled for this call.
bool FullMatch(std::string_view s, const char* expression);

}  // namespace evoke
