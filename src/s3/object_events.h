// Object events: what S3 tells the functions its buckets' notification rules name. An object
// write or delete calls PublishObjectEvent inside its own transaction, so the event is durable
// exactly when the write is acknowledged (docs/events.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "store/txn.h"

namespace evoke::store {
struct ObjectRecord;
}

namespace evoke::s3 {

struct Context;
struct S3Options;
struct S3Dependencies;

// Where notifications go: implemented by the events module, wired by the app.
class NotificationSink {
 public:
  virtual ~NotificationSink() = default;
  // PutBucketNotificationConfiguration's check of a Lambda destination: the function exists
  // and its resource policy lets s3.amazonaws.com invoke it for `bucket`. An error otherwise
  // (its message says why, for the InvalidArgument S3 answers).
  virtual Status CheckFunction(std::string_view function_arn, std::string_view bucket) = 0;
  // Inside the write's transaction: an asynchronous invocation of the function with `payload`
  // (an S3 event document), sent by `bucket`, continuing the X-Ray trace of the request that
  // caused it (`trace_header`, its X-Amzn-Trace-Id; empty: none, a new trace).
  virtual Status InvokeFunction(store::WriteTxn& t, std::string_view function_arn,
                                std::string payload, std::string_view bucket,
                                std::string_view trace_header) = 0;
};

struct ObjectEvent {
  std::string name;  // "ObjectCreated:Put", "ObjectRemoved:Delete", ... (no "s3:" prefix)
  std::string bucket;
  std::string key;
  uint64_t size = 0;  // created events only
  std::string etag;   // created events only, without quotes
  std::string version_id;  // empty in a bucket never versioned
  int64_t time_ms = 0;
};

// The event of a write that created `object` ("Put", "Copy", "CompleteMultipartUpload").
ObjectEvent CreatedEvent(std::string_view how, const store::ObjectRecord& object);
// "ObjectRemoved:Delete" (an object or a version removed), or
// "ObjectRemoved:DeleteMarkerCreated" when the delete made the delete marker `version_id`.
ObjectEvent RemovedEvent(std::string_view bucket, std::string_view key, int64_t time_ms,
                         std::string_view version_id = {}, bool made_delete_marker = false);

// Who caused an event, as its record names them.
struct EventOrigin {
  std::string principal_id;  // "AWS:<access key id>" or "ANONYMOUS_PRINCIPAL"
  std::string source_ip;
  std::string request_id;
  std::string host_id;
  std::string trace_header;  // the request's X-Amzn-Trace-Id, or empty
};

// Inside the write's transaction: reads the bucket's notification configuration (in that
// transaction, so a concurrent change cannot be half-seen) and hands one event document to the
// sink for every Lambda rule that matches. Does nothing when the bucket has no rules.
Status PublishObjectEvent(store::WriteTxn& t, const S3Options& options, const S3Dependencies& deps,
                          const EventOrigin& origin, const ObjectEvent& event);
// The same for the event of an S3 request.
Status PublishObjectEvent(store::WriteTxn& t, const Context& ctx, const ObjectEvent& event);

// One S3 event record as AWS writes it (eventVersion 2.1, URL-encoded key, ...). Pure; for tests.
struct EventRecordFields {
  std::string region;
  std::string principal_id;
  std::string source_ip;
  std::string request_id;
  std::string host_id;
  std::string configuration_id;
  std::string owner_id;
  std::string sequencer;
};
std::string RenderEventDocument(const ObjectEvent& event, const EventRecordFields& fields);

// An increasing sequencer, as upper-case hex: later events on a key compare greater.
std::string NextSequencer();

}  // namespace evoke::s3
