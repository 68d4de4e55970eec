// Unit tests of the JSON codec, the REST binding matcher and the pipeline's error
// classification.
#include <gtest/gtest.h>

#include "api/json_codec.h"
#include "api/pipeline.h"

namespace evoke::api {
namespace {

using nlohmann::json;

constexpr ErrorStatus kErrors[] = {{"ResourceNotFoundException", 404},
                                   {"ServiceException", 500}};

Service RestService() {
  Service s;
  s.name = "lambda";
  s.protocol = Protocol::kRestJson;
  s.errors = kErrors;
  s.internal_error = "ServiceException";
  s.error_fault_type = true;
  s.operations.push_back(Operation{"GetFunction", "GET", "/2015-03-31/functions/{}"});
  s.operations.push_back(
      Operation{"GetLayerVersionByArn", "GET", "/2018-10-31/layers", "find=LayerVersion"});
  s.operations.push_back(Operation{"ListLayers", "GET", "/2018-10-31/layers"});
  return s;
}

http::Request Get(std::string path, std::string query = "") {
  http::Request r;
  r.method = "GET";
  r.path = std::move(path);
  r.raw_query = query;
  r.query = *http::Query::Parse(query);
  return r;
}

TEST(RestBinding, MatchesLabelsQueriesAndNothingElse) {
  Service s = RestService();
  std::vector<std::string> params;
  const Operation* op = MatchRestOperation(s, Get("/2015-03-31/functions/my%20fn"), params);
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->name, "GetFunction");
  EXPECT_EQ(params, std::vector<std::string>{"my fn"});
  EXPECT_EQ(MatchRestOperation(s, Get("/2018-10-31/layers", "find=LayerVersion"), params)->name,
            "GetLayerVersionByArn");
  EXPECT_EQ(MatchRestOperation(s, Get("/2018-10-31/layers"), params)->name, "ListLayers");
  // The paths that once ended the server: no route, no crash.
  EXPECT_EQ(MatchRestOperation(s, Get("/2015-03-31/functions/a/b/c"), params), nullptr);
  EXPECT_EQ(MatchRestOperation(s, Get("/2015-03-31/functions/f/anything-unknown"), params),
            nullptr);
  EXPECT_EQ(MatchRestOperation(s, Get("/2015-03-31/functions/%zz"), params), nullptr);
}

TEST(TargetBinding, NeedsThePrefixAndAKnownName) {
  Service s;
  s.target_prefix = "Logs_20140328.";
  s.operations.push_back(Operation{"GetLogEvents"});
  http::Request r;
  r.headers.Add("X-Amz-Target", "Logs_20140328.GetLogEvents");
  EXPECT_NE(FindTargetOperation(s, r), nullptr);
  r.headers.Set("X-Amz-Target", "Logs_20140328.StartQuery");
  EXPECT_EQ(FindTargetOperation(s, r), nullptr);
  r.headers.Set("X-Amz-Target", "GetLogEvents");
  EXPECT_EQ(FindTargetOperation(s, r), nullptr);
}

TEST(JsonInput, OnlyObjects) {
  EXPECT_EQ(*ParseJsonInput(""), json::object());
  EXPECT_EQ((*ParseJsonInput(R"({"a":1})"))["a"], 1);
  for (std::string_view bad : {"[1]", "1", "{", "\"x\"", "null"}) {
    auto r = ParseJsonInput(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "SerializationException");
  }
}

TEST(JsonErrors, AwsJsonCarriesTypeInBodyAndHeader) {
  Service s;
  s.protocol = Protocol::kAwsJson11;
  http::Response r = RenderJsonError(s, MakeError("ResourceNotFoundException", "gone"), 400);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(*r.headers.Get("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(*r.headers.Get("x-amzn-ErrorType"), "ResourceNotFoundException");
  json body = json::parse(r.body);
  EXPECT_EQ(body["__type"], "ResourceNotFoundException");
  EXPECT_EQ(body["message"], "gone");
}

TEST(JsonErrors, RestJsonAsLambdaSpellsThem) {
  Service s = RestService();
  Error e = MakeError("TooManyRequestsException", "Rate exceeded");
  e.With("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded")
      .With("retryAfterSeconds", "1");
  http::Response r = RenderJsonError(s, e, 429);
  EXPECT_EQ(*r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(*r.headers.Get("Retry-After"), "1");
  json body = json::parse(r.body);
  EXPECT_EQ(body["Type"], "User");
  EXPECT_EQ(body["message"], "Rate exceeded");
  EXPECT_EQ(body["Reason"], "ReservedFunctionConcurrentInvocationLimitExceeded");
  EXPECT_FALSE(body.contains("retryAfterSeconds"));
}

TEST(JsonErrors, QueryCompatibleServicesAddTheQueryError) {
  Service s;
  s.protocol = Protocol::kAwsJson10;
  s.query_compatible = true;
  http::Response r = RenderJsonError(s, MakeError("QueueDoesNotExist", "no"), 400);
  EXPECT_EQ(*r.headers.Get("x-amzn-query-error"), "QueueDoesNotExist;Sender");
}

TEST(ClassifyError, UnknownCodesAreInternalFailuresNeverClientErrors) {
  Service s = RestService();
  Error known = MakeError("ResourceNotFoundException", "Function not found");
  EXPECT_EQ(ClassifyError(s, known), 404);
  EXPECT_EQ(known.message, "Function not found");
  Error common = MakeError("UnknownOperationException", "");
  EXPECT_EQ(ClassifyError(s, common), 400);
  // A storage failure (SQLite, fsync) is the service's internal error, with no internals.
  Error internal = MakeError("InternalError", "disk I/O error at /data/evoke.db");
  EXPECT_EQ(ClassifyError(s, internal), 500);
  EXPECT_EQ(internal.code, "ServiceException");
  EXPECT_EQ(internal.message.find("evoke.db"), std::string::npos);
}

TEST(AuthErrors, JsonServicesSpelling) {
  EXPECT_EQ(AsJsonAuthError(MakeError("InvalidAccessKeyId", "")).code,
            "UnrecognizedClientException");
  EXPECT_EQ(AsJsonAuthError(MakeError("SignatureDoesNotMatch", "m")).code,
            "InvalidSignatureException");
  EXPECT_EQ(AsJsonAuthError(MakeError("AccessDenied", "m")).code, "AccessDeniedException");
}

}  // namespace
}  // namespace evoke::api
