#include "api/xml_codec.h"

#include <gtest/gtest.h>

#include "api/pipeline.h"

namespace evoke::api {
namespace {

TEST(XmlCodec, ErrorDocumentEscapesAndCarriesDetailsAndIds) {
  http::Response r = RenderXmlError(MakeError("NoSuchKey", "gone").With("Key", "a<b"), 404,
                                    "/b/a<b", "REQ1", "HOST");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(*r.headers.Get("Content-Type"), "application/xml");
  EXPECT_EQ(*r.headers.Get("x-amz-request-id"), "REQ1");
  EXPECT_EQ(*r.headers.Get("x-amz-id-2"), "HOST");
  EXPECT_NE(r.body.find("<Error><Code>NoSuchKey</Code><Message>gone</Message><Key>a&lt;b</Key>"),
            std::string::npos);
  EXPECT_NE(r.body.find("<Resource>/b/a&lt;b</Resource><RequestId>REQ1</RequestId>"
                        "<HostId>HOST</HostId></Error>"),
            std::string::npos);
}

TEST(XmlCodec, RedirectHintsTravelAsHeadersAndNotModifiedHasNoBody) {
  http::Response moved = RenderXmlError(
      MakeError("PermanentRedirect", "elsewhere").With("Region", "eu-west-1"), 301, "", "R", "H");
  EXPECT_EQ(*moved.headers.Get("x-amz-bucket-region"), "eu-west-1");
  http::Response not_modified = RenderXmlError(MakeError("NotModified", ""), 304, "/b/k", "R", "H");
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_FALSE(not_modified.headers.Has("Content-Type"));
}

TEST(XmlCodec, InternalFailuresKeepTheirTextOutOfTheAnswer) {
  Service s3;
  s3.protocol = Protocol::kRestXml;
  s3.internal_error = "InternalError";
  s3.internal_message = "We encountered an internal error. Please try again.";
  Error e = MakeError("sqlite", "disk I/O error at /data/evoke.db");
  EXPECT_EQ(ClassifyError(s3, e), 500);
  http::Response r = RenderXmlError(e, 500, "", "R", "H");
  EXPECT_NE(r.body.find("<Code>InternalError</Code>"), std::string::npos);
  EXPECT_EQ(r.body.find("disk I/O"), std::string::npos);
}

TEST(XmlCodec, OutputKeepsTheOperationsHeadAndBody) {
  Output body;
  body.status = 206;
  body.headers.Add("Content-Range", "bytes 0-1/10");
  body.payload = "ab";
  http::Response r = RenderXmlOutput(std::move(body), "R", "H");
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, "ab");
  EXPECT_EQ(*r.headers.Get("Content-Range"), "bytes 0-1/10");
  EXPECT_EQ(*r.headers.Get("x-amz-request-id"), "R");
  // A HEAD answer: no body, the object's length.
  Output head;
  head.content_length = 10;
  http::Response h = RenderXmlOutput(std::move(head), "R", "H");
  EXPECT_TRUE(h.body.empty());
  EXPECT_EQ(h.content_length, 10u);
}

}  // namespace
}  // namespace evoke::api
