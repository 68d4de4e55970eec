// Invoker: runs a function once, whoever asks: the Invoke action (RequestResponse) and the
// asynchronous dispatcher (events). Admission against the concurrency limits, a warm sandbox or
// a new one, the payload handed over through the Runtime API, the outcome back.
#pragma once

#include <memory>
#include <string>

#include "base/asio.h"
#include "base/result.h"
#include "exec/sandbox.h"
#include "lambda/function_cache.h"
#include "lambda/service.h"

namespace evoke::lambda {

struct RunRequest {
  std::string function;  // the function's name
  std::string payload;   // JSON ("{}" when empty)
  std::string request_id;
  std::string client_context;  // decoded JSON, or empty
};

class Invoker {
 public:
  // `deps` must outlive the invoker (server_main keeps one LambdaDependencies for both).
  Invoker(Account account, const LambdaDependencies& deps) : account_(std::move(account)), deps_(deps) {}

  const Account& account() const { return account_; }
  // The function as the invoke path sees it (cached); nullptr when there is none.
  Result<std::shared_ptr<const CachedFunction>> Lookup(const std::string& name) const {
    return deps_.execution.functions.Get(name);
  }
  // Runs `request` once. Errors are the API's, not the function's: ResourceNotFoundException,
  // TooManyRequestsException (throttled), InvalidZipFileException, ... A function error, crash
  // or timeout is an Outcome with function_error set.
  Task<Result<exec::Outcome>> Run(RunRequest request) const;

 private:
  Account account_;
  const LambdaDependencies& deps_;
};

}  // namespace evoke::lambda
