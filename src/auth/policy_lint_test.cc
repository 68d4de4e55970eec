// The policy linter (auth/policy_lint.h) and the simulator's evaluator API (auth/policy.h:
// MatchingStatements, ConditionKeysRead), table-tested.
#include "auth/policy_lint.h"

#include <gtest/gtest.h>

#include "auth/policy.h"

namespace evoke::auth {
namespace {

ActionCatalog Catalog() {
  ActionCatalog c;
  for (const char* a : {"s3:GetObject", "s3:ListBucket", "s3:PutObject", "lambda:InvokeFunction",
                        "lambda:CreateFunction", "iam:CreateUser", "iam:GetUser", "sts:AssumeRole",
                        "logs:PutLogEvents", "access-analyzer:ValidatePolicy"}) {
    c.Add(a);
  }
  return c;
}

std::vector<std::string> Codes(std::string_view doc, LintPolicyType type) {
  std::vector<std::string> codes;
  for (const LintFinding& f : LintPolicy(doc, type, Catalog())) codes.push_back(f.issue_code);
  return codes;
}

struct LintCase {
  const char* name;
  const char* document;
  LintPolicyType type;
  std::vector<std::string> codes;
};

constexpr LintPolicyType kId = LintPolicyType::kIdentity;
constexpr LintPolicyType kRes = LintPolicyType::kResource;

class LintTable : public testing::TestWithParam<LintCase> {};

TEST_P(LintTable, ReportsTheseIssueCodes) {
  const LintCase& c = GetParam();
  EXPECT_EQ(Codes(c.document, c.type), c.codes) << c.document;
}

#define V R"("Version":"2012-10-17",)"

INSTANTIATE_TEST_SUITE_P(
    Policies, LintTable,
    testing::Values(
        LintCase{"clean",
                 "{" V R"("Statement":{"Effect":"Allow","Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::b/*"}})",
                 kId,
                 {}},
        LintCase{"syntax", R"({"Version":"2012-10-17",)", kId, {"JSON_SYNTAX_ERROR"}},
        LintCase{"trailing_garbage", R"({} x)", kId, {"JSON_SYNTAX_ERROR"}},
        LintCase{"not_an_object", R"(["a"])", kId, {"DATA_TYPE_MISMATCH"}},
        LintCase{"missing_version",
                 R"({"Statement":{"Effect":"Allow","Action":"s3:GetObject",
                 "Resource":"*"}})",
                 kId,
                 {"MISSING_VERSION"}},
        LintCase{"invalid_version",
                 R"({"Version":"2010-01-01","Statement":{"Effect":"Allow",
                 "Action":"s3:GetObject","Resource":"*"}})",
                 kId,
                 {"INVALID_VERSION"}},
        LintCase{"missing_statement", "{" V R"("Id":"x"})", kId, {"MISSING_STATEMENT"}},
        LintCase{"invalid_element",
                 "{" V R"("Foo":1,"Statement":{"Effect":"Allow",
                 "Action":"s3:GetObject","Resource":"*","Bar":2}})",
                 kId,
                 {"INVALID_POLICY_ELEMENT", "INVALID_POLICY_ELEMENT"}},
        LintCase{"effect",
                 "{" V R"("Statement":[{"Action":"s3:GetObject","Resource":"*"},
                 {"Effect":"allow","Action":"s3:GetObject","Resource":"*"}]})",
                 kId,
                 {"MISSING_EFFECT", "INVALID_EFFECT"}},
        LintCase{"combination",
                 "{" V R"("Statement":{"Effect":"Deny","Action":"s3:GetObject",
                 "NotAction":"s3:PutObject","Resource":"*"}})",
                 kId,
                 {"UNSUPPORTED_ELEMENT_COMBINATION"}},
        LintCase{"missing_action_and_resource",
                 "{" V R"("Statement":{"Effect":"Allow"}})",
                 kId,
                 {"MISSING_ACTION", "MISSING_RESOURCE"}},
        LintCase{"principal_in_identity",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Principal":"*","Action":"s3:GetObject","Resource":"*"}})",
                 kId,
                 {"UNSUPPORTED_PRINCIPAL"}},
        LintCase{"missing_principal_in_resource",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}})",
                 kRes,
                 {"MISSING_PRINCIPAL"}},
        LintCase{"unknown_action_known_service",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Action":["s3:GetObjekt","lambda:invokefunction","lambda:Frobnicate"],
                 "Resource":"*"}})",
                 kId,
                 {"INVALID_ACTION", "INVALID_ACTION"}},
        LintCase{"unknown_service_is_not_judged",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Action":["ec2:NoSuchThing","dynamodb:*"],"Resource":"*"}})",
                 kId,
                 {}},
        LintCase{"wildcards_are_not_judged",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Action":["s3:Nothing*","lambda:*"],"Resource":"*"}})",
                 kId,
                 {}},
        LintCase{"no_vendor",
                 "{" V R"("Statement":{"Effect":"Allow","Action":"GetObject",
                 "Resource":"*"}})",
                 kId,
                 {"INVALID_ACTION"}},
        LintCase{"object_action_on_bucket",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket"}})",
                 kId,
                 {"EVOKE_ACTION_MATCHES_NO_RESOURCE"}},
        LintCase{"bucket_action_on_objects",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Action":["s3:ListBucket","s3:GetObject"],
                 "Resource":["arn:aws:s3:::bucket/a/*","arn:aws:s3:::bucket/b"]}})",
                 kId,
                 {"EVOKE_ACTION_MATCHES_NO_RESOURCE"}},
        LintCase{"bucket_and_objects_is_fine",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Action":["s3:ListBucket","s3:GetObject"],
                 "Resource":["arn:aws:s3:::bucket","arn:aws:s3:::bucket/*"]}})",
                 kId,
                 {}},
        LintCase{"bucket_wildcard_is_fine",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Action":["s3:ListBucket","s3:GetObject"],"Resource":"arn:aws:s3:::*"}})",
                 kId,
                 {}},
        LintCase{"other_service_resource",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Action":"lambda:InvokeFunction","Resource":"arn:aws:s3:::bucket/*"}})",
                 kId,
                 {"EVOKE_ACTION_MATCHES_NO_RESOURCE"}},
        LintCase{"assume_role_names_iam_role",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/r"}})",
                 kId,
                 {}},
        LintCase{"not_resource_is_not_judged",
                 "{" V R"("Statement":{"Effect":"Deny",
                 "Action":"s3:GetObject","NotResource":"arn:aws:s3:::bucket"}})",
                 kId,
                 {}},
        LintCase{"arn_format",
                 "{" V R"("Statement":{"Effect":"Allow","Action":"s3:GetObject",
                 "Resource":["bucket/key","arn:aws:s3","arn:aws:s3:us-east-1:123456789012:b/k"]}})",
                 kId,
                 {"INVALID_ARN_PREFIX", "MISSING_ARN_FIELD", "ARN_REGION_NOT_ALLOWED",
                  "ARN_ACCOUNT_NOT_ALLOWED"}},
        LintCase{"condition_keys",
                 "{" V R"("Statement":{"Effect":"Allow","Action":"s3:ListBucket",
                 "Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":"a/*",
                 "s3:prefixx":"b","aws:SourceIp":"1.2.3.4","aws:Nope":"x","ec2:Whatever":"y",
                 "nocolon":"z","aws:PrincipalTag/team":"t","aws:ResourceTag":"u"}}}})",
                 kId,
                 {"INVALID_SERVICE_CONDITION_KEY", "INVALID_GLOBAL_CONDITION_KEY",
                  "INVALID_CONDITION_KEY_FORMAT", "MISSING_TAG_KEY_IN_CONDITION"}},
        LintCase{"condition_operator",
                 "{" V R"("Statement":{"Effect":"Allow","Action":"s3:GetObject",
                 "Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"},
                 "NullIfExists":{"aws:username":"true"},"StringEquals":{"aws:userid":[]}}}})",
                 kId,
                 {"INVALID_CONDITION_OPERATOR", "NULL_WITH_IF_EXISTS", "EMPTY_ARRAY_CONDITION"}},
        LintCase{"condition_values",
                 "{" V R"("Statement":{"Effect":"Allow","Action":"s3:GetObject",
                 "Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":["10","ten"]},
                 "Bool":{"aws:SecureTransport":"yes"},"DateGreaterThan":{"aws:CurrentTime":
                 ["2026-01-02T03:04:05Z","2026/01/02"]},"IpAddress":{"aws:SourceIp":["10.0.0.0/8",
                 "10.0.0.0/33"]},"StringEquals":{"aws:username":["a*","${aws:userid}"]},
                 "DateLessThan":{"aws:CurrentTime":"${aws:username}"},
                 "ForAnyValue:StringLike":{"aws:TagKeys":[{}]}}}})",
                 kId,
                 {"TYPE_MISMATCH_NUMBER", "TYPE_MISMATCH_BOOLEAN", "TYPE_MISMATCH_DATE",
                  "TYPE_MISMATCH_IP_RANGE", "WILDCARD_WITHOUT_LIKE_OPERATOR",
                  "INVALID_VARIABLE_FOR_OPERATOR", "DATA_TYPE_MISMATCH"}},
        LintCase{"pass_role_star",
                 "{" V R"("Statement":{"Effect":"Allow","Action":"iam:PassRole",
                 "Resource":"*"}})",
                 kId,
                 {"PASS_ROLE_WITH_STAR_IN_RESOURCE"}},
        LintCase{"pass_role_with_passed_to_service",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":
                 {"iam:PassedToService":"lambda.amazonaws.com"}}}})",
                 kId,
                 {}},
        LintCase{"pass_role_star_in_action",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Action":"iam:*","Resource":"*"}})",
                 kId,
                 {"PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE"}},
        LintCase{"pass_role_not_resource",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "Action":"iam:PassRole","NotResource":"arn:aws:iam::123456789012:role/admin"}})",
                 kId,
                 {"PASS_ROLE_WITH_NOT_RESOURCE"}},
        LintCase{"not_action_not_resource",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "NotAction":"s3:*","NotResource":"arn:aws:s3:::b"}})",
                 kId,
                 {"PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE"}},
        LintCase{"not_action_star_resource",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "NotAction":"s3:*","Resource":"*"}})",
                 kId,
                 {"PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION"}},
        LintCase{"deny_pass_role_is_fine",
                 "{" V R"("Statement":{"Effect":"Deny",
                 "Action":"iam:PassRole","Resource":"*"}})",
                 kId,
                 {}},
        LintCase{"allow_not_principal",
                 "{" V R"("Statement":{"Effect":"Allow",
                 "NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/a"},
                 "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}})",
                 kRes,
                 {"ALLOW_WITH_NOT_PRINCIPAL"}},
        LintCase{"public_without_condition",
                 "{" V R"("Statement":[{"Effect":"Allow",
                 "Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
                 {"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":
                 "203.0.113.0/24"}}}]})",
                 kRes,
                 {"EVOKE_PUBLIC_ACCESS"}},
        LintCase{"sids",
                 "{" V R"("Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject",
                 "Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:PutObject",
                 "Resource":"*"},{"Sid":"a-b","Effect":"Allow","Action":"s3:PutObject",
                 "Resource":"*"}]})",
                 kId,
                 {"UNSUPPORTED_SID", "UNIQUE_SIDS_REQUIRED"}},
        LintCase{"data_types",
                 "{" V R"("Statement":{"Effect":1,"Action":[1],"Resource":"*"}})",
                 kId,
                 {"DATA_TYPE_MISMATCH", "DATA_TYPE_MISMATCH"}},
        LintCase{"scp_principal",
                 "{" V R"("Statement":{"Effect":"Deny","Principal":"*",
                 "Action":"s3:GetObject","Resource":"*"}})",
                 LintPolicyType::kServiceControl,
                 {"SCP_SYNTAX_ERROR_PRINCIPAL"}}),
    [](const testing::TestParamInfo<LintCase>& info) { return std::string(info.param.name); });

TEST(PolicyLint, SyntaxErrorNamesItsPosition) {
  auto findings =
      LintPolicy("{\n  \"Version\": \"2012-10-17\"\n  \"Statement\": []\n}", kId, Catalog());
  ASSERT_EQ(findings.size(), 1u);
  const LintFinding& f = findings[0];
  EXPECT_EQ(f.finding_type, "ERROR");
  EXPECT_EQ(f.issue_code, "JSON_SYNTAX_ERROR");
  EXPECT_EQ(f.details, "Fix the JSON syntax error at index 30 line 3 column 2.");
  ASSERT_EQ(f.locations.size(), 1u);
  EXPECT_EQ(f.locations[0].start.line, 3);
  EXPECT_EQ(f.locations[0].start.column, 2);
  EXPECT_EQ(f.locations[0].start.offset, 30);
  EXPECT_TRUE(f.locations[0].path.empty());
}

TEST(PolicyLint, FindingsLocateTheElement) {
  const std::string doc =
      "{\n"
      "  \"Version\": \"2012-10-17\",\n"
      "  \"Statement\": [\n"
      "    {\"Effect\": \"Allow\", \"Action\": [\"s3:ListBucket\", \"s3:GetObjekt\"],\n"
      "     \"Resource\": \"arn:aws:s3:::b\"}\n"
      "  ]\n"
      "}";
  auto findings = LintPolicy(doc, kId, Catalog());
  ASSERT_EQ(findings.size(), 1u);
  const LintFinding& f = findings[0];
  EXPECT_EQ(f.issue_code, "INVALID_ACTION");
  EXPECT_EQ(f.details, "The action s3:GetObjekt does not exist. Did you mean s3:GetObject?");
  EXPECT_EQ(f.learn_more,
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
            "access-analyzer-reference-policy-checks.html"
            "#access-analyzer-reference-policy-checks-error-invalid-action");
  ASSERT_EQ(f.locations.size(), 1u);
  const LintLocation& at = f.locations[0];
  ASSERT_EQ(at.path.size(), 4u);
  EXPECT_EQ(at.path[0].kind, LintPathElement::Kind::kValue);
  EXPECT_EQ(at.path[0].name, "Statement");
  EXPECT_EQ(at.path[1].kind, LintPathElement::Kind::kIndex);
  EXPECT_EQ(at.path[1].index, 0);
  EXPECT_EQ(at.path[2].name, "Action");
  EXPECT_EQ(at.path[3].index, 1);
  EXPECT_EQ(at.start.line, 4);
  EXPECT_EQ(at.start.column, 52);
  EXPECT_EQ(doc.substr(at.start.offset, at.end.offset - at.start.offset), "\"s3:GetObjekt\"");
}

TEST(PolicyLint, DeepNestingIsASyntaxErrorNotACrash) {
  std::string doc(100'000, '[');
  EXPECT_EQ(Codes(doc, kId), std::vector<std::string>{"JSON_SYNTAX_ERROR"});
  EXPECT_EQ(Codes("\"\\ud800\"", kId), std::vector<std::string>{"DATA_TYPE_MISMATCH"});
  EXPECT_EQ(Codes("", kId), std::vector<std::string>{"JSON_SYNTAX_ERROR"});
}

TEST(PolicyLint, WarningNamesErrorsOnly) {
  ActionCatalog c = Catalog();
  EXPECT_FALSE(PolicyWarning("{" V R"("Statement":{"Effect":"Allow","Action":"iam:PassRole",
      "Resource":"*"}})",
                             kId, c, "p")
                   .has_value());
  auto line = PolicyWarning("{" V R"("Statement":{"Effect":"Allow","Action":"s3:GetObject",
      "Resource":"arn:aws:s3:::b"}})",
                            kId, c, "user alice's policy p");
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->find("user alice's policy p has a part that never works: "
                       "EVOKE_ACTION_MATCHES_NO_RESOURCE at line 1"),
            0u);
  EXPECT_EQ(line->find('\n'), std::string::npos);
}

TEST(PolicyLint, StatementSpans) {
  const std::string doc = "{\"Statement\":[{\"Effect\":\"Allow\"},\n {\"Effect\":\"Deny\"}]}";
  auto spans = StatementSpans(doc);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[1].start.line, 2);
  EXPECT_EQ(spans[1].start.column, 1);
  EXPECT_EQ(doc.substr(spans[1].start.offset, spans[1].end.offset - spans[1].start.offset),
            "{\"Effect\":\"Deny\"}");
  EXPECT_EQ(StatementSpans("{\"Statement\":{}}").size(), 1u);
  EXPECT_TRUE(StatementSpans("nope").empty());
}

TEST(ActionCatalog, KnowsS3TableAndAddedActions) {
  ActionCatalog c;
  EXPECT_TRUE(c.Knows("s3:getobject"));
  EXPECT_TRUE(c.Knows("iam:PassRole"));
  EXPECT_EQ(c.Suggest("s3:GetObjekt").value_or(""), "s3:getobject");  // the table's spelling
  EXPECT_FALSE(c.KnowsService("events"));
  c.Add("events:PutRule");
  c.Add("s3:GetObject");
  EXPECT_TRUE(c.KnowsService("Events"));
  EXPECT_TRUE(c.Knows("EVENTS:putrule"));
  EXPECT_EQ(c.Suggest("events:PutRul").value_or(""), "events:PutRule");
  EXPECT_EQ(c.Suggest("s3:GetObjekt").value_or(""), "s3:GetObject");  // the service's spelling
  EXPECT_FALSE(c.Suggest("events:Zzzzzzzzzzzzz").has_value());
}

// ---------------------------------------------------------------------------------------------
// The simulator's API over the evaluator.

struct MatchCase {
  const char* name;
  const char* action;
  const char* resource;
  ConditionKeys keys;
  std::vector<size_t> matched;
  std::vector<bool> deny;
  std::vector<std::string> keys_read;
};

class MatchTable : public testing::TestWithParam<MatchCase> {};

constexpr const char* kSimPolicy = R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
  {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/secret/*"},
  {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b",
   "Condition":{"StringLike":{"s3:prefix":"home/*"},"Bool":{"aws:SecureTransport":"true"}}},
  {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";

TEST_P(MatchTable, MatchesAndKeys) {
  const MatchCase& c = GetParam();
  auto policy = ParsePolicy(kSimPolicy, PolicyKind::kIdentity);
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  PrincipalInfo who{PrincipalInfo::Kind::kUser, "arn:aws:iam::123456789012:user/a", "123456789012",
                    "", ""};
  RequestContext request{c.action, c.resource, who, c.keys};
  std::vector<size_t> matched;
  std::vector<bool> deny;
  for (const StatementMatch& m : MatchingStatements(*policy, request)) {
    matched.push_back(m.index);
    deny.push_back(m.deny);
  }
  EXPECT_EQ(matched, c.matched);
  EXPECT_EQ(deny, c.deny);
  EXPECT_EQ(ConditionKeysRead(*policy, request), c.keys_read);
}

INSTANTIATE_TEST_SUITE_P(
    Simulator, MatchTable,
    testing::Values(
        MatchCase{"allow_two", "s3:GetObject", "arn:aws:s3:::b/k", {}, {0, 3}, {false, false}, {}},
        MatchCase{"deny_and_allows",
                  "s3:GetObject",
                  "arn:aws:s3:::b/secret/k",
                  {},
                  {0, 1, 3},
                  {false, true, false},
                  {}},
        MatchCase{"condition_missing",
                  "s3:ListBucket",
                  "arn:aws:s3:::b",
                  {},
                  {},
                  {},
                  {"s3:prefix", "aws:SecureTransport"}},
        MatchCase{"condition_met",
                  "s3:ListBucket",
                  "arn:aws:s3:::b",
                  {{"s3:prefix", "home/x"}, {"aws:SecureTransport", "true"}},
                  {2},
                  {false},
                  {"s3:prefix", "aws:SecureTransport"}},
        MatchCase{"nothing",
                  "lambda:InvokeFunction",
                  "arn:aws:lambda:us-east-1:1:function:f",
                  {},
                  {},
                  {},
                  {}}),
    [](const testing::TestParamInfo<MatchCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace evoke::auth
