// RunHandler and ReportInitError: the Runtime API loop (aws-wire.md §1) over HttpConnection.
#include <cxxabi.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <typeinfo>

#include "evoke/lambda_runtime.h"
#include "http_connection.h"

namespace evoke::lambda_runtime {
namespace {

constexpr char kNextPath[] = "/2018-06-01/runtime/invocation/next";
constexpr char kInvocationPath[] = "/2018-06-01/runtime/invocation/";
constexpr char kInitErrorPath[] = "/2018-06-01/runtime/init/error";
constexpr char kErrorTypeHeader[] = "Lambda-Runtime-Function-Error-Type";

// stderr is the function's log: the platform stores each line under the current request.
void Say(const std::string& message) {
  std::fprintf(stderr, "evoke-lambda-runtime: %s\n", message.c_str());
}

std::string RuntimeApiFromEnvironment() {
  const char* value = std::getenv("AWS_LAMBDA_RUNTIME_API");
  return value == nullptr ? "" : value;
}

// The readable name of the exception being handled ("std::runtime_error"), or "Unhandled".
std::string CurrentExceptionType() {
  const std::type_info* type = abi::__cxa_current_exception_type();
  if (type == nullptr) return "Unhandled";
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name(
      abi::__cxa_demangle(type->name(), nullptr, nullptr, &status), &std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(type->name());
}

// The handler's answer; an exception becomes a function error instead of ending the process.
InvocationResponse CallHandler(const Handler& handler, const InvocationRequest& request) {
  try {
    return handler(request);
  } catch (abi::__forced_unwind&) {
    throw;  // thread cancellation must unwind on
  } catch (const std::exception& e) {
    return InvocationResponse::Failure(e.what(), CurrentExceptionType());
  } catch (...) {
    std::string type = CurrentExceptionType();
    return InvocationResponse::Failure("the handler threw an exception of type " + type, type);
  }
}

// Fills `request` from a `/next` response; false (and why) when it cannot be answered.
bool ParseInvocation(HttpResponse&& next, InvocationRequest& request, std::string& why) {
  const std::string* request_id = next.Header("lambda-runtime-aws-request-id");
  if (request_id == nullptr || request_id->empty()) {
    why = "the Runtime API sent an invocation without Lambda-Runtime-Aws-Request-Id";
    return false;
  }
  request.request_id = *request_id;
  auto copy = [&next](const char* name, std::string& to) {
    const std::string* value = next.Header(name);
    to = value == nullptr ? "" : *value;
  };
  copy("lambda-runtime-invoked-function-arn", request.function_arn);
  copy("lambda-runtime-trace-id", request.xray_trace_id);
  copy("lambda-runtime-client-context", request.client_context);
  copy("lambda-runtime-cognito-identity", request.cognito_identity);
  request.deadline = {};
  if (const std::string* deadline = next.Header("lambda-runtime-deadline-ms")) {
    long long ms = 0;
    auto [end, ec] = std::from_chars(deadline->data(), deadline->data() + deadline->size(), ms);
    if (ec == std::errc() && end == deadline->data() + deadline->size()) {
      request.deadline = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
    }
  }
  request.payload = std::move(next.body);
  return true;
}

// Posts the handler's answer. False when the loop must stop: the Runtime API is gone or
// reports a server error ("Runtime should exit promptly"). A 4xx (unknown request id, payload
// too large) fails only this invocation, so the loop goes on.
bool PostAnswer(HttpConnection& connection, const std::string& request_id,
                const InvocationResponse& answer) {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", answer.content_type()}};
  if (!answer.is_success()) headers.emplace_back(kErrorTypeHeader, answer.error_type());
  std::string path = kInvocationPath + request_id + (answer.is_success() ? "/response" : "/error");
  std::optional<HttpResponse> posted =
      connection.RoundTripBlocking("POST", path, headers, answer.payload());
  if (!posted) {
    Say("cannot post to " + path + ": " + connection.error());
    return false;
  }
  if (posted->status >= 200 && posted->status < 300) return true;
  Say("the Runtime API answered " + std::to_string(posted->status) + " to " + path + ": " +
      posted->body.substr(0, 1000));
  return posted->status < 500;
}

int PostInitError(const std::string& runtime_api, const std::string& error_message,
                  const std::string& error_type) {
  HttpConnection connection(runtime_api);
  std::optional<HttpResponse> posted = connection.RoundTripBlocking(
      "POST", kInitErrorPath,
      {{"Content-Type", "application/vnd.aws.lambda.error+json"}, {kErrorTypeHeader, error_type}},
      ErrorDocument(error_message, error_type));
  if (!posted) {
    Say(std::string("cannot post to ") + kInitErrorPath + ": " + connection.error());
  } else if (posted->status < 200 || posted->status >= 300) {
    Say("the Runtime API answered " + std::to_string(posted->status) + " to " + kInitErrorPath);
  }
  return 1;
}

}  // namespace

int RunHandler(const Handler& handler) {
  std::string runtime_api = RuntimeApiFromEnvironment();
  if (runtime_api.empty()) {
    Say("AWS_LAMBDA_RUNTIME_API is not set: run this program as a Lambda function's bootstrap");
    return 1;
  }
  return RunHandler(handler, runtime_api);
}

int RunHandler(const Handler& handler, const std::string& runtime_api) {
  HttpConnection connection(runtime_api);
  InvocationRequest request;
  for (;;) {
    // Blocks until the platform assigns an invocation; the environment may be frozen meanwhile.
    std::optional<HttpResponse> next = connection.RoundTripBlocking("GET", kNextPath, {}, "");
    if (!next) {
      Say(std::string("cannot get the next invocation: ") + connection.error());
      return 1;
    }
    if (next->status < 200 || next->status >= 300) {
      Say("the Runtime API answered " + std::to_string(next->status) + " to " + kNextPath + ": " +
          next->body.substr(0, 1000));
      return 1;
    }
    std::string why;
    if (!ParseInvocation(std::move(*next), request, why)) {
      Say(why);
      return 1;
    }
    // Runtimes hand the trace header to the X-Ray SDK through the environment.
    if (request.xray_trace_id.empty()) {
      ::unsetenv("_X_AMZN_TRACE_ID");
    } else {
      ::setenv("_X_AMZN_TRACE_ID", request.xray_trace_id.c_str(), 1);
    }

    InvocationResponse answer = CallHandler(handler, request);
    // stdout is a pipe, so fully buffered: flush the function's output into this invocation's
    // log before its END line.
    std::cout.flush();
    std::fflush(nullptr);
    if (!PostAnswer(connection, request.request_id, answer)) return 1;
  }
}

int ReportInitError(const std::string& error_message, const std::string& error_type) {
  std::string runtime_api = RuntimeApiFromEnvironment();
  if (runtime_api.empty()) {
    Say("AWS_LAMBDA_RUNTIME_API is not set; init error: " + error_type + ": " + error_message);
    return 1;
  }
  return PostInitError(runtime_api, error_message, error_type);
}

int ReportInitError(const std::string& error_message, const std::string& error_type,
                    const std::string& runtime_api) {
  return PostInitError(runtime_api, error_message, error_type);
}

}  // namespace evoke::lambda_runtime
