#include "observe/request_series.h"

namespace evoke::observe {
namespace {

constexpr std::string_view kUnknown = "unknown";

}  // namespace

RequestSeries::RequestSeries(prometheus::Registry& registry, KnownActions known)
    : known_(std::move(known)),
      requests_(registry.AddCounter(
          "evoke_requests_total",
          "HTTP requests answered, by service, action (the AWS operation) and HTTP status.",
          {"service", "action", "status"})),
      duration_(registry.AddHistogram(
          "evoke_request_duration_seconds",
          "Time from a request's header read to its response's last byte written.",
          {"service", "action"},
          {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
           60})),
      bytes_in_(registry.AddCounter("evoke_request_bytes_total",
                                    "Request body bytes received, by service.", {"service"})),
      bytes_out_(registry.AddCounter("evoke_response_bytes_total",
                                     "Response bytes sent (head and body), by service.",
                                     {"service"})) {}

RequestSeries::Labels RequestSeries::Fold(std::string_view service, std::string_view action,
                                            int status) const {
  Labels labels{kUnknown, kUnknown,
                status >= 100 && status <= 599 ? std::to_string(status) : std::string(kUnknown)};
  auto s = known_.find(service);
  if (s == known_.end()) return labels;
  labels.service = s->first;
  auto a = s->second.find(action);
  if (a != s->second.end()) labels.action = *a;
  return labels;
}

void RequestSeries::Record(const RequestFigures& f) {
  Labels labels = Fold(f.service, f.action, f.status);
  requests_.With({labels.service, labels.action, labels.status}).Inc();
  duration_.With({labels.service, labels.action}).Observe(f.seconds);
  if (f.bytes_in > 0) bytes_in_.With({labels.service}).Inc(static_cast<double>(f.bytes_in));
  if (f.bytes_out > 0) bytes_out_.With({labels.service}).Inc(static_cast<double>(f.bytes_out));
}

}  // namespace evoke::observe
