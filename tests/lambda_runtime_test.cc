// Tests of evoke's C++ Lambda runtime (runtimes/cpp) against a scripted Runtime API server: a
// thread with a loopback listener that answers each request with the next scripted bytes.
#include "evoke/lambda_runtime.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace evoke::lambda_runtime {
namespace {

// Long enough for a slow sanitized build, short enough that a broken client fails the test
// instead of hanging it.
constexpr int kWaitMs = 20000;

struct ReceivedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string Header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? "<absent>" : found->second;
  }
};

// One scripted answer: the raw bytes sent back to the next request, and whether the server
// then closes the connection.
struct Answer {
  std::string raw;
  bool close_after = false;
};

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// `raw` (a whole response) with its header names in lower case; the rest untouched.
std::string LowerHeaderNames(const std::string& raw) {
  std::string out = raw.substr(0, raw.find("\r\n") + 2);
  size_t head_end = raw.find("\r\n\r\n");
  for (size_t start = out.size(); start < head_end + 2;) {
    size_t end = raw.find("\r\n", start) + 2;
    size_t colon = raw.find(':', start);
    out += Lower(raw.substr(start, colon - start)) + raw.substr(colon, end - colon);
    start = end;
  }
  return out + raw.substr(head_end + 2);
}

bool WaitReadable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, kWaitMs) == 1;
}

// The Runtime API's side of the test. Serves the script in order, then closes its listener and
// the connection, which is how a Runtime API "goes away".
class FakeRuntimeApi {
 public:
  explicit FakeRuntimeApi(std::vector<Answer> script) : script_(std::move(script)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 8) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot listen");
    }
    address_ = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeRuntimeApi() { Join(); }

  const std::string& address() const { return address_; }

  // Waits for the script to end; then requests() and connections() are complete.
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  const std::vector<ReceivedRequest>& requests() const { return requests_; }
  int connections() const { return connections_; }

 private:
  void Serve() {
    int connection = -1;
    std::string buffer;
    for (const Answer& answer : script_) {
      if (connection < 0) {
        if (!WaitReadable(listener_)) break;
        connection = ::accept(listener_, nullptr, nullptr);
        ++connections_;
        buffer.clear();
      }
      ReceivedRequest request;
      if (!ReadRequest(connection, buffer, request)) break;
      requests_.push_back(std::move(request));
      size_t sent = 0;
      while (sent < answer.raw.size()) {
        ssize_t n =
            ::send(connection, answer.raw.data() + sent, answer.raw.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
      if (answer.close_after) {
        ::close(connection);
        connection = -1;
      }
    }
    // Refuse new connections first, so the client's reconnect attempt fails too.
    ::close(listener_);
    if (connection >= 0) ::close(connection);
  }

  static bool ReadRequest(int fd, std::string& buffer, ReceivedRequest& request) {
    size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(fd, buffer)) return false;
    }
    std::string head = buffer.substr(0, head_end);
    size_t line_end = head.find("\r\n");
    std::string request_line = head.substr(0, line_end);
    size_t space = request_line.find(' ');
    request.method = request_line.substr(0, space);
    request.path = request_line.substr(space + 1, request_line.rfind(' ') - space - 1);
    while (line_end != std::string::npos) {
      size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      std::string line =
          head.substr(start, line_end == std::string::npos ? line_end : line_end - start);
      size_t colon = line.find(':');
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      request.headers[Lower(line.substr(0, colon))] = value;
    }
    buffer.erase(0, head_end + 4);
    size_t length =
        request.headers.count("content-length") ? std::stoul(request.headers["content-length"]) : 0;
    while (buffer.size() < length) {
      if (!ReadMore(fd, buffer)) return false;
    }
    request.body = buffer.substr(0, length);
    buffer.erase(0, length);
    return true;
  }

  static bool ReadMore(int fd, std::string& buffer) {
    if (!WaitReadable(fd)) return false;
    char chunk[65536];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
    return true;
  }

  std::vector<Answer> script_;
  int listener_ = -1;
  std::string address_;
  std::thread thread_;
  // Written by the server thread only; read after Join().
  std::vector<ReceivedRequest> requests_;
  int connections_ = 0;
};

// A `/next` answer with the request id and the given extra header lines.
Answer Next(const std::string& request_id, const std::string& payload,
            const std::string& extra_headers = "") {
  return {"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: " + request_id +
          "\r\nContent-Type: application/json\r\n" + extra_headers +
          "Content-Length: " + std::to_string(payload.size()) + "\r\n\r\n" + payload};
}

Answer Accepted(bool close_after = false) {
  return {
      "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n"
      "{\"status\":\"OK\"}\n",
      close_after};
}

InvocationResponse Echo(const InvocationRequest& request) {
  return InvocationResponse::Success(request.payload, "application/json");
}

TEST(LambdaRuntimeTest, PostsSuccessToResponseOverOneKeptAliveConnection) {
  FakeRuntimeApi api(
      {Next("id-1", R"({"n":1})"), Accepted(), Next("id-2", R"({"n":2})"), Accepted()});
  int calls = 0;
  int status = RunHandler(
      [&calls](const InvocationRequest& request) {
        ++calls;
        return InvocationResponse::Success("got " + request.payload, "text/plain");
      },
      api.address());
  api.Join();

  EXPECT_NE(status, 0) << "the loop ends only when the Runtime API goes away";
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(api.connections(), 1);
  ASSERT_EQ(api.requests().size(), 4u);
  const ReceivedRequest& next = api.requests()[0];
  EXPECT_EQ(next.method, "GET");
  EXPECT_EQ(next.path, "/2018-06-01/runtime/invocation/next");
  EXPECT_EQ(next.Header("host"), api.address());
  EXPECT_EQ(next.body, "");
  const ReceivedRequest& response = api.requests()[1];
  EXPECT_EQ(response.method, "POST");
  EXPECT_EQ(response.path, "/2018-06-01/runtime/invocation/id-1/response");
  EXPECT_EQ(response.Header("content-type"), "text/plain");
  EXPECT_EQ(response.Header("content-length"), "11");
  EXPECT_EQ(response.Header("lambda-runtime-function-error-type"), "<absent>");
  EXPECT_EQ(response.body, R"(got {"n":1})");
  EXPECT_EQ(api.requests()[3].path, "/2018-06-01/runtime/invocation/id-2/response");
  EXPECT_EQ(api.requests()[3].body, R"(got {"n":2})");
}

TEST(LambdaRuntimeTest, ParsesLambdaRuntimeHeadersWhateverTheirCase) {
  for (bool lower_case : {false, true}) {
    std::string headers =
        "Lambda-Runtime-Deadline-Ms: 1542409706888\r\n"
        "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:f\r\n"
        "Lambda-Runtime-Trace-Id: Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1\r\n"
        "Lambda-Runtime-Client-Context: {\"custom\":{\"k\":\"v\"}}\r\n"
        "Lambda-Runtime-Cognito-Identity: {\"cognitoIdentityId\":\"i\"}\r\n";
    Answer next = Next("8476a536-e9f4-11e8-9739-2dfe598c3fcd", "{}", headers);
    if (lower_case) {
      next.raw = LowerHeaderNames(next.raw);
      ASSERT_NE(next.raw.find("\r\nlambda-runtime-deadline-ms: 1542409706888\r\n"),
                std::string::npos);
    }
    FakeRuntimeApi api({next, Accepted()});
    InvocationRequest seen;
    std::string trace_env;
    RunHandler(
        [&](const InvocationRequest& request) {
          seen = request;
          const char* trace = std::getenv("_X_AMZN_TRACE_ID");
          trace_env = trace == nullptr ? "" : trace;
          return InvocationResponse::Success("");
        },
        api.address());
    api.Join();

    SCOPED_TRACE(lower_case ? "lower case" : "canonical case");
    EXPECT_EQ(seen.request_id, "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
    EXPECT_EQ(seen.payload, "{}");
    EXPECT_EQ(seen.deadline,
              std::chrono::system_clock::time_point(std::chrono::milliseconds(1542409706888)));
    EXPECT_LT(seen.TimeRemaining().count(), 0);
    EXPECT_EQ(seen.function_arn, "arn:aws:lambda:us-east-1:000000000000:function:f");
    EXPECT_EQ(seen.xray_trace_id, "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1");
    EXPECT_EQ(trace_env, seen.xray_trace_id);
    EXPECT_EQ(seen.client_context, R"({"custom":{"k":"v"}})");
    EXPECT_EQ(seen.cognito_identity, R"({"cognitoIdentityId":"i"})");
    ASSERT_EQ(api.requests().size(), 2u);
    EXPECT_EQ(api.requests()[1].path,
              "/2018-06-01/runtime/invocation/8476a536-e9f4-11e8-9739-2dfe598c3fcd/response");
    EXPECT_EQ(api.requests()[1].Header("content-type"), "application/json");
  }
}

TEST(LambdaRuntimeTest, PostsFailureToErrorWithItsType) {
  FakeRuntimeApi api({Next("id-1", "{}"), Accepted()});
  RunHandler(
      [](const InvocationRequest&) {
        return InvocationResponse::Failure("bad \"input\"\n\x01", "MyError");
      },
      api.address());
  api.Join();

  ASSERT_EQ(api.requests().size(), 2u);
  const ReceivedRequest& error = api.requests()[1];
  EXPECT_EQ(error.method, "POST");
  EXPECT_EQ(error.path, "/2018-06-01/runtime/invocation/id-1/error");
  EXPECT_EQ(error.Header("lambda-runtime-function-error-type"), "MyError");
  EXPECT_EQ(error.Header("content-type"), "application/vnd.aws.lambda.error+json");
  EXPECT_EQ(error.body,
            R"({"errorMessage":"bad \"input\"\n\u0001","errorType":"MyError","stackTrace":[]})");
}

TEST(LambdaRuntimeTest, KeepsLineBreaksOutOfHeaders) {
  FakeRuntimeApi api({Next("id-1", "{}"), Accepted()});
  RunHandler(
      [](const InvocationRequest&) {
        return InvocationResponse::Failure("m", "Bad\r\nX-Injected: 1");
      },
      api.address());
  api.Join();

  ASSERT_EQ(api.requests().size(), 2u);
  EXPECT_EQ(api.requests()[1].Header("lambda-runtime-function-error-type"), "Bad  X-Injected: 1");
  EXPECT_EQ(api.requests()[1].Header("x-injected"), "<absent>");
}

TEST(LambdaRuntimeTest, ReportsThrownExceptionsAsFunctionErrorsAndGoesOn) {
  FakeRuntimeApi api({Next("id-1", "1"), Accepted(), Next("id-2", "2"), Accepted(),
                      Next("id-3", "3"), Accepted()});
  RunHandler(
      [](const InvocationRequest& request) -> InvocationResponse {
        if (request.payload == "1") throw std::runtime_error("it broke");
        if (request.payload == "2") throw 42;
        return InvocationResponse::Success("fine");
      },
      api.address());
  api.Join();

  ASSERT_EQ(api.requests().size(), 6u);
  const ReceivedRequest& first = api.requests()[1];
  EXPECT_EQ(first.path, "/2018-06-01/runtime/invocation/id-1/error");
  EXPECT_EQ(first.Header("lambda-runtime-function-error-type"), "std::runtime_error");
  EXPECT_EQ(first.body,
            R"({"errorMessage":"it broke","errorType":"std::runtime_error","stackTrace":[]})");
  const ReceivedRequest& second = api.requests()[3];
  EXPECT_EQ(second.path, "/2018-06-01/runtime/invocation/id-2/error");
  EXPECT_EQ(second.Header("lambda-runtime-function-error-type"), "int");
  EXPECT_EQ(api.requests()[5].path, "/2018-06-01/runtime/invocation/id-3/response");
  EXPECT_EQ(api.requests()[5].body, "fine");
}

TEST(LambdaRuntimeTest, ReadsChunkedResponses) {
  Answer next{
      "HTTP/1.1 200 OK\r\nlambda-runtime-aws-request-id: id-1\r\n"
      "Transfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\n{\"a\":\r\n"
      "A\r\n\"0123456\"}\r\n"
      "0\r\nSome-Trailer: x\r\n\r\n"};
  Answer accepted{
      "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n"
      "10\r\n{\"status\":\"OK\"}\n\r\n0\r\n\r\n"};
  FakeRuntimeApi api({next, accepted, Next("id-2", "second"), Accepted()});
  int status = RunHandler(Echo, api.address());
  api.Join();

  EXPECT_NE(status, 0);
  EXPECT_EQ(api.connections(), 1);
  ASSERT_EQ(api.requests().size(), 4u);
  EXPECT_EQ(api.requests()[1].body, R"({"a":"0123456"})");
  EXPECT_EQ(api.requests()[3].path, "/2018-06-01/runtime/invocation/id-2/response");
  EXPECT_EQ(api.requests()[3].body, "second");
}

TEST(LambdaRuntimeTest, ReconnectsWhenTheServerClosesTheConnection) {
  Answer first = Next("id-1", "a");
  first.raw.insert(first.raw.find("\r\n") + 2, "Connection: close\r\n");
  first.close_after = true;
  // An answer with neither Content-Length nor chunking ends when the connection closes.
  Answer accepted{"HTTP/1.1 202 Accepted\r\n\r\n{\"status\":\"OK\"}", true};
  // The server drops the idle kept-alive connection without saying so: the next request must
  // be retried on a fresh one.
  FakeRuntimeApi api(
      {first, accepted, Next("id-2", "b"), Accepted(true), Next("id-3", "c"), Accepted()});
  RunHandler(Echo, api.address());
  api.Join();

  ASSERT_EQ(api.requests().size(), 6u);
  EXPECT_EQ(api.connections(), 4);
  EXPECT_EQ(api.requests()[1].body, "a");
  EXPECT_EQ(api.requests()[3].body, "b");
  EXPECT_EQ(api.requests()[5].path, "/2018-06-01/runtime/invocation/id-3/response");
  EXPECT_EQ(api.requests()[5].body, "c");
}

TEST(LambdaRuntimeTest, CarriesLargePayloadsBothWays) {
  std::string payload(3 * 1024 * 1024, 'x');
  for (size_t i = 0; i < payload.size(); i += 997) payload[i] = static_cast<char>('a' + i % 26);
  FakeRuntimeApi api({Next("id-1", payload), Accepted()});
  RunHandler(Echo, api.address());
  api.Join();

  ASSERT_EQ(api.requests().size(), 2u);
  EXPECT_EQ(api.requests()[1].body, payload);
}

TEST(LambdaRuntimeTest, GoesOnAfterAClientErrorOnAPost) {
  // 413 RequestEntityTooLarge fails that invocation only.
  Answer too_large{"HTTP/1.1 413 Request Entity Too Large\r\nContent-Length: 2\r\n\r\n{}"};
  FakeRuntimeApi api({Next("id-1", "a"), too_large, Next("id-2", "b"), Accepted()});
  RunHandler(Echo, api.address());
  api.Join();

  ASSERT_EQ(api.requests().size(), 4u);
  EXPECT_EQ(api.requests()[3].path, "/2018-06-01/runtime/invocation/id-2/response");
}

TEST(LambdaRuntimeTest, StopsWhenTheRuntimeApiReportsAServerError) {
  Answer container_error{"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}"};
  // A second answer the runtime must not ask for.
  FakeRuntimeApi api({container_error, Next("id-1", "a")});
  int calls = 0;
  int status = RunHandler(
      [&calls](const InvocationRequest& request) {
        ++calls;
        return Echo(request);
      },
      api.address());
  api.Join();

  EXPECT_NE(status, 0);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(api.requests().size(), 1u);
}

TEST(LambdaRuntimeTest, StopsOnAnInvocationWithoutRequestId) {
  FakeRuntimeApi api({{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"}, Accepted()});
  int calls = 0;
  int status = RunHandler(
      [&calls](const InvocationRequest& request) {
        ++calls;
        return Echo(request);
      },
      api.address());
  api.Join();

  EXPECT_NE(status, 0);
  EXPECT_EQ(calls, 0);
}

TEST(LambdaRuntimeTest, StopsWhenTheRuntimeApiIsUnreachable) {
  // A port nothing listens on: bound, then closed.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);

  EXPECT_NE(RunHandler(Echo, "127.0.0.1:" + std::to_string(ntohs(address.sin_port))), 0);
  EXPECT_NE(RunHandler(Echo, "no-such-host.invalid:9001"), 0);
}

TEST(LambdaRuntimeTest, ReportInitErrorPostsTheErrorDocument) {
  FakeRuntimeApi api({Accepted()});
  EXPECT_NE(ReportInitError("config missing", "Runtime.InitError", api.address()), 0);
  api.Join();

  ASSERT_EQ(api.requests().size(), 1u);
  const ReceivedRequest& error = api.requests()[0];
  EXPECT_EQ(error.method, "POST");
  EXPECT_EQ(error.path, "/2018-06-01/runtime/init/error");
  EXPECT_EQ(error.Header("lambda-runtime-function-error-type"), "Runtime.InitError");
  EXPECT_EQ(error.body,
            R"({"errorMessage":"config missing","errorType":"Runtime.InitError","stackTrace":[]})");
}

TEST(LambdaRuntimeTest, ErrorDocumentEscapesJsonStrings) {
  EXPECT_EQ(ErrorDocument("tab\there \\ back\r\f\b", "é"),
            R"({"errorMessage":"tab\there \\ back\r\f\b","errorType":"é","stackTrace":[]})");
}

}  // namespace
}  // namespace evoke::lambda_runtime
