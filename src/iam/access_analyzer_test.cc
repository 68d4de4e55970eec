// ValidatePolicy's input checks, paging and rendering (iam/access_analyzer_service.h).
#include <gtest/gtest.h>

#include "iam/access_analyzer_service.h"

namespace evoke::iam {
namespace {

using nlohmann::json;

constexpr const char* kFiveUnknown = R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:Nope1","Resource":"*"},
  {"Effect":"Allow","Action":"s3:Nope2","Resource":"*"},
  {"Effect":"Allow","Action":"s3:Nope3","Resource":"*"},
  {"Effect":"Allow","Action":"s3:Nope4","Resource":"*"},
  {"Effect":"Allow","Action":"s3:Nope5","Resource":"*"}]})";

TEST(ValidatePolicy, PagesFindings) {
  auth::ActionCatalog actions;
  json in = {{"policyDocument", kFiveUnknown}, {"policyType", "IDENTITY_POLICY"}};
  const std::string two = "2";
  auto first = ValidatePolicy(in, &two, nullptr, actions);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ((*first)["findings"].size(), 2u);
  EXPECT_EQ((*first)["nextToken"], "2");
  const std::string token = (*first)["nextToken"];
  auto last = ValidatePolicy(in, &two, &token, actions);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ((*last)["findings"][0]["findingDetails"], "The action s3:Nope3 does not exist.");
  auto all = ValidatePolicy(in, nullptr, nullptr, actions);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)["findings"].size(), 5u);
  EXPECT_FALSE(all->contains("nextToken"));
  const json& f = (*all)["findings"][4];
  EXPECT_EQ(f["findingType"], "ERROR");
  EXPECT_EQ(f["issueCode"], "INVALID_ACTION");
  EXPECT_EQ(f["locations"][0]["path"],
            json::parse(R"([{"value":"Statement"},{"index":4},{"value":"Action"}])"));
  EXPECT_EQ(f["locations"][0]["span"]["start"]["line"], 6);
}

TEST(ValidatePolicy, RefusesBadInput) {
  auth::ActionCatalog actions;
  auto code = [&](const json& in, const std::string* max = nullptr,
                  const std::string* token = nullptr) {
    auto out = ValidatePolicy(in, max, token, actions);
    return out.ok() ? std::string("ok") : out.error().code;
  };
  EXPECT_EQ(code({{"policyType", "IDENTITY_POLICY"}}), "ValidationException");
  EXPECT_EQ(code({{"policyDocument", "{}"}}), "ValidationException");
  EXPECT_EQ(code({{"policyDocument", "{}"}, {"policyType", "NOPE"}}), "ValidationException");
  EXPECT_EQ(code({{"policyDocument", 5}, {"policyType", "IDENTITY_POLICY"}}),
            "ValidationException");
  EXPECT_EQ(
      code({{"policyDocument", std::string(131'073, ' ')}, {"policyType", "IDENTITY_POLICY"}}),
      "ValidationException");
  EXPECT_EQ(code({{"policyDocument", "{}"},
                  {"policyType", "IDENTITY_POLICY"},
                  {"validatePolicyResourceType", "AWS::S3::Bucket"}}),
            "ValidationException");
  const json ok = {{"policyDocument", "{}"}, {"policyType", "RESOURCE_POLICY"}};
  EXPECT_EQ(code(ok), "ok");
  const std::string zero = "0", bad = "x", far = "99";
  EXPECT_EQ(code(ok, &zero), "ValidationException");
  EXPECT_EQ(code(ok, &bad), "ValidationException");
  EXPECT_EQ(code(ok, nullptr, &bad), "ValidationException");
  EXPECT_EQ(code(ok, nullptr, &far), "ValidationException");
  auto e =
      ValidatePolicy({{"policyDocument", "{}"}, {"policyType", "NOPE"}}, nullptr, nullptr, actions);
  ASSERT_FALSE(e.ok());
  ASSERT_EQ(e.error().details.size(), 1u);
  EXPECT_EQ(e.error().details[0].first, "reason");
  EXPECT_EQ(e.error().details[0].second, "fieldValidationFailed");
}

}  // namespace
}  // namespace evoke::iam
