#include "s3/request_metrics.h"

#include <chrono>

#include "base/log.h"
#include "s3/lifecycle.h"
#include "s3/tagging.h"

namespace evoke::s3 {

std::string_view RequestTypeMetric(Action action, std::string_view method) {
  switch (action) {
    case Action::kListObjects:
    case Action::kListObjectsV2:
    case Action::kListObjectVersions:
    case Action::kListMultipartUploads:
    case Action::kListParts:
      return "ListRequests";
    // "This also includes Delete Multiple Objects requests."
    case Action::kDeleteObjects:
      return "DeleteRequests";
    default:
      break;
  }
  if (method == "HEAD") return "HeadRequests";
  if (method == "POST") return "PostRequests";
  // GET, PUT and DELETE count for objects only, not for a bucket's sub-resources.
  static constexpr Action kObjectActions[] = {
      Action::kPutObject, Action::kCopyObject, Action::kGetObject, Action::kDeleteObject,
      Action::kUploadPart, Action::kUploadPartCopy, Action::kAbortMultipartUpload,
      Action::kGetObjectTagging, Action::kPutObjectTagging, Action::kDeleteObjectTagging,
      Action::kGetObjectAcl, Action::kPutObjectAcl, Action::kGetObjectAttributes,
      Action::kGetObjectRetention, Action::kPutObjectRetention, Action::kGetObjectLegalHold,
      Action::kPutObjectLegalHold};
  bool on_object = false;
  for (Action a : kObjectActions) on_object = on_object || a == action;
  if (!on_object) return "";
  if (method == "GET") return "GetRequests";
  if (method == "PUT") return "PutRequests";
  if (method == "DELETE") return "DeleteRequests";
  return "";
}

std::shared_ptr<const MetricsConfigurations> RequestMetrics::For(std::string_view bucket) const {
  if (!sink_ || configured_.load(std::memory_order_acquire) == 0) return nullptr;
  std::lock_guard lock(mutex_);
  if (!loaded_) LoadLocked();
  auto it = buckets_.find(bucket);
  return it == buckets_.end() ? nullptr : it->second;
}

void RequestMetrics::LoadLocked() const {
  loaded_ = true;
  auto reader = txns_.Read();
  auto buckets = objects_.ListBuckets(*reader);
  if (!buckets.ok()) {
    LogWarning("S3 request metrics: cannot read the buckets' metrics configurations: " +
               buckets.error().message);
  } else {
    for (const store::BucketRecord& b : *buckets) {
      if (b.metrics.empty()) continue;
      auto configs = ParseStoredMetricsConfigurations(b.metrics);
      if (!configs.ok() || configs->empty()) continue;
      buckets_[b.name] = std::make_shared<const MetricsConfigurations>(std::move(*configs));
    }
  }
  configured_.store(buckets_.size(), std::memory_order_release);
}

void RequestMetrics::Set(const std::string& bucket, MetricsConfigurations configs) {
  if (!sink_) return;
  std::lock_guard lock(mutex_);
  if (!loaded_) LoadLocked();  // reads the change too: the commit is durable
  if (configs.empty()) {
    buckets_.erase(bucket);
  } else {
    buckets_[bucket] = std::make_shared<const MetricsConfigurations>(std::move(configs));
  }
  configured_.store(buckets_.size(), std::memory_order_release);
}

void RequestMetrics::Record(const RequestFacts& facts,
                            const MetricsConfigurations& configs) const {
  if (!sink_) return;
  std::optional<std::string_view> key;
  if (facts.key) key = *facts.key;
  // The object's tags, read once and only when a configuration asks for them.
  std::optional<TagSet> tags;
  auto tags_of_object = [&]() -> const TagSet& {
    if (!tags) {
      tags.emplace();
      auto reader = txns_.Read();
      auto object = objects_.GetObject(*reader, facts.bucket, *facts.key);
      if (object.ok() && object->has_value()) *tags = TagsOf((*object)->headers);
    }
    return *tags;
  };
  static const TagSet kNoTags;
  const int64_t now_ms = sink_->NowMs();
  const std::string_view type = RequestTypeMetric(facts.action, facts.method);
  for (const MetricsConfiguration& c : configs) {
    // The tags matter only once the rest of the filter matched.
    MetricsFilter without_tags = c.filter;
    without_tags.tags.clear();
    if (!MetricsFilterMatches(c.filter.tags.empty() ? c.filter : without_tags, key, kNoTags)) {
      continue;
    }
    if (MetricsFilterNeedsTags(c.filter) && !MetricsFilterMatches(c.filter, key, tags_of_object())) {
      continue;
    }
    const MetricDimensions dims = {{"BucketName", facts.bucket}, {"FilterId", c.id}};
    auto record = [&](std::string_view metric, std::string_view unit, double value) {
      sink_->Record(kS3MetricNamespace, metric, unit, dims, value, now_ms);
    };
    record("AllRequests", "Count", 1);
    if (!type.empty()) record(type, "Count", 1);
    record("4xxErrors", "Count", facts.status >= 400 && facts.status < 500 ? 1 : 0);
    record("5xxErrors", "Count", facts.status >= 500 ? 1 : 0);
    if (facts.bytes_downloaded > 0) {
      record("BytesDownloaded", "Bytes", static_cast<double>(facts.bytes_downloaded));
    }
    if (facts.bytes_uploaded > 0) {
      record("BytesUploaded", "Bytes", static_cast<double>(facts.bytes_uploaded));
    }
    record("FirstByteLatency", "Milliseconds", facts.first_byte_ms);
    record("TotalRequestLatency", "Milliseconds", facts.total_ms);
  }
}

MeteredExchange::MeteredExchange(http::Exchange& inner) : inner_(inner), start_us_(SteadyUs()) {}

int64_t MeteredExchange::SteadyUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Task<Result<size_t>> MeteredExchange::ReadBody(std::span<char> out) {
  Result<size_t> n = co_await inner_.ReadBody(out);
  if (n.ok()) {
    read_ += *n;
    if (*n == 0 && received_us_ == 0) received_us_ = SteadyUs();
  }
  co_return n;
}

Task<Status> MeteredExchange::Send(http::Response response) {
  if (first_byte_us_ == 0) first_byte_us_ = SteadyUs();
  status_ = response.status;
  sent_ += response.body.size();
  Status s = co_await inner_.Send(std::move(response));
  done_us_ = SteadyUs();
  co_return s;
}

Task<Status> MeteredExchange::SendHead(const http::Response& head) {
  if (first_byte_us_ == 0) first_byte_us_ = SteadyUs();
  status_ = head.status;
  Status s = co_await inner_.SendHead(head);
  done_us_ = SteadyUs();
  co_return s;
}

Task<Status> MeteredExchange::SendBody(std::string_view data) {
  sent_ += data.size();
  Status s = co_await inner_.SendBody(data);
  done_us_ = SteadyUs();
  co_return s;
}

void MeteredExchange::Fill(RequestFacts& facts) const {
  const int64_t end = done_us_ != 0 ? done_us_ : SteadyUs();
  const int64_t first = first_byte_us_ != 0 ? first_byte_us_ : end;
  // A request whose body was not read to its end (none, or refused early) was complete, as far
  // as the answer goes, when it arrived.
  const int64_t received = received_us_ != 0 && received_us_ <= first ? received_us_ : start_us_;
  facts.status = status_;
  facts.bytes_uploaded = read_;
  facts.bytes_downloaded = sent_;
  facts.first_byte_ms = static_cast<double>(first - received) / 1000.0;
  facts.total_ms = static_cast<double>(end - start_us_) / 1000.0;
}

std::string_view StorageTypeOf(std::string_view storage_class) {
  struct Row {
    std::string_view storage_class, storage_type;
  };
  // S3's StorageType dimension values (Amazon S3 User Guide, "Metrics and dimensions"); a new
  // INTELLIGENT_TIERING object is in its Frequent Access tier.
  static constexpr Row kTypes[] = {
      {"STANDARD", "StandardStorage"},
      {"STANDARD_IA", "StandardIAStorage"},
      {"ONEZONE_IA", "OneZoneIAStorage"},
      {"REDUCED_REDUNDANCY", "ReducedRedundancyStorage"},
      {"INTELLIGENT_TIERING", "IntelligentTieringFAStorage"},
      {"GLACIER_IR", "GlacierInstantRetrievalStorage"},
      {"GLACIER", "GlacierStorage"},
      {"DEEP_ARCHIVE", "DeepArchiveStorage"},
      {"EXPRESS_ONEZONE", "ExpressOneZoneStorage"},
  };
  for (const Row& r : kTypes) {
    if (r.storage_class == storage_class) return r.storage_type;
  }
  return "";  // OUTPOSTS, SNOW: no AWS/S3 storage type
}

Status RecordStorageMetricsBlocking(store::Transactions& txns, store::ObjectRepository& objects,
                                    MetricSink& sink, int64_t now_ms) {
  const int64_t day_ms = LifecycleDayStartMs(now_ms);
  auto reader = txns.Read();
  auto buckets = objects.ListBuckets(*reader);
  if (!buckets.ok()) return std::move(buckets).error();
  for (const store::BucketRecord& b : *buckets) {
    auto usage = objects.StorageUsage(*reader, b.name);
    if (!usage.ok()) return std::move(usage).error();
    uint64_t count = 0;
    for (const store::StorageClassUsage& u : *usage) {
      count += u.objects;
      std::string_view type = StorageTypeOf(u.storage_class);
      if (type.empty()) continue;
      sink.Record(kS3MetricNamespace, "BucketSizeBytes", "Bytes",
                  {{"BucketName", b.name}, {"StorageType", std::string(type)}},
                  static_cast<double>(u.bytes), day_ms);
    }
    sink.Record(kS3MetricNamespace, "NumberOfObjects", "Count",
                {{"BucketName", b.name}, {"StorageType", "AllStorageTypes"}},
                static_cast<double>(count), day_ms);
  }
  return {};
}

}  // namespace evoke::s3
