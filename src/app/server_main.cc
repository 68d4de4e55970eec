#include "app/server_main.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "api/authorizer.h"
#include "api/pipeline.h"
#include "app/evoke_endpoints.h"
#include "app/front_door.h"
#include "app/root_credentials.h"
#include "app/service_metrics.h"
#include "auth/credentials.h"
#include "iam/access_analyzer_service.h"
#include "iam/directory.h"
#include "iam/iam_service.h"
#include "iam/identity_credentials.h"
#include "iam/lambda_roles.h"
#include "iam/policy_authorizer.h"
#include "iam/sessions.h"
#include "iam/sts_service.h"
#include "auth/verifier.h"
#include "base/asio.h"
#include "base/clock.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/metric_sink.h"
#include "base/worker_pool.h"
#include "events/dispatcher.h"
#include "events/events_service.h"
#include "events/s3_notifications.h"
#include "events/schedule_runner.h"
#include "events/scheduler_service.h"
#include "exec/code_cache.h"
#include "exec/pool.h"
#include "exec/process.h"
#include "exec/runtimes.h"
#include "http/server.h"
#include "lambda/function_concurrency.h"
#include "lambda/function_invoker.h"
#include "lambda/role_check.h"
#include "lambda/service.h"
#include "observe/log_store.h"
#include "observe/logs_service.h"
#include "observe/alarm_evaluator.h"
#include "observe/metric_store.h"
#include "observe/metrics_service.h"
#include "observe/process_metrics.h"
#include "observe/prometheus.h"
#include "observe/prometheus_lambda.h"
#include "observe/request_series.h"
#include "observe/trace_store.h"
#include "observe/xray_service.h"
#include "s3/lifecycle_runner.h"
#include "s3/service.h"
#include "store/files/file_blob_store.h"
#include "store/sqlite/sqlite_store.h"

namespace evoke::app {
namespace {

// Holds an exclusive lock on DATA_DIR/evoke.lock for the life of the process, so two servers
// never share a data directory.
class DataDirLock {
 public:
  Status Acquire(const std::string& data_dir) {
    std::string path = data_dir + "/evoke.lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) return MakeError("InternalError", "cannot open " + path);
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      return MakeError("InternalError", "another evoke server is using " + data_dir);
    }
    return {};
  }
  ~DataDirLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_ = -1;
};

int Fail(const std::string& message) {
  LogError(message);
  return 1;
}

// How a sandbox on this machine reaches a server listening on `host`.
std::string SandboxReachableHost(const std::string& host) {
  if (host == "0.0.0.0" || host == "localhost") return "127.0.0.1";
  if (host == "::") return "[::1]";
  if (host.find(':') != std::string::npos) return "[" + host + "]";
  return host;
}

int OpenAccessLog(const std::string& where) {
  if (where == "-") return STDOUT_FILENO;
  if (where == "off") return -1;
  return ::open(where.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

}  // namespace

int RunServer(const ServerConfig& config, const ServerHooks& hooks) {
  std::signal(SIGPIPE, SIG_IGN);
  if (::mkdir(config.data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Fail("cannot create data directory " + config.data_dir);
  }
  DataDirLock lock;
  if (Status s = lock.Acquire(config.data_dir); !s.ok()) return Fail(s.error().message);

  auto root = LoadRootCredentials(config.data_dir);
  if (!root.ok()) return Fail(root.error().message);

  SystemClock clock;
  // Threads for what must not run on an I/O thread: blocking work (code packages: reading,
  // checking, unpacking) and hashing large bodies. Declared before everything that posts to
  // them, so they outlive it.
  WorkerPool blocking("blocking pool", 4);
  WorkerPool hashing("hashing pool", std::max(2u, std::thread::hardware_concurrency()));
  // The embedded default behind the store's interfaces (docs/store.md): SQLite and files.
  store::files::FileBlobStore blobs(config.data_dir + "/blobs");
  if (Status s = blobs.Init(); !s.ok()) return Fail(s.error().message);
  auto opened = store::sqlite::SqliteStore::Open(config.data_dir + "/evoke.db", blobs, clock);
  if (!opened.ok()) return Fail(opened.error().message);
  std::unique_ptr<store::sqlite::SqliteStore> sqlite_store = std::move(*opened);
  const store::Store store = sqlite_store->view();

  // Schedules, retry delays and event ages: the system clock, which --test-clock lets tests
  // move forward.
  AdjustableClock events_clock;
  // Identity (docs/identity.md): IAM's users, roles and policies; sessions sealed under the
  // key in DATA_DIR/session.key; every key the verifier may meet; the policy decision.
  iam::Directory directory(config.account_id, store.txns, store.iam, clock);
  auto session_key = iam::Sessions::LoadOrCreateKey(config.data_dir + "/session.key");
  if (!session_key.ok()) return Fail(session_key.error().message);
  iam::Sessions sessions(std::move(*session_key));
  iam::IdentityCredentials credentials(directory, sessions);
  auth::Credential root_credential;
  root_credential.access_key_id = root->access_key_id;
  root_credential.secret_access_key = root->secret_access_key;
  root_credential.principal.access_key_id = root->access_key_id;
  root_credential.principal.account_id = config.account_id;
  root_credential.principal.arn = "arn:aws:iam::" + config.account_id + ":root";
  root_credential.principal.anonymous = false;
  root_credential.principal.kind = auth::Principal::Kind::kRoot;
  root_credential.principal.user_id = config.account_id;
  credentials.AddFixed(root_credential);
  // Signs the download links of GetFunction and the layer actions (lambda/code_link.h).
  auth::Credential code_link_credential = lambda::CodeLinkCredential(root_credential);
  credentials.AddFixed(code_link_credential);
  lambda::CodeLinkKey code_link{code_link_credential.access_key_id,
                                code_link_credential.secret_access_key, config.region};
  auth::Verifier verifier(credentials, clock, {.region = config.region});
  // Every service runs its requests through this one pipeline (docs/architecture.md).
  iam::PolicyAuthorizer authorizer(directory);
  // Functions' sandboxes hold credentials of their execution roles (lambda/execution_roles.h).
  iam::LambdaRoles lambda_roles(directory, sessions, authorizer);
  api::Pipeline pipeline(verifier, authorizer);

  s3::S3Options s3_options;
  s3_options.region = config.region;
  s3_options.domains = config.domains;
  s3_options.owner_id = Sha256Hex("evoke-account:" + config.account_id);
  s3_options.owner_display_name = "evoke";
  s3_options.block_public_access_by_default = config.public_access_block_default;
  // Function logs: appended by the invoke path, read through the CloudWatch Logs API. Declared
  // after the store, so it is destroyed (flushing what is queued) before it.
  observe::LogStore log_store(store.txns, store.logs, clock);
  observe::LogsService logs({config.region, config.account_id}, log_store, pipeline);
  // X-Ray traces (docs/tracing.md): evoke's own segments and PutTraceSegments', in memory.
  observe::TraceStore trace_store(clock);
  observe::XRayService xray_api({config.region, config.account_id}, trace_store, pipeline);
  // CloudWatch metrics (docs/metrics.md): recorded in memory, committed once a second, kept by
  // the events clock's retention.
  observe::MetricStore metric_store(store.txns, store.metrics, events_clock);
  // --record-metrics off: evoke records none of its own CloudWatch metrics (Prometheus keeps
  // its figures), to measure what recording costs.
  const bool record = config.record_metrics;
  if (record) log_store.ExtractMetricsInto(&metric_store);
  // Metric alarms (docs/metrics.md, "Alarms"): evaluated once a minute on the events clock;
  // their Lambda actions go to the dispatcher (handed over below, once it exists).
  observe::AlarmEvaluator alarms(
      {store.txns, store.alarms, metric_store, events_clock, config.region, config.account_id});
  observe::MetricsService metrics_api({config.region, config.account_id, &alarms}, metric_store,
                                      pipeline);
  // GET /_evoke/metrics (docs/metrics.md, "Prometheus"): evoke's own figures, and AWS/Lambda's
  // through a sink beside the CloudWatch store.
  std::string metrics_token;
  if (!config.metrics_token_file.empty()) {
    auto token = ReadMetricsToken(config.metrics_token_file);
    if (!token.ok()) return Fail(token.error().message);
    metrics_token = std::move(*token);
  }
  observe::prometheus::Registry prometheus;
  observe::RegisterProcessMetrics(prometheus, EVOKE_VERSION);
  observe::LambdaPrometheus lambda_prometheus(prometheus, events_clock);
  observe::MetricFanOut metric_sinks({&metric_store, &lambda_prometheus});
  MetricSink* lambda_sink = record ? static_cast<MetricSink*>(&metric_sinks) : &lambda_prometheus;
  int threads = config.threads > 0 ? config.threads
                                   : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::io_context*> context_ptrs;
  for (int i = 0; i < threads; ++i) {
    contexts.push_back(std::make_unique<asio::io_context>(1));
    context_ptrs.push_back(contexts.back().get());
  }

  // Functions: sandboxes on the I/O threads, code unpacked under DATA_DIR/code.
  exec::HostSupport host = exec::ProbeHost();
  // Sandboxes see these paths from other working directories: make them absolute.
  std::string data_dir = std::filesystem::absolute(config.data_dir).lexically_normal().string();
  if (data_dir.size() > 1 && data_dir.back() == '/') data_dir.pop_back();
  std::string runtime_dir = data_dir + "/runtime";
  exec::Interpreters interpreters;
  if (Status s = exec::InstallRuntimeFiles(runtime_dir, interpreters); !s.ok()) {
    return Fail(s.error().message);
  }
  exec::CodeCache code_cache(data_dir + "/code", blocking);
  exec::Pool pool(context_ptrs, std::chrono::seconds(config.sandbox_idle_seconds));
  lambda::ConcurrencyLimits concurrency(config.concurrency_limit);
  if (Status s =
          lambda::RestoreReservedConcurrencyBlocking(store.txns, store.functions, concurrency);
      !s.ok()) {
    return Fail(s.error().message);
  }
  lambda::FunctionCache function_cache(store.txns, store.functions);
  lambda::WarnAboutUnassumableRoles(store.txns, store.functions, lambda_roles);
  lambda::Execution execution{function_cache,
                              pool,
                              code_cache,
                              log_store,
                              host,
                              interpreters,
                              runtime_dir,
                              data_dir,
                              data_dir + "/sandboxes",
                              "",
                              lambda_roles};
  // S3 objects, for S3 itself and (through s3::ObjectAccess) for Lambda and the dispatcher.
  s3::S3Dependencies s3_deps{store.txns, store.blobs, store.objects, verifier, clock};
  s3_deps.hashing = &hashing;
  s3_deps.retention_clock = &events_clock;  // Object Lock's dates, moved by --test-clock
  if (record) s3_deps.metrics = &metric_store;  // AWS/S3's request and daily storage metrics
  s3_deps.traces = &trace_store;  // the AWS::S3 segments of requests in sampled traces
  // Buckets' policies and ACLs: S3 decides by them, and so does Lambda reading a code package.
  s3::BucketAccess bucket_access(store.txns, store.objects);
  s3_deps.access = &bucket_access;
  s3::S3ObjectAccess objects(s3_options, s3_deps);
  lambda::LambdaDependencies lambda_deps{{store.txns, store.blobs, store.functions, store.layers},
                                         objects,
                                         blocking,
                                         clock,
                                         concurrency,
                                         execution,
                                         code_link};
  lambda_deps.metrics = lambda_sink;
  lambda_deps.traces = &trace_store;
  const lambda::Account account{config.region, config.account_id};
  lambda::FunctionInvoker invoker(account, lambda_deps);
  // Asynchronous invocations: Invoke with InvocationType Event, S3 notifications, schedules.
  events::DispatcherOptions dispatch_options;
  dispatch_options.max_in_flight = config.async_concurrency;
  dispatch_options.metrics = lambda_sink;
  events::Dispatcher dispatcher(context_ptrs, store.txns, store.queue, objects, events_clock,
                                invoker, dispatch_options);
  lambda_deps.async_queue = &dispatcher;
  events::FunctionNotifications notifications(invoker, dispatcher);
  s3_deps.notifications = &notifications;
  events_clock.OnAdvance([&dispatcher] { dispatcher.Wake(); });
  alarms.SendActionsTo(&dispatcher);
  events_clock.OnAdvance([&alarms] { alarms.Wake(); });

  s3::S3Service s3(s3_options, s3_deps, pipeline);
  // Buckets' lifecycle rules, applied on the events clock (--test-clock moves it).
  s3::LifecycleRunner lifecycle_runner(s3_options, s3_deps, events_clock);
  events_clock.OnAdvance([&lifecycle_runner] { lifecycle_runner.Wake(); });
  lambda::LambdaService lambda(account, lambda_deps, pipeline);
  FrontDoor front_door(s3, pipeline);
  const EvokeEndpoints evoke_endpoints({.metrics = &prometheus,
                                        .metrics_token = metrics_token,
                                        .test_clock = config.test_clock ? &events_clock : nullptr});
  front_door.AddService("evoke",
                        [&evoke_endpoints](http::Exchange& ex) { return evoke_endpoints.Handle(ex); });
  front_door.AddService("lambda", [&lambda](http::Exchange& ex) { return lambda.Handle(ex); });
  front_door.AddService("logs", [&logs](http::Exchange& ex) { return logs.Handle(ex); });
  front_door.AddService("xray", [&xray_api](http::Exchange& ex) { return xray_api.Handle(ex); });
  front_door.AddService("monitoring",
                        [&metrics_api](http::Exchange& ex) { return metrics_api.Handle(ex); });
  // The actions of every service evoke serves, for the policy linter (auth/policy_lint.h):
  // filled below, once every table exists, before the server takes a request.
  auth::ActionCatalog known_actions;
  iam::IamService iam_api(directory, known_actions, pipeline);
  iam::StsService sts_api(directory, sessions, authorizer, pipeline);
  iam::AccessAnalyzerService access_analyzer(known_actions, pipeline);
  front_door.AddService("access-analyzer", [&access_analyzer](http::Exchange& ex) {
    return access_analyzer.Handle(ex);
  });
  front_door.AddService("iam", [&iam_api](http::Exchange& ex) { return iam_api.Handle(ex); });
  front_door.AddService("sts", [&sts_api](http::Exchange& ex) { return sts_api.Handle(ex); });
  // EventBridge rules and EventBridge Scheduler; the runner fires them into the async queue on
  // the events clock, and every committed change to them wakes it.
  events::ScheduleRunner schedule_runner(*contexts[0], store.txns, store.schedules, events_clock,
                                         dispatcher, config.account_id, config.region);
  events_clock.OnAdvance([&schedule_runner] { schedule_runner.Wake(); });
  if (record) schedule_runner.RecordMetricsInto(&metric_store);
  events::EventsDependencies events_deps{store.txns, store.schedules, events_clock,
                                         [&schedule_runner] { schedule_runner.Wake(); }};
  events::EventsService events_api({config.region, config.account_id}, events_deps, pipeline);
  events::SchedulerService scheduler_api({config.region, config.account_id}, events_deps,
                                         pipeline);
  front_door.AddService("events",
                        [&events_api](http::Exchange& ex) { return events_api.Handle(ex); });
  front_door.AddService("scheduler",
                        [&scheduler_api](http::Exchange& ex) { return scheduler_api.Handle(ex); });
  const api::Service* const served[] = {
      &s3.table(),      &lambda.table(),     &logs.table(),       &metrics_api.table(),
      &iam_api.table(), &sts_api.table(),    &events_api.table(), &scheduler_api.table(),
      &access_analyzer.table(), &xray_api.table()};
  for (const api::Service* table : served) {
    for (const api::Operation& op : table->operations) {
      if (!op.iam_action.empty()) {
        known_actions.Add(op.iam_action);
      } else if (table->name != "s3") {  // S3's operation names are not its actions
        known_actions.Add(table->name + ":" + op.name);
      }
    }
  }

  // Prometheus's request series, labelled only by the services' own actions.
  observe::RequestSeries request_series(prometheus, KnownActionsOf(served));
  RegisterServiceMetrics(prometheus, {pool, dispatcher, concurrency, config.data_dir + "/evoke.db"});

  int access_log_fd = OpenAccessLog(config.access_log);
  if (access_log_fd < 0 && config.access_log != "off") {
    return Fail("cannot open access log " + config.access_log);
  }
  http::ServerOptions http_options;
  http_options.host = config.host;
  http_options.port = config.port;
  http_options.access_log_fd = access_log_fd;
  http_options.observer = [&request_series](const http::FinishedExchange& e) {
    request_series.Record({e.log.service, e.log.action, e.status, e.bytes_in, e.bytes_out,
                            static_cast<double>(e.duration_us) / 1e6});
  };
  http::Server server(http_options, context_ptrs, front_door);
  if (Status s = server.Listen(); !s.ok()) return Fail(s.error().message);
  execution.endpoint_url = "http://" + SandboxReachableHost(config.host) + ":" +
                           std::to_string(server.port());

  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& c : contexts) guards.push_back(asio::make_work_guard(*c));
  metric_store.Start();
  dispatcher.Start();
  alarms.Start();
  schedule_runner.Start();
  lifecycle_runner.Start();
  server.Start();
  pool.Start();

  // On contexts[0]: no new work starts, open requests drain, then the contexts run out of work
  // and their run() calls return.
  bool shutting_down = false;  // contexts[0] only
  auto shut_down = [&] {
    if (shutting_down) return;
    shutting_down = true;
    alarms.Stop();
    dispatcher.Stop();
    schedule_runner.Stop();
    lifecycle_runner.Stop();
    pool.StopAll();
    server.Shutdown(std::chrono::seconds(10), [&] {
      asio::post(*contexts[0], [&] {
        for (auto& g : guards) g.reset();
      });
    });
  };
  asio::signal_set signals(*contexts[0], SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    LogInfo(std::string("received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
            ", shutting down");
    shut_down();
  });
  // The ready line only once SIGTERM is handled: a supervisor that stops the server right after
  // it must get a clean shutdown.
  if (root->generated) {
    std::printf(
        "evoke: generated root credentials, kept in %s:\n"
        "  aws_access_key_id = %s\n  aws_secret_access_key = %s\n"
        "evoke: to use them: export AWS_SHARED_CREDENTIALS_FILE=%s AWS_DEFAULT_REGION=%s\n",
        root->file.c_str(), root->access_key_id.c_str(), root->secret_access_key.c_str(),
        root->file.c_str(), config.region.c_str());
  }
  std::string shown_host = config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
  std::printf("evoke listening on http://%s:%u\n", shown_host.c_str(), server.port());
  std::fflush(stdout);
  LogInfo("evoke " EVOKE_VERSION " serving data directory " + config.data_dir + " on " +
          shown_host + ":" + std::to_string(server.port()) + " with " + std::to_string(threads) +
          " I/O thread(s)");

  if (hooks.listening) {
    hooks.listening(server.port(), [&] {
      asio::post(*contexts[0], [&] {
        LogInfo("asked to stop, shutting down");
        signals.cancel();
        shut_down();
      });
    });
  }

  std::vector<std::thread> io_threads;
  for (int i = 1; i < threads; ++i) io_threads.emplace_back([&, i] { contexts[i]->run(); });
  contexts[0]->run();
  for (auto& t : io_threads) t.join();
  // Run what was posted to a context after it ran out of work: such handlers can hold objects
  // with timers of another context, which must not outlive it when the contexts are destroyed.
  for (size_t ran = 1; ran > 0;) {
    ran = 0;
    for (auto& c : contexts) {
      c->restart();
      ran += c->poll();
    }
  }
  log_store.FlushBlocking();
  log_store.ExtractMetricsInto(nullptr);
  metric_store.Stop();
  sqlite_store->Stop();
  if (access_log_fd > STDERR_FILENO) ::close(access_log_fd);
  LogInfo("stopped");
  return 0;
}

}  // namespace evoke::app
