// Unit tests for the pure parts of asynchronous invocation settings: resource-policy evaluation
// for senders, the event invoke configuration's checks and stored form, and the dead-letter
// queue refusal.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lambda/async_settings.h"
#include "lambda/event_invoke_settings.h"
#include "lambda/function_config.h"

namespace evoke::lambda {
namespace {

using nlohmann::json;

const Account kAccount{"us-east-1", "000000000000"};
const char kFunctionArn[] = "arn:aws:lambda:us-east-1:000000000000:function:thumbnail";

// A policy document as AddPermission writes it, with `statements`.
std::string Policy(json statements) {
  return json{{"Version", "2012-10-17"}, {"Id", "default"}, {"Statement", statements}}.dump();
}

json S3Statement(json condition) {
  json s = {{"Sid", "s3invoke"},
            {"Effect", "Allow"},
            {"Principal", {{"Service", "s3.amazonaws.com"}}},
            {"Action", "lambda:InvokeFunction"},
            {"Resource", kFunctionArn}};
  if (!condition.is_null()) s["Condition"] = condition;
  return s;
}

TEST(PolicyAllowsInvoke, NoPolicyAllowsNobody) {
  EXPECT_FALSE(PolicyAllowsInvoke("", "s3.amazonaws.com", "arn:aws:s3:::b", "000000000000"));
  EXPECT_FALSE(PolicyAllowsInvoke("not json", "s3.amazonaws.com", "", ""));
  EXPECT_FALSE(PolicyAllowsInvoke(Policy(json::array()), "s3.amazonaws.com", "", ""));
}

TEST(PolicyAllowsInvoke, ServicePrincipalWithoutConditions) {
  std::string p = Policy(json::array({S3Statement(nullptr)}));
  EXPECT_TRUE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::images", "000000000000"));
  EXPECT_TRUE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "", ""));
  EXPECT_FALSE(PolicyAllowsInvoke(p, "events.amazonaws.com", "arn:aws:events:::rule/x", ""));
}

TEST(PolicyAllowsInvoke, SourceArnAndAccountConditions) {
  std::string p = Policy(json::array({S3Statement(
      {{"StringEquals", {{"AWS:SourceAccount", "000000000000"}}},
       {"ArnLike", {{"AWS:SourceArn", "arn:aws:s3:::images-1"}}}})}));
  EXPECT_TRUE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::images-1", "000000000000"));
  EXPECT_FALSE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::images-2", "000000000000"));
  EXPECT_FALSE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::images-1", "111111111111"));
  // A condition on a key the sender does not supply is not satisfied.
  EXPECT_FALSE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "", "000000000000"));
  EXPECT_FALSE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::images-1", ""));
}

TEST(PolicyAllowsInvoke, ArnLikeWildcardsMatchPerComponent) {
  std::string p = Policy(json::array({S3Statement(
      {{"ArnLike", {{"AWS:SourceArn", "arn:aws:s3:::images-*"}}}})}));
  EXPECT_TRUE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::images-1", ""));
  EXPECT_TRUE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::images-", ""));
  EXPECT_FALSE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::thumbs-1", ""));
  EXPECT_FALSE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::Images-1", ""));

  p = Policy(json::array({S3Statement({{"ArnLike", {{"AWS:SourceArn", "arn:aws:s3:::b?"}}}})}));
  EXPECT_TRUE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::b1", ""));
  EXPECT_FALSE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::b", ""));
  EXPECT_FALSE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::b12", ""));

  // A star does not reach across the colons of the ARN's components.
  p = Policy(json::array({S3Statement(
      {{"ArnLike", {{"AWS:SourceArn", "arn:aws:events:*:000000000000:rule/*"}}}})}));
  EXPECT_TRUE(PolicyAllowsInvoke(p, "s3.amazonaws.com",
                                 "arn:aws:events:us-east-1:000000000000:rule/hourly", ""));
  EXPECT_FALSE(PolicyAllowsInvoke(p, "s3.amazonaws.com",
                                  "arn:aws:events:us-east-1:111111111111:rule/hourly", ""));
  p = Policy(json::array({S3Statement({{"ArnLike", {{"AWS:SourceArn", "arn:*"}}}})}));
  EXPECT_FALSE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::b", ""));

  p = Policy(json::array({S3Statement({{"ArnEquals", {{"AWS:SourceArn", "arn:aws:s3:::b"}}}})}));
  EXPECT_TRUE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::b", ""));
  EXPECT_FALSE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::bb", ""));
}

TEST(PolicyAllowsInvoke, Actions) {
  for (const char* action : {"lambda:InvokeFunction", "lambda:*", "*", "lambda:invokefunction"}) {
    json s = S3Statement(nullptr);
    s["Action"] = action;
    EXPECT_TRUE(PolicyAllowsInvoke(Policy(json::array({s})), "s3.amazonaws.com", "", ""))
        << action;
  }
  for (const char* action : {"lambda:GetFunction", "lambda:InvokeAsync", "s3:*"}) {
    json s = S3Statement(nullptr);
    s["Action"] = action;
    EXPECT_FALSE(PolicyAllowsInvoke(Policy(json::array({s})), "s3.amazonaws.com", "", ""))
        << action;
  }
}

TEST(PolicyAllowsInvoke, PrincipalForms) {
  json any = S3Statement(nullptr);
  any["Principal"] = "*";
  EXPECT_TRUE(PolicyAllowsInvoke(Policy(json::array({any})), "events.amazonaws.com", "", ""));
  json account = S3Statement(nullptr);
  account["Principal"] = {{"AWS", "arn:aws:iam::123456789012:root"}};
  EXPECT_TRUE(PolicyAllowsInvoke(Policy(json::array({account})), "123456789012", "", ""));
  EXPECT_FALSE(PolicyAllowsInvoke(Policy(json::array({account})), "s3.amazonaws.com", "", ""));
  json several = S3Statement(nullptr);
  several["Principal"] = {{"Service", {"events.amazonaws.com", "scheduler.amazonaws.com"}}};
  EXPECT_TRUE(PolicyAllowsInvoke(Policy(json::array({several})), "scheduler.amazonaws.com", "", ""));
  EXPECT_FALSE(PolicyAllowsInvoke(Policy(json::array({several})), "s3.amazonaws.com", "", ""));
}

TEST(PolicyAllowsInvoke, AnyMatchingStatementAllowsAndDenyWins) {
  json other = S3Statement({{"ArnLike", {{"AWS:SourceArn", "arn:aws:s3:::a"}}}});
  json mine = S3Statement({{"ArnLike", {{"AWS:SourceArn", "arn:aws:s3:::b"}}}});
  std::string p = Policy(json::array({other, mine}));
  EXPECT_TRUE(PolicyAllowsInvoke(p, "s3.amazonaws.com", "arn:aws:s3:::b", ""));
  json deny = S3Statement({{"ArnLike", {{"AWS:SourceArn", "arn:aws:s3:::b"}}}});
  deny["Effect"] = "Deny";
  EXPECT_FALSE(PolicyAllowsInvoke(Policy(json::array({mine, deny})), "s3.amazonaws.com",
                                  "arn:aws:s3:::b", ""));
  // Conditions evoke cannot evaluate never grant.
  json org = S3Statement({{"StringEquals", {{"aws:PrincipalOrgID", "o-1"}}}});
  EXPECT_FALSE(PolicyAllowsInvoke(Policy(json::array({org})), "s3.amazonaws.com",
                                  "arn:aws:s3:::b", "000000000000"));
}

TEST(EventInvokeConfig, DefaultsWithoutConfiguration) {
  store::FunctionRecord f;
  EventInvokeConfig c = EffectiveEventInvokeConfig(f);
  EXPECT_EQ(c.maximum_retry_attempts, 2);
  EXPECT_EQ(c.maximum_event_age_s, 21'600);
  EXPECT_EQ(c.on_success, "");
  EXPECT_EQ(c.on_failure, "");
}

TEST(EventInvokeConfig, StoredFormRoundTripsAndUnsetLimitsKeepDefaults) {
  auto request = ParseEventInvokeConfigRequest(
      json{{"MaximumRetryAttempts", 0},
           {"DestinationConfig", {{"OnFailure", {{"Destination", "arn:aws:s3:::failures"}}}}}});
  ASSERT_TRUE(request.ok()) << request.error().message;
  StoredEventInvokeConfig stored = ReplacedConfig(*request, 1'573'686'021'479);
  store::FunctionRecord f;
  f.event_invoke_config = SerializeEventInvokeConfig(stored);
  EventInvokeConfig c = EffectiveEventInvokeConfig(f);
  EXPECT_EQ(c.maximum_retry_attempts, 0);
  EXPECT_EQ(c.maximum_event_age_s, 21'600);
  EXPECT_EQ(c.on_failure, "arn:aws:s3:::failures");
  EXPECT_EQ(c.last_modified_ms, 1'573'686'021'479);

  json j = EventInvokeConfigJson(kAccount, "thumbnail", stored);
  EXPECT_EQ(j["FunctionArn"], std::string(kFunctionArn) + ":$LATEST");
  EXPECT_DOUBLE_EQ(j["LastModified"].get<double>(), 1573686021.479);
  EXPECT_EQ(j["MaximumRetryAttempts"], 0);
  EXPECT_FALSE(j.contains("MaximumEventAgeInSeconds"));
  EXPECT_EQ(j["DestinationConfig"],
            (json{{"OnSuccess", json::object()},
                  {"OnFailure", {{"Destination", "arn:aws:s3:::failures"}}}}));
}

TEST(EventInvokeConfig, UpdateMergesMembersPutReplaces) {
  StoredEventInvokeConfig stored;
  stored.maximum_retry_attempts = 1;
  stored.maximum_event_age_s = 3600;
  stored.on_success = "arn:aws:lambda:us-east-1:000000000000:function:ok";
  auto request = ParseEventInvokeConfigRequest(json{{"MaximumEventAgeInSeconds", 120}});
  ASSERT_TRUE(request.ok());
  StoredEventInvokeConfig updated = UpdatedConfig(stored, *request, 5);
  EXPECT_EQ(updated.maximum_retry_attempts, 1);
  EXPECT_EQ(updated.maximum_event_age_s, 120);
  EXPECT_EQ(updated.on_success, stored.on_success);
  EXPECT_EQ(updated.last_modified_ms, 5);
  StoredEventInvokeConfig replaced = ReplacedConfig(*request, 6);
  EXPECT_FALSE(replaced.maximum_retry_attempts.has_value());
  EXPECT_EQ(replaced.on_success, "");
}

TEST(EventInvokeConfig, ModelConstraints) {
  auto r = ParseEventInvokeConfigRequest(
      json{{"MaximumRetryAttempts", 3}, {"MaximumEventAgeInSeconds", 59}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ValidationException");
  EXPECT_EQ(r.error().message,
            "2 validation errors detected: Value '3' at 'maximumRetryAttempts' failed to satisfy "
            "constraint: Member must have value less than or equal to 2; Value '59' at "
            "'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value "
            "greater than or equal to 60");
  r = ParseEventInvokeConfigRequest(json{{"MaximumEventAgeInSeconds", 21'601}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("less than or equal to 21600"), std::string::npos);
  r = ParseEventInvokeConfigRequest(json{{"MaximumRetryAttempts", -1}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("greater than or equal to 0"), std::string::npos);
  r = ParseEventInvokeConfigRequest(
      json{{"DestinationConfig", {{"OnFailure", {{"Destination", "not-an-arn"}}}}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ValidationException");
  EXPECT_NE(r.error().message.find("Value 'not-an-arn' at 'destinationConfig.onFailure.destination'"),
            std::string::npos);
  r = ParseEventInvokeConfigRequest(json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidParameterValueException");
  EXPECT_EQ(r.error().message,
            "You must specify at least one of error handling or destination setting.");
  r = ParseEventInvokeConfigRequest(json{{"MaximumRetryAttempts", "2"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidRequestContentException");
  // The limits themselves are accepted.
  EXPECT_TRUE(ParseEventInvokeConfigRequest(
                  json{{"MaximumRetryAttempts", 0}, {"MaximumEventAgeInSeconds", 60}})
                  .ok());
  EXPECT_TRUE(ParseEventInvokeConfigRequest(
                  json{{"MaximumRetryAttempts", 2}, {"MaximumEventAgeInSeconds", 21'600}})
                  .ok());
}

TEST(EventInvokeConfig, DestinationKinds) {
  EXPECT_EQ(ClassifyDestination("arn:aws:lambda:us-east-1:000000000000:function:f", kAccount).kind,
            DestinationKind::kFunction);
  EXPECT_EQ(ClassifyDestination("arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST",
                                kAccount)
                .name,
            "f");
  EXPECT_EQ(ClassifyDestination("arn:aws:lambda:us-east-1:000000000000:function:f:1", kAccount)
                .kind,
            DestinationKind::kUnreachable);
  EXPECT_EQ(ClassifyDestination("arn:aws:lambda:eu-west-1:000000000000:function:f", kAccount).kind,
            DestinationKind::kUnreachable);
  EXPECT_EQ(ClassifyDestination("arn:aws:s3:::failures", kAccount).name, "failures");
  EXPECT_EQ(ClassifyDestination("arn:aws:sqs:us-east-1:000000000000:q", kAccount).kind,
            DestinationKind::kUnreachable);
  EXPECT_EQ(ClassifyDestination("arn:aws:sns:us-east-1:000000000000:t", kAccount).kind,
            DestinationKind::kUnreachable);
  EXPECT_EQ(ClassifyDestination("arn:aws:events:us-east-1:000000000000:event-bus/default",
                                kAccount)
                .kind,
            DestinationKind::kUnreachable);
  EXPECT_EQ(ClassifyDestination("arn:aws:dynamodb:us-east-1:000000000000:table/t", kAccount).kind,
            DestinationKind::kUnsupported);
}

TEST(EventInvokeConfig, DestinationChecks) {
  StoredEventInvokeConfig c;
  c.on_success = "arn:aws:s3:::b";
  Status s = CheckDestinations(c, kAccount, "thumbnail");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "InvalidParameterValueException");
  EXPECT_EQ(s.error().message,
            "The provided destination config DestinationConfig(onSuccess=OnSuccess(destination="
            "arn:aws:s3:::b), onFailure=null) is invalid.");
  c = {};
  c.on_failure = "arn:aws:s3:::b";
  EXPECT_TRUE(CheckDestinations(c, kAccount, "thumbnail").ok());
  c.on_failure = "arn:aws:sqs:us-east-1:000000000000:q";
  s = CheckDestinations(c, kAccount, "thumbnail");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "The destination ARN arn:aws:sqs:us-east-1:000000000000:q is invalid.");
  c.on_failure = kFunctionArn;
  s = CheckDestinations(c, kAccount, "thumbnail");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "You can't specify the function as a destination for itself.");
  EXPECT_TRUE(CheckDestinations(c, kAccount, "other").ok());
}

TEST(DeadLetterConfig, TargetsAreRefusedEmptyIsAccepted) {
  json body = {{"FunctionName", "thumbnail"},
               {"Runtime", "python3.12"},
               {"Handler", "app.handler"},
               {"Role", "arn:aws:iam::123456789012:role/lambda-s3-role"},
               {"Code", {{"ZipFile", "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}}};
  EXPECT_TRUE(ParseCreateFunction(body).ok());
  body["DeadLetterConfig"] = {{"TargetArn", ""}};
  EXPECT_TRUE(ParseCreateFunction(body).ok());
  body["DeadLetterConfig"] = json::object();
  EXPECT_TRUE(ParseCreateFunction(body).ok());

  body["DeadLetterConfig"] = {{"TargetArn", "arn:aws:sqs:us-east-1:000000000000:dlq"}};
  auto r = ParseCreateFunction(body);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidParameterValueException");
  EXPECT_EQ(r.error().message,
            "The provided execution role does not have permissions to call SendMessage on SQS");
  body["DeadLetterConfig"] = {{"TargetArn", "arn:aws:sns:us-east-1:000000000000:topic"}};
  r = ParseCreateFunction(body);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "The provided execution role does not have permissions to call Publish on SNS");
  body["DeadLetterConfig"] = {{"TargetArn", "arn:aws:s3:::bucket"}};
  r = ParseCreateFunction(body);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidParameterValueException");
  body["DeadLetterConfig"] = {{"TargetArn", "queue"}};
  r = ParseCreateFunction(body);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ValidationException");
  EXPECT_NE(r.error().message.find("at 'deadLetterConfig.targetArn'"), std::string::npos);

  FunctionConfig config;
  EXPECT_TRUE(ApplyConfigurationUpdate(json{{"DeadLetterConfig", {{"TargetArn", ""}}}}, config).ok());
  Status s = ApplyConfigurationUpdate(
      json{{"DeadLetterConfig", {{"TargetArn", "arn:aws:sqs:us-east-1:000000000000:dlq"}}},
           {"Timeout", 30}},
      config);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "InvalidParameterValueException");
  EXPECT_EQ(config.timeout_s, 3);  // nothing applied
}

}  // namespace
}  // namespace evoke::lambda
