// RequestSeries: every HTTP exchange's service, action, status and latency as Prometheus
// series (docs/metrics.md, "Prometheus"): evoke_requests_total, evoke_request_duration_seconds
// and the bytes each service received and sent. Fed by the HTTP server's observer hook
// (http::ServerOptions::observer), built in `app` from the tables of the services evoke serves.
// Thread contract: Record may be called from any thread; it never allocates a series for a
// service or action it was not told of: those are counted as "unknown".
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "observe/prometheus.h"

namespace evoke::observe {

// Service name -> the actions the access log may name for it.
using KnownActions = std::map<std::string, std::set<std::string, std::less<>>, std::less<>>;

struct RequestFigures {
  std::string_view service;
  std::string_view action;
  int status = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  double seconds = 0;
};

class RequestSeries {
 public:
  RequestSeries(prometheus::Registry& registry, KnownActions known);
  void Record(const RequestFigures& figures);

  // The labels a request is counted under: a known service and action, else "unknown"; the
  // status as a number from 100 to 599, else "unknown". Pure; for tests.
  struct Labels {
    std::string_view service;
    std::string_view action;
    std::string status;
  };
  Labels Fold(std::string_view service, std::string_view action, int status) const;

 private:
  const KnownActions known_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& bytes_in_;
  prometheus::Family<prometheus::Counter>& bytes_out_;
};

}  // namespace evoke::observe
