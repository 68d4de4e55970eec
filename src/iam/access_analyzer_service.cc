#include "iam/access_analyzer_service.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <string>

#include "auth/policy.h"

namespace evoke::iam {
namespace {

using nlohmann::json;

// Access Analyzer's errors (its model's statuses) and those of the pipeline's authentication.
constexpr std::array<api::ErrorStatus, 12> kErrors = {{
    {"AccessDeniedException", 403},
    {"ConflictException", 409},
    {"InternalServerException", 500},
    {"ResourceNotFoundException", 404},
    {"ServiceQuotaExceededException", 402},
    {"ThrottlingException", 429},
    {"ValidationException", 400},
    {"UnrecognizedClientException", 403},
    {"InvalidSignatureException", 403},
    {"MissingAuthenticationTokenException", 403},
    {"UnknownOperationException", 404},
    {"SerializationException", 400},
}};

// "1 validation error detected: ..." as Access Analyzer words a member that breaks its model.
Error Invalid(std::string message, std::string_view reason = "fieldValidationFailed") {
  return MakeError("ValidationException", std::move(message)).With("reason", std::string(reason));
}

Error ConstraintFailed(std::string_view member, std::string_view value,
                       std::string_view constraint) {
  return Invalid("1 validation error detected: Value " + std::string(value) + " at '" +
                 std::string(member) +
                 "' failed to satisfy constraint: " + std::string(constraint));
}

// The members' enums (botocore's accessanalyzer model).
constexpr std::array kPolicyTypes = {"IDENTITY_POLICY", "RESOURCE_POLICY", "SERVICE_CONTROL_POLICY",
                                     "RESOURCE_CONTROL_POLICY"};
constexpr std::array kLocales = {"DE", "EN", "ES",    "FR",    "IT",
                                 "JA", "KO", "PT_BR", "ZH_CN", "ZH_TW"};
constexpr std::array kResourceTypes = {"AWS::S3::Bucket",
                                       "AWS::S3::AccessPoint",
                                       "AWS::S3::MultiRegionAccessPoint",
                                       "AWS::S3ObjectLambda::AccessPoint",
                                       "AWS::IAM::AssumeRolePolicyDocument",
                                       "AWS::DynamoDB::Table"};

template <size_t N>
Result<std::string> EnumMember(const json& input, const char* member,
                               const std::array<const char*, N>& values, bool required) {
  auto it = input.find(member);
  if (it == input.end() || it->is_null()) {
    if (required) {
      return ConstraintFailed(member, "null", "Member must not be null");
    }
    return std::string();
  }
  std::string enum_set = "[";
  for (const char* v : values) {
    if (enum_set.size() > 1) enum_set += ", ";
    enum_set += v;
  }
  enum_set += "]";
  if (!it->is_string()) {
    return ConstraintFailed(member, it->dump(), "Member must satisfy enum value set: " + enum_set);
  }
  const std::string& v = it->get_ref<const std::string&>();
  for (const char* allowed : values) {
    if (v == allowed) return v;
  }
  return ConstraintFailed(member, "'" + v + "'", "Member must satisfy enum value set: " + enum_set);
}

json PositionJson(const auth::LintPosition& p) {
  return {{"line", p.line}, {"column", p.column}, {"offset", p.offset}};
}

json FindingJson(const auth::LintFinding& f) {
  json locations = json::array();
  for (const auth::LintLocation& at : f.locations) {
    json path = json::array();
    for (const auth::LintPathElement& e : at.path) {
      switch (e.kind) {
        case auth::LintPathElement::Kind::kIndex:
          path.push_back({{"index", e.index}});
          break;
        case auth::LintPathElement::Kind::kKey:
          path.push_back({{"key", e.name}});
          break;
        case auth::LintPathElement::Kind::kValue:
          path.push_back({{"value", e.name}});
          break;
      }
    }
    locations.push_back(
        {{"path", std::move(path)},
         {"span", {{"start", PositionJson(at.start)}, {"end", PositionJson(at.end)}}}});
  }
  return {{"findingDetails", f.details},
          {"findingType", f.finding_type},
          {"issueCode", f.issue_code},
          {"learnMoreLink", f.learn_more},
          {"locations", std::move(locations)}};
}

Task<Result<api::Output>> Run(const auth::ActionCatalog& actions, api::Call& call) {
  Result<json> out =
      ValidatePolicy(call.input, call.Query("maxResults"), call.Query("nextToken"), actions);
  if (!out.ok()) co_return std::move(out).error();
  co_return api::Output::Document(std::move(*out));
}

api::Service MakeTable(const auth::ActionCatalog& actions) {
  api::Service service;
  service.name = "access-analyzer";
  service.protocol = api::Protocol::kRestJson;
  service.errors = kErrors;
  service.internal_error = "InternalServerException";
  service.too_large_error = "ValidationException";
  service.missing_auth_error = "MissingAuthenticationTokenException";
  service.access_denied_error = "AccessDeniedException";
  service.unknown_operation = [](const http::Request& req) {
    return MakeError("UnknownOperationException",
                     "evoke serves only ValidatePolicy of IAM Access Analyzer, not " + req.method +
                         " " + req.path + ".");
  };
  api::Operation op;
  op.name = "ValidatePolicy";
  op.method = "POST";
  op.path = "/policy/validation";
  op.iam_action = "access-analyzer:ValidatePolicy";
  op.run = [&actions](api::Call& call) { return Run(actions, call); };
  service.operations.push_back(std::move(op));
  return service;
}

}  // namespace

Result<json> ValidatePolicy(const json& input, const std::string* max_results,
                            const std::string* next_token, const auth::ActionCatalog& actions) {
  auto document = input.find("policyDocument");
  if (document == input.end() || document->is_null()) {
    return ConstraintFailed("policyDocument", "null", "Member must not be null");
  }
  if (!document->is_string()) {
    return Invalid("Value at 'policyDocument' must be a string.", "cannotParse");
  }
  const std::string& text = document->get_ref<const std::string&>();
  if (text.size() > auth::kMaxPolicyChars) {
    return ConstraintFailed(
        "policyDocument", "of " + std::to_string(text.size()) + " characters",
        "Member must have length less than or equal to " + std::to_string(auth::kMaxPolicyChars));
  }
  auto type = EnumMember(input, "policyType", kPolicyTypes, true);
  if (!type.ok()) return std::move(type).error();
  auto locale = EnumMember(input, "locale", kLocales, false);
  if (!locale.ok()) return std::move(locale).error();
  auto resource_type = EnumMember(input, "validatePolicyResourceType", kResourceTypes, false);
  if (!resource_type.ok()) return std::move(resource_type).error();
  if (!resource_type->empty() && *type != "RESOURCE_POLICY") {
    return Invalid("validatePolicyResourceType is only valid with policyType RESOURCE_POLICY.",
                   "other");
  }

  auto number = [](const std::string* s, size_t* out) {
    if (s == nullptr) return true;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), *out);
    return ec == std::errc() && end == s->data() + s->size();
  };
  size_t page = SIZE_MAX, start = 0;
  if (!number(max_results, &page) || page == 0) {
    return ConstraintFailed("maxResults", "'" + (max_results ? *max_results : "") + "'",
                            "Member must be a positive integer");
  }
  if (!number(next_token, &start)) return Invalid("Invalid nextToken.", "other");

  auth::LintPolicyType lint_type = auth::LintPolicyType::kIdentity;
  if (*type == "RESOURCE_POLICY") lint_type = auth::LintPolicyType::kResource;
  if (*type == "SERVICE_CONTROL_POLICY") lint_type = auth::LintPolicyType::kServiceControl;
  if (*type == "RESOURCE_CONTROL_POLICY") lint_type = auth::LintPolicyType::kResourceControl;
  std::vector<auth::LintFinding> findings = auth::LintPolicy(text, lint_type, actions);
  if (start > findings.size()) return Invalid("Invalid nextToken.", "other");

  json list = json::array();
  size_t i = start;
  for (; i < findings.size() && list.size() < page; ++i) list.push_back(FindingJson(findings[i]));
  json out = {{"findings", std::move(list)}};
  if (i < findings.size()) out["nextToken"] = std::to_string(i);
  return out;
}

AccessAnalyzerService::AccessAnalyzerService(const auth::ActionCatalog& actions,
                                             const api::Pipeline& pipeline)
    : pipeline_(pipeline), service_(MakeTable(actions)) {}

Task<void> AccessAnalyzerService::Handle(http::Exchange& ex) {
  return pipeline_.Handle(ex, service_);
}

}  // namespace evoke::iam
