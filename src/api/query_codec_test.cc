#include "api/query_codec.h"

#include <gtest/gtest.h>

#include <limits>

namespace evoke::api {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

#include "api/query_codec_test_fixtures.inc"

json Params(std::string_view body, std::string_view query = {}) {
  auto r = ParseQueryRequest(body, query);
  EXPECT_TRUE(r.ok()) << r.error().code << ": " << r.error().message;
  return r.ok() ? r->params : json();
}

std::string ErrorCode(std::string_view body, std::string_view query = {}) {
  auto r = ParseQueryRequest(body, query);
  return r.ok() ? "ok" : r.error().code;
}

// Every request botocore's query serializer produced (tests/codecs/record_requests.py).
TEST(QueryCodec, ParsesBotocoreRequests) {
  for (const auto& f : kQueryRequests) {
    SCOPED_TRACE(f.name);
    auto r = ParseQueryRequest(f.body, "");
    ASSERT_TRUE(r.ok()) << r.error().code << ": " << r.error().message;
    EXPECT_EQ(r->action, f.action);
    EXPECT_FALSE(r->version.empty());
    EXPECT_EQ(r->params, json::parse(f.expected));
  }
}

TEST(QueryCodec, ActionAndVersion) {
  auto r = ParseQueryRequest("Action=GetUser&Version=2010-05-08&UserName=a", "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->action, "GetUser");
  EXPECT_EQ(r->version, "2010-05-08");
  EXPECT_EQ(r->params, json({{"UserName", "a"}}));
  // GET: parameters in the URL; both sources merge; a repeated identical value counts once.
  r = ParseQueryRequest("UserName=a&Action=GetUser", "Action=GetUser");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->version, "");
  EXPECT_EQ(r->params, json({{"UserName", "a"}}));
  EXPECT_EQ(ErrorCode("", "Action=GetUser&Action=ListUsers"), "InvalidQueryParameter");
}

TEST(QueryCodec, MissingAction) {
  EXPECT_EQ(ErrorCode("Version=2010-05-08&UserName=a"), "MissingAction");
  EXPECT_EQ(ErrorCode("Action=&UserName=a"), "MissingAction");
  EXPECT_EQ(ErrorCode(""), "MissingAction");
}

TEST(QueryCodec, Decoding) {
  EXPECT_EQ(Params("Action=X&A=a+b%20c%2B%26%3D&B=%E2%82%AC&C&D="),
            json({{"A", "a b c+&="}, {"B", "\u20ac"}, {"C", ""}, {"D", ""}}));
  EXPECT_EQ(Params("&&Action=X&&A=1&&"), json({{"A", "1"}}));
  EXPECT_EQ(Params("Action=X&%41%2E%42=1"), json({{"A", {{"B", "1"}}}}));  // escaped names
  EXPECT_EQ(ErrorCode("Action=X&A=%G1"), "MalformedQueryString");
  EXPECT_EQ(ErrorCode("Action=X&A=%4"), "MalformedQueryString");
  EXPECT_EQ(ErrorCode("Action=X&A%=1"), "MalformedQueryString");
  EXPECT_EQ(ErrorCode("Action=X", "A=%"), "MalformedQueryString");
}

TEST(QueryCodec, Structures) {
  EXPECT_EQ(Params("Action=X&A.B=1&A.C.D=2"), json({{"A", {{"B", "1"}, {"C", {{"D", "2"}}}}}}));
  EXPECT_EQ(ErrorCode("Action=X&A=1&A.B=2"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&A.B=2&A=1"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&A=1&A=2"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&A..B=1"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&A.=1"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&.A=1"), "InvalidQueryParameter");
  std::string deep = "Action=X&A";
  for (int i = 0; i < kMaxQueryNameSegments; ++i) deep += ".A";
  EXPECT_EQ(ErrorCode(deep + "=1"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&1=a"), "InvalidQueryParameter");
}

TEST(QueryCodec, Lists) {
  EXPECT_EQ(Params("Action=X&Tags.member.1.Key=k&Tags.member.1.Value=v"),
            json::parse(R"({"Tags": [{"Key": "k", "Value": "v"}]})"));
  // Ordered by index, not by arrival or spelling ("10" after "9"); gaps compacted.
  EXPECT_EQ(Params("Action=X&L.member.10=c&L.member.2=b&L.member.9=bb&L.member.1=a"),
            json({{"L", {"a", "b", "bb", "c"}}}));
  EXPECT_EQ(Params("Action=X&L.member.3=c&L.member.1=a"), json({{"L", {"a", "c"}}}));
  // Lists of lists.
  EXPECT_EQ(Params("Action=X&L.member.1.member.1=a&L.member.1.member.2=b&L.member.2.member.1=c"),
            json::parse(R"({"L": [["a", "b"], ["c"]]})"));
  // An empty list is sent as `Names=`: it stays "", and QueryList reads it as [].
  json params = Params("Action=X&Names=&Other.member.1=x");
  EXPECT_EQ(params, json({{"Names", ""}, {"Other", {"x"}}}));
  EXPECT_EQ(*QueryList(params, "Names"), json::array());
  EXPECT_EQ(*QueryList(params, "Absent"), json::array());
  EXPECT_EQ(*QueryList(params, "Other"), json({"x"}));
  EXPECT_EQ(QueryList(json({{"S", "text"}}), "S").error().code, "InvalidQueryParameter");
  // Bad indices.
  EXPECT_EQ(ErrorCode("Action=X&L.member.0=a"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&L.member.01=a"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&L.member.2001=a"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&L.member.99999999999999999999=a"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&L.member.-1=a"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&L.member.x=a"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&L.member=a"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&L.member.1=a&L.Other=b"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&L.member.1=a&L=b"), "InvalidQueryParameter");
  EXPECT_EQ(Params("Action=X&L.member.1000=a"), json({{"L", {"a"}}}));
}

TEST(QueryCodec, FlattenedListsSqsStyle) {
  EXPECT_EQ(Params("Action=X&AttributeName.1=All&AttributeName.2=Policy"),
            json({{"AttributeName", {"All", "Policy"}}}));
  EXPECT_EQ(Params("Action=X&Attribute.1.Name=DelaySeconds&Attribute.1.Value=5"
                   "&Attribute.2.Name=Policy&Attribute.2.Value=%7B%7D"),
            json::parse(R"({"Attribute": [{"Name": "DelaySeconds", "Value": "5"},
                                          {"Name": "Policy", "Value": "{}"}]})"));
  EXPECT_EQ(ErrorCode("Action=X&A.1=a&A.B=b"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&A.0=a"), "InvalidQueryParameter");
}

TEST(QueryCodec, Maps) {
  EXPECT_EQ(Params("Action=X&Attributes.entry.1.key=K&Attributes.entry.1.value=V"
                   "&Attributes.entry.2.key=L&Attributes.entry.2.value.A=1"),
            json::parse(R"({"Attributes": {"K": "V", "L": {"A": "1"}}})"));
  EXPECT_EQ(ErrorCode("Action=X&M.entry.1.key=K"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&M.entry.1.value=V"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&M.entry.1.key=K&M.entry.1.value=V&M.entry.1.other=W"),
            "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&M.entry.1.key.A=K&M.entry.1.value=V"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&M.entry.1.key=K&M.entry.1.value=V"
                      "&M.entry.2.key=K&M.entry.2.value=W"),
            "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&M.entry.0.key=K&M.entry.0.value=V"), "InvalidQueryParameter");
  EXPECT_EQ(ErrorCode("Action=X&M.entry=1"), "InvalidQueryParameter");
}

// The golden responses of tests/codecs/responses/, which botocore's QueryParser reads
// (tests/codecs/test_codec_golden.py).
TEST(QueryCodec, RendersGoldenResponses) {
  for (const auto& f : kQueryResponses) {
    SCOPED_TRACE(f.name);
    ordered_json input = ordered_json::parse(f.input);
    std::string body;
    if (input.contains("code")) {
      Error error =
          MakeError(input["code"].get<std::string>(), input["message"].get<std::string>());
      for (const auto& d : input["details"]) {
        error.With(d[0].get<std::string>(), d[1].get<std::string>());
      }
      body = RenderQueryError(input["type"].get<std::string>(), error,
                              input["request_id"].get<std::string>(),
                              input["xmlns"].get<std::string>());
    } else {
      body = RenderQueryResponse(f.action, input["xmlns"].get<std::string>(), input["result"],
                                 input["request_id"].get<std::string>());
    }
    EXPECT_EQ(body, f.body) << "GOLDEN " << f.name << " " << body;
  }
}

TEST(QueryCodec, RenderShapes) {
  ordered_json result = {{"Z", "last"},
                         {"A", 1},
                         {"F", 0.5},
                         {"B", true},
                         {"N", nullptr},
                         {"L", {1, nullptr, "x"}},
                         {"E", ordered_json::array()},
                         {"O", ordered_json::object()}};
  EXPECT_EQ(RenderQueryResponse("Op", "urn:x", result, "rid"),
            "<OpResponse xmlns=\"urn:x\"><OpResult><Z>last</Z><A>1</A><F>0.5</F><B>true</B>"
            "<L><member>1</member><member>x</member></L><E></E><O></O></OpResult>"
            "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></OpResponse>");
  EXPECT_EQ(RenderQueryResponse("DeleteUser", "", nullptr, "r"),
            "<DeleteUserResponse><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
            "</DeleteUserResponse>");
  EXPECT_EQ(RenderQueryResponse("Op", "", ordered_json::object(), "r"),
            "<OpResponse><OpResult></OpResult><ResponseMetadata><RequestId>r</RequestId>"
            "</ResponseMetadata></OpResponse>");
  // A nlohmann::json converts, in its sorted member order.
  json sorted = {{"b", 1}, {"a", 2}};
  EXPECT_NE(RenderQueryResponse("Op", "", sorted, "r").find("<OpResult><a>2</a><b>1</b>"),
            std::string::npos);
}

TEST(QueryCodec, RenderEscapesAndNumbers) {
  ordered_json result = {{"S", "<a href=\"x\">&'</a>"},
                         {"Big", 12345678901234ull},
                         {"Neg", -3},
                         {"Inf", std::numeric_limits<double>::infinity()},
                         {"NaN", std::numeric_limits<double>::quiet_NaN()}};
  std::string xml = RenderQueryResponse("Op", "", result, "<id>");
  EXPECT_NE(xml.find("<S>&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;</S>"),
            std::string::npos);
  EXPECT_NE(xml.find("<Big>12345678901234</Big><Neg>-3</Neg><Inf>Infinity</Inf><NaN>NaN</NaN>"),
            std::string::npos);
  EXPECT_NE(xml.find("<RequestId>&lt;id&gt;</RequestId>"), std::string::npos);
}

TEST(QueryCodec, RenderMapsAndFlattenedLists) {
  ordered_json result = {
      {"Summary", QueryMap({{"Users", 3}, {"Skipped", nullptr}, {"Nested", {{"A", "b"}}}})},
      {"QueueUrl", QueryFlattened({"http://q/1", "http://q/2"})},
      {"Attribute", QueryFlattened({{{"Name", "DelaySeconds"}, {"Value", "5"}}})},
      {"Empty", QueryMap(ordered_json::object())}};
  EXPECT_EQ(RenderQueryResponse("Op", "", result, "r"),
            "<OpResponse><OpResult><Summary><entry><key>Users</key><value>3</value></entry>"
            "<entry><key>Nested</key><value><A>b</A></value></entry></Summary>"
            "<QueueUrl>http://q/1</QueueUrl><QueueUrl>http://q/2</QueueUrl>"
            "<Attribute><Name>DelaySeconds</Name><Value>5</Value></Attribute><Empty></Empty>"
            "</OpResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
            "</OpResponse>");
}

TEST(QueryCodec, RenderError) {
  EXPECT_EQ(RenderQueryError("Sender", MakeError("NoSuchEntity", "No user <bob>"), "rid",
                             "https://iam.amazonaws.com/doc/2010-05-08/"),
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>"
            "<Type>Sender</Type><Code>NoSuchEntity</Code><Message>No user &lt;bob&gt;</Message>"
            "</Error><RequestId>rid</RequestId></ErrorResponse>");
  EXPECT_EQ(RenderQueryError("Receiver", MakeError("InternalFailure", "").With("Hint", "a&b"), "r"),
            "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>"
            "</Message><Hint>a&amp;b</Hint></Error><RequestId>r</RequestId></ErrorResponse>");
}

}  // namespace
}  // namespace evoke::api
