#include "events/events_input.h"

#include "base/encoding.h"

namespace evoke::events {
namespace {

using nlohmann::json;

Error WrongType(const char* member) {
  return MakeError("SerializationException",
                   std::string("Unexpected value type for member '") + member + "'");
}

}  // namespace

Error ConstraintError(std::string_view value, std::string_view path, std::string_view constraint) {
  return MakeError("ValidationException",
                   "1 validation error detected: Value '" + std::string(value) + "' at '" +
                       std::string(path) + "' failed to satisfy constraint: Member must " +
                       std::string(constraint));
}

Error NullError(std::string_view path) {
  return MakeError("ValidationException",
                   "1 validation error detected: Value null at '" + std::string(path) +
                       "' failed to satisfy constraint: Member must not be null");
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

Result<std::optional<bool>> OptionalBool(const json& in, const char* member) {
  auto it = in.find(member);
  if (it == in.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) return WrongType(member);
  return std::optional<bool>(it->get<bool>());
}

Result<std::optional<json>> OptionalObject(const json& in, const char* member) {
  auto it = in.find(member);
  if (it == in.end() || it->is_null()) return std::optional<json>();
  if (!it->is_object()) return WrongType(member);
  return std::optional<json>(*it);
}

Status CheckLength(std::string_view v, std::string_view path, int64_t min, int64_t max) {
  auto size = static_cast<int64_t>(v.size());
  if (size < min) {
    return ConstraintError(v, path, "have length greater than or equal to " + std::to_string(min));
  }
  if (max >= 0 && size > max) {
    return ConstraintError(v, path, "have length less than or equal to " + std::to_string(max));
  }
  return {};
}

Status CheckChars(std::string_view v, std::string_view path, std::string_view extra,
                  std::string_view pattern) {
  for (char c : v) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              extra.find(c) != std::string_view::npos;
    if (!ok) {
      return ConstraintError(v, path,
                             "satisfy regular expression pattern: " + std::string(pattern));
    }
  }
  return {};
}

Status CheckEnum(std::string_view v, std::string_view path,
                 std::initializer_list<std::string_view> allowed) {
  std::string set;
  for (std::string_view a : allowed) {
    if (a == v) return {};
    set += (set.empty() ? "" : ", ") + std::string(a);
  }
  return ConstraintError(v, path, "satisfy enum value set: [" + set + "]");
}

Status CheckRange(int64_t v, std::string_view path, int64_t min, int64_t max) {
  if (v < min) {
    return ConstraintError(std::to_string(v), path,
                           "have value greater than or equal to " + std::to_string(min));
  }
  if (v > max) {
    return ConstraintError(std::to_string(v), path,
                           "have value less than or equal to " + std::to_string(max));
  }
  return {};
}

std::optional<std::string> LambdaFunctionName(std::string_view arn) {
  // arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
  std::string_view parts[8];
  size_t n = 0;
  size_t pos = 0;
  while (n < 8) {
    size_t colon = arn.find(':', pos);
    parts[n++] = arn.substr(pos, colon == std::string_view::npos ? colon : colon - pos);
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  if (n < 7 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" ||
      parts[6].empty()) {
    return std::nullopt;
  }
  if (n == 8 && (parts[7].empty() || arn.find(':', pos) != std::string_view::npos)) {
    return std::nullopt;
  }
  return std::string(parts[6]);
}

std::string EncodeNextToken(std::string_view last_key) { return Base64Encode(last_key); }

std::optional<std::string> DecodeNextToken(std::string_view token) {
  auto decoded = Base64Decode(token);
  if (!decoded || decoded->empty()) return std::nullopt;
  return decoded;
}

}  // namespace evoke::events
