// LogsService: the CloudWatch Logs API (awsJson1.1, X-Amz-Target: Logs_20140328.<Op>) over the
// LogStore, as a table of operations and errors that the request pipeline runs
// (api/pipeline.h: read, verify, parse, authorize, execute, render). Called on I/O threads;
// holds no per-request state. Operations: docs/logs.md.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "api/pipeline.h"
#include "api/service.h"
#include "base/asio.h"
#include "http/exchange.h"
#include "observe/log_store.h"

namespace evoke::observe {

struct LogsOptions {
  std::string region;
  std::string account_id;
};

// What an operation gets for one request.
struct LogsContext {
  const LogsOptions& options;
  LogStore& store;
  const nlohmann::json& input;  // the request body, an object

  int64_t NowMs() const { return store.clock().NowMs(); }
  // Commits `apply` and waits; the store's errors come back as CloudWatch Logs spells them.
  Task<Status> Commit(std::function<Status(store::WriteTxn&)> apply);
  store::LogRepository& logs() const { return store.logs(); }
  std::unique_ptr<store::ReadTxn> Read() const { return store.txns().Read(); }
  std::string GroupArn(std::string_view group) const;
};

using LogsOperation = Task<Result<nlohmann::json>> (*)(LogsContext&);

class LogsService {
 public:
  LogsService(LogsOptions options, LogStore& store, const api::Pipeline& pipeline);
  Task<void> Handle(http::Exchange& exchange);
  const api::Service& table() const { return service_; }

 private:
  LogsOptions options_;
  LogStore& store_;
  const api::Pipeline& pipeline_;
  api::Service service_;
};

}  // namespace evoke::observe
