// Unit tests for the front door's routing: which service a request on the shared endpoint is
// for.
#include <gtest/gtest.h>

#include "app/front_door.h"

namespace evoke::app {
namespace {

http::Request Make(std::string path, std::string raw_query = "") {
  http::Request r;
  r.method = "GET";
  r.path = std::move(path);
  r.raw_query = std::move(raw_query);
  r.query = *http::Query::Parse(r.raw_query);
  return r;
}

std::string Authorization(std::string_view service) {
  return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/" + std::string(service) +
         "/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
}

TEST(FrontDoor, RoutesByScopeTargetAndPath) {
  http::Request s3 = Make("/bucket/key");
  s3.headers.Add("Authorization", Authorization("s3"));
  EXPECT_EQ(ServiceOf(s3), "s3");

  http::Request lambda = Make("/2015-03-31/functions/f/invocations");
  lambda.headers.Add("Authorization", Authorization("lambda"));
  EXPECT_EQ(ServiceOf(lambda), "lambda");
  // The path alone says lambda too (the Runtime API and unsigned probes carry no scope).
  EXPECT_EQ(ServiceOf(Make("/2015-03-31/functions")), "lambda");

  http::Request logs = Make("/");
  logs.headers.Add("X-Amz-Target", "Logs_20140328.DescribeLogGroups");
  logs.headers.Add("Authorization", Authorization("logs"));
  EXPECT_EQ(ServiceOf(logs), "logs");

  EXPECT_EQ(ServiceOf(Make("/bucket/key",
                           "X-Amz-Credential=AKIDEXAMPLE%2F20261129%2Fus-east-1%2Fs3%2F"
                           "aws4_request&X-Amz-Signature=00")),
            "s3");
  EXPECT_EQ(ServiceOf(Make("/", "X-Amz-Credential=AKIDEXAMPLE%2F20261129%2Fus-east-1%2Fsqs%2F"
                                "aws4_request")),
            "sqs");
  // Anonymous and SigV2 requests are S3's.
  EXPECT_EQ(ServiceOf(Make("/bucket")), "s3");
  http::Request v2 = Make("/bucket/key");
  v2.headers.Add("Authorization", "AWS AKIDEXAMPLE:c2lnbmF0dXJl");
  EXPECT_EQ(ServiceOf(v2), "s3");
}

TEST(FrontDoor, CloudWatchInEachProtocol) {
  // awsQuery: the scope says monitoring; awsJson: the target; RPCv2-CBOR: its path.
  http::Request query = Make("/");
  query.method = "POST";
  query.headers.Add("Authorization", Authorization("monitoring"));
  EXPECT_EQ(ServiceOf(query), "monitoring");
  http::Request json = Make("/");
  json.headers.Add("X-Amz-Target", "GraniteServiceVersion20100801.ListMetrics");
  EXPECT_EQ(ServiceOf(json), "monitoring");
  http::Request cbor = Make("/service/GraniteServiceVersion20100801/operation/ListMetrics");
  cbor.headers.Add("smithy-protocol", "rpc-v2-cbor");
  EXPECT_EQ(ServiceOf(cbor), "monitoring");
  // Without the header the path is S3's: "service" is a valid bucket name.
  EXPECT_EQ(ServiceOf(Make("/service/GraniteServiceVersion20100801/operation/ListMetrics")), "s3");
}

TEST(FrontDoor, CodeDownloadLinksGoToLambda) {
  // GetFunction's Code.Location and the layers' Content.Location (lambda/code_link.h).
  const char* query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=EVOKECODE1%2F20261129%2Fus-east-1%2F"
      "lambda%2Faws4_request&X-Amz-Date=20261129T000000Z&X-Amz-Expires=600&"
      "X-Amz-SignedHeaders=host&X-Amz-Signature=00";
  EXPECT_EQ(ServiceOf(Make("/2015-03-31/functions/f/package/00", query)), "lambda");
  EXPECT_EQ(ServiceOf(Make("/2018-10-31/layers/l/versions/1/package", query)), "lambda");
  EXPECT_EQ(ServiceOf(Make("/2018-10-31/layers/l/versions/1/package")), "lambda");
}

}  // namespace
}  // namespace evoke::app
