// Violations: the model's constraints as Lambda reports them, collected and reported together
// ("2 validation errors detected: Value 'x' at 'memorySize' failed to satisfy constraint: ...").
// Pure; used by the Lambda request parsers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/pattern.h"
#include "base/result.h"

namespace evoke::lambda {

class Violations {
 public:
  void Add(std::string_view value, std::string_view field, std::string_view constraint) {
    items_.push_back("Value '" + std::string(value) + "' at '" + std::string(field) +
                     "' failed to satisfy constraint: " + std::string(constraint));
  }
  void AddNull(std::string_view field) {
    items_.push_back("Value null at '" + std::string(field) +
                     "' failed to satisfy constraint: Member must not be null");
  }
  void Range(int64_t value, std::string_view field, int64_t lo, int64_t hi) {
    if (value < lo) {
      Add(std::to_string(value), field,
          "Member must have value greater than or equal to " + std::to_string(lo));
    } else if (value > hi) {
      Add(std::to_string(value), field,
          "Member must have value less than or equal to " + std::to_string(hi));
    }
  }
  void Pattern(std::string_view value, std::string_view field, const char* pattern) {
    if (!FullMatch(value, pattern)) {
      Add(value, field, "Member must satisfy regular expression pattern: " + std::string(pattern));
    }
  }
  void MaxLength(std::string_view value, std::string_view field, size_t max) {
    if (value.size() > max) {
      Add(value, field, "Member must have length less than or equal to " + std::to_string(max));
    }
  }
  Status ToStatus() const {
    if (items_.empty()) return {};
    std::string message = std::to_string(items_.size()) +
                          (items_.size() == 1 ? " validation error detected: "
                                              : " validation errors detected: ");
    for (size_t i = 0; i < items_.size(); ++i) {
      if (i > 0) message += "; ";
      message += items_[i];
    }
    return MakeError("ValidationException", std::move(message));
  }

 private:
  std::vector<std::string> items_;
};

}  // namespace evoke::lambda
