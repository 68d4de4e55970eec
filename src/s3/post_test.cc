// Unit tests for browser form uploads: the streaming multipart/form-data parser and the POST
// policy.
#include <gtest/gtest.h>

#include "base/encoding.h"
#include "base/time_format.h"
#include "s3/post_form.h"
#include "s3/post_policy.h"

namespace evoke::s3 {
namespace {

// Records what the parser hands on.
struct Recorder final : FormParser::Sink {
  std::vector<std::pair<std::string, std::string>> fields;
  std::optional<FormParser::FilePart> file;
  std::string data;
  int ends = 0;
  Status OnField(std::string name, std::string value) override {
    fields.emplace_back(std::move(name), std::move(value));
    return {};
  }
  Status OnFileStart(const FormParser::FilePart& part) override {
    file = part;
    return {};
  }
  Status OnFileData(std::string_view d) override {
    data.append(d);
    return {};
  }
  Status OnFileEnd() override {
    ++ends;
    return {};
  }
};

const std::string kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

std::string Part(std::string_view name, std::string_view value) {
  return "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + std::string(name) +
         "\"\r\n\r\n" + std::string(value) + "\r\n";
}

std::string FileBody(std::string_view content) {
  return Part("key", "uploads/${filename}") + Part("x-amz-meta-note", "line one\r\nline two") +
         "--" + kBoundary +
         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\dir\\a.jpg\"\r\n"
         "Content-Type: image/jpeg\r\n\r\n" +
         std::string(content) + "\r\n" + Part("after", "ignored") + "--" + kBoundary +
         "--\r\nepilogue";
}

// Feeds `body` in pieces of `step` bytes.
Status FeedAll(FormParser& parser, std::string_view body, size_t step, Recorder& sink) {
  for (size_t i = 0; i < body.size(); i += step) {
    Status s = parser.Feed(body.substr(i, step), sink);
    if (!s.ok()) return s;
  }
  return parser.Finish();
}

TEST(FormParser, GivesTheSameFormWhateverThePieces) {
  // File content that holds what a careless parser would take for a delimiter.
  std::string content = "\r\n--" + kBoundary.substr(0, 10) + "\r\r\n-- binary bytes\r\n";
  std::string body = FileBody(content);
  for (size_t step : {size_t{1}, size_t{2}, size_t{7}, size_t{64}, body.size()}) {
    FormParser parser(kBoundary);
    Recorder r;
    ASSERT_TRUE(FeedAll(parser, body, step, r).ok()) << step;
    ASSERT_EQ(r.fields.size(), 2u) << step;
    EXPECT_EQ(r.fields[0], (std::pair<std::string, std::string>{"key", "uploads/${filename}"}));
    EXPECT_EQ(r.fields[1].second, "line one\r\nline two");
    ASSERT_TRUE(r.file);
    EXPECT_EQ(r.file->filename, "C:\\dir\\a.jpg");
    EXPECT_EQ(r.file->content_type, "image/jpeg");
    EXPECT_EQ(r.data, content) << step;
    EXPECT_EQ(r.ends, 1);
  }
}

TEST(FormParser, RefusesMalformedBodies) {
  std::string good = FileBody("x");
  const std::vector<std::string> broken = {
      "",                                                        // nothing
      good.substr(0, good.size() - 20),                          // no close delimiter
      "--" + kBoundary + "\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" + kBoundary + "--",
      "--" + kBoundary + "\r\nno colon here\r\n\r\nx\r\n--" + kBoundary + "--",
      "--" + kBoundary + "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--" +
          kBoundary + "--",
      "--" + kBoundary + "junk\r\n",                             // not a delimiter line
      "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--" +
          kBoundary + "--",                                      // open quote
  };
  for (const std::string& body : broken) {
    FormParser parser(kBoundary);
    Recorder r;
    Status s = FeedAll(parser, body, 5, r);
    ASSERT_FALSE(s.ok()) << body;
    EXPECT_EQ(s.error().code, "MalformedPOSTRequest") << body;
  }
}

TEST(FormParser, NeedsAFileAndLimitsWhatComesBeforeIt) {
  {
    FormParser parser(kBoundary);
    Recorder r;
    Status s = FeedAll(parser, Part("key", "k") + "--" + kBoundary + "--", 3, r);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, "InvalidArgument");
    EXPECT_EQ(s.error().message, "POST requires exactly one file upload per request.");
  }
  {
    FormParser parser(kBoundary);
    Recorder r;
    Status s = FeedAll(parser, Part("x-amz-meta-big", std::string(kMaxPostPreData, 'a')) +
                                   FileBody("x"),
                       4096, r);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, "MaxPostPreDataLengthExceeded");
  }
  {  // a large file is fine: the limit is on the fields before it
    FormParser parser(kBoundary);
    Recorder r;
    std::string content(3 * kMaxPostPreData, 'z');
    ASSERT_TRUE(FeedAll(parser, FileBody(content), 1000, r).ok());
    EXPECT_EQ(r.data, content);
  }
}

TEST(FormParser, Boundary) {
  EXPECT_EQ(FormBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(FormBoundary("Multipart/Form-Data;boundary=\"a b:c\""), "a b:c");
  EXPECT_EQ(FormBoundary("multipart/form-data; charset=utf-8; boundary=x-y"), "x-y");
  EXPECT_FALSE(FormBoundary("multipart/form-data"));
  EXPECT_FALSE(FormBoundary("multipart/form-data; boundary="));
  EXPECT_FALSE(FormBoundary("multipart/form-data; boundary=" + std::string(71, 'a')));
  EXPECT_FALSE(FormBoundary("multipart/form-data; boundary=a{b"));
  EXPECT_FALSE(FormBoundary("application/x-www-form-urlencoded; boundary=abc"));
  EXPECT_TRUE(IsFormData("multipart/form-data"));
  EXPECT_FALSE(IsFormData("text/plain"));
}

std::string Policy(std::string_view json) { return Base64Encode(json); }

TEST(PostPolicy, ParsesAndChecksConditions) {
  auto policy = ParsePostPolicy(Policy(R"({"expiration": "2030-01-01T00:00:00.000Z",
      "conditions": [{"bucket": "photos"}, ["starts-with", "$key", "user/"],
                     ["eq", "$Content-Type", "image/png"], ["starts-with", "$x-amz-meta-a", ""],
                     ["content-length-range", 1, "100"]]})"));
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  int64_t now = *ParseIso8601Ms("2029-01-01T00:00:00Z");
  FormFields fields = {{"key", "user/a.png"}, {"content-type", "image/png"},
                       {"x-amz-meta-a", "anything"}, {"policy", "..."},
                       {"x-amz-signature", "..."}, {"x-ignore-submit", "Upload"},
                       {"bucket", "photos"}};
  EXPECT_TRUE(CheckPostPolicy(*policy, fields, now).ok());

  FormFields other_key = fields;
  other_key[0].second = "admin/a.png";
  Status s = CheckPostPolicy(*policy, other_key, now);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "AccessDenied");
  EXPECT_EQ(s.error().message,
            R"(Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/"])");

  FormFields extra = fields;
  extra.emplace_back("x-amz-meta-b", "not covered");
  s = CheckPostPolicy(*policy, extra, now);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "Invalid according to Policy: Extra input fields: x-amz-meta-b");

  s = CheckPostPolicy(*policy, fields, *ParseIso8601Ms("2030-01-01T00:00:00Z"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "Invalid according to Policy: Policy expired.");

  EXPECT_EQ(PostMaxLength(*policy), 100u);
  EXPECT_TRUE(CheckPostLength(*policy, 1).ok());
  EXPECT_TRUE(CheckPostLength(*policy, 100).ok());
  EXPECT_EQ(CheckPostLength(*policy, 0).error().code, "EntityTooSmall");
  EXPECT_EQ(CheckPostLength(*policy, 101).error().code, "EntityTooLarge");
}

TEST(PostPolicy, StartsWithOnContentTypeChecksEveryType) {
  auto policy = ParsePostPolicy(Policy(R"({"expiration": "2030-01-01T00:00:00Z",
      "conditions": [["starts-with", "$Content-Type", "image/"]]})"));
  ASSERT_TRUE(policy.ok());
  int64_t now = 0;
  EXPECT_TRUE(CheckPostPolicy(*policy, {{"content-type", "image/png, image/jpeg"}}, now).ok());
  EXPECT_FALSE(CheckPostPolicy(*policy, {{"content-type", "image/png,text/plain"}}, now).ok());
}

TEST(PostPolicy, RefusesWhatS3Refuses) {
  const std::vector<std::string> bad = {
      "not base64 !",
      Policy("not json"),
      Policy("[]"),
      Policy(R"({"conditions": []})"),
      Policy(R"({"expiration": "2030-01-01T00:00:00Z"})"),
      Policy(R"({"expiration": "2030-01-01T00:00:00+02:00", "conditions": []})"),
      Policy(R"({"expiration": 5, "conditions": []})"),
      Policy(R"({"expiration": "2030-01-01T00:00:00Z", "conditions": {}})"),
      Policy(R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [{"a": "1", "b": "2"}]})"),
      Policy(R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [{"a": 1}]})"),
      Policy(R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [["in", "$a", "b"]]})"),
      Policy(R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [["eq", "a", "b"]]})"),
      Policy(R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [["eq", "$a"]]})"),
      Policy(R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [["content-length-range", -1, 5]]})"),
      Policy(R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [["content-length-range", "1e3", 5]]})"),
      Policy(R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [7]})"),
  };
  for (const std::string& p : bad) {
    auto parsed = ParsePostPolicy(p);
    ASSERT_FALSE(parsed.ok()) << p;
    EXPECT_EQ(parsed.error().code, "InvalidPolicyDocument") << p;
    EXPECT_TRUE(parsed.error().message.starts_with("Invalid Policy: ")) << p;
  }
}

}  // namespace
}  // namespace evoke::s3
