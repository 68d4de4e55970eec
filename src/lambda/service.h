// LambdaService: the Lambda control plane (REST-JSON), as a table of routes and errors that the
// request pipeline runs (api/pipeline.h: read, verify, route, authorize, execute, render
// Lambda's JSON errors). Called on I/O threads; holds no per-request state. Built so far: functions
// (Create, Get, GetConfiguration, List, Update code and configuration, Delete), their
// concurrency, account settings, layers, and the code download links (docs/functions.md).
#pragma once

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "api/pipeline.h"
#include "api/service.h"
#include "base/asio.h"
#include "base/clock.h"
#include "base/metric_sink.h"
#include "base/trace_sink.h"
#include "base/worker_pool.h"
#include "exec/code_cache.h"
#include "exec/log_sink.h"
#include "exec/pool.h"
#include "exec/process.h"
#include "exec/runtimes.h"
#include "http/exchange.h"
#include "lambda/async_queue.h"
#include "lambda/code_link.h"
#include "lambda/concurrency.h"
#include "lambda/execution_roles.h"
#include "lambda/function_cache.h"
#include "lambda/function_json.h"
#include "s3/object_access.h"
#include "store/blob_store.h"
#include "store/functions.h"
#include "store/layers.h"
#include "store/txn.h"

namespace evoke::lambda {

// What running functions takes: sandboxes, their code, their logs, and how they reach evoke.
struct Execution {
  FunctionCache& functions;
  exec::Pool& pool;
  exec::CodeCache& code;
  exec::LogSink& logs;
  const exec::HostSupport& host;
  exec::Interpreters interpreters;
  std::string runtime_dir;   // DATA_DIR/runtime: evoke's bootstraps
  std::string data_dir;      // hidden from sandboxes
  std::string sandbox_root;  // DATA_DIR/sandboxes: private /tmp where namespaces are refused
  std::string endpoint_url;  // evoke itself, as a sandbox reaches it
  // Each sandbox's credentials: its function's execution role (never the root keys).
  const ExecutionRoles& roles;
};

// What Lambda keeps in the store: functions and layers, their packages as blobs.
struct LambdaStore {
  store::Transactions& txns;
  store::BlobStore& blobs;
  store::FunctionRepository& functions;
  store::LayerRepository& layers;
};

struct LambdaDependencies {
  LambdaStore store;
  s3::ObjectAccess& objects;  // code packages named by S3Bucket/S3Key, destination buckets
  WorkerPool& blocking;       // reading, checking and storing code packages
  const Clock& clock;
  ConcurrencyLimits& concurrency;
  Execution& execution;
  const CodeLinkKey& code_link;  // signs Code.Location / Content.Location download links
  AsyncQueue* async_queue = nullptr;  // takes InvocationType Event invocations
  MetricSink* metrics = nullptr;      // AWS/Lambda's metrics (lambda/lambda_metrics.h)
  TraceSink* traces = nullptr;        // X-Ray segments of actively traced invocations
};

// What an action gets for one request.
struct Context {
  const http::Request& request;
  const Account& account;
  const LambdaDependencies& deps;
  std::string body;                      // the whole, verified request body
  std::vector<std::string> path_params;  // decoded {FunctionName}, ... in path order
  std::string request_id;
  // The decision for another action and resource of this request (api::Call::authorize_also).
  api::Call::AuthorizeAlso authorize;

  // What the action answers, set by Reply; the pipeline renders and sends it.
  api::Output answer;

  const http::Request& req() const { return request; }
  // Sets the answer: a JSON document with `status`.
  Status Reply(int status, const nlohmann::json& body);
  // Sets the answer: a response the action built (status, headers and body as they are).
  Status Reply(http::Response response);
  Status Reply(api::Output output);
  // Makes `blobs` durable, then commits `apply`; the store's errors come back as Lambda spells
  // them (ResourceNotFoundException, ResourceConflictException).
  Task<Status> Commit(std::vector<store::BlobWriter*> blobs,
                      std::function<Status(store::WriteTxn&)> apply);
  Task<Status> Commit(std::function<Status(store::WriteTxn&)> apply) {
    return Commit({}, std::move(apply));
  }
  // After a committed change to function `name`: its cached record goes, and its warm
  // sandboxes, which run the old code or configuration, retire.
  void FunctionChanged(const std::string& name) const;
  // After a committed change to what only the invoke path reads of function `name` (its
  // resource policy, its event invoke configuration): its cached record goes; its warm
  // sandboxes, whose code and configuration did not change, stay.
  void FunctionSettingsChanged(const std::string& name) const;
};

class LambdaService {
 public:
  LambdaService(Account account, LambdaDependencies deps, const api::Pipeline& pipeline);
  Task<void> Handle(http::Exchange& exchange);
  const api::Service& table() const { return service_; }

 private:
  Account account_;
  LambdaDependencies deps_;
  const api::Pipeline& pipeline_;
  api::Service service_;
};

// The {FunctionName} of the request's path (name, ARN, optionally qualified, or ?Qualifier=) as
// a plain name. evoke keeps only $LATEST: another qualifier is ResourceNotFoundException.
Result<std::string> UnqualifiedFunctionName(const Context& ctx);

// The function's record, read now; ResourceNotFoundException ("Function not found: ARN") when
// there is none.
Result<store::FunctionRecord> ReadFunction(const Context& ctx, const std::string& name);

// The store's errors as Lambda spells them: ResourceNotFoundException ("Function not found:
// ARN"), ResourceConflictException ("Function already exist: NAME"); others unchanged.
Error LambdaError(const Account& account, Error error);

}  // namespace evoke::lambda
