#include "observe/logs_input.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

Error WrongType(const char* member) {
  return MakeError("SerializationException",
                   std::string("Unexpected value type for member '") + member + "'");
}

Error Missing(const char* member) {
  return MakeError("InvalidParameterException",
                   std::string("1 validation error detected: Value null at '") + member +
                       "' failed to satisfy constraint: Member must not be null");
}

}  // namespace

Error ValidationError(std::string_view value, std::string_view member,
                      std::string_view constraint) {
  return MakeError("InvalidParameterException",
                   "1 validation error detected: Value '" + std::string(value) + "' at '" +
                       std::string(member) + "' failed to satisfy constraint: Member must " +
                       std::string(constraint));
}

Result<std::optional<std::string>> OptionalString(const json& in, const char* member) {
  auto it = in.find(member);
  if (it == in.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return WrongType(member);
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<int64_t>> OptionalInt(const json& in, const char* member) {
  auto it = in.find(member);
  if (it == in.end() || it->is_null()) return std::optional<int64_t>();
  if (!it->is_number_integer()) return WrongType(member);
  return std::optional<int64_t>(it->get<int64_t>());
}

Result<bool> OptionalBool(const json& in, const char* member, bool fallback) {
  auto it = in.find(member);
  if (it == in.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return WrongType(member);
  return it->get<bool>();
}

Status CheckGroupName(std::string_view v, const char* member) {
  if (v.empty() || v.size() > 512) {
    return ValidationError(v, member, "have length between 1 and 512");
  }
  for (char c : v) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == '/' || c == '#';
    if (!ok) {
      return ValidationError(v, member,
                             "satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
    }
  }
  return {};
}

Status CheckStreamName(std::string_view v, const char* member) {
  if (v.empty() || v.size() > 512) {
    return ValidationError(v, member, "have length between 1 and 512");
  }
  if (v.find_first_of(":*") != std::string_view::npos) {
    return ValidationError(v, member, "satisfy regular expression pattern: [^:*]*");
  }
  return {};
}

Result<std::string> RequiredGroupName(const json& in) {
  auto v = OptionalString(in, "logGroupName");
  if (!v.ok()) return std::move(v).error();
  if (!v->has_value()) return Missing("logGroupName");
  if (Status s = CheckGroupName(**v, "logGroupName"); !s.ok()) return std::move(s).error();
  return std::move(**v);
}

Result<std::string> RequiredStreamName(const json& in) {
  auto v = OptionalString(in, "logStreamName");
  if (!v.ok()) return std::move(v).error();
  if (!v->has_value()) return Missing("logStreamName");
  if (Status s = CheckStreamName(**v, "logStreamName"); !s.ok()) return std::move(s).error();
  return std::move(**v);
}

Result<int64_t> Limit(const json& in, int64_t max, int64_t fallback) {
  auto v = OptionalInt(in, "limit");
  if (!v.ok()) return std::move(v).error();
  if (!v->has_value()) return fallback;
  if (**v < 1) {
    return ValidationError(std::to_string(**v), "limit", "have value greater than or equal to 1");
  }
  if (**v > max) {
    return ValidationError(std::to_string(**v), "limit",
                           "have value less than or equal to " + std::to_string(max));
  }
  return **v;
}

}  // namespace evoke::observe
