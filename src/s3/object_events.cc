#include "s3/object_events.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/time_format.h"
#include "s3/context.h"
#include "s3/notification.h"
#include "store/objects.h"

namespace evoke::s3 {

std::string NextSequencer() {
  // Nanoseconds since the epoch, bumped past the last value handed out: unique and increasing
  // within a process, and across restarts as long as the clock does not go back.
  static std::atomic<uint64_t> last{0};
  uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  uint64_t prev = last.load();
  uint64_t next;
  do {
    next = std::max(now, prev + 1);
  } while (!last.compare_exchange_weak(prev, next));
  char text[24];
  std::snprintf(text, sizeof text, "%018llX", static_cast<unsigned long long>(next));
  return text;
}

std::string RenderEventDocument(const ObjectEvent& event, const EventRecordFields& fields) {
  nlohmann::ordered_json object = {{"key", FormEncode(event.key)}};
  if (event.name.starts_with("ObjectCreated:")) {
    object["size"] = event.size;
    object["eTag"] = event.etag;
  }
  if (!event.version_id.empty()) object["versionId"] = event.version_id;
  object["sequencer"] = fields.sequencer;
  nlohmann::ordered_json record = {
      // Lifecycle events are of the record format's version 2.3 (S3 User Guide, "Event
      // message structure"); the others of 2.1.
      {"eventVersion", event.name.starts_with("LifecycleExpiration:") ? "2.3" : "2.1"},
      {"eventSource", "aws:s3"},
      {"awsRegion", fields.region},
      {"eventTime", FormatIso8601Ms(event.time_ms)},
      {"eventName", event.name},
      {"userIdentity", {{"principalId", fields.principal_id}}},
      {"requestParameters", {{"sourceIPAddress", fields.source_ip}}},
      {"responseElements",
       {{"x-amz-request-id", fields.request_id}, {"x-amz-id-2", fields.host_id}}},
      {"s3",
       {{"s3SchemaVersion", "1.0"},
        {"configurationId", fields.configuration_id},
        {"bucket",
         {{"name", event.bucket},
          {"ownerIdentity", {{"principalId", fields.owner_id}}},
          {"arn", "arn:aws:s3:::" + event.bucket}}},
        {"object", std::move(object)}}}};
  nlohmann::ordered_json document = {{"Records", nlohmann::ordered_json::array({record})}};
  return document.dump();
}

ObjectEvent CreatedEvent(std::string_view how, const store::ObjectRecord& object) {
  ObjectEvent e;
  e.name = "ObjectCreated:" + std::string(how);
  e.bucket = object.bucket;
  e.key = object.key;
  e.size = object.size;
  e.etag = object.etag;
  e.version_id = object.version_id;
  e.time_ms = object.modified_ms;
  return e;
}

ObjectEvent RemovedEvent(std::string_view bucket, std::string_view key, int64_t time_ms,
                         std::string_view version_id, bool made_delete_marker) {
  ObjectEvent e;
  e.name = made_delete_marker ? "ObjectRemoved:DeleteMarkerCreated" : "ObjectRemoved:Delete";
  e.bucket = std::string(bucket);
  e.key = std::string(key);
  e.version_id = std::string(version_id);
  e.time_ms = time_ms;
  return e;
}

Status PublishObjectEvent(store::WriteTxn& t, const Context& ctx, const ObjectEvent& event) {
  EventOrigin origin;
  origin.principal_id = ctx.auth.principal.anonymous ? "ANONYMOUS_PRINCIPAL"
                                                     : "AWS:" + ctx.auth.principal.access_key_id;
  origin.source_ip = ctx.req().remote_address;
  origin.request_id = ctx.request_id;
  origin.host_id = ctx.host_id;
  if (auto trace = ctx.req().headers.Get("X-Amzn-Trace-Id")) origin.trace_header = std::string(*trace);
  return PublishObjectEvent(t, ctx.options, ctx.deps, origin, event);
}

Status PublishObjectEvent(store::WriteTxn& t, const S3Options& options, const S3Dependencies& deps,
                          const EventOrigin& origin, const ObjectEvent& event) {
  NotificationSink* sink = deps.notifications;
  if (!sink) return {};
  auto bucket = deps.objects.GetBucket(t, event.bucket);
  if (!bucket.ok()) return std::move(bucket).error();
  if (!*bucket || (*bucket)->notification_xml.empty()) return {};
  auto config = ParseNotificationConfiguration((*bucket)->notification_xml);
  if (!config.ok()) return {};  // stored documents were validated; nothing to send
  const std::string event_name = "s3:" + event.name;
  EventRecordFields fields;
  fields.region = options.region;
  fields.principal_id = origin.principal_id;
  fields.source_ip = origin.source_ip;
  fields.request_id = origin.request_id;
  fields.host_id = origin.host_id;
  fields.owner_id = options.owner_id;
  std::string sequencer;
  for (const NotificationRule& rule : config->rules) {
    if (rule.kind != NotificationRule::Kind::kLambda) continue;  // no SNS or SQS in evoke
    if (!RuleMatches(rule, event_name, event.key)) continue;
    if (sequencer.empty()) sequencer = NextSequencer();
    fields.configuration_id = rule.id;
    fields.sequencer = sequencer;
    Status s = sink->InvokeFunction(t, rule.arn, RenderEventDocument(event, fields), event.bucket,
                                    origin.trace_header);
    if (!s.ok()) return s;
  }
  return {};
}

}  // namespace evoke::s3
