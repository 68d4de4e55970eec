// FilterPattern: CloudWatch Logs filter patterns for unstructured events, as FilterLogEvents
// uses them ("Filter pattern syntax", Matching terms in unstructured log events). Pure.
//   ERROR Exception     every term must appear
//   "disk full"         a quoted phrase must appear as written
//   ?ERROR ?WARN        at least one of the ?-terms must appear
//   ERROR -retrying     ERROR must appear and "retrying" must not
// Matching is case sensitive and by substring. An empty pattern (or only spaces) matches every
// event. JSON ({ ... }), space-delimited ([ ... ]) and regex (%...%) patterns are refused.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace evoke::observe {

class FilterPattern {
 public:
  // InvalidParameterException for what evoke cannot (or AWS would not) parse.
  static Result<FilterPattern> Parse(std::string_view pattern);

  bool Matches(std::string_view message) const;
  bool matches_everything() const {
    return required_.empty() && any_of_.empty() && excluded_.empty();
  }

 private:
  std::vector<std::string> required_;
  std::vector<std::string> any_of_;
  std::vector<std::string> excluded_;
};

}  // namespace evoke::observe
