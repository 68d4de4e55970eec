// The answer to a service evoke does not serve, in each protocol a request may speak.
#include "api/unknown_service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/cbor_codec.h"

namespace evoke::api {
namespace {

http::Request Post(std::string content_type, std::string raw_query = "") {
  http::Request r;
  r.method = "POST";
  r.path = "/";
  r.raw_query = std::move(raw_query);
  r.query = *http::Query::Parse(r.raw_query);
  if (!content_type.empty()) r.headers.Add("Content-Type", content_type);
  return r;
}

TEST(UnknownService, JsonRequestsGetUnknownOperationExceptionInJson) {
  http::Request r = Post("application/x-amz-json-1.0");
  r.headers.Add("X-Amz-Target", "AmazonSQS.ListQueues");
  auto answer = RenderUnknownService(r, "sqs", "rid");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->error_code, "UnknownOperationException");
  EXPECT_EQ(answer->response.status, 400);
  EXPECT_EQ(*answer->response.headers.Get("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(*answer->response.headers.Get("x-amzn-RequestId"), "rid");
  auto body = nlohmann::json::parse(answer->response.body);
  EXPECT_EQ(body["__type"], "UnknownOperationException");
  EXPECT_EQ(body["message"], "evoke does not serve the 'sqs' service yet.");
}

TEST(UnknownService, QueryRequestsGetInvalidActionInXml) {
  auto answer = RenderUnknownService(Post("application/x-www-form-urlencoded; charset=utf-8"),
                                     "sts", "rid");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->error_code, "InvalidAction");
  EXPECT_EQ(answer->response.status, 400);
  EXPECT_NE(answer->response.body.find("<Code>InvalidAction</Code>"), std::string::npos);
  EXPECT_NE(answer->response.body.find("<Type>Sender</Type>"), std::string::npos);
  // A GET with Action= in its query is awsQuery too.
  http::Request get = Post("", "Action=GetCallerIdentity&Version=2011-06-15");
  get.method = "GET";
  EXPECT_TRUE(RenderUnknownService(get, "sts", "rid"));
}

TEST(UnknownService, CborRequestsGetACborError) {
  http::Request r = Post("application/cbor");
  r.headers.Add("smithy-protocol", "rpc-v2-cbor");
  auto answer = RenderUnknownService(r, "monitoring", "rid");
  ASSERT_TRUE(answer);
  EXPECT_EQ(*answer->response.headers.Get("Content-Type"), "application/cbor");
  EXPECT_EQ(*answer->response.headers.Get("smithy-protocol"), "rpc-v2-cbor");
  EXPECT_EQ(answer->response.body, EncodeCborError(MakeError(
                                       "UnknownOperationException",
                                       "evoke does not serve the 'monitoring' service yet.")));
}

TEST(UnknownService, RestRequestsAreLeftToTheCaller) {
  http::Request r = Post("");
  r.method = "GET";
  r.path = "/2015-03-31/tags/x";
  EXPECT_FALSE(RenderUnknownService(r, "lambda", "rid"));
}

}  // namespace
}  // namespace evoke::api
