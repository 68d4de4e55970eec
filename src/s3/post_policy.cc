#include "s3/post_policy.h"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/time_format.h"
#include "http/message.h"

namespace evoke::s3 {
namespace {

Error InvalidPolicy(std::string_view reason) {
  return MakeError("InvalidPolicyDocument", "Invalid Policy: " + std::string(reason));
}

Error NotAccordingToPolicy(std::string_view reason) {
  return MakeError("AccessDenied", "Invalid according to Policy: " + std::string(reason));
}

// A condition as S3 quotes it: ["starts-with", "$key", "user/"].
std::string ConditionText(const PostCondition& c) {
  std::string out = c.kind == PostCondition::Kind::kEq ? "[\"eq\", \"$" : "[\"starts-with\", \"$";
  AppendJsonEscaped(out, c.written);
  out += "\", \"";
  AppendJsonEscaped(out, c.value);
  out += "\"]";
  return out;
}

// A content-length-range bound: a JSON integer, or a string of one.
std::optional<int64_t> LengthBound(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), ::isdigit)) return std::nullopt;
  return std::stoll(s);
}

Result<PostCondition> ParseCondition(const nlohmann::json& c) {
  PostCondition out;
  if (c.is_object()) {
    if (c.size() != 1) {
      return InvalidPolicy(
          "Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
    }
    auto it = c.begin();
    if (!it.value().is_string()) {
      return InvalidPolicy("Invalid Simple-Condition: value must be a string.");
    }
    out.written = it.key();
    out.field = http::ToLower(it.key());
    out.value = it.value().get<std::string>();
    return out;
  }
  if (!c.is_array() || c.empty() || !c[0].is_string()) {
    return InvalidPolicy("Invalid Condition: conditions must be objects or arrays.");
  }
  std::string op = http::ToLower(c[0].get<std::string>());
  if (op == "content-length-range") {
    if (c.size() != 3) {
      return InvalidPolicy("Invalid content-length-range: content-length-range must have exactly "
                           "3 items.");
    }
    auto min = LengthBound(c[1]);
    auto max = LengthBound(c[2]);
    if (!min || !max || *min < 0 || *max < 0) {
      return InvalidPolicy("Invalid content-length-range: bounds must be non-negative integers.");
    }
    out.kind = PostCondition::Kind::kContentLengthRange;
    out.min = *min;
    out.max = *max;
    return out;
  }
  if (op != "eq" && op != "starts-with") {
    return InvalidPolicy("Invalid Condition: unknown condition type '" + c[0].get<std::string>() +
                         "'.");
  }
  if (c.size() != 3 || !c[1].is_string() || !c[2].is_string()) {
    return InvalidPolicy("Invalid Condition: '" + op + "' conditions must have exactly 3 string "
                         "items.");
  }
  const std::string& field = c[1].get_ref<const std::string&>();
  if (field.size() < 2 || field[0] != '$') {
    return InvalidPolicy("Invalid Condition: the field name must start with '$': '" + field + "'.");
  }
  out.kind = op == "eq" ? PostCondition::Kind::kEq : PostCondition::Kind::kStartsWith;
  out.written = field.substr(1);
  out.field = http::ToLower(out.written);
  out.value = c[2].get<std::string>();
  return out;
}

// The fields S3 does not ask a condition for.
bool Exempt(std::string_view name) {
  return name == "policy" || name == "x-amz-signature" || name == "signature" ||
         name == "awsaccesskeyid" || name == "file" || name.starts_with("x-ignore-");
}

bool Meets(const PostCondition& c, std::string_view value) {
  if (c.kind == PostCondition::Kind::kEq) return value == c.value;
  if (c.field != "content-type") return value.starts_with(c.value);
  // A Content-Type may list several types; each must start with the prefix.
  while (true) {
    size_t comma = value.find(',');
    std::string_view one = value.substr(0, comma);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    if (!one.starts_with(c.value)) return false;
    if (comma == std::string_view::npos) return true;
    value.remove_prefix(comma + 1);
  }
}

}  // namespace

Result<PostPolicy> ParsePostPolicy(std::string_view base64) {
  auto decoded = Base64Decode(base64);
  if (!decoded) return InvalidPolicy("Invalid Base64 Encoding.");
  nlohmann::json doc = nlohmann::json::parse(*decoded, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return InvalidPolicy("Invalid JSON.");
  PostPolicy policy;
  auto expiration = doc.find("expiration");
  if (expiration == doc.end()) return InvalidPolicy("Policy missing expiration.");
  // ISO 8601 in GMT: 2007-12-01T12:00:00.000Z (S3 refuses an offset).
  std::optional<int64_t> ms;
  if (expiration->is_string() && expiration->get_ref<const std::string&>().ends_with('Z')) {
    ms = ParseIso8601Ms(expiration->get<std::string>());
  }
  if (!ms) {
    return InvalidPolicy("Invalid 'expiration' value: '" +
                         (expiration->is_string() ? expiration->get<std::string>()
                                                  : expiration->dump()) +
                         "'");
  }
  policy.expiration_ms = *ms;
  auto conditions = doc.find("conditions");
  if (conditions == doc.end()) return InvalidPolicy("Policy missing conditions.");
  if (!conditions->is_array()) return InvalidPolicy("Invalid 'conditions' value: must be a list.");
  for (const nlohmann::json& c : *conditions) {
    auto parsed = ParseCondition(c);
    if (!parsed.ok()) return std::move(parsed).error();
    policy.conditions.push_back(std::move(*parsed));
  }
  return policy;
}

Status CheckPostPolicy(const PostPolicy& policy, const FormFields& fields, int64_t now_ms) {
  if (now_ms >= policy.expiration_ms) return NotAccordingToPolicy("Policy expired.");
  for (const PostCondition& c : policy.conditions) {
    if (c.kind == PostCondition::Kind::kContentLengthRange) continue;
    std::string_view value;
    for (const auto& [name, v] : fields) {
      if (name == c.field) {
        value = v;
        break;
      }
    }
    if (!Meets(c, value)) {
      return NotAccordingToPolicy("Policy Condition failed: " + ConditionText(c));
    }
  }
  std::string extra;
  for (const auto& field : fields) {
    const std::string& name = field.first;
    if (Exempt(name) || name == "bucket") continue;
    bool covered = std::any_of(policy.conditions.begin(), policy.conditions.end(),
                               [&name](const PostCondition& c) { return c.field == name; });
    if (covered) continue;
    if (!extra.empty()) extra += ", ";
    extra += name;
  }
  if (!extra.empty()) return NotAccordingToPolicy("Extra input fields: " + extra);
  return {};
}

uint64_t PostMaxLength(const PostPolicy& policy) {
  uint64_t max = std::numeric_limits<uint64_t>::max();
  for (const PostCondition& c : policy.conditions) {
    if (c.kind == PostCondition::Kind::kContentLengthRange) {
      max = std::min(max, static_cast<uint64_t>(c.max));
    }
  }
  return max;
}

Status CheckPostLength(const PostPolicy& policy, uint64_t size) {
  for (const PostCondition& c : policy.conditions) {
    if (c.kind != PostCondition::Kind::kContentLengthRange) continue;
    if (size > static_cast<uint64_t>(c.max)) {
      return MakeError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
          .With("ProposedSize", std::to_string(size))
          .With("MaxSizeAllowed", std::to_string(c.max));
    }
    if (size < static_cast<uint64_t>(c.min)) {
      return MakeError("EntityTooSmall",
                       "Your proposed upload is smaller than the minimum allowed size")
          .With("ProposedSize", std::to_string(size))
          .With("MinSizeAllowed", std::to_string(c.min));
    }
  }
  return {};
}

}  // namespace evoke::s3
