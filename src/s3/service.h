// S3Service: the S3 REST-XML API, as a table of operations and errors that the request pipeline
// runs (api/pipeline.h: route by bucket, key and sub-resource, authenticate, authorize, execute,
// render S3's XML). Called on I/O threads; holds no per-request state.
#pragma once

#include <string>
#include <vector>

#include "api/pipeline.h"
#include "api/service.h"
#include "auth/verifier.h"
#include "base/asio.h"
#include "base/clock.h"
#include "base/metric_sink.h"
#include "base/trace_sink.h"
#include "base/worker_pool.h"
#include "s3/bucket_access.h"
#include "http/exchange.h"
#include "s3/bucket_rules.h"
#include "s3/object_access.h"
#include "s3/object_events.h"
#include "s3/request_metrics.h"
#include "store/blob_store.h"
#include "store/objects.h"
#include "store/txn.h"

namespace evoke::s3 {

struct S3Options {
  std::string region = "us-east-1";
  // Host names under which buckets are virtual hosts: "localhost" makes photos.localhost the
  // bucket "photos".
  std::vector<std::string> domains = {"localhost"};
  std::string owner_id;            // canonical user id, 64 hex digits
  std::string owner_display_name;
  // New buckets block public access (all four flags), as AWS's have since April 2023; false:
  // they have no Block Public Access configuration (--public-access-block-default off).
  bool block_public_access_by_default = true;
};

struct S3Dependencies {
  store::Transactions& txns;
  store::BlobStore& blobs;
  store::ObjectRepository& objects;
  auth::Verifier& verifier;
  const Clock& clock;
  NotificationSink* notifications = nullptr;  // where notification rules send object events
  WorkerPool* hashing = nullptr;  // hashes large bodies; none: each request's own thread does
  // Buckets' policies and flags, shared by S3Service and S3ObjectAccess; none: S3Service keeps
  // its own.
  BucketAccess* access = nullptr;
  // Buckets' lifecycle, CORS and Object Lock rules, for object requests; none: S3Service keeps
  // its own.
  BucketRules* rules = nullptr;
  // The clock Object Lock judges retention dates by (the events clock, which --test-clock moves,
  // as the lifecycle runner does); none: `clock`.
  const Clock* retention_clock = nullptr;
  // Where AWS/S3's metrics go (docs/metrics.md, "AWS/S3"); none: S3 records no metrics.
  MetricSink* metrics = nullptr;
  // Which buckets have metrics configurations, for the request path and the configuration
  // actions; set by S3Service to its own.
  RequestMetrics* request_metrics = nullptr;
  // Where the AWS::S3 segments of requests in a sampled trace go (s3/trace_segment.h); none:
  // S3 records no segments.
  TraceSink* traces = nullptr;
};

class S3Service {
 public:
  S3Service(S3Options options, S3Dependencies deps, const api::Pipeline& pipeline);
  // Runs the request through the pipeline; for a bucket with metrics configurations, notes and
  // records its request metrics once it is answered, and for a request in a sampled trace, its
  // AWS::S3 segment.
  Task<void> Handle(http::Exchange& exchange);
  const api::Service& table() const { return service_; }

 private:
  // s3:ExistingObjectTag/<key> of the request's object, for the actions S3 gives it to.
  void AddExistingObjectTags(const api::Call& call,
                             std::vector<std::pair<std::string, std::string>>& keys) const;

  S3Options options_;
  S3Dependencies deps_;
  BucketAccess access_;
  BucketRules rules_;
  RequestMetrics request_metrics_;
  const api::Pipeline& pipeline_;
  api::Service service_;
  // Per action: the index in service_.operations of its variant for requests with a versionId
  // (decided as the "...Version..." IAM action); 0: none.
  std::vector<size_t> versioned_;
};

// S3's ObjectAccess (s3/object_access.h), for the modules that are not S3.
class S3ObjectAccess final : public ObjectAccess {
 public:
  // `deps` must outlive this.
  S3ObjectAccess(S3Options options, const S3Dependencies& deps)
      : options_(std::move(options)), deps_(deps) {}

  Result<bool> BucketExists(store::ReadTxn& t, std::string_view bucket) override;
  Result<std::string> ReadObjectBlocking(std::string_view bucket, std::string_view key,
                                         std::string_view version_id, uint64_t max_size) override;
  Status PutSmallObject(store::WriteTxn& t, std::string_view bucket, std::string_view key,
                        std::string body, std::string_view content_type) override;
  std::shared_ptr<const auth::Policy> PolicyFor(std::string_view action, std::string_view resource,
                                                const auth::Principal& principal) override;

 private:
  S3Options options_;
  const S3Dependencies& deps_;
};

}  // namespace evoke::s3
