// AWS/S3's metrics (docs/metrics.md, "AWS/S3"): the request metrics of buckets with metrics
// configurations, recorded by S3Service::Handle once a request is answered, and the daily
// storage metrics, recorded by the lifecycle runner's thread. Records into a MetricSink.
//
// RequestMetrics is thread-safe. Which buckets have configurations is read from the store once
// (at the first request after start-up) and then kept up to date by the configuration actions;
// a request to a bucket without any costs one atomic load (no bucket has any) or one hash
// lookup, never a store read.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/asio.h"
#include "base/metric_sink.h"
#include "base/result.h"
#include "http/exchange.h"
#include "s3/dispatch.h"
#include "s3/metrics_configuration.h"
#include "store/objects.h"
#include "store/txn.h"

namespace evoke::s3 {

inline constexpr std::string_view kS3MetricNamespace = "AWS/S3";

using MetricsConfigurations = std::vector<MetricsConfiguration>;

// What S3Service::Handle saw of one answered request.
struct RequestFacts {
  std::string bucket;
  std::optional<std::string> key;  // none: a request on the bucket itself
  Action action = Action::kNotImplemented;
  std::string_view method;
  int status = 0;
  uint64_t bytes_uploaded = 0;    // request body bytes read
  uint64_t bytes_downloaded = 0;  // response body bytes sent
  double first_byte_ms = 0;       // request complete -> response head sent
  double total_ms = 0;            // request started -> response complete
};

// The request-type metric S3 counts a request under (GetRequests, PutRequests, ...); empty when
// only AllRequests counts it (a bucket sub-resource, say). Pure.
std::string_view RequestTypeMetric(Action action, std::string_view method);

class RequestMetrics {
 public:
  // `sink` null: records nothing, and For() always answers none.
  RequestMetrics(store::Transactions& txns, store::ObjectRepository& objects, MetricSink* sink)
      : txns_(txns), objects_(objects), sink_(sink) {}

  bool enabled() const { return sink_ != nullptr; }
  // The bucket's configurations; nullptr when it has none.
  std::shared_ptr<const MetricsConfigurations> For(std::string_view bucket) const;
  // After a committed change of the bucket's configurations (empty: none, or the bucket was
  // deleted).
  void Set(const std::string& bucket, MetricsConfigurations configs);
  // Records the request's metrics under each of `configs` whose filter matches it. Reads the
  // object's tags (one point read) only when a matching-by-prefix configuration filters by tag.
  void Record(const RequestFacts& facts, const MetricsConfigurations& configs) const;

 private:
  void LoadLocked() const;  // REQUIRES: mutex_ held

  store::Transactions& txns_;
  store::ObjectRepository& objects_;
  MetricSink* const sink_;
  mutable std::atomic<size_t> configured_{1};  // buckets with configurations; 1 until loaded
  mutable std::mutex mutex_;
  mutable bool loaded_ = false;  // GUARDED_BY(mutex_)
  struct NameHash {  // looked up by string_view: no allocation per request
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  mutable std::unordered_map<std::string, std::shared_ptr<const MetricsConfigurations>, NameHash,
                             std::equal_to<>>
      buckets_;  // GUARDED_BY(mutex_)
};

// An Exchange that passes everything to the one it wraps and notes what a request's metrics
// need: the status, the body bytes each way, when the request was complete and when the answer
// started and ended (steady clock). For one request, on its thread.
class MeteredExchange final : public http::Exchange {
 public:
  explicit MeteredExchange(http::Exchange& inner);

  const http::Request& request() const override { return inner_.request(); }
  http::Request& mutable_request() override { return inner_.mutable_request(); }
  http::AccessLogFields& log() override { return inner_.log(); }
  Task<Result<size_t>> ReadBody(std::span<char> out) override;
  bool body_complete() const override { return inner_.body_complete(); }
  Task<Status> Send(http::Response response) override;
  Task<Status> SendHead(const http::Response& head) override;
  Task<Status> SendBody(std::string_view data) override;
  bool responded() const override { return inner_.responded(); }
  void CloseAfterResponse() override { inner_.CloseAfterResponse(); }

  // The figures of the request so far (call once it is answered).
  void Fill(RequestFacts& facts) const;

 private:
  static int64_t SteadyUs();

  http::Exchange& inner_;
  int64_t start_us_;
  int64_t received_us_ = 0;     // 0: the body was not read to its end
  int64_t first_byte_us_ = 0;   // 0: nothing sent
  int64_t done_us_ = 0;
  int status_ = 0;
  uint64_t read_ = 0;
  uint64_t sent_ = 0;
};

// The daily storage metrics of every bucket (BucketSizeBytes per storage type, NumberOfObjects),
// stamped 00:00 UTC of the day `now_ms` falls in. Blocking: one read per bucket.
Status RecordStorageMetricsBlocking(store::Transactions& txns, store::ObjectRepository& objects,
                                    MetricSink& sink, int64_t now_ms);
// The StorageType dimension S3 gives a storage class's bytes ("STANDARD" -> "StandardStorage").
std::string_view StorageTypeOf(std::string_view storage_class);

}  // namespace evoke::s3
