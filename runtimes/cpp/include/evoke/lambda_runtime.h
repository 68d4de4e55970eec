// evoke's C++ Lambda runtime: lets a function written in C++ run as the `bootstrap` of a
// `provided.al2023` (or `provided`, `provided.al2`) function on evoke or on AWS Lambda.
//
// A function is a handler plus a main that calls RunHandler:
//
//   evoke::lambda_runtime::InvocationResponse Handle(
//       const evoke::lambda_runtime::InvocationRequest& request) {
//     return evoke::lambda_runtime::InvocationResponse::Success(request.payload,
//                                                              "application/json");
//   }
//   int main() { return evoke::lambda_runtime::RunHandler(Handle); }
//
// RunHandler talks to the Lambda Runtime API (version 2018-06-01) at the address in the
// environment variable AWS_LAMBDA_RUNTIME_API over one kept-alive HTTP/1.1 connection. It is
// single-threaded: the handler runs on the calling thread, one invocation at a time. The library
// needs only the C++ standard library and POSIX sockets.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace evoke::lambda_runtime {

// One invocation as the Runtime API's `GET /runtime/invocation/next` delivers it.
struct InvocationRequest {
  // The event, as the caller sent it (a JSON document for the AWS clients).
  std::string payload;
  // Lambda-Runtime-Aws-Request-Id: unique per invocation.
  std::string request_id;
  // Lambda-Runtime-Invoked-Function-Arn: the ARN the caller used (function, version or alias).
  std::string function_arn;
  // Lambda-Runtime-Trace-Id: the X-Ray trace header; RunHandler also puts it in the
  // environment variable _X_AMZN_TRACE_ID for the duration of the invocation.
  std::string xray_trace_id;
  // Lambda-Runtime-Client-Context: the mobile client's context as JSON, empty when not sent.
  std::string client_context;
  // Lambda-Runtime-Cognito-Identity: the Cognito identity as JSON, empty when not sent.
  std::string cognito_identity;
  // Lambda-Runtime-Deadline-Ms: when the platform stops this invocation.
  std::chrono::system_clock::time_point deadline;

  // Time left before the deadline; negative once it has passed.
  std::chrono::milliseconds TimeRemaining() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::system_clock::now());
  }
};

// What a handler returns: a result for the caller, or a function error.
class InvocationResponse {
 public:
  // A successful result; `payload` goes back to the caller as is.
  static InvocationResponse Success(std::string payload,
                                    std::string content_type = "application/json");
  // A function error. The caller receives
  // {"errorMessage":...,"errorType":...,"stackTrace":[]} with X-Amz-Function-Error set.
  static InvocationResponse Failure(const std::string& error_message, std::string error_type);

  bool is_success() const { return success_; }
  // The body posted to the Runtime API: the result, or the error document of a failure.
  const std::string& payload() const { return payload_; }
  const std::string& content_type() const { return content_type_; }
  // Empty for a success.
  const std::string& error_type() const { return error_type_; }

 private:
  InvocationResponse() = default;

  bool success_ = false;
  std::string payload_;
  std::string content_type_;
  std::string error_type_;
};

using Handler = std::function<InvocationResponse(const InvocationRequest&)>;

// Runs the Runtime API loop: waits for the next invocation, calls `handler`, posts its result or
// error, forever. A handler that throws is reported as a function error whose errorType is the
// exception's type (e.g. "std::runtime_error") and errorMessage its what(); the loop goes on.
// Returns (with a non-zero status for main to return) only when it cannot go on: the Runtime
// API is unreachable or closed, or answers with a server error. Messages about that go to
// stderr, which the platform captures into the function's log.
int RunHandler(const Handler& handler);
// The same against the Runtime API at `runtime_api` ("host:port"), for tests and tools.
int RunHandler(const Handler& handler, const std::string& runtime_api);

// Reports a failure to initialize (before RunHandler) through `POST /runtime/init/error`, so the
// invocation that started this environment fails with `error_type` instead of waiting for a
// timeout. Returns a non-zero status for main to return: the process should exit afterwards.
int ReportInitError(const std::string& error_message, const std::string& error_type);
int ReportInitError(const std::string& error_message, const std::string& error_type,
                    const std::string& runtime_api);

// The error document the Runtime API takes on /error and /init/error:
// {"errorMessage":"...","errorType":"...","stackTrace":[]}, with the strings JSON-escaped.
std::string ErrorDocument(const std::string& error_message, const std::string& error_type);

}  // namespace evoke::lambda_runtime
