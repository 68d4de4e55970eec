#include "app/service_metrics.h"

#include <sys/stat.h>

#include "app/evoke_endpoints.h"

namespace evoke::app {
namespace {

double FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<double>(st.st_size) : 0;
}

}  // namespace

void RegisterServiceMetrics(observe::prometheus::Registry& registry,
                            const ServiceFigureSources& sources) {
  namespace prom = observe::prometheus;
  // The series the collector sets, held by pointer: families keep their series for good.
  struct Series {
    prom::Gauge* queued;
    prom::Gauge* running;
    prom::Gauge* overdue;
    prom::Counter* received;
    prom::Counter* succeeded;
    prom::Counter* failed;
    prom::Counter* dropped;
    prom::Counter* retried;
    prom::Counter* throttled;
    prom::Gauge* warm;
    prom::Gauge* busy;
    prom::Gauge* starting;
    prom::Counter* cold_starts;
    prom::Gauge* concurrent;
    prom::Gauge* database;
  };
  Series s{};
  s.queued = &registry
                  .AddGauge("evoke_async_queue_events",
                            "Asynchronous invocations queued, waiting or running.")
                  .Only();
  s.running =
      &registry.AddGauge("evoke_async_queue_running", "Asynchronous invocations running now.")
           .Only();
  s.overdue = &registry
                   .AddGauge("evoke_async_queue_oldest_overdue_seconds",
                             "How long the most overdue queued event that is not running has "
                             "been due (events clock); 0 when none is.")
                   .Only();
  prom::Family<prom::Counter>& outcomes = registry.AddCounter(
      "evoke_async_events_total",
      "Asynchronous invocation events by what became of them: received, succeeded, failed "
      "(attempts or age exhausted), dropped, retried (after a function error), throttled.",
      {"outcome"});
  s.received = &outcomes.With({"received"});
  s.succeeded = &outcomes.With({"succeeded"});
  s.failed = &outcomes.With({"failed"});
  s.dropped = &outcomes.With({"dropped"});
  s.retried = &outcomes.With({"retried"});
  s.throttled = &outcomes.With({"throttled"});
  prom::Family<prom::Gauge>& sandboxes = registry.AddGauge(
      "evoke_sandboxes",
      "Function sandboxes by state: warm (idle), busy (running an invocation), starting "
      "(running their first invocation, process start included).",
      {"state"});
  s.warm = &sandboxes.With({"warm"});
  s.busy = &sandboxes.With({"busy"});
  s.starting = &sandboxes.With({"starting"});
  s.cold_starts = &registry
                       .AddCounter("evoke_sandbox_cold_starts_total",
                                   "Sandboxes started for an invocation (cold starts).")
                       .Only();
  s.concurrent = &registry
                      .AddGauge("evoke_lambda_concurrent_executions",
                                "Function invocations running now, in the account.")
                      .Only();
  s.database = &registry
                    .AddGauge("evoke_database_bytes",
                              "Size of the metadata database and its write-ahead log.")
                    .Only();
  registry.OnCollect([s, sources] {
    events::Dispatcher::QueueFigures q = sources.dispatcher.queue_figures();
    s.queued->Set(static_cast<double>(q.events));
    s.running->Set(q.in_flight);
    s.overdue->Set(static_cast<double>(q.overdue_ms) / 1000.0);
    events::DispatcherStats d = sources.dispatcher.stats();
    s.received->Set(static_cast<double>(d.received));
    s.succeeded->Set(static_cast<double>(d.succeeded));
    s.failed->Set(static_cast<double>(d.failed));
    s.dropped->Set(static_cast<double>(d.dropped));
    s.retried->Set(static_cast<double>(d.retried));
    s.throttled->Set(static_cast<double>(d.throttled));
    exec::Pool::Stats p = sources.pool.stats();
    s.warm->Set(static_cast<double>(p.warm));
    s.busy->Set(static_cast<double>(p.busy));
    s.starting->Set(static_cast<double>(p.starting));
    s.cold_starts->Set(static_cast<double>(p.cold_starts));
    s.concurrent->Set(sources.concurrency.InFlightCounts("").total);
    s.database->Set(FileSize(sources.database_path) + FileSize(sources.database_path + "-wal"));
  });
}

observe::KnownActions KnownActionsOf(std::span<const api::Service* const> tables) {
  observe::KnownActions known;
  for (const api::Service* table : tables) {
    auto& actions = known[table->name];
    for (const api::Operation& op : table->operations) actions.insert(op.name);
    actions.insert("PreflightRequest");  // a browser's CORS preflight (api/pipeline.cc)
  }
  known["evoke"] = {std::string(kGetMetricsAction), std::string(kTestClockAction)};
  return known;
}

}  // namespace evoke::app
