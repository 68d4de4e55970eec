// Invoker: how the rest of evoke runs a function, and what asynchronous delivery needs to know
// about one (its event invoke configuration, whether its resource policy lets a sender in).
// This is all the events module sees of Lambda (docs/architecture.md); FunctionInvoker
// (lambda/function_invoker.h) implements it. Thread-safe; Run is awaited on an I/O thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/asio.h"
#include "base/result.h"

namespace evoke::lambda {

struct RunRequest {
  std::string function;  // the function's name
  std::string payload;   // JSON ("{}" when empty)
  std::string request_id;
  std::string client_context;  // decoded JSON, or empty
  // The caller's X-Ray header (X-Amzn-Trace-Id), continued by the invocation; empty: none
  // (base/trace_header.h, docs/tracing.md).
  std::string trace_header;
};

struct RunResult {
  std::string payload;          // the function's response, or its error document
  bool function_error = false;  // the function failed (an error, a crash, a timeout)
};

// Who sends an asynchronous event: no principal for a direct Invoke (the API authenticated the
// caller), else "s3.amazonaws.com", "events.amazonaws.com", "scheduler.amazonaws.com" with the
// sending resource's ARN and account.
struct Sender {
  std::string principal;
  std::string source_arn;
  std::string source_account;
  // A schedule's RoleArn: the event is delivered through this role (which must trust the
  // principal and allow lambda:InvokeFunction), not through the function's resource policy.
  std::string role_arn;
};

// What asynchronous delivery needs of a function, read now.
struct AsyncTarget {
  std::string function_arn;  // unqualified
  int maximum_retry_attempts = 2;
  int maximum_event_age_s = 21'600;
  std::string on_success;  // destination ARNs (a function or an S3 bucket), or empty
  std::string on_failure;
  bool no_concurrency = false;  // reserved concurrency 0: events go straight to on_failure
  bool sender_allowed = true;   // the sender may invoke the function (its role, or the
                                // function's resource policy, allows it)
};

class Invoker {
 public:
  virtual ~Invoker() = default;
  virtual const std::string& account_id() const = 0;
  virtual const std::string& region() const = 0;
  // nullopt when there is no such function.
  virtual Result<std::optional<AsyncTarget>> DescribeAsync(const std::string& function,
                                                           const Sender& sender) const = 0;
  // Runs the function once. Errors are the API's, not the function's:
  // ResourceNotFoundException, TooManyRequestsException (throttled), InvalidZipFileException...
  virtual Task<Result<RunResult>> Run(RunRequest request) const = 0;
};

}  // namespace evoke::lambda
