// The whole server in this process (app::RunServer on a thread, a fresh data directory, port 0),
// driven over a real socket with signed HTTP/1.1 requests: every protocol's path through the one
// request pipeline, its error shapes, a restart over the same data directory, and a clean stop.
// The end-to-end suite (tests/e2e) drives the built binary with the real aws CLI and boto3;
// this suite needs neither and runs in seconds.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <tuple>

#include "app/config.h"
#include "app/server_main.h"
#include "auth/sigv4.h"
#include "base/encoding.h"
#include "base/hash.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "http/message.h"

namespace evoke {
namespace {

namespace fs = std::filesystem;

constexpr char kAccessKey[] = "AKIAINTEGRATIONTEST1";
constexpr char kSecret[] = "integration/test/secret/key/0000000000000";

struct Reply {
  int status = 0;
  http::Headers headers;
  std::string body;
};

// One request, its own connection, the whole response (Content-Length framed; the server
// answers HTTP/1.1 with a length or closes).
Reply Exchange(uint16_t port, const std::string& wire) {
  Reply reply;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    ADD_FAILURE() << "cannot connect to port " << port;
    return reply;
  }
  timeval timeout{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  for (size_t sent = 0; sent < wire.size();) {
    ssize_t n = ::send(fd, wire.data() + sent, wire.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string in;
  size_t head_end = std::string::npos;
  std::optional<size_t> length;
  char buf[65536];
  for (;;) {
    if (head_end != std::string::npos && length && in.size() >= head_end + 4 + *length) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
    if (head_end == std::string::npos && (head_end = in.find("\r\n\r\n")) != std::string::npos) {
      size_t line_end = in.find("\r\n");
      reply.status = std::atoi(in.substr(9, 3).c_str());
      size_t pos = line_end + 2;
      while (pos < head_end) {
        size_t eol = in.find("\r\n", pos);
        std::string line = in.substr(pos, eol - pos);
        size_t colon = line.find(':');
        std::string name = line.substr(0, colon);
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        if (http::EqualsIgnoreCase(name, "Content-Length")) length = std::stoul(value);
        reply.headers.Add(std::move(name), std::move(value));
        pos = eol + 2;
      }
      if (wire.starts_with("HEAD ")) length = 0;
    }
  }
  ::close(fd);
  if (head_end != std::string::npos) reply.body = in.substr(head_end + 4);
  if (length && reply.body.size() > *length) reply.body.resize(*length);
  return reply;
}

struct Request {
  std::string method = "GET";
  std::string path = "/";
  std::string query;  // raw, already encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// `request` signed with SigV4 for `service`, as HTTP/1.1 bytes (no signature: anonymous).
std::string Wire(const Request& request, uint16_t port, const std::string& service,
                 bool sign = true) {
  http::Request r;
  r.method = request.method;
  r.path = request.path;
  r.raw_query = request.query;
  r.query = http::Query::Parse(request.query).value_or(http::Query());
  r.headers.Add("Host", "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : request.headers) r.headers.Add(k, v);
  std::string payload_hash = Sha256Hex(request.body);
  if (sign) {
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    auth::SignatureParams p;
    p.access_key_id = kAccessKey;
    p.amz_date = FormatAmzDate(now);
    p.scope_date = p.amz_date.substr(0, 8);
    p.region = "us-east-1";
    p.service = service;
    r.headers.Add("x-amz-date", p.amz_date);
    r.headers.Add("x-amz-content-sha256", payload_hash);
    for (const auto& [name, value] : r.headers.fields()) p.signed_headers.push_back(http::ToLower(name));
    std::sort(p.signed_headers.begin(), p.signed_headers.end());
    auto canonical = auth::CanonicalRequest(
        r, p, payload_hash, service == "s3" ? auth::PathEncoding::kS3 : auth::PathEncoding::kDouble);
    EXPECT_TRUE(canonical.has_value());
    std::string signature =
        auth::SignatureHex(auth::SigningKey(kSecret, p.scope_date, p.region, p.service),
                           auth::StringToSign(p.amz_date, p.Scope(), canonical.value_or("")));
    std::string signed_list;
    for (const auto& h : p.signed_headers) signed_list += (signed_list.empty() ? "" : ";") + h;
    r.headers.Add("Authorization", std::string(auth::kAlgorithm) + " Credential=" + kAccessKey +
                                       "/" + p.Scope() + ", SignedHeaders=" + signed_list +
                                       ", Signature=" + signature);
  }
  std::string wire = r.method + " " + r.path + (r.raw_query.empty() ? "" : "?" + r.raw_query) +
                     " HTTP/1.1\r\n";
  for (const auto& [name, value] : r.headers.fields()) wire += name + ": " + value + "\r\n";
  wire += "Content-Length: " + std::to_string(request.body.size()) + "\r\n\r\n" + request.body;
  return wire;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("EVOKE_ACCESS_KEY_ID", kAccessKey, 1);
    ::setenv("EVOKE_SECRET_ACCESS_KEY", kSecret, 1);
    dir_ = fs::temp_directory_path() / ("evoke-integration-" + RandomHex(6));
    Start();
  }
  void TearDown() override {
    Stop();
    fs::remove_all(dir_);
  }

  void Start() {
    app::ServerConfig config;
    config.data_dir = dir_.string();
    config.port = 0;
    config.threads = 2;
    config.access_log = "off";
    std::promise<std::pair<uint16_t, std::function<void()>>> listening;
    auto ready = listening.get_future();
    server_ = std::thread([this, config, &listening] {
      app::ServerHooks hooks;
      hooks.listening = [&listening](uint16_t port, std::function<void()> stop) {
        listening.set_value({port, std::move(stop)});
      };
      exit_code_ = app::RunServer(config, hooks);
    });
    ASSERT_EQ(ready.wait_for(std::chrono::seconds(60)), std::future_status::ready);
    std::tie(port_, stop_) = ready.get();
  }

  void Stop() {
    if (!server_.joinable()) return;
    stop_();
    server_.join();
    EXPECT_EQ(exit_code_, 0);
  }

  Reply Send(const Request& request, const std::string& service, bool sign = true) {
    return Exchange(port_, Wire(request, port_, service, sign));
  }

  fs::path dir_;
  std::thread server_;
  uint16_t port_ = 0;
  std::function<void()> stop_;
  int exit_code_ = -1;
};

TEST_F(ServerTest, S3ObjectsThroughThePipelineSurviveARestart) {
  EXPECT_EQ(Send({"PUT", "/photos"}, "s3").status, 200);
  Reply put = Send({"PUT", "/photos/a%20b.txt", "", {{"Content-Type", "text/plain"}}, "hello"},
                   "s3");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(*put.headers.Get("ETag"), "\"" + HexEncode(Md5("hello")) + "\"");
  EXPECT_EQ(put.headers.Get("x-amz-request-id")->size(), 16u);

  Stop();
  Start();  // the same data directory

  Reply got = Send({"GET", "/photos/a%20b.txt"}, "s3");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "hello");
  EXPECT_EQ(*got.headers.Get("Content-Type"), "text/plain");
  Reply head = Send({"HEAD", "/photos/a%20b.txt"}, "s3");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(*head.headers.Get("Content-Length"), "5");
  Reply list = Send({"GET", "/photos", "list-type=2"}, "s3");
  EXPECT_NE(list.body.find("<Key>a b.txt</Key>"), std::string::npos) << list.body;
}

TEST_F(ServerTest, S3ErrorsAreS3Xml) {
  Reply missing = Send({"GET", "/nowhere/key"}, "s3");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(*missing.headers.Get("Content-Type"), "application/xml");
  EXPECT_NE(missing.body.find("<Code>NoSuchBucket</Code>"), std::string::npos);
  EXPECT_NE(missing.body.find("<BucketName>nowhere</BucketName>"), std::string::npos);
  EXPECT_NE(missing.body.find("<Resource>/nowhere/key</Resource>"), std::string::npos);
  Reply anonymous = Send({"GET", "/nowhere/key"}, "s3", /*sign=*/false);
  EXPECT_EQ(anonymous.status, 403);
  EXPECT_NE(anonymous.body.find("<Code>AccessDenied</Code>"), std::string::npos);
  Reply unsupported = Send({"GET", "/nowhere", "website"}, "s3");
  EXPECT_EQ(unsupported.status, 501);
  EXPECT_NE(unsupported.body.find("<Code>NotImplemented</Code>"), std::string::npos);
  Request tampered{"PUT", "/b2"};
  std::string wire = Wire(tampered, port_, "s3");
  wire.replace(wire.find("PUT /b2"), 7, "PUT /b3");
  Reply forged = Exchange(port_, wire);
  EXPECT_EQ(forged.status, 403);
  EXPECT_NE(forged.body.find("<Code>SignatureDoesNotMatch</Code>"), std::string::npos);
}

TEST_F(ServerTest, JsonServicesAnswerInTheirOwnProtocols) {
  // awsJson 1.1 (CloudWatch Logs): a result, then errors with __type.
  Request create{"POST", "/", "", {{"X-Amz-Target", "Logs_20140328.CreateLogGroup"},
                                    {"Content-Type", "application/x-amz-json-1.1"}},
                 R"({"logGroupName": "g"})"};
  EXPECT_EQ(Send(create, "logs").status, 200);
  Reply again = Send(create, "logs");
  EXPECT_EQ(again.status, 400);
  auto error = nlohmann::json::parse(again.body);
  EXPECT_EQ(error["__type"], "ResourceAlreadyExistsException");
  Request unknown = create;
  unknown.headers[0].second = "Logs_20140328.NoSuchOperation";
  EXPECT_EQ(nlohmann::json::parse(Send(unknown, "logs").body)["__type"],
            "UnknownOperationException");
  Request bad_json = create;
  bad_json.body = "{not json";
  EXPECT_EQ(nlohmann::json::parse(Send(bad_json, "logs").body)["__type"],
            "SerializationException");

  // rest-json (Lambda): a result, then an error with x-amzn-ErrorType.
  Reply functions = Send({"GET", "/2015-03-31/functions/"}, "lambda");
  EXPECT_EQ(functions.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(functions.body)["Functions"].empty());
  Reply no_function = Send({"GET", "/2015-03-31/functions/nope"}, "lambda");
  EXPECT_EQ(no_function.status, 404);
  EXPECT_EQ(*no_function.headers.Get("x-amzn-ErrorType"), "ResourceNotFoundException");
  EXPECT_EQ(no_function.headers.Get("x-amzn-RequestId")->size(), 36u);
  // A signed request for an unknown Lambda route neither crashes nor hangs the server.
  EXPECT_EQ(Send({"GET", "/2015-03-31/functions/a/b/c"}, "lambda").status, 501);
  EXPECT_EQ(Send({"GET", "/2015-03-31/functions/"}, "lambda").status, 200);
}

TEST_F(ServerTest, IamAndStsAnswerInAwsQuery) {
  const std::vector<std::pair<std::string, std::string>> form = {
      {"Content-Type", "application/x-www-form-urlencoded"}};
  Reply caller = Send({"POST", "/", "", form, "Action=GetCallerIdentity&Version=2011-06-15"}, "sts");
  EXPECT_EQ(caller.status, 200);
  EXPECT_NE(caller.body.find("<Arn>arn:aws:iam::000000000000:root</Arn>"), std::string::npos);
  Reply user = Send({"POST", "/", "", form, "Action=CreateUser&UserName=ann&Version=2010-05-08"},
                    "iam");
  EXPECT_EQ(user.status, 200);
  EXPECT_NE(user.body.find("<UserId>AIDA"), std::string::npos);
  // The user survives a restart; a second create is refused with IAM's error.
  Stop();
  Start();
  Reply again = Send({"POST", "/", "", form, "Action=CreateUser&UserName=ann&Version=2010-05-08"},
                     "iam");
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("<Code>EntityAlreadyExists</Code>"), std::string::npos);
  // Unsigned, the request cannot be told from an S3 request and S3 refuses it.
  Reply anonymous = Send({"POST", "/", "", form, "Action=ListUsers&Version=2010-05-08"}, "iam",
                         /*sign=*/false);
  EXPECT_GE(anonymous.status, 400);
  EXPECT_EQ(anonymous.body.find("ann"), std::string::npos);
}

TEST_F(ServerTest, ServicesEvokeDoesNotServeAnswerInTheirProtocol) {
  // awsQuery (SNS as botocore sends it): an ErrorResponse the client parses.
  Reply sns = Send({"POST", "/", "", {{"Content-Type", "application/x-www-form-urlencoded"}},
                    "Action=ListTopics&Version=2010-03-31"},
                   "sns");
  EXPECT_EQ(sns.status, 400);
  EXPECT_NE(sns.body.find("<ErrorResponse"), std::string::npos);
  EXPECT_NE(sns.body.find("<Code>InvalidAction</Code>"), std::string::npos);
  // awsJson 1.0 (SQS for newer clients).
  Reply sqs = Send({"POST", "/", "", {{"X-Amz-Target", "AmazonSQS.ListQueues"},
                                      {"Content-Type", "application/x-amz-json-1.0"}},
                    "{}"},
                   "sqs");
  EXPECT_EQ(sqs.status, 400);
  EXPECT_EQ(nlohmann::json::parse(sqs.body)["__type"], "UnknownOperationException");
}

}  // namespace
}  // namespace evoke
