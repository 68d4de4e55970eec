// MetricsService: the CloudWatch metrics API (service "monitoring", 2010-08-01) over the
// MetricStore, as one table of operations the request pipeline runs in each of the three
// protocols CloudWatch's clients speak: awsQuery (Debian's aws CLI, boto3 before 1.42.7),
// awsJson1.0 (X-Amz-Target: GraniteServiceVersion20100801.<Op>, later boto3) and RPCv2-CBOR
// (POST /service/GraniteServiceVersion20100801/operation/<Op>, the Go SDK). Operations read
// their input through InputReader (observe/metrics_input.h) and answer one document; the
// pipeline renders it in the request's protocol. Called on I/O threads; holds no per-request
// state. Design: docs/metrics.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/pipeline.h"
#include "api/service.h"
#include "base/asio.h"
#include "http/exchange.h"
#include "observe/metric_store.h"
#include "observe/metrics_input.h"

namespace evoke::observe {

class AlarmEvaluator;

struct MetricsOptions {
  std::string region;
  std::string account_id;
  AlarmEvaluator* alarms = nullptr;  // the alarm operations' store and evaluator; none: refused
};

// What an operation gets for one request.
struct MetricsContext {
  const MetricsOptions& options;
  MetricStore& store;
  InputReader in;               // reads `input` as the request's protocol spells it
  const nlohmann::json& input;  // the request's members

  int64_t NowMs() const { return store.clock().NowMs(); }
  nlohmann::json Timestamp(int64_t epoch_ms) const;  // OutputTimestamp in this protocol
  nlohmann::json Map(nlohmann::json object) const;   // OutputMap in this protocol
};

// An output timestamp as `protocol` wants it: ISO 8601 (query), epoch seconds (JSON), a CBOR
// tag-1 timestamp (RPCv2-CBOR). Pure.
nlohmann::json OutputTimestamp(api::Protocol protocol, int64_t epoch_ms);
// A map member of an output (ExtendedStatistics): the object, or for query the <entry> form
// (api::kQueryMapKey). Pure.
nlohmann::json OutputMap(api::Protocol protocol, nlohmann::json object);

// An operation's answer: its output document, or null for an operation with no output.
using MetricsOperation = Task<Result<nlohmann::json>> (*)(MetricsContext&);

class MetricsService {
 public:
  MetricsService(MetricsOptions options, MetricStore& store, const api::Pipeline& pipeline);
  Task<void> Handle(http::Exchange& exchange);
  const api::Service& table() const { return service_; }

 private:
  MetricsOptions options_;
  MetricStore& store_;
  const api::Pipeline& pipeline_;
  api::Service service_;
};

// The table alone (for tests): CloudWatch's protocols, errors and operations over `store`.
api::Service MakeMetricsTable(const MetricsOptions& options, MetricStore& store);

}  // namespace evoke::observe
