// XRayService: the X-Ray API (rest-json, signing name "xray") over the TraceStore, as a table
// of operations and errors that the request pipeline runs: PutTraceSegments,
// GetTraceSummaries, BatchGetTraces (docs/tracing.md). Called on I/O threads; holds no
// per-request state.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/pipeline.h"
#include "api/service.h"
#include "base/asio.h"
#include "base/result.h"
#include "http/exchange.h"
#include "observe/trace_store.h"

namespace evoke::observe {

struct XRayOptions {
  std::string region;
  std::string account_id;
};

// The operations, one function each: the request's JSON members in, the answer's out. Pure
// but for the store.
Result<nlohmann::json> PutTraceSegments(TraceStore& store, const nlohmann::json& input);
Result<nlohmann::json> GetTraceSummaries(const TraceStore& store, const nlohmann::json& input);
Result<nlohmann::json> BatchGetTraces(const TraceStore& store, const nlohmann::json& input);

class XRayService {
 public:
  XRayService(XRayOptions options, TraceStore& store, const api::Pipeline& pipeline);
  Task<void> Handle(http::Exchange& exchange);
  const api::Service& table() const { return service_; }

 private:
  XRayOptions options_;
  TraceStore& store_;
  const api::Pipeline& pipeline_;
  api::Service service_;
};

}  // namespace evoke::observe
