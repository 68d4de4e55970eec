// FunctionInvoker: runs a function once, whoever asks: the Invoke action (RequestResponse) and,
// through the Invoker interface, the asynchronous dispatcher. Admission against the concurrency
// limits, a warm sandbox or a new one, the payload handed over through the Runtime API, the
// outcome back.
#pragma once

#include <memory>
#include <string>

#include "base/asio.h"
#include "base/result.h"
#include "exec/sandbox.h"
#include "lambda/function_cache.h"
#include "lambda/invoker.h"
#include "lambda/service.h"

namespace evoke::lambda {

class FunctionInvoker final : public Invoker {
 public:
  // `deps` must outlive the invoker (server_main keeps one LambdaDependencies for both).
  FunctionInvoker(Account account, const LambdaDependencies& deps)
      : account_(std::move(account)), deps_(deps) {}

  const std::string& account_id() const override { return account_.account_id; }
  const std::string& region() const override { return account_.region; }
  Result<std::optional<AsyncTarget>> DescribeAsync(const std::string& function,
                                                   const Sender& sender) const override;
  Task<Result<RunResult>> Run(RunRequest request) const override;

  // Runs `request` once, with everything the sandbox reported (the log tail, cold or warm).
  Task<Result<exec::Outcome>> RunWithOutcome(RunRequest request) const;

 private:
  Account account_;
  const LambdaDependencies& deps_;
};

}  // namespace evoke::lambda
