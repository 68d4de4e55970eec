// The service figures of /_evoke/metrics (docs/metrics.md, "Prometheus"), read when scraped:
// the async queue (depth, running, how overdue), the sandboxes (warm, busy, starting, cold
// starts), Lambda's concurrent executions, the dispatcher's outcomes and the database's size;
// and the (service, action) pairs requests may be labelled with, from the services' tables.
// Used by the composition root (app/server_main.cc).
#pragma once

#include <span>
#include <string>

#include "api/service.h"
#include "events/dispatcher.h"
#include "exec/pool.h"
#include "lambda/concurrency.h"
#include "observe/prometheus.h"
#include "observe/request_series.h"

namespace evoke::app {

struct ServiceFigureSources {
  const exec::Pool& pool;
  const events::Dispatcher& dispatcher;
  const lambda::ConcurrencyLimits& concurrency;
  std::string database_path;  // its size, and its write-ahead log's
};

// Registers the series and the collector that reads them; `sources` must outlive `registry`'s
// last Render.
void RegisterServiceMetrics(observe::prometheus::Registry& registry,
                            const ServiceFigureSources& sources);

// Every operation of `tables` under its service's name, S3's preflights, and evoke's own
// endpoints.
observe::KnownActions KnownActionsOf(std::span<const api::Service* const> tables);

}  // namespace evoke::app
