#include "auth/policy.h"

#include <gtest/gtest.h>

#include <chrono>

namespace evoke::auth {
namespace {

using Kind = PrincipalInfo::Kind;

constexpr std::string_view kAccount = "123456789012";

PrincipalInfo User(std::string name = "alice", std::string account = std::string(kAccount)) {
  return {Kind::kUser, "arn:aws:iam::" + account + ":user/" + name, account, "", ""};
}
PrincipalInfo Session(std::string role = "Reader", std::string session = "s1",
                      std::string account = std::string(kAccount)) {
  return {Kind::kAssumedRole, "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session,
          account, "arn:aws:iam::" + account + ":role/" + role, ""};
}
PrincipalInfo Root() {
  return {Kind::kRoot, "arn:aws:iam::123456789012:root", std::string(kAccount), "", ""};
}
PrincipalInfo Anonymous() { return {Kind::kAnonymous, "", "", "", ""}; }
PrincipalInfo Service(std::string name) { return {Kind::kService, "", "", "", std::move(name)}; }

std::string Doc(std::string_view statements, std::string_view version = "2012-10-17") {
  std::string v = version.empty() ? "" : "\"Version\":\"" + std::string(version) + "\",";
  return "{" + v + "\"Statement\":[" + std::string(statements) + "]}";
}

Policy MustParse(std::string_view json, PolicyKind kind = PolicyKind::kIdentity) {
  Result<Policy> p = ParsePolicy(json, kind);
  EXPECT_TRUE(p.ok()) << json << "\n-> " << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : Policy();
}

Effect Eval(const Policy& p, std::string_view action, std::string_view resource,
            const PrincipalInfo& who = User(), const ConditionKeys& keys = {}) {
  return Evaluate(p, RequestContext{action, resource, who, keys});
}

std::string ErrorOf(std::string_view json, PolicyKind kind) {
  Result<Policy> p = ParsePolicy(json, kind);
  return p.ok() ? "(parsed)" : p.error().code + ": " + p.error().message;
}

// ---------------------------------------------------------------------------------------------
// Parsing: IAM's MalformedPolicyDocument messages.

constexpr const char* kAllowAll = R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})";
constexpr const char* kTrustLambda =
    R"({"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"})";

struct ErrorRow {
  const char* name;
  PolicyKind kind;
  std::string json;
  std::string want;  // the message
};

TEST(PolicyParse, IamErrors) {
  const std::string syntax = "Syntax errors in policy.";
  const std::string legacy = "The policy failed legacy parsing";
  const std::string no_principal = "Policy document should not specify a principal.";
  const PolicyKind id = PolicyKind::kIdentity;
  const PolicyKind trust = PolicyKind::kTrust;
  auto stmt = [](std::string body) { return Doc("{" + body + "}"); };
  auto cond = [&](std::string c) {
    return stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"*","Condition":)" + c);
  };
  const std::vector<ErrorRow> rows = {
      {"not JSON", id, "{", syntax},
      {"empty document", id, "", syntax},
      {"trailing garbage", id, Doc(kAllowAll) + "x", syntax},
      {"top level array", id, "[" + Doc(kAllowAll) + "]", syntax},
      {"unknown top-level element", id,
       R"({"Version":"2012-10-17","Foo":1,"Statement":[)" + std::string(kAllowAll) + "]}", syntax},
      {"Condition at top level", id,
       R"({"Version":"2012-10-17","Statement":[)" + std::string(kAllowAll) +
           R"(],"Condition":{"Bool":{"aws:SecureTransport":"true"}}})",
       syntax},
      {"unknown version", id, Doc(kAllowAll, "2012-10-18"), syntax},
      {"version as a number", id,
       R"({"Version":2012,"Statement":[)" + std::string(kAllowAll) + "]}", syntax},
      {"no Statement", id, R"({"Version":"2012-10-17"})", syntax},
      {"empty Statement list", id, Doc(""), syntax},
      {"Statement is a string", id, R"({"Version":"2012-10-17","Statement":"x"})", syntax},
      {"statement is a string", id, Doc(R"("x")"), syntax},
      {"unknown statement element", id,
       stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"*","Foo":1)"), syntax},
      {"lower-case element name", id, stmt(R"("effect":"Allow","Action":"s3:*","Resource":"*")"),
       syntax},
      {"no Effect", id, stmt(R"("Action":"s3:*","Resource":"*")"), syntax},
      {"Effect Permit", id, stmt(R"("Effect":"Permit","Action":"s3:*","Resource":"*")"), syntax},
      {"Effect allow (case)", id, stmt(R"("Effect":"allow","Action":"s3:*","Resource":"*")"),
       legacy},
      {"Action and NotAction", id,
       stmt(R"("Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*")"), syntax},
      {"Resource and NotResource", id,
       stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"*")"), syntax},
      {"Action is a number", id, stmt(R"("Effect":"Allow","Action":3,"Resource":"*")"), syntax},
      {"Action list holds a number", id,
       stmt(R"("Effect":"Allow","Action":["s3:*",3],"Resource":"*")"), syntax},
      {"Sid is a number", id, stmt(R"("Sid":1,"Effect":"Allow","Action":"s3:*","Resource":"*")"),
       syntax},
      {"duplicate key", id,
       stmt(R"("Effect":"Allow","Effect":"Deny","Action":"s3:*","Resource":"*")"), syntax},
      {"unknown condition operator", id, cond(R"({"StringEqualz":{"aws:username":"a"}})"), syntax},
      {"lower-case condition operator", id, cond(R"({"stringequals":{"aws:username":"a"}})"),
       syntax},
      {"NullIfExists", id, cond(R"({"NullIfExists":{"aws:username":"true"}})"), syntax},
      {"ForAnyValue:Null", id, cond(R"({"ForAnyValue:Null":{"aws:username":"true"}})"), syntax},
      {"ForSomeValues:", id, cond(R"({"ForSomeValues:StringLike":{"aws:username":"a"}})"), syntax},
      {"condition block not an object", id, cond(R"({"StringEquals":"a"})"), syntax},
      {"condition value is an object", id, cond(R"({"StringEquals":{"aws:username":{"a":1}}})"),
       syntax},
      {"condition value is an empty list", id, cond(R"({"StringEquals":{"aws:username":[]}})"),
       syntax},
      {"condition value list holds null", id, cond(R"({"StringEquals":{"aws:username":[null]}})"),
       syntax},
      {"Principal in an identity policy", id,
       stmt(R"("Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*")"), no_principal},
      {"NotPrincipal in an identity policy", id,
       stmt(
           R"("Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*")"),
       no_principal},
      {"Principal in a managed policy", PolicyKind::kManaged,
       stmt(R"("Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*")"), no_principal},
      {"managed policy without Version", PolicyKind::kManaged, Doc(kAllowAll, ""),
       "Policy document must be version 2012-10-17 or greater."},
      {"managed policy 2008-10-17", PolicyKind::kManaged, Doc(kAllowAll, "2008-10-17"),
       "Policy document must be version 2012-10-17 or greater."},
      {"duplicate Sid", id,
       Doc(R"({"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},)"
           R"({"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"})"),
       "Statement IDs (SID) in a single policy must be unique."},
      {"Sid with a space", id,
       stmt(R"("Sid":"Read all","Effect":"Allow","Action":"s3:*","Resource":"*")"),
       "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular "
       "expression [0-9A-Za-z]*"},
      {"no Action", id, stmt(R"("Effect":"Allow","Resource":"*")"),
       "Policy statement must contain actions."},
      {"empty Action list", id, stmt(R"("Effect":"Allow","Action":[],"Resource":"*")"),
       "Policy statement must contain actions."},
      {"no Resource", id, stmt(R"("Effect":"Allow","Action":"s3:*")"),
       "Policy statement must contain resources."},
      {"empty NotResource list", id, stmt(R"("Effect":"Allow","Action":"s3:*","NotResource":[])"),
       "Policy statement must contain resources."},
      {"no Resource in a resource policy", PolicyKind::kResource,
       stmt(R"("Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction")"),
       "Policy statement must contain resources."},
      {"Resource in a trust policy", trust,
       stmt(R"("Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*")"),
       "Has prohibited field Resource."},
      {"NotResource in a trust policy", trust,
       stmt(R"("Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","NotResource":"*")"),
       "Has prohibited field NotResource."},
      {"trust policy without Principal", trust,
       stmt(R"("Effect":"Allow","Action":"sts:AssumeRole")"),
       "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in "
       "policy has a statement with no principals!"},
      {"trust policy without Action", trust, stmt(R"("Effect":"Allow","Principal":"*")"),
       "Policy statement must contain actions."},
      {"resource not an ARN", id, stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"bucket")"),
       "Resource bucket must be in ARN format or \"*\"."},
      {"resource too short", id,
       stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3")"),
       "Resource arn:aws:s3 must be in ARN format or \"*\"."},
      {"foreign partition", id,
       stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"arn:aws-cn:s3:::b")"),
       "Partition \"aws-cn\" is not valid for resource \"arn:aws-cn:s3:::b\"."},
      {"wildcard service in resource", id,
       stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s*:::b")"),
       "Resource vendor must be fully qualified and cannot contain regexes."},
      {"action without vendor", id, stmt(R"("Effect":"Allow","Action":"GetObject","Resource":"*")"),
       "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
      {"action with two colons", id,
       stmt(R"("Effect":"Allow","Action":"s3:Get:Object","Resource":"*")"),
       "Actions/Condition can contain only one colon."},
      {"invalid vendor", id, stmt(R"("Effect":"Allow","Action":"s_3:GetObject","Resource":"*")"),
       "Vendor s_3 is not valid"},
      {"condition key without vendor", id, cond(R"({"StringEquals":{"username":"a"}})"),
       "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
      {"partial wildcard principal", trust,
       stmt(
           R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/*"},"Action":"sts:AssumeRole")"),
       "Invalid principal in policy: \"AWS\":\"arn:aws:iam::123456789012:role/*\""},
      {"short account id", trust,
       stmt(R"("Effect":"Allow","Principal":{"AWS":"12345"},"Action":"sts:AssumeRole")"),
       "Invalid principal in policy: \"AWS\":\"12345\""},
      {"group as principal", trust,
       stmt(
           R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:group/devs"},"Action":"sts:AssumeRole")"),
       "Invalid principal in policy: \"AWS\":\"arn:aws:iam::123456789012:group/devs\""},
      {"service wildcard", trust,
       stmt(R"("Effect":"Allow","Principal":{"Service":"*"},"Action":"sts:AssumeRole")"),
       "Invalid principal in policy: \"SERVICE\":\"*\""},
      {"principal string other than *", trust,
       stmt(R"("Effect":"Allow","Principal":"123456789012","Action":"sts:AssumeRole")"), syntax},
      {"unknown principal type", trust,
       stmt(R"("Effect":"Allow","Principal":{"User":"bob"},"Action":"sts:AssumeRole")"), syntax},
      {"empty principal list", trust,
       stmt(R"("Effect":"Allow","Principal":{"AWS":[]},"Action":"sts:AssumeRole")"), syntax},
      {"bad date", id, cond(R"({"DateGreaterThan":{"aws:CurrentTime":"yesterday"}})"), legacy},
      {"bad month", id, cond(R"({"DateGreaterThan":{"aws:CurrentTime":"2020-13-01"}})"), legacy},
      {"February 30", id, cond(R"({"DateGreaterThan":{"aws:CurrentTime":"2021-02-29"}})"), legacy},
      {"bad IP", id, cond(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/33"}})"), syntax},
      {"bad number", id, cond(R"({"NumericLessThan":{"s3:max-keys":"ten"}})"), syntax},
      {"infinity is no number", id, cond(R"({"NumericLessThan":{"s3:max-keys":"inf"}})"), syntax},
      {"variable in a Numeric operator", id,
       cond(R"({"NumericLessThan":{"s3:max-keys":"${aws:x}"}})"), syntax},
      {"bad Bool", id, cond(R"({"Bool":{"aws:SecureTransport":"yes"}})"), syntax},
      {"bad Null", id, cond(R"({"Null":{"aws:TokenIssueTime":"1"}})"), syntax},
      {"bad base64", id, cond(R"({"BinaryEquals":{"k:b":"not base64"}})"), syntax},
  };
  for (const ErrorRow& row : rows) {
    SCOPED_TRACE(row.name);
    const std::string want = "MalformedPolicyDocument: " + row.want;
    EXPECT_EQ(ErrorOf(row.json, row.kind), want) << row.json;
  }
}

TEST(PolicyParse, BucketErrors) {
  const PolicyKind b = PolicyKind::kBucket;
  auto stmt = [](std::string body) { return Doc("{" + body + "}"); };
  const std::string get = R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject",)";
  const std::vector<ErrorRow> rows = {
      {"leading space", b, " " + Doc(kAllowAll),
       "Policies must be valid JSON and the first byte must be '{'"},
      {"empty", b, "", "Policies must be valid JSON and the first byte must be '{'"},
      {"array", b, "[]", "Policies must be valid JSON and the first byte must be '{'"},
      {"invalid JSON", b, "{\"Statement\":", "This policy contains invalid Json"},
      {"duplicate key", b, R"({"Statement":[],"Statement":[]})",
       "This policy contains invalid Json"},
      {"unknown top-level field", b, R"({"Foo":1,"Statement":[]})", "Unknown field Foo"},
      {"unknown statement field", b, stmt(get + R"("Resource":"arn:aws:s3:::b/*","Bar":1)"),
       "Unknown field Bar"},
      {"lower-case condition", b,
       stmt(get +
            R"("Resource":"arn:aws:s3:::b/*","condition":{"Bool":{"aws:SecureTransport":"true"}})"),
       "Unknown field condition"},
      {"bad version", b, Doc(kAllowAll, "2017-06-20"),
       "The policy must contain a valid version string"},
      {"no Statement", b, R"({"Version":"2012-10-17"})", "Missing required field Statement"},
      {"empty Statement", b, Doc(""), "Could not parse the policy: Statement is empty!"},
      {"no Effect", b,
       stmt(R"("Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*")"),
       "Missing required field Effect"},
      {"invalid Effect", b,
       stmt(
           R"("Effect":"hello","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*")"),
       "Invalid effect: hello"},
      {"no Principal", b,
       stmt(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*")"),
       "Missing required field Principal"},
      {"empty Principal map", b,
       stmt(
           R"("Effect":"Allow","Principal":{},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*")"),
       "Missing required field Principal cannot be empty!"},
      {"empty principal list", b,
       stmt(
           R"("Effect":"Allow","Principal":{"AWS":[]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*")"),
       "Missing required field Principal cannot be empty!"},
      {"principal name", b,
       stmt(
           R"("Effect":"Allow","Principal":{"AWS":"user"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*")"),
       "Invalid principal in policy"},
      {"principal partial wildcard", b,
       stmt(
           R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*")"),
       "Invalid principal in policy"},
      {"no Action", b, stmt(R"("Effect":"Allow","Principal":"*","Resource":"arn:aws:s3:::b/*")"),
       "Missing required field Action"},
      {"invalid action", b,
       stmt(
           R"("Effect":"Allow","Principal":"*","Action":"invalid_action","Resource":"arn:aws:s3:::b")"),
       "Policy has invalid action"},
      {"IAM action", b,
       stmt(
           R"("Effect":"Allow","Principal":"*","Action":"iam:CreateUser","Resource":"arn:aws:s3:::b")"),
       "Policy has invalid action"},
      {"empty action list", b,
       stmt(R"("Effect":"Allow","Principal":"*","Action":[],"Resource":"arn:aws:s3:::b")"),
       "Policy has invalid action"},
      {"no Resource", b, stmt(R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject")"),
       "Missing required field Resource"},
      {"invalid resource", b, stmt(get + R"("Resource":"<invalid_resource_value>")"),
       "Policy has invalid resource"},
      {"resource *", b, stmt(get + R"("Resource":"*")"), "Policy has invalid resource"},
      {"resource of another service", b, stmt(get + R"("Resource":"arn:aws:sqs:us-east-1:1:q")"),
       "Policy has invalid resource"},
      {"resource starting with /", b, stmt(get + R"("Resource":"arn:aws:s3:::/b")"),
       "Policy has invalid resource"},
      {"unknown condition operator", b,
       stmt(get +
            R"("Resource":"arn:aws:s3:::b/*","Condition":{"StringEqualz":{"aws:Referer":"x"}})"),
       "Invalid Condition type : StringEqualz"},
      {"invalid IP", b,
       stmt(
           get +
           R"("Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"not-an-ip"}})"),
       "Invalid IP address in Conditions"},
      {"invalid date", b,
       stmt(
           get +
           R"("Resource":"arn:aws:s3:::b/*","Condition":{"DateLessThan":{"aws:CurrentTime":"x"}})"),
       "Policy has an invalid condition value"},
      {"ListBucket on objects", b,
       stmt(
           R"("Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/*")"),
       "Action does not apply to any resource(s) in statement"},
      {"GetObject on the bucket", b, stmt(get + R"("Resource":"arn:aws:s3:::b")"),
       "Action does not apply to any resource(s) in statement"},
      {"PutBucketPolicy on a prefix", b,
       stmt(
           R"("Effect":"Allow","Principal":"*","Action":"s3:PutBucketPolicy","Resource":"arn:aws:s3:::b/prefix/")"),
       "Action does not apply to any resource(s) in statement"},
      {"one action of two without its resource", b,
       stmt(
           R"("Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*")"),
       "Action does not apply to any resource(s) in statement"},
  };
  for (const ErrorRow& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(ErrorOf(row.json, row.kind), "MalformedPolicy: " + row.want) << row.json;
  }
}

TEST(PolicyParse, BucketPolicyMustNameItsBucket) {
  auto doc = [](std::string resource) {
    return Doc(R"({"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":")" + resource +
               "\"}");
  };
  struct Row {
    std::string resource;
    bool ok;
  } rows[] = {
      {"arn:aws:s3:::mybucket", true},     {"arn:aws:s3:::mybucket/*", true},
      {"arn:aws:s3:::mybucket/a/b", true}, {"arn:aws:s3:::other/*", false},
      {"arn:aws:s3:::mybucket2", false},   {"arn:aws:s3:::mybucket2/*", false},
      {"arn:aws:s3:::my*", false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.resource);
    Result<Policy> p = ParseBucketPolicy(doc(row.resource), "mybucket");
    EXPECT_EQ(p.ok(), row.ok);
    if (!p.ok()) {
      EXPECT_EQ(p.error().message, "Policy has invalid resource");
    }
  }
}

TEST(PolicyParse, AcceptedForms) {
  struct Row {
    const char* name;
    PolicyKind kind;
    std::string json;
  };
  const std::string principal_stmt = R"("Effect":"Allow","Action":"sts:AssumeRole","Principal":)";
  const std::vector<Row> rows = {
      {"Statement as an object", PolicyKind::kIdentity,
       R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})"},
      {"no Version (2008-10-17)", PolicyKind::kIdentity, Doc(kAllowAll, "")},
      {"2008-10-17", PolicyKind::kIdentity, Doc(kAllowAll, "2008-10-17")},
      {"Id and Sid", PolicyKind::kIdentity,
       R"({"Version":"2012-10-17","Id":"cd3ad3d9-2776-4ef1-a904-4c229d1642ee","Statement":[{"Sid":"1","Effect":"Allow","Action":"s3:*","Resource":"*"}]})"},
      {"empty Sids may repeat", PolicyKind::kIdentity,
       Doc(R"({"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"})")},
      {"lists", PolicyKind::kIdentity,
       Doc(R"({"Effect":"Allow","Action":["ec2:Describe*","ec2:List*"],"Resource":["arn:aws:s3:::a","arn:aws:s3:::b/*"]})")},
      {"NotAction and NotResource", PolicyKind::kIdentity,
       Doc(R"({"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:s3:::a/*"})")},
      {"condition values of every JSON scalar type", PolicyKind::kIdentity,
       Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true},"NumericEquals":{"k:n":[1.5,"2"]}}})")},
      {"empty Condition", PolicyKind::kIdentity,
       Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{}})")},
      {"set operator and IfExists", PolicyKind::kIdentity,
       Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":["a*"]}}})")},
      {"2008 trust policy", PolicyKind::kTrust, Doc(kTrustLambda, "2008-10-17")},
      {"Principal *", PolicyKind::kTrust, Doc("{" + principal_stmt + R"("*"})")},
      {"every AWS principal form", PolicyKind::kTrust,
       Doc("{" + principal_stmt +
           R"({"AWS":["*","123456789012","arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:user/division/alice","arn:aws:iam::123456789012:role/Reader","arn:aws:sts::123456789012:assumed-role/Reader/s1","arn:aws:sts::123456789012:federated-user/bob"]}})")},
      {"Service, Federated", PolicyKind::kTrust,
       Doc("{" + principal_stmt +
           R"({"Service":["ecs.amazonaws.com","elasticloadbalancing.amazonaws.com"],"Federated":"cognito-identity.amazonaws.com"}})")},
      {"CanonicalUser in a bucket policy", PolicyKind::kBucket,
       Doc(R"({"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})")},
      {"bucket policy: s3:* on the bucket only", PolicyKind::kBucket,
       Doc(R"({"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b"})")},
      {"bucket policy: Get* on the bucket", PolicyKind::kBucket,
       Doc(R"({"Effect":"Allow","Principal":"*","Action":"s3:Get*","Resource":"arn:aws:s3:::b"})")},
      {"bucket policy: * action", PolicyKind::kBucket,
       Doc(R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::b"})")},
      {"bucket policy: mixed actions and resources", PolicyKind::kBucket,
       Doc(R"({"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]})")},
      {"bucket policy: a wildcard bucket name can name objects", PolicyKind::kBucket,
       Doc(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b*"})")},
      {"bucket policy: NotPrincipal, NotAction, NotResource", PolicyKind::kBucket,
       Doc(R"({"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"NotAction":"s3:GetObject","NotResource":"arn:aws:s3:::b/public/*"})")},
      {"bucket policy: Sid with spaces, no Version", PolicyKind::kBucket,
       Doc(R"({"Sid":"Public read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})",
           "")},
      {"resource policy: Lambda's statement ids", PolicyKind::kResource,
       Doc(R"({"Sid":"s3-invoke_1","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}})")},
      {"at the size limit", PolicyKind::kIdentity,
       [] {
         std::string d = Doc(kAllowAll);
         return d.insert(1, kMaxPolicyChars - d.size(), ' ');
       }()},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(ErrorOf(row.json, row.kind), "(parsed)") << row.json;
  }
  EXPECT_EQ(MustParse(Doc(kAllowAll, "")).version(), "2008-10-17");
  EXPECT_EQ(MustParse(Doc(kAllowAll)).version(), "2012-10-17");
  EXPECT_EQ(MustParse(Doc(kTrustLambda), PolicyKind::kTrust).kind(), PolicyKind::kTrust);
  EXPECT_EQ(MustParse(Doc(std::string(kAllowAll) + "," + kAllowAll)).statement_count(), 2u);
}

TEST(PolicyParse, HostileInputIsRefusedQuickly) {
  const auto start = std::chrono::steady_clock::now();
  const PolicyKind kinds[] = {PolicyKind::kIdentity, PolicyKind::kBucket};
  for (PolicyKind kind : kinds) {
    EXPECT_FALSE(ParsePolicy(std::string(100'000, '['), kind).ok());
    EXPECT_FALSE(
        ParsePolicy("{\"a\":" + std::string(50'000, '[') + std::string(50'000, ']') + "}", kind)
            .ok());
    EXPECT_FALSE(ParsePolicy(std::string(kMaxPolicyChars + 1, ' '), kind).ok());
    std::string big = Doc(kAllowAll);
    EXPECT_FALSE(ParsePolicy(big.insert(1, kMaxPolicyChars, ' '), kind).ok());
    // Many keys in one object: sorted once, not compared pairwise.
    std::string keys = "{";
    for (int i = 0; i < 12'000; ++i) keys += "\"k" + std::to_string(i) + "\":1,";
    keys += "\"k0\":1}";
    EXPECT_FALSE(ParsePolicy(keys, kind).ok());
    EXPECT_FALSE(ParsePolicy("{\"Statement\":[\"\xff\"]}", kind).ok());  // not UTF-8
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

// ---------------------------------------------------------------------------------------------
// Matching actions, resources and principals.

TEST(PolicyMatch, Actions) {
  struct Row {
    const char* pattern;
    const char* action;
    bool match;
  } rows[] = {
      {"s3:GetObject", "s3:GetObject", true},
      {"s3:getobject", "s3:GetObject", true},
      {"S3:GETOBJECT", "s3:GetObject", true},
      {"s3:GetObject", "s3:GetObjectAcl", false},
      {"s3:Get*", "s3:GetObject", true},
      {"s3:Get*", "s3:PutObject", false},
      {"s3:*", "s3:ListBucket", true},
      {"s3:*", "lambda:InvokeFunction", false},
      {"*", "lambda:InvokeFunction", true},
      {"iam:*AccessKey*", "iam:CreateAccessKey", true},
      {"iam:*AccessKey*", "iam:ListAccessKeys", true},
      {"iam:*AccessKey*", "iam:GetUser", false},
      {"iam:*Report", "iam:GenerateCredentialReport", true},
      {"iam:*Report", "iam:GetOrganizationsAccessReport", true},
      {"iam:*Report", "iam:GetReports", false},
      {"s3:?etObject", "s3:GetObject", true},
      {"s3:GetObject?", "s3:GetObject", false},
      {"s3:Get*Tagging", "s3:GetObjectTagging", true},
      {"s3:Get*Tagging", "s3:GetObjectTaggingX", false},
      {"s3:List*", "s3:ListAllMyBuckets", true},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(std::string(row.pattern) + " ~ " + row.action);
    Policy p = MustParse(
        Doc(std::string(R"({"Effect":"Allow","Action":")") + row.pattern + R"(","Resource":"*"})"));
    EXPECT_EQ(Eval(p, row.action, "*"), row.match ? Effect::kAllow : Effect::kNotApplicable);
    Policy n = MustParse(Doc(std::string(R"({"Effect":"Allow","NotAction":")") + row.pattern +
                             R"(","Resource":"*"})"));
    EXPECT_EQ(Eval(n, row.action, "*"), row.match ? Effect::kNotApplicable : Effect::kAllow);
  }
}

TEST(PolicyMatch, Resources) {
  struct Row {
    const char* pattern;
    const char* resource;
    bool match;
  } rows[] = {
      {"*", "arn:aws:s3:::b/k", true},
      {"*", "*", true},
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", true},
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a", true},
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false},
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket2/a", false},
      {"arn:aws:s3:::bucket", "arn:aws:s3:::bucket", true},
      {"arn:aws:s3:::bucket", "arn:aws:s3:::bucket/a", false},
      {"arn:aws:s3:::Bucket", "arn:aws:s3:::bucket", false},
      {"arn:aws:s3:::*", "arn:aws:s3:::any/object", true},
      {"arn:aws:s3:::*", "*", false},
      // The policy evaluation example: Deny on "arn:aws:s3:::*log*".
      {"arn:aws:s3:::*log*", "arn:aws:s3:::carlossalazar-logs", true},
      {"arn:aws:s3:::*log*", "arn:aws:s3:::carlossalazar-logs/file.txt", true},
      {"arn:aws:s3:::*log*", "arn:aws:s3:::carlossalazar", false},
      {"arn:aws:iam::123456789012:user/accounting/*",
       "arn:aws:iam::123456789012:user/accounting/bob", true},
      {"arn:aws:iam::123456789012:user/accounting/*", "arn:aws:iam::123456789012:user/sales/bob",
       false},
      {"arn:aws:sqs:us-east-?:123456789012:q", "arn:aws:sqs:us-east-2:123456789012:q", true},
      {"arn:aws:sqs:us-*-2:123456789012:q", "arn:aws:sqs:us-east-2:123456789012:q", true},
      {"arn:aws:sqs:us-*-2:123456789012:q", "arn:aws:sqs:us-east-1:123456789012:q", false},
      // A star inside an ARN segment stays in it ...
      {"arn:aws:sqs:u*2:123456789012:q", "arn:aws:sqs:u:9:2:123456789012:q", false},
      {"arn:aws:sqs:us-east-?:123456789012:q", "arn:aws:sqs:us-east::123456789012:q", false},
      // ... a star that ends a segment "can expand to match beyond the colon boundaries".
      {"arn:aws:sqs:*:123456789012:q", "arn:aws:sqs:us-east-1:123456789012:q", true},
      {"arn:aws:sqs:*:123456789012:q", "arn:aws:sqs:us-east-1:999:x:123456789012:q", true},
      {"arn:aws:sqs:*:123456789012:q", "arn:aws:sqs:us-east-1:999999999999:q", false},
      // The resource part (after the fifth colon) is one string; wildcards cross its colons.
      {"arn:aws:logs:us-east-1:123456789012:log-group:*",
       "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s", true},
      {"arn:aws:logs:us-east-1:123456789012:log-group:a?b",
       "arn:aws:logs:us-east-1:123456789012:log-group:a:b", true},
      {"arn:aws:dynamodb:us-east-2:123456789012:table/books_table",
       "arn:aws:dynamodb:us-east-2:123456789012:table/magazines_table", false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(std::string(row.pattern) + " ~ " + row.resource);
    Policy p = MustParse(Doc(std::string(R"({"Effect":"Allow","Action":"s3:*","Resource":")") +
                             row.pattern + "\"}"));
    EXPECT_EQ(Eval(p, "s3:GetObject", row.resource),
              row.match ? Effect::kAllow : Effect::kNotApplicable);
    Policy n = MustParse(Doc(std::string(R"({"Effect":"Allow","Action":"s3:*","NotResource":")") +
                             row.pattern + "\"}"));
    EXPECT_EQ(Eval(n, "s3:GetObject", row.resource),
              row.match ? Effect::kNotApplicable : Effect::kAllow);
  }
}

TEST(PolicyMatch, PathologicalWildcardsStayFast) {
  const auto start = std::chrono::steady_clock::now();
  std::string pattern = "s3:";
  for (int i = 0; i < 200; ++i) pattern += "a*";
  pattern += "b";
  Policy p = MustParse(Doc(R"({"Effect":"Allow","Action":")" + pattern + R"(","Resource":"*"})"));
  EXPECT_EQ(Eval(p, "s3:" + std::string(4000, 'a'), "*"), Effect::kNotApplicable);
  // Segment-bound stars (table matcher) on a long resource.
  std::string resource_pattern = "arn:aws:s3:";
  for (int i = 0; i < 100; ++i) resource_pattern += "a*";
  resource_pattern += "b::x";
  Policy r = MustParse(
      Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":")" + resource_pattern + "\"}"));
  EXPECT_EQ(Eval(r, "s3:GetObject", "arn:aws:s3:" + std::string(4000, 'a') + "::x"),
            Effect::kNotApplicable);
  Policy like = MustParse(Doc(
      R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"s3:prefix":")" +
      pattern + "\"}}}"));
  EXPECT_EQ(
      Eval(like, "s3:ListBucket", "*", User(), {{"s3:prefix", "s3:" + std::string(4000, 'a')}}),
      Effect::kNotApplicable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(PolicyMatch, Principals) {
  struct Row {
    const char* name;
    const char* principal;
    PrincipalInfo who;
    bool match;
  };
  const Row rows[] = {
      {"* / user", R"("*")", User(), true},
      {"* / anonymous", R"("*")", Anonymous(), true},
      {"* / service", R"("*")", Service("s3.amazonaws.com"), true},
      {"AWS * / anonymous", R"({"AWS":"*"})", Anonymous(), true},
      {"AWS * / session", R"({"AWS":"*"})", Session(), true},
      {"account id / user", R"({"AWS":"123456789012"})", User(), true},
      {"account id / session", R"({"AWS":"123456789012"})", Session(), true},
      {"account id / root", R"({"AWS":"123456789012"})", Root(), true},
      {"account id / other account", R"({"AWS":"123456789012"})", User("alice", "999999999999"),
       false},
      {"account id / anonymous", R"({"AWS":"123456789012"})", Anonymous(), false},
      {"account id / service", R"({"AWS":"123456789012"})", Service("s3.amazonaws.com"), false},
      {"account root ARN / user (not only root)", R"({"AWS":"arn:aws:iam::123456789012:root"})",
       User(), true},
      {"user ARN / that user", R"({"AWS":"arn:aws:iam::123456789012:user/alice"})", User(), true},
      {"user ARN / another user", R"({"AWS":"arn:aws:iam::123456789012:user/alice"})", User("bob"),
       false},
      {"user ARN is case-sensitive", R"({"AWS":"arn:aws:iam::123456789012:user/Alice"})", User(),
       false},
      {"user ARN / root", R"({"AWS":"arn:aws:iam::123456789012:user/alice"})", Root(), false},
      {"role ARN / its session", R"({"AWS":"arn:aws:iam::123456789012:role/Reader"})", Session(),
       true},
      {"role ARN / another role's session", R"({"AWS":"arn:aws:iam::123456789012:role/Writer"})",
       Session(), false},
      {"role ARN / user", R"({"AWS":"arn:aws:iam::123456789012:role/Reader"})", User(), false},
      {"session ARN / that session",
       R"({"AWS":"arn:aws:sts::123456789012:assumed-role/Reader/s1"})", Session(), true},
      {"session ARN / another session",
       R"({"AWS":"arn:aws:sts::123456789012:assumed-role/Reader/s1"})", Session("Reader", "s2"),
       false},
      {"list: second entry", R"({"AWS":["999999999999","arn:aws:iam::123456789012:user/alice"]})",
       User(), true},
      {"service / that service", R"({"Service":"s3.amazonaws.com"})", Service("s3.amazonaws.com"),
       true},
      {"service / another service", R"({"Service":"s3.amazonaws.com"})",
       Service("events.amazonaws.com"), false},
      {"service list", R"({"Service":["ecs.amazonaws.com","s3.amazonaws.com"]})",
       Service("s3.amazonaws.com"), true},
      {"service / user", R"({"Service":"s3.amazonaws.com"})", User(), false},
      {"federated / user", R"({"Federated":"cognito-identity.amazonaws.com"})", User(), false},
      {"federated user ARN / user", R"({"AWS":"arn:aws:sts::123456789012:federated-user/alice"})",
       User(), false},
      {"AWS and Service", R"({"AWS":"999999999999","Service":"s3.amazonaws.com"})",
       Service("s3.amazonaws.com"), true},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Policy p = MustParse(Doc(std::string(R"({"Effect":"Allow","Principal":)") + row.principal +
                             R"(,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
                         PolicyKind::kBucket);
    EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/k", row.who),
              row.match ? Effect::kAllow : Effect::kNotApplicable);
  }
}

TEST(PolicyMatch, NotPrincipal) {
  struct Row {
    const char* name;
    const char* effect;
    const char* not_principal;
    PrincipalInfo who;
    bool applies;
  };
  const char* bob_and_account =
      R"({"AWS":["arn:aws:iam::444455556666:user/Bob","arn:aws:iam::444455556666:root"]})";
  const char* session_role_account =
      R"({"AWS":["arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app","arn:aws:iam::444455556666:role/cross-account-read-only-role","arn:aws:iam::444455556666:root"]})";
  const char* session_account =
      R"({"AWS":["arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app","arn:aws:iam::444455556666:root"]})";
  const PrincipalInfo audit =
      Session("cross-account-read-only-role", "cross-account-audit-app", "444455556666");
  const Row rows[] = {
      // The IAM guide's NotPrincipal-with-Deny examples.
      {"Deny: Bob and his account named", "Deny", bob_and_account, User("Bob", "444455556666"),
       false},
      {"Deny: another user of the account", "Deny", bob_and_account, User("Carol", "444455556666"),
       true},
      {"Deny: anonymous", "Deny", bob_and_account, Anonymous(), true},
      {"Deny: only Bob named, account denied", "Deny",
       R"({"AWS":"arn:aws:iam::444455556666:user/Bob"})", User("Bob", "444455556666"), true},
      {"Deny: session, role and account named", "Deny", session_role_account, audit, false},
      {"Deny: role missing", "Deny", session_account, audit, true},
      {"Deny: another session of the role", "Deny", session_role_account,
       Session("cross-account-read-only-role", "other", "444455556666"), true},
      {"Deny: NotPrincipal * spares everyone", "Deny", R"("*")", Anonymous(), false},
      {"Deny: the named service", "Deny", R"({"Service":"s3.amazonaws.com"})",
       Service("s3.amazonaws.com"), false},
      // Allow with NotPrincipal grants everyone else, anonymous included.
      {"Allow: not Bob / Carol", "Allow", R"({"AWS":"arn:aws:iam::444455556666:user/Bob"})",
       User("Carol", "444455556666"), true},
      {"Allow: not Bob / anonymous", "Allow", R"({"AWS":"arn:aws:iam::444455556666:user/Bob"})",
       Anonymous(), true},
      {"Allow: not Bob / Bob", "Allow", R"({"AWS":"arn:aws:iam::444455556666:user/Bob"})",
       User("Bob", "444455556666"), false},
      {"Allow: not the account / its user", "Allow", R"({"AWS":"444455556666"})",
       User("Bob", "444455556666"), false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Policy p =
        MustParse(Doc(std::string(R"({"Effect":")") + row.effect + R"(","NotPrincipal":)" +
                      row.not_principal +
                      R"(,"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]})"),
                  PolicyKind::kBucket);
    const Effect want = !row.applies                             ? Effect::kNotApplicable
                        : std::string_view(row.effect) == "Deny" ? Effect::kDeny
                                                                 : Effect::kAllow;
    EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/k", row.who), want);
  }
}

// ---------------------------------------------------------------------------------------------
// Conditions.

struct ConditionRow {
  const char* condition;  // the Condition element
  ConditionKeys keys;
  bool holds;
};

void CheckConditions(const std::vector<ConditionRow>& rows) {
  for (size_t i = 0; i < rows.size(); ++i) {
    const ConditionRow& row = rows[i];
    std::string keys;
    for (const auto& [k, v] : row.keys) keys += " " + k + "=" + v;
    SCOPED_TRACE("row " + std::to_string(i) + ": " + row.condition + keys);
    Policy p =
        MustParse(Doc(std::string(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":)") +
                      row.condition + "}"));
    EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/k", User(), row.keys),
              row.holds ? Effect::kAllow : Effect::kNotApplicable);
  }
}

TEST(PolicyCondition, StringOperators) {
  CheckConditions({
      {R"({"StringEquals":{"aws:username":"alice"}})", {{"aws:username", "alice"}}, true},
      {R"({"StringEquals":{"aws:username":"alice"}})", {{"aws:username", "Alice"}}, false},
      {R"({"StringEquals":{"aws:username":"alice"}})", {}, false},
      {R"({"StringEquals":{"aws:username":["bob","alice"]}})", {{"aws:username", "alice"}}, true},
      {R"({"StringEquals":{"aws:username":"a*"}})", {{"aws:username", "abc"}}, false},
      {R"({"StringEquals":{"aws:username":"a*"}})", {{"aws:username", "a*"}}, true},
      {R"({"StringEquals":{"AWS:UserName":"alice"}})", {{"aws:username", "alice"}}, true},
      {R"({"StringEquals":{"aws:username":"alice"}})", {{"AWS:USERNAME", "alice"}}, true},
      {R"({"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}})",
       {{"aws:PrincipalTag/job-category", "iamuser-admin"}},
       true},
      {R"({"StringNotEquals":{"aws:username":"alice"}})", {{"aws:username", "bob"}}, true},
      {R"({"StringNotEquals":{"aws:username":"alice"}})", {{"aws:username", "alice"}}, false},
      {R"({"StringNotEquals":{"aws:username":"alice"}})", {}, true},
      // Negated operators with several values: the request value must match none (NOR).
      {R"({"StringNotEquals":{"aws:PrincipalTag/role":["audit","security"]}})",
       {{"aws:PrincipalTag/role", "audit"}},
       false},
      {R"({"StringNotEquals":{"aws:PrincipalTag/role":["audit","security"]}})",
       {{"aws:PrincipalTag/role", "legal"}},
       true},
      {R"({"StringEqualsIgnoreCase":{"aws:username":"ALICE"}})", {{"aws:username", "alice"}}, true},
      {R"({"StringEqualsIgnoreCase":{"aws:username":"ALICE"}})",
       {{"aws:username", "alicia"}},
       false},
      {R"({"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}})",
       {{"aws:username", "alice"}},
       false},
      {R"({"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}})",
       {{"aws:username", "bob"}},
       true},
      {R"({"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}})", {}, true},
      {R"({"StringLike":{"s3:prefix":"home/*"}})", {{"s3:prefix", "home/alice/x"}}, true},
      {R"({"StringLike":{"s3:prefix":"home/*"}})", {{"s3:prefix", "Home/alice"}}, false},
      {R"({"StringLike":{"s3:prefix":"home/*"}})", {{"s3:prefix", "tmp/"}}, false},
      {R"({"StringLike":{"s3:prefix":["","home/"]}})", {{"s3:prefix", ""}}, true},
      {R"({"StringLike":{"s3:prefix":"a?c"}})", {{"s3:prefix", "abc"}}, true},
      {R"({"StringLike":{"s3:prefix":"a?c"}})", {{"s3:prefix", "ac"}}, false},
      {R"({"StringLike":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}})",
       {{"ec2:InstanceType", "t2.micro"}},
       true},
      {R"({"StringNotLike":{"s3:prefix":"home/*"}})", {{"s3:prefix", "home/x"}}, false},
      {R"({"StringNotLike":{"s3:prefix":"home/*"}})", {{"s3:prefix", "tmp"}}, true},
      {R"({"StringNotLike":{"s3:prefix":"home/*"}})", {}, true},
      {R"({"StringEquals":{"s3:max-keys":10}})", {{"s3:max-keys", "10"}}, true},
      {R"({"StringEquals":{"aws:SecureTransport":true}})", {{"aws:SecureTransport", "true"}}, true},
  });
}

TEST(PolicyCondition, SeveralKeysAndOperatorsAreAnded) {
  CheckConditions({
      {R"({"StringEquals":{"aws:username":"alice","s3:prefix":"x"}})",
       {{"aws:username", "alice"}, {"s3:prefix", "x"}},
       true},
      {R"({"StringEquals":{"aws:username":"alice","s3:prefix":"x"}})",
       {{"aws:username", "alice"}, {"s3:prefix", "y"}},
       false},
      {R"({"StringEquals":{"aws:username":"alice","s3:prefix":"x"}})",
       {{"aws:username", "alice"}},
       false},
      {R"({"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}})",
       {{"aws:username", "alice"}, {"aws:SecureTransport", "true"}},
       true},
      {R"({"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}})",
       {{"aws:username", "alice"}, {"aws:SecureTransport", "false"}},
       false},
      {R"({"StringLike":{"s3:prefix":"a*"},"StringNotLike":{"s3:prefix":"ab*"}})",
       {{"s3:prefix", "ac"}},
       true},
      {R"({"StringLike":{"s3:prefix":"a*"},"StringNotLike":{"s3:prefix":"ab*"}})",
       {{"s3:prefix", "abc"}},
       false},
  });
}

TEST(PolicyCondition, NumericOperators) {
  CheckConditions({
      {R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})", {{"s3:max-keys", "10"}}, true},
      {R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})", {{"s3:max-keys", "11"}}, false},
      {R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})", {{"s3:max-keys", "9.5"}}, true},
      {R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})", {}, false},
      {R"({"NumericLessThan":{"s3:max-keys":"10"}})", {{"s3:max-keys", "10"}}, false},
      {R"({"NumericLessThan":{"s3:max-keys":"10"}})", {{"s3:max-keys", "-3"}}, true},
      {R"({"NumericGreaterThan":{"s3:max-keys":"10"}})", {{"s3:max-keys", "10.01"}}, true},
      {R"({"NumericGreaterThan":{"s3:max-keys":"10"}})", {{"s3:max-keys", "10"}}, false},
      {R"({"NumericGreaterThanEquals":{"s3:max-keys":"1e1"}})", {{"s3:max-keys", "10"}}, true},
      {R"({"NumericEquals":{"s3:max-keys":"10"}})", {{"s3:max-keys", "10.0"}}, true},
      {R"({"NumericEquals":{"s3:max-keys":-1.5}})", {{"s3:max-keys", "-1.5"}}, true},
      {R"({"NumericEquals":{"s3:max-keys":["1","2"]}})", {{"s3:max-keys", "2"}}, true},
      {R"({"NumericNotEquals":{"s3:max-keys":"10"}})", {{"s3:max-keys", "11"}}, true},
      {R"({"NumericNotEquals":{"s3:max-keys":"10"}})", {{"s3:max-keys", "10"}}, false},
      {R"({"NumericNotEquals":{"s3:max-keys":"10"}})", {}, true},
      {R"({"NumericLessThan":{"s3:max-keys":"10"}})", {{"s3:max-keys", "abc"}}, false},
  });
}

TEST(PolicyCondition, DateOperators) {
  CheckConditions({
      {R"({"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}})",
       {{"aws:TokenIssueTime", "2020-06-01T00:00:00Z"}},
       true},
      {R"({"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}})",
       {{"aws:TokenIssueTime", "2019-12-31T23:59:59Z"}},
       false},
      {R"({"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}})",
       {{"aws:TokenIssueTime", "2020-01-01T00:00:01Z"}},
       false},
      {R"({"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}})", {}, false},
      {R"({"DateGreaterThanEquals":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}})",
       {{"aws:TokenIssueTime", "2020-01-01T00:00:01Z"}},
       true},
      {R"({"DateLessThan":{"aws:CurrentTime":"2013-06-30T00:00:00Z"}})",
       {{"aws:CurrentTime", "2013-06-29T23:59:59Z"}},
       true},
      {R"({"DateLessThanEquals":{"aws:CurrentTime":"2013-06-30T00:00:00Z"}})",
       {{"aws:CurrentTime", "2013-06-30T00:00:00.001Z"}},
       false},
      {R"({"DateEquals":{"aws:CurrentTime":"2020-01-01"}})",
       {{"aws:CurrentTime", "2020-01-01T00:00:00Z"}},
       true},
      {R"({"DateEquals":{"aws:CurrentTime":"2020-01"}})",
       {{"aws:CurrentTime", "2020-01-01T00:00:00Z"}},
       true},
      {R"({"DateEquals":{"aws:CurrentTime":"2020"}})",
       {{"aws:CurrentTime", "1970-01-01T00:33:40Z"}},
       true},
      {R"({"DateEquals":{"aws:CurrentTime":"1577836800"}})",
       {{"aws:CurrentTime", "2020-01-01T00:00:00Z"}},
       true},
      {R"({"DateGreaterThanEquals":{"aws:EpochTime":"2020-01-01T00:00:00Z"}})",
       {{"aws:EpochTime", "1577836800"}},
       true},
      {R"({"DateLessThan":{"aws:EpochTime":"2020-01-01T00:00:00Z"}})",
       {{"aws:EpochTime", "1577836800"}},
       false},
      {R"({"DateEquals":{"aws:CurrentTime":"2020-01-01T01:00:00+01:00"}})",
       {{"aws:CurrentTime", "2020-01-01T00:00:00Z"}},
       true},
      {R"({"DateEquals":{"aws:CurrentTime":"2019-12-31T19:00-05:00"}})",
       {{"aws:CurrentTime", "2020-01-01T00:00:00Z"}},
       true},
      {R"({"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}})",
       {{"aws:CurrentTime", "2020-01-01T00:00:00.500Z"}},
       true},
      {R"({"DateEquals":{"aws:CurrentTime":"2024-02-29T12:00:00Z"}})",
       {{"aws:CurrentTime", "2024-02-29T12:00:00Z"}},
       true},
      {R"({"DateNotEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}})",
       {{"aws:CurrentTime", "2020-01-02T00:00:00Z"}},
       true},
      {R"({"DateNotEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}})",
       {{"aws:CurrentTime", "2020-01-01T00:00:00Z"}},
       false},
      {R"({"DateNotEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}})", {}, true},
      {R"({"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}})",
       {{"aws:CurrentTime", "garbage"}},
       false},
  });
}

TEST(PolicyCondition, BoolBinaryAndNull) {
  CheckConditions({
      {R"({"Bool":{"aws:SecureTransport":"true"}})", {{"aws:SecureTransport", "true"}}, true},
      {R"({"Bool":{"aws:SecureTransport":"true"}})", {{"aws:SecureTransport", "false"}}, false},
      {R"({"Bool":{"aws:SecureTransport":"true"}})", {{"aws:SecureTransport", "TRUE"}}, true},
      {R"({"Bool":{"aws:SecureTransport":"true"}})", {}, false},
      {R"({"Bool":{"aws:SecureTransport":false}})", {{"aws:SecureTransport", "false"}}, true},
      {R"({"Bool":{"aws:SecureTransport":"false"}})", {{"aws:SecureTransport", "no"}}, false},
      {R"({"BinaryEquals":{"k:bin":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}})",
       {{"k:bin", "BinaryValueInBase64"}},
       true},
      {R"({"BinaryEquals":{"k:bin":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}})",
       {{"k:bin", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}},
       false},
      {R"({"BinaryEquals":{"k:bin":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}})", {}, false},
      {R"({"Null":{"aws:TokenIssueTime":"true"}})", {}, true},
      {R"({"Null":{"aws:TokenIssueTime":"true"}})",
       {{"aws:TokenIssueTime", "2020-01-01T00:00:00Z"}},
       false},
      {R"({"Null":{"aws:TokenIssueTime":"false"}})",
       {{"aws:TokenIssueTime", "2020-01-01T00:00:00Z"}},
       true},
      {R"({"Null":{"aws:TokenIssueTime":"false"}})", {}, false},
      {R"({"Null":{"aws:TokenIssueTime":true}})", {{"AWS:TOKENISSUETIME", "x"}}, false},
  });
}

TEST(PolicyCondition, IpAddressOperators) {
  CheckConditions({
      {R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})",
       {{"aws:SourceIp", "203.0.113.5"}},
       true},
      {R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})",
       {{"aws:SourceIp", "203.0.114.5"}},
       false},
      {R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", {}, false},
      {R"({"IpAddress":{"aws:SourceIp":"203.0.113.5"}})", {{"aws:SourceIp", "203.0.113.5"}}, true},
      {R"({"IpAddress":{"aws:SourceIp":"203.0.113.5"}})", {{"aws:SourceIp", "203.0.113.6"}}, false},
      {R"({"IpAddress":{"aws:SourceIp":"203.0.113.9/24"}})",
       {{"aws:SourceIp", "203.0.113.200"}},
       true},
      {R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/12"}})",
       {{"aws:SourceIp", "10.15.255.255"}},
       true},
      {R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/12"}})", {{"aws:SourceIp", "10.16.0.0"}}, false},
      {R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})", {{"aws:SourceIp", "198.51.100.7"}}, true},
      {R"({"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}})",
       {{"aws:SourceIp", "2001:db8:1234:5678::1"}},
       true},
      {R"({"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}})",
       {{"aws:SourceIp", "2001:db8:1234:5679::1"}},
       false},
      {R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})",
       {{"aws:SourceIp", "::ffff:203.0.113.5"}},
       true},
      {R"({"IpAddress":{"aws:SourceIp":"::/0"}})", {{"aws:SourceIp", "203.0.113.5"}}, false},
      {R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})",
       {{"aws:SourceIp", "not-an-ip"}},
       false},
      {R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})",
       {{"aws:SourceIp", "203.0.113.0/24"}},
       false},
      {R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})",
       {{"aws:SourceIp", "198.51.100.1"}},
       true},
      {R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})",
       {{"aws:SourceIp", "203.0.113.9"}},
       false},
      {R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", {}, true},
      {R"({"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.0/24"]}})",
       {{"aws:SourceIp", "198.51.100.1"}},
       false},
  });
}

TEST(PolicyCondition, ArnOperators) {
  const char* finance =
      "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
  CheckConditions({
      {R"({"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic"}})",
       {{"aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic"}},
       true},
      {R"({"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic"}})",
       {{"aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:other"}},
       false},
      {R"({"ArnEquals":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}})",
       {{"aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic"}},
       true},
      {R"({"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b"}})",
       {{"aws:SourceArn", "arn:aws:s3:::b"}},
       true},
      {R"({"ArnLike":{"aws:SourceArn":"arn:aws:s3:::B"}})",
       {{"aws:SourceArn", "arn:aws:s3:::b"}},
       false},
      // The condition operators page: ArnLike matches part by part, StringLike the whole string.
      {R"({"ArnLike":{"k:arn":"arn:aws:someservice:*:111122223333:finance/*"}})",
       {{"k:arn", finance}},
       false},
      {R"({"StringLike":{"k:arn":"arn:aws:someservice:*:111122223333:finance/*"}})",
       {{"k:arn", finance}},
       true},
      {R"({"ArnLike":{"k:arn":"arn:aws:logs:*:*:log-group:*"}})",
       {{"k:arn", "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s"}},
       true},
      {R"({"ArnLike":{"k:arn":"arn:aws:s3:::b"}})", {{"k:arn", "b"}}, false},
      {R"({"ArnLike":{"k:arn":"*"}})", {{"k:arn", "arn:aws:s3:::b"}}, false},
      {R"({"ArnLike":{"k:arn":"arn:*:*:*:*:*"}})", {{"k:arn", "arn:aws:s3:::b"}}, true},
      {R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::444455556666:user/user-name"}})",
       {{"aws:PrincipalArn", "arn:aws:iam::444455556666:user/other"}},
       true},
      {R"({"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::444455556666:user/user-name"}})",
       {{"aws:PrincipalArn", "arn:aws:iam::444455556666:user/user-name"}},
       false},
      {R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::444455556666:user/*"}})", {}, true},
  });
}

TEST(PolicyCondition, IfExists) {
  CheckConditions({
      {R"({"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}})", {}, true},
      {R"({"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}})",
       {{"ec2:InstanceType", "t2.micro"}},
       true},
      {R"({"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}})",
       {{"ec2:InstanceType", "m5.large"}},
       false},
      {R"({"NumericLessThanIfExists":{"s3:max-keys":"10"}})", {}, true},
      {R"({"NumericLessThanIfExists":{"s3:max-keys":"10"}})", {{"s3:max-keys", "100"}}, false},
      {R"({"StringNotEqualsIfExists":{"aws:username":"alice"}})", {}, true},
      {R"({"StringNotEqualsIfExists":{"aws:username":"alice"}})",
       {{"aws:username", "alice"}},
       false},
      {R"({"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}})", {}, true},
      {R"({"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}})",
       {{"aws:SourceIp", "11.0.0.1"}},
       false},
      {R"({"DateLessThanIfExists":{"aws:TokenIssueTime":"2020-01-01"}})", {}, true},
      {R"({"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:s3:::b"}})", {}, true},
  });
}

TEST(PolicyCondition, SetOperators) {
  const char* all_of =
      R"({"ForAllValues:StringLike":{"dynamodb:requestedAttributes":["PostDateTime","Message","Tags"]}})";
  const char* any_of =
      R"({"ForAnyValue:StringLike":{"dynamodb:requestedAttributes":["ID","PostDateTime"]}})";
  const std::string attr = "dynamodb:requestedAttributes";
  CheckConditions({
      // The IAM guide's DynamoDB examples.
      {all_of, {{attr, "PostDateTime"}, {attr, "Message"}}, true},
      {all_of, {{attr, "PostDateTime"}, {attr, "UserName"}}, false},
      {all_of, {}, true},
      {all_of, {{attr, ""}}, true},
      {any_of, {{attr, "UserName"}, {attr, "Message"}, {attr, "PostDateTime"}}, true},
      {any_of, {{attr, "UserName"}}, false},
      {any_of, {}, false},
      {any_of, {{attr, ""}}, false},
      {R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":["a","b"]}})",
       {{"aws:TagKeys", "c"}, {"aws:TagKeys", "d"}},
       true},
      {R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":["a","b"]}})",
       {{"aws:TagKeys", "a"}, {"aws:TagKeys", "c"}},
       false},
      {R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}})",
       {{"aws:TagKeys", "a"}, {"aws:TagKeys", "c"}},
       true},
      {R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}})",
       {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}},
       false},
      {R"({"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"a"}})", {}, true},
      {R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}})", {{"AWS:TAGKEYS", "b"}}, true},
      {R"({"ForAnyValue:NumericGreaterThan":{"k:n":"5"}})", {{"k:n", "1"}, {"k:n", "9"}}, true},
      // A multi-valued key without a set operator: one request value must match (a negated
      // operator: none may).
      {R"({"StringEquals":{"aws:TagKeys":"a"}})",
       {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}},
       true},
      {R"({"StringNotEquals":{"aws:TagKeys":"a"}})",
       {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}},
       false},
      {R"({"StringNotEquals":{"aws:TagKeys":"a"}})",
       {{"aws:TagKeys", "b"}, {"aws:TagKeys", "c"}},
       true},
  });
}

// ---------------------------------------------------------------------------------------------
// Policy variables.

struct VariableRow {
  const char* name;
  std::string policy;  // a whole document
  const char* resource;
  ConditionKeys keys;
  Effect want;
};

void CheckVariables(const std::vector<VariableRow>& rows) {
  for (const VariableRow& row : rows) {
    SCOPED_TRACE(row.name);
    Policy p = MustParse(row.policy);
    EXPECT_EQ(Eval(p, "s3:GetObject", row.resource, User(), row.keys), row.want) << row.policy;
  }
}

std::string AllowOn(std::string resource, std::string_view version = "2012-10-17") {
  return Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":")" + resource + "\"}", version);
}
std::string AllowIf(std::string condition) {
  return Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":)" + condition + "}");
}

TEST(PolicyVariables, InResources) {
  const std::string home = "arn:aws:s3:::mybucket/${aws:username}/*";
  const ConditionKeys alice = {{"aws:username", "alice"}};
  CheckVariables({
      {"own home", AllowOn(home), "arn:aws:s3:::mybucket/alice/notes", alice, Effect::kAllow},
      {"someone else's home", AllowOn(home), "arn:aws:s3:::mybucket/bob/notes", alice,
       Effect::kNotApplicable},
      {"no user name",
       AllowOn(home),
       "arn:aws:s3:::mybucket/alice/notes",
       {},
       Effect::kNotApplicable},
      {"key names are case-insensitive", AllowOn("arn:aws:s3:::mybucket/${AWS:UserName}/*"),
       "arn:aws:s3:::mybucket/alice/x", alice, Effect::kAllow},
      {"2008-10-17: literal", AllowOn(home, "2008-10-17"), "arn:aws:s3:::mybucket/alice/notes",
       alice, Effect::kNotApplicable},
      {"2008-10-17: literal text matches", AllowOn(home, "2008-10-17"),
       "arn:aws:s3:::mybucket/${aws:username}/notes", alice, Effect::kAllow},
      {"no Version: literal", AllowOn(home, ""), "arn:aws:s3:::mybucket/alice/notes", alice,
       Effect::kNotApplicable},
      {"principal tag",
       AllowOn("arn:aws:s3:::bucket/${aws:PrincipalTag/department}"),
       "arn:aws:s3:::bucket/hr",
       {{"aws:PrincipalTag/department", "hr"}},
       Effect::kAllow},
      {"service key",
       AllowOn("arn:aws:s3:::b/${s3:prefix}*"),
       "arn:aws:s3:::b/logs/2020",
       {{"s3:prefix", "logs/"}},
       Effect::kAllow},
      {"user id",
       AllowOn("arn:aws:s3:::b/${aws:userid}"),
       "arn:aws:s3:::b/AIDAEXAMPLE",
       {{"aws:userid", "AIDAEXAMPLE"}},
       Effect::kAllow},
      {"default used",
       AllowOn("arn:aws:s3:::b/${aws:userid, 'anonymous'}"),
       "arn:aws:s3:::b/anonymous",
       {},
       Effect::kAllow},
      {"default not used",
       AllowOn("arn:aws:s3:::b/${aws:userid, 'anonymous'}"),
       "arn:aws:s3:::b/anonymous",
       {{"aws:userid", "AIDAEXAMPLE"}},
       Effect::kNotApplicable},
      {"default with spaces and a quote",
       AllowOn("arn:aws:s3:::b/${ aws:userid , 'it''s' }"),
       "arn:aws:s3:::b/it's",
       {},
       Effect::kAllow},
      {"multi-valued key is no variable",
       AllowOn("arn:aws:s3:::b/${aws:TagKeys}"),
       "arn:aws:s3:::b/a",
       {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}},
       Effect::kNotApplicable},
      {"multi-valued key falls back",
       AllowOn("arn:aws:s3:::b/${aws:TagKeys, 'none'}"),
       "arn:aws:s3:::b/none",
       {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}},
       Effect::kAllow},
      {"substituted * is literal",
       AllowOn("arn:aws:s3:::b/${aws:username}"),
       "arn:aws:s3:::b/abc",
       {{"aws:username", "a*"}},
       Effect::kNotApplicable},
      {"substituted * matches itself",
       AllowOn("arn:aws:s3:::b/${aws:username}"),
       "arn:aws:s3:::b/a*",
       {{"aws:username", "a*"}},
       Effect::kAllow},
      {"escaped *", AllowOn("arn:aws:s3:::b/a${*}"), "arn:aws:s3:::b/a*", {}, Effect::kAllow},
      {"escaped * is no wildcard",
       AllowOn("arn:aws:s3:::b/a${*}"),
       "arn:aws:s3:::b/abc",
       {},
       Effect::kNotApplicable},
      {"escaped ? and $",
       AllowOn("arn:aws:s3:::b/${?}${$}"),
       "arn:aws:s3:::b/?$",
       {},
       Effect::kAllow},
      {"unterminated variable is literal", AllowOn("arn:aws:s3:::b/${aws:username"),
       "arn:aws:s3:::b/${aws:username", alice, Effect::kAllow},
      {"before the fifth colon: literal",
       AllowOn("arn:aws:s3:${aws:region}::b"),
       "arn:aws:s3:us::b",
       {{"aws:region", "us"}},
       Effect::kNotApplicable},
      // An unresolvable variable fails closed: it never lets an Allow apply, and never keeps a
      // Deny from applying.
      {"Deny with an unresolvable resource",
       Doc(R"({"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"})"),
       "arn:aws:s3:::b/x/y",
       {},
       Effect::kDeny},
      {"Deny NotResource with an unresolvable variable",
       Doc(R"({"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:username}/*"})"),
       "arn:aws:s3:::b/x/y",
       {},
       Effect::kDeny},
      {"Allow NotResource with an unresolvable variable",
       Doc(R"({"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:username}/*"})"),
       "arn:aws:s3:::b/x/y",
       {},
       Effect::kNotApplicable},
  });
}

TEST(PolicyVariables, InConditions) {
  const ConditionKeys alice_home = {{"aws:username", "alice"}, {"s3:prefix", "home/alice/"}};
  CheckVariables({
      {"StringLike",
       AllowIf(R"({"StringLike":{"s3:prefix":["","home/","home/${aws:username}/"]}})"), "*",
       alice_home, Effect::kAllow},
      {"StringLike other user",
       AllowIf(R"({"StringLike":{"s3:prefix":"home/${aws:username}/*"}})"),
       "*",
       {{"aws:username", "bob"}, {"s3:prefix", "home/alice/x"}},
       Effect::kNotApplicable},
      {"StringEquals", AllowIf(R"({"StringEquals":{"s3:prefix":"home/${aws:username}/"}})"), "*",
       alice_home, Effect::kAllow},
      {"StringEqualsIgnoreCase",
       AllowIf(R"({"StringEqualsIgnoreCase":{"s3:prefix":"HOME/${aws:username}/"}})"), "*",
       alice_home, Effect::kAllow},
      {"ArnLike",
       AllowIf(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/${aws:username}"}})"),
       "*",
       {{"aws:username", "alice"}, {"aws:PrincipalArn", "arn:aws:iam::123456789012:user/alice"}},
       Effect::kAllow},
      {"escape in StringEquals",
       AllowIf(R"({"StringEquals":{"k:v":"a${*}b"}})"),
       "*",
       {{"k:v", "a*b"}},
       Effect::kAllow},
      {"escape in StringLike",
       AllowIf(R"({"StringLike":{"k:v":"a${*}"}})"),
       "*",
       {{"k:v", "ab"}},
       Effect::kNotApplicable},
      {"cost${$}",
       AllowIf(R"({"StringEquals":{"k:v":"cost${$}"}})"),
       "*",
       {{"k:v", "cost$"}},
       Effect::kAllow},
      {"missing variable",
       AllowIf(R"({"StringEquals":{"s3:prefix":"home/${aws:username}/"}})"),
       "*",
       {{"s3:prefix", "home//"}},
       Effect::kNotApplicable},
      {"missing variable, negated, Allow",
       AllowIf(R"({"StringNotEquals":{"s3:prefix":"home/${aws:username}/"}})"),
       "*",
       {{"s3:prefix", "x"}},
       Effect::kNotApplicable},
      {"missing variable, negated, Deny",
       Doc(R"({"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotLike":{"s3:prefix":"${aws:username}/*"}}})"),
       "*",
       {{"s3:prefix", "x"}},
       Effect::kDeny},
      {"missing variable, positive, Deny",
       Doc(R"({"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"${aws:username}"}}})"),
       "*",
       {{"s3:prefix", "x"}},
       Effect::kDeny},
      {"2008-10-17 condition is literal",
       Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"${aws:username}"}}})",
           "2008-10-17"),
       "*",
       {{"aws:username", "alice"}, {"s3:prefix", "${aws:username}"}},
       Effect::kAllow},
  });
}

// ---------------------------------------------------------------------------------------------
// Whole policies.

TEST(PolicyEvaluate, DenyWinsWithinAPolicy) {
  // The IAM guide's "difference between explicit and implicit denies" example.
  Policy p = MustParse(Doc(
      R"({"Sid":"AllowGetList","Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"},)"
      R"({"Sid":"DenyReports","Effect":"Deny","Action":"iam:*Report","Resource":"*"})"));
  EXPECT_EQ(Eval(p, "iam:GetUser", "*"), Effect::kAllow);
  EXPECT_EQ(Eval(p, "iam:GetOrganizationsAccessReport", "*"), Effect::kDeny);
  EXPECT_EQ(Eval(p, "iam:GenerateCredentialReport", "*"), Effect::kDeny);
  EXPECT_EQ(Eval(p, "iam:CreatePolicy", "*"), Effect::kNotApplicable);
  EXPECT_EQ(Eval(Policy(), "s3:GetObject", "*"), Effect::kNotApplicable);
  // Identity policies ignore who asks.
  EXPECT_EQ(Eval(p, "iam:GetUser", "*", Anonymous()), Effect::kAllow);
}

TEST(PolicyEvaluate, CombinedPoliciesKeepEachStatementAndItsVersion) {
  // How S3 joins an ACL's grants to a bucket policy: a Deny of either still wins.
  Policy bucket = MustParse(
      Doc(R"({"Effect":"Deny","Principal":"*","Action":"s3:GetObject",)"
          R"("Resource":"arn:aws:s3:::b/${aws:username}/*"})"),
      PolicyKind::kBucket);
  Policy acl = MustParse(Doc(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject",)"
                             R"("Resource":"*"})"),
                         PolicyKind::kResource);
  Policy both = Combine(bucket, acl);
  EXPECT_EQ(both.statement_count(), 2u);
  EXPECT_EQ(both.kind(), PolicyKind::kBucket);
  EXPECT_TRUE(both.uses_keys());
  ConditionKeys alice = {{"aws:username", "alice"}};
  EXPECT_EQ(Eval(both, "s3:GetObject", "arn:aws:s3:::b/alice/x", User(), alice), Effect::kDeny);
  EXPECT_EQ(Eval(both, "s3:GetObject", "arn:aws:s3:::b/bob/x", User(), alice), Effect::kAllow);
  EXPECT_EQ(Eval(acl, "s3:GetObject", "arn:aws:s3:::b/x", Anonymous()), Effect::kAllow);
  EXPECT_EQ(Eval(Combine(acl, Policy()), "s3:PutObject", "arn:aws:s3:::b/x", Anonymous()),
            Effect::kNotApplicable);
  // The parts are unchanged.
  EXPECT_EQ(bucket.statement_count(), 1u);
  EXPECT_EQ(Eval(acl, "s3:GetObject", "arn:aws:s3:::b/alice/x", User(), alice), Effect::kAllow);
}

TEST(PolicyEvaluate, SecureTransportDenyExample) {
  Policy p = MustParse(
      Doc(R"({"Sid":"BooleanExample","Action":"s3:*","Effect":"Deny",)"
          R"("Resource":["arn:aws:s3:::DOC-EXAMPLE-BUCKET","arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"],)"
          R"("Condition":{"Bool":{"aws:SecureTransport":"false"}}})"));
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/k", User(),
                 {{"aws:SecureTransport", "false"}}),
            Effect::kDeny);
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/k", User(),
                 {{"aws:SecureTransport", "true"}}),
            Effect::kNotApplicable);
  EXPECT_EQ(
      Eval(p, "s3:GetObject", "arn:aws:s3:::other/k", User(), {{"aws:SecureTransport", "false"}}),
      Effect::kNotApplicable);
}

struct DecideRow {
  const char* name;
  std::vector<const Policy*> identity;
  const Policy* resource;
  std::vector<const Policy*> session;
  const Policy* boundary;
  PrincipalInfo who;
  const char* action;
  const char* arn;
  bool allowed;
  const char* reason;
};

TEST(PolicyDecide, WithinOneAccount) {
  const PolicyKind b = PolicyKind::kBucket;
  const Policy id_get =
      MustParse(Doc(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"));
  const Policy id_deny =
      MustParse(Doc(R"({"Effect":"Deny","Action":"s3:GetObject","Resource":"*"})"));
  const Policy id_put =
      MustParse(Doc(R"({"Effect":"Allow","Action":"s3:PutObject","Resource":"*"})"));
  auto bucket = [&](std::string principal, std::string effect = "Allow") {
    return MustParse(Doc(R"({"Effect":")" + effect + R"(","Principal":)" + principal +
                         R"(,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
                     b);
  };
  const Policy rp_user = bucket(R"({"AWS":"arn:aws:iam::123456789012:user/alice"})");
  const Policy rp_role = bucket(R"({"AWS":"arn:aws:iam::123456789012:role/Reader"})");
  const Policy rp_session = bucket(R"({"AWS":"arn:aws:sts::123456789012:assumed-role/Reader/s1"})");
  const Policy rp_account = bucket(R"({"AWS":"123456789012"})");
  const Policy rp_star = bucket(R"("*")");
  const Policy rp_deny = bucket(R"("*")", "Deny");
  const Policy rp_service = MustParse(
      Doc(R"({"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}})"),
      PolicyKind::kResource);
  const Policy boundary_read = MustParse(
      Doc(R"({"Effect":"Allow","Action":"s3:Get*","Resource":"*"})"), PolicyKind::kManaged);
  const Policy boundary_ec2 =
      MustParse(Doc(R"({"Effect":"Allow","Action":"ec2:*","Resource":"*"})"), PolicyKind::kManaged);
  const Policy boundary_deny = MustParse(
      Doc(R"({"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"})"),
      PolicyKind::kManaged);
  const Policy session_get =
      MustParse(Doc(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})"));
  const Policy session_put = id_put;
  const Policy session_deny = id_deny;

  const char* get = "s3:GetObject";
  const char* obj = "arn:aws:s3:::b/k";
  const char* no_identity = "because no identity-based policy allows the s3:GetObject action";
  const char* no_boundary = "because no permissions boundary allows the s3:GetObject action";
  const char* no_session = "because no session policy allows the s3:GetObject action";
  const char* no_resource = "because no resource-based policy allows the s3:GetObject action";
  const PrincipalInfo s1 = Session();
  const std::vector<DecideRow> rows = {
      {"identity allows", {&id_get}, nullptr, {}, nullptr, User(), get, obj, true, ""},
      {"nothing allows", {}, nullptr, {}, nullptr, User(), get, obj, false, no_identity},
      {"identity allows another action",
       {&id_put},
       nullptr,
       {},
       nullptr,
       User(),
       get,
       obj,
       false,
       no_identity},
      {"one of two identity policies allows",
       {&id_put, nullptr, &id_get},
       nullptr,
       {},
       nullptr,
       User(),
       get,
       obj,
       true,
       ""},
      {"explicit deny in an identity policy",
       {&id_get, &id_deny},
       nullptr,
       {},
       nullptr,
       User(),
       get,
       obj,
       false,
       "with an explicit deny in an identity-based policy"},
      {"explicit deny in the resource policy",
       {&id_get},
       &rp_deny,
       {},
       nullptr,
       User(),
       get,
       obj,
       false,
       "with an explicit deny in a resource-based policy"},
      {"resource policy names the user", {}, &rp_user, {}, nullptr, User(), get, obj, true, ""},
      {"resource policy names another user",
       {},
       &rp_user,
       {},
       nullptr,
       User("bob"),
       get,
       obj,
       false,
       no_identity},
      {"resource policy names only the account",
       {},
       &rp_account,
       {},
       nullptr,
       User(),
       get,
       obj,
       false,
       no_identity},
      {"account grant plus identity allow",
       {&id_get},
       &rp_account,
       {},
       nullptr,
       User(),
       get,
       obj,
       true,
       ""},
      {"resource policy grants everyone", {}, &rp_star, {}, nullptr, User(), get, obj, true, ""},
      {"boundary does not allow",
       {&id_get},
       nullptr,
       {},
       &boundary_ec2,
       User(),
       get,
       obj,
       false,
       no_boundary},
      {"boundary allows", {&id_get}, nullptr, {}, &boundary_read, User(), get, obj, true, ""},
      {"boundary alone grants nothing",
       {},
       nullptr,
       {},
       &boundary_read,
       User(),
       get,
       obj,
       false,
       no_identity},
      {"explicit deny in the boundary",
       {&id_get},
       nullptr,
       {},
       &boundary_deny,
       User(),
       get,
       obj,
       false,
       "with an explicit deny in a permissions boundary"},
      {"user grant is not limited by the boundary",
       {},
       &rp_user,
       {},
       &boundary_ec2,
       User(),
       get,
       obj,
       true,
       ""},
      {"* grant is not limited by the boundary",
       {},
       &rp_star,
       {},
       &boundary_ec2,
       User(),
       get,
       obj,
       true,
       ""},
      {"session: identity allows", {&id_get}, nullptr, {}, nullptr, s1, get, obj, true, ""},
      {"session policy does not allow",
       {&id_get},
       nullptr,
       {&session_put},
       nullptr,
       s1,
       get,
       obj,
       false,
       no_session},
      {"session policy allows",
       {&id_get},
       nullptr,
       {&session_get},
       nullptr,
       s1,
       get,
       obj,
       true,
       ""},
      {"one of two session policies allows",
       {&id_get},
       nullptr,
       {&session_put, &session_get},
       nullptr,
       s1,
       get,
       obj,
       true,
       ""},
      {"session policy alone grants nothing",
       {},
       nullptr,
       {&session_get},
       nullptr,
       s1,
       get,
       obj,
       false,
       no_identity},
      {"explicit deny in a session policy",
       {&id_get},
       nullptr,
       {&session_deny},
       nullptr,
       s1,
       get,
       obj,
       false,
       "with an explicit deny in a session policy"},
      {"boundary checked before session",
       {&id_get},
       nullptr,
       {&session_put},
       &boundary_ec2,
       s1,
       get,
       obj,
       false,
       no_boundary},
      {"role grant", {}, &rp_role, {}, nullptr, s1, get, obj, true, ""},
      {"role grant limited by session policy",
       {},
       &rp_role,
       {&session_put},
       nullptr,
       s1,
       get,
       obj,
       false,
       no_session},
      {"role grant limited by boundary",
       {},
       &rp_role,
       {},
       &boundary_ec2,
       s1,
       get,
       obj,
       false,
       no_boundary},
      {"role grant within session policy",
       {},
       &rp_role,
       {&session_get},
       &boundary_read,
       s1,
       get,
       obj,
       true,
       ""},
      {"session grant is limited by nothing",
       {},
       &rp_session,
       {&session_put},
       &boundary_ec2,
       s1,
       get,
       obj,
       true,
       ""},
      {"session grant names another session",
       {},
       &rp_session,
       {},
       nullptr,
       Session("Reader", "s2"),
       get,
       obj,
       false,
       no_identity},
      {"anonymous: public bucket", {}, &rp_star, {}, nullptr, Anonymous(), get, obj, true, ""},
      {"anonymous: no policy", {}, nullptr, {}, nullptr, Anonymous(), get, obj, false, no_resource},
      {"anonymous: policy for a user",
       {},
       &rp_user,
       {},
       nullptr,
       Anonymous(),
       get,
       obj,
       false,
       no_resource},
      {"anonymous: explicit deny",
       {},
       &rp_deny,
       {},
       nullptr,
       Anonymous(),
       get,
       obj,
       false,
       "with an explicit deny in a resource-based policy"},
      {"service via function policy",
       {},
       &rp_service,
       {},
       nullptr,
       Service("s3.amazonaws.com"),
       "lambda:InvokeFunction",
       "arn:aws:lambda:us-east-1:123456789012:function:f",
       false,
       "because no resource-based policy allows the lambda:InvokeFunction action"},
  };
  for (const DecideRow& row : rows) {
    SCOPED_TRACE(row.name);
    const ConditionKeys keys;
    Decision d = Decide(row.identity, row.resource, row.session, row.boundary,
                        RequestContext{row.action, row.arn, row.who, keys});
    EXPECT_EQ(d.allowed, row.allowed);
    EXPECT_EQ(d.reason, row.reason);
  }
  // The service row above lacks aws:SourceArn; with it, the function policy allows S3.
  const ConditionKeys source = {{"aws:SourceArn", "arn:aws:s3:::b"}};
  const PrincipalInfo s3 = Service("s3.amazonaws.com");
  Decision d =
      Decide({}, &rp_service, {}, nullptr,
             RequestContext{"lambda:InvokeFunction",
                            "arn:aws:lambda:us-east-1:123456789012:function:f", s3, source});
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, "");
}

TEST(PolicyDecide, CarlosExampleFromTheEvaluationGuide) {
  const Policy identity = MustParse(Doc(
      R"({"Sid":"AllowS3ListRead","Effect":"Allow","Action":["s3:GetBucketLocation","s3:GetAccountPublicAccessBlock","s3:ListAccessPoints","s3:ListAllMyBuckets"],"Resource":"arn:aws:s3:::*"},)"
      R"({"Sid":"AllowS3Self","Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::carlossalazar/*","arn:aws:s3:::carlossalazar"]},)"
      R"({"Sid":"DenyS3Logs","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*log*"})"));
  const Policy bucket = MustParse(
      Doc(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/carlossalazar"},"Action":"s3:*","Resource":["arn:aws:s3:::carlossalazar/*","arn:aws:s3:::carlossalazar"]})"),
      PolicyKind::kBucket);
  const PrincipalInfo carlos = User("carlossalazar");
  const ConditionKeys keys;
  const Policy* ids[] = {&identity};
  Decision logs = Decide(
      ids, nullptr, {}, nullptr,
      RequestContext{"s3:PutObject", "arn:aws:s3:::carlossalazar-logs/file.txt", carlos, keys});
  EXPECT_FALSE(logs.allowed);
  EXPECT_EQ(logs.reason, "with an explicit deny in an identity-based policy");
  Decision own =
      Decide(ids, &bucket, {}, nullptr,
             RequestContext{"s3:PutObject", "arn:aws:s3:::carlossalazar/file.txt", carlos, keys});
  EXPECT_TRUE(own.allowed);
  Decision location =
      Decide(ids, nullptr, {}, nullptr,
             RequestContext{"s3:GetBucketLocation", "arn:aws:s3:::anybucket", carlos, keys});
  EXPECT_TRUE(location.allowed);
}

TEST(PolicyTrust, AllowsOnlyWhatItNames) {
  const Policy lambda = MustParse(Doc(kTrustLambda), PolicyKind::kTrust);
  const Policy account = MustParse(
      Doc(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"},)"
          R"({"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"sts:AssumeRole"})"),
      PolicyKind::kTrust);
  const Policy role = MustParse(
      Doc(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/Reader"},"Action":["sts:AssumeRole","sts:TagSession"]})"),
      PolicyKind::kTrust);
  const Policy external = MustParse(
      Doc(R"({"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"secret"}}})",
          "2008-10-17"),
      PolicyKind::kTrust);
  struct Row {
    const char* name;
    const Policy* trust;
    PrincipalInfo who;
    const char* action;
    ConditionKeys keys;
    bool allows;
  };
  const Row rows[] = {
      {"Lambda", &lambda, Service("lambda.amazonaws.com"), "sts:AssumeRole", {}, true},
      {"another service", &lambda, Service("s3.amazonaws.com"), "sts:AssumeRole", {}, false},
      {"a user, to a service role", &lambda, User(), "sts:AssumeRole", {}, false},
      {"anonymous", &lambda, Anonymous(), "sts:AssumeRole", {}, false},
      {"another action", &lambda, Service("lambda.amazonaws.com"), "sts:TagSession", {}, false},
      {"user of the account", &account, User(), "sts:AssumeRole", {}, true},
      {"denied user", &account, User("bob"), "sts:AssumeRole", {}, false},
      {"user of another account",
       &account,
       User("alice", "999999999999"),
       "sts:AssumeRole",
       {},
       false},
      {"session of the named role", &role, Session(), "sts:AssumeRole", {}, true},
      {"session of the named role tags", &role, Session(), "sts:TagSession", {}, true},
      {"session of another role", &role, Session("Writer"), "sts:AssumeRole", {}, false},
      {"external id given",
       &external,
       User("x", "999999999999"),
       "sts:AssumeRole",
       {{"sts:ExternalId", "secret"}},
       true},
      {"external id missing", &external, User("x", "999999999999"), "sts:AssumeRole", {}, false},
      {"external id wrong",
       &external,
       User("x", "999999999999"),
       "sts:AssumeRole",
       {{"sts:ExternalId", "guess"}},
       false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(TrustAllows(*row.trust, RequestContext{row.action, "arn:aws:iam::123456789012:role/R",
                                                     row.who, row.keys}),
              row.allows);
  }
}

// ---------------------------------------------------------------------------------------------
// S3's action -> resource type table.

TEST(PolicyS3, ResourceTypeOfActions) {
  using T = S3ResourceType;
  struct Row {
    const char* action;
    std::optional<S3ResourceType> type;
  } rows[] = {
      {"s3:ListBucket", T::kBucket},
      {"s3:ListBucketVersions", T::kBucket},
      {"s3:ListBucketMultipartUploads", T::kBucket},
      {"s3:GetBucketLocation", T::kBucket},
      {"s3:GetBucketPolicy", T::kBucket},
      {"s3:PutBucketPolicy", T::kBucket},
      {"s3:DeleteBucketPolicy", T::kBucket},
      {"s3:GetBucketNotification", T::kBucket},
      {"s3:PutBucketNotification", T::kBucket},
      {"s3:GetBucketVersioning", T::kBucket},
      {"s3:PutBucketVersioning", T::kBucket},
      {"s3:CreateBucket", T::kBucket},
      {"s3:DeleteBucket", T::kBucket},
      {"s3:GetBucketAcl", T::kBucket},
      {"s3:PutBucketAcl", T::kBucket},
      {"s3:GetBucketPolicyStatus", T::kBucket},
      {"s3:GetBucketPublicAccessBlock", T::kBucket},
      {"s3:PutBucketPublicAccessBlock", T::kBucket},
      {"s3:GetBucketTagging", T::kBucket},
      {"s3:PutLifecycleConfiguration", T::kBucket},
      {"s3:GetAccelerateConfiguration", T::kBucket},
      {"s3:GetObject", T::kObject},
      {"s3:PutObject", T::kObject},
      {"s3:DeleteObject", T::kObject},
      {"s3:GetObjectTagging", T::kObject},
      {"s3:PutObjectTagging", T::kObject},
      {"s3:DeleteObjectTagging", T::kObject},
      {"s3:AbortMultipartUpload", T::kObject},
      {"s3:ListMultipartUploadParts", T::kObject},
      {"s3:GetObjectAcl", T::kObject},
      {"s3:PutObjectAcl", T::kObject},
      {"s3:GetObjectVersion", T::kObject},
      {"s3:RestoreObject", T::kObject},
      {"S3:GETOBJECT", T::kObject},
      {"s3:listbucket", T::kBucket},
      {"s3:*", std::nullopt},
      {"s3:Get*", std::nullopt},
      {"s3:GetObjec?", std::nullopt},
      {"*", std::nullopt},
      {"s3:ListAllMyBuckets", std::nullopt},
      {"s3:NoSuchAction", std::nullopt},
      {"lambda:GetObject", std::nullopt},
      {"s3:", std::nullopt},
      {"", std::nullopt},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.action);
    EXPECT_EQ(S3ResourceTypeOf(row.action), row.type);
  }
}

// ---------------------------------------------------------------------------------------------
// Public or not, as S3 means it (S3 User Guide, "The meaning of 'public'").

TEST(PolicyPublic, EveryoneWithoutAFixingConditionIsPublic) {
  auto stmt = [](std::string_view rest) {
    return Doc(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject",)"
               R"("Resource":"arn:aws:s3:::b/*")" + std::string(rest) + "}");
  };
  struct Row {
    const char* name;
    std::string json;
    bool is_public;
  } rows[] = {
      {"everyone", stmt(""), true},
      {"everyone via AWS", Doc(R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*",)"
                               R"("Resource":"arn:aws:s3:::b/*"})"), true},
      {"one account", Doc(R"({"Effect":"Allow","Principal":{"AWS":"123456789012"},)"
                          R"("Action":"s3:*","Resource":"arn:aws:s3:::b/*"})"), false},
      {"deny only", Doc(R"({"Effect":"Deny","Principal":"*","Action":"s3:*",)"
                        R"("Resource":"arn:aws:s3:::b/*"})"), false},
      {"source ip /24", stmt(R"(,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/24"}})"),
       false},
      {"source ip /0", stmt(R"(,"Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})"), true},
      {"many /8s together cover everything",
       stmt(R"(,"Condition":{"IpAddress":{"aws:SourceIp":["1.0.0.0/8","2.0.0.0/8"]}})"), true},
      {"ipv6 /64", stmt(R"(,"Condition":{"IpAddress":{"aws:SourceIp":"2001:db8::/64"}})"), false},
      {"not ip", stmt(R"(,"Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/24"}})"), true},
      {"source account",
       stmt(R"(,"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}})"), false},
      {"source account wildcard",
       stmt(R"(,"Condition":{"StringLike":{"aws:SourceAccount":"*"}})"), true},
      {"ForAllValues holds for a missing key",
       stmt(R"(,"Condition":{"ForAllValues:StringEquals":{"aws:PrincipalAccount":"1"}})"), true},
      {"IfExists holds for a missing key",
       stmt(R"(,"Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"1"}})"), true},
      {"an unrelated key", stmt(R"(,"Condition":{"StringEquals":{"s3:prefix":"a/"}})"), true},
      {"a variable", stmt(R"(,"Condition":{"StringEquals":{"aws:userid":"${aws:userid}"}})"),
       true},
  };
  for (const Row& r : rows) {
    Policy p = MustParse(r.json, PolicyKind::kBucket);
    EXPECT_EQ(IsPublic(p), r.is_public) << r.name;
  }
}

TEST(PolicyParse, UsesKeysWhenAConditionOrAVariableIsThere) {
  EXPECT_FALSE(MustParse(Doc(kAllowAll)).uses_keys());
  EXPECT_TRUE(MustParse(Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                            R"("Condition":{"Bool":{"aws:SecureTransport":"true"}}})"))
                  .uses_keys());
  EXPECT_TRUE(MustParse(Doc(R"({"Effect":"Allow","Action":"s3:*",)"
                            R"("Resource":"arn:aws:s3:::b/${aws:username}/*"})"))
                  .uses_keys());
  // Without Version 2012-10-17, ${...} is literal text.
  EXPECT_FALSE(MustParse(Doc(R"({"Effect":"Allow","Action":"s3:*",)"
                             R"("Resource":"arn:aws:s3:::b/${aws:username}/*"})",
                             ""))
                   .uses_keys());
}

}  // namespace
}  // namespace evoke::auth
