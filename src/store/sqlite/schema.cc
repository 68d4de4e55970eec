#include "store/sqlite/schema.h"

namespace evoke::store::sqlite {

const std::vector<std::string_view>& SchemaMigrations() {
  static const std::vector<std::string_view> kMigrations = {
      // 1: S3 buckets, objects, multipart uploads and parts.
      R"sql(
CREATE TABLE buckets (
  name TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  region TEXT NOT NULL,
  notification TEXT
) WITHOUT ROWID;

CREATE TABLE objects (
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  segments TEXT,            -- "blob:size;blob:size", one per part of a multipart object
  part_count INTEGER NOT NULL DEFAULT 0,
  headers TEXT,             -- "name\nvalue\n" pairs: Content-Type..., x-amz-meta-*
  checksum_algorithm TEXT,
  checksum_value TEXT,
  checksum_type TEXT,
  storage_class TEXT,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;

CREATE TABLE uploads (
  upload_id TEXT PRIMARY KEY,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  initiated_ms INTEGER NOT NULL,
  headers TEXT,
  checksum_algorithm TEXT,
  checksum_type TEXT,
  storage_class TEXT
) WITHOUT ROWID;
CREATE INDEX uploads_by_key ON uploads (bucket, key, upload_id);

CREATE TABLE parts (
  upload_id TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  blob TEXT,
  checksum_value TEXT,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
)sql",
      // 2: small object bodies kept in the row instead of a blob file (docs/storage.md).
      R"sql(
ALTER TABLE objects ADD COLUMN body BLOB;
)sql",
      // 3: Lambda functions; their code packages are blobs.
      R"sql(
CREATE TABLE functions (
  name TEXT PRIMARY KEY,
  config TEXT NOT NULL,     -- JSON, as the Lambda module serializes a configuration
  code_blob TEXT NOT NULL,
  code_sha256 TEXT NOT NULL,
  code_size INTEGER NOT NULL,
  revision_id TEXT NOT NULL,
  modified_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
      // 4: CloudWatch-style logs (docs/logs.md). Events carry their group so a group's events
      // read in time order from one index (FilterLogEvents, retention) and a stream's from
      // another (GetLogEvents); the rowid orders events of equal timestamp by arrival.
      R"sql(
CREATE TABLE log_groups (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  retention_days INTEGER,       -- NULL: kept forever
  stored_bytes INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE log_streams (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  first_event_ms INTEGER,       -- NULL until the first event
  last_event_ms INTEGER,
  last_ingestion_ms INTEGER,
  stored_bytes INTEGER NOT NULL DEFAULT 0,
  UNIQUE (group_id, name)
);
CREATE INDEX log_streams_by_last_event ON log_streams (group_id, last_event_ms, name);

CREATE TABLE log_events (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL,
  stream_id INTEGER NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  ingestion_ms INTEGER NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX log_events_by_stream ON log_events (stream_id, timestamp_ms, id);
CREATE INDEX log_events_by_group ON log_events (group_id, timestamp_ms, id);
)sql",
      // 5: Lambda layers (versions numbered per name from 1 and never reused: layer_names keeps
      // the last number) and each function's reserved concurrency. A deleted layer version
      // that functions still use stays as a row with deleted_ms set until none does.
      R"sql(
CREATE TABLE layer_names (
  name TEXT PRIMARY KEY,
  last_version INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE layers (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  arn TEXT NOT NULL,        -- the layer version ARN functions name it by
  config TEXT NOT NULL,     -- JSON: Description, LicenseInfo, CompatibleRuntimes/Architectures
  code_blob TEXT NOT NULL,
  code_sha256 TEXT NOT NULL,
  code_size INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  deleted_ms INTEGER,
  PRIMARY KEY (name, version)
) WITHOUT ROWID;

ALTER TABLE functions ADD COLUMN reserved_concurrency INTEGER;
)sql",
      // 6: each function's resource-based policy (AddPermission), a JSON document; NULL: none.
      R"sql(
ALTER TABLE functions ADD COLUMN policy TEXT;
)sql",
      // 7: asynchronous invocations. Each function's event invoke configuration (JSON, NULL:
      // none), and the durable queue: an event is a row from the commit that acknowledged it
      // (the Invoke's 202, the S3 write, the schedule's firing) until its last attempt is over.
      R"sql(
ALTER TABLE functions ADD COLUMN event_invoke_config TEXT;

CREATE TABLE async_events (
  id INTEGER PRIMARY KEY,
  function TEXT NOT NULL,
  request_id TEXT NOT NULL,
  payload BLOB NOT NULL,
  source TEXT NOT NULL,           -- JSON: the sender (principal, SourceArn, account)
  received_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL,      -- executions that ended with an error so far
  due_ms INTEGER NOT NULL         -- not to run before (events clock)
);
)sql",
      // 8: schedules (docs/events.md). EventBridge rules on the default event bus and their
      // targets (each target the JSON object PutTargets took), and EventBridge Scheduler
      // schedules keyed by group and name with their whole definition as JSON. anchor_ms is
      // where a rate() counts from: when the rule's expression was set, a schedule's StartDate
      // or creation. The "default" schedule group exists without a row.
      R"sql(
CREATE TABLE event_rules (
  name TEXT PRIMARY KEY,
  schedule_expression TEXT,
  event_pattern TEXT,
  state TEXT NOT NULL,            -- ENABLED | DISABLED
  description TEXT,
  role_arn TEXT,
  created_ms INTEGER NOT NULL,
  anchor_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE event_targets (
  rule TEXT NOT NULL,
  id TEXT NOT NULL,
  target TEXT NOT NULL,           -- JSON: Id, Arn, Input | InputPath | InputTransformer, ...
  PRIMARY KEY (rule, id)
) WITHOUT ROWID;

CREATE TABLE schedule_groups (
  name TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE schedules (
  group_name TEXT NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL,            -- ENABLED | DISABLED
  definition TEXT NOT NULL,       -- JSON, as the Scheduler module serializes it
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  PRIMARY KEY (group_name, name)
) WITHOUT ROWID;
)sql",
      // 9: IAM (docs/identity.md): users, groups, roles, customer managed policies and access
      // keys, each a JSON document as the identity module models it, keyed by kind ("user",
      // "group", "role", "policy", "access-key") and the name IAM looks it up by (lower-cased
      // where IAM's names ignore case).
      R"sql(
CREATE TABLE iam_entities (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY (kind, name)
) WITHOUT ROWID;
)sql",
      // 10: S3 access control: each bucket's policy and Block Public Access flags (NULL: none;
      // buckets made before keep none, as AWS's older buckets do).
      R"sql(
ALTER TABLE buckets ADD COLUMN policy TEXT;
ALTER TABLE buckets ADD COLUMN public_access_block TEXT;
)sql",
      // 11: Object Ownership and the bucket's ACL (NULL: no ownership controls, which behaves as
      // ObjectWriter, as on AWS's older buckets; a private ACL). Objects keep their ACL among
      // their headers. ACLs never had an effect on the buckets already there: they keep none
      // (BucketOwnerEnforced; PutBucketOwnershipControls enables them).
      R"sql(
ALTER TABLE buckets ADD COLUMN ownership TEXT;
ALTER TABLE buckets ADD COLUMN acl TEXT;
UPDATE buckets SET ownership = 'BucketOwnerEnforced';
)sql",
      // 12: versioning (docs/versioning.md). `objects` keeps each key's current version, as
      // before, so reads and listings of current objects do not change; `object_versions` keeps
      // the noncurrent versions and the delete markers. seq orders a key's versions across both
      // (larger is newer). version_id NULL is the null version of objects written before
      // versioning; 'null' the null version written while it is suspended.
      R"sql(
ALTER TABLE buckets ADD COLUMN versioning TEXT;
ALTER TABLE objects ADD COLUMN version_id TEXT;
ALTER TABLE objects ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE object_versions (
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  version_id TEXT NOT NULL,
  delete_marker INTEGER NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  segments TEXT,
  part_count INTEGER NOT NULL DEFAULT 0,
  headers TEXT,
  checksum_algorithm TEXT,
  checksum_value TEXT,
  checksum_type TEXT,
  storage_class TEXT,
  body BLOB,
  noncurrent_ms INTEGER NOT NULL,  -- when a newer version replaced it
  PRIMARY KEY (bucket, key, seq)
) WITHOUT ROWID;
CREATE INDEX object_versions_by_id ON object_versions (bucket, key, version_id);
)sql",
      // 13: each bucket's lifecycle configuration (docs/lifecycle.md) and CORS configuration
      // (docs/cors.md), the documents as S3's GET returns them, and its tags (x-amz-tagging
      // form); NULL: none.
      R"sql(
ALTER TABLE buckets ADD COLUMN lifecycle TEXT;
ALTER TABLE buckets ADD COLUMN tagging TEXT;
ALTER TABLE buckets ADD COLUMN cors TEXT;
)sql",
      // 14: each bucket's default encryption configuration, the document as
      // GetBucketEncryption returns it (docs/encryption.md; NULL: S3's default, SSE-S3), and
      // each multipart object's parts as CompleteMultipartUpload made them, for
      // GetObjectAttributes ("number:size:checksum;..."; NULL for other objects and for those
      // completed before).
      R"sql(
ALTER TABLE buckets ADD COLUMN encryption TEXT;
ALTER TABLE objects ADD COLUMN parts TEXT;
ALTER TABLE object_versions ADD COLUMN parts TEXT;
)sql",
      // 15: S3 Object Lock (docs/object-lock.md): each bucket's configuration, the document as
      // GetObjectLockConfiguration returns it (NULL: Object Lock not enabled), and each
      // version's retention mode (GOVERNANCE | COMPLIANCE, NULL: none) and date, and legal hold
      // (ON | OFF, NULL: never set), which a version keeps when it moves between the tables.
      R"sql(
ALTER TABLE buckets ADD COLUMN object_lock TEXT;
ALTER TABLE objects ADD COLUMN lock_mode TEXT;
ALTER TABLE objects ADD COLUMN lock_until_ms INTEGER;
ALTER TABLE objects ADD COLUMN legal_hold TEXT;
ALTER TABLE object_versions ADD COLUMN lock_mode TEXT;
ALTER TABLE object_versions ADD COLUMN lock_until_ms INTEGER;
ALTER TABLE object_versions ADD COLUMN legal_hold TEXT;
)sql",
      // 16: CloudWatch metrics (docs/metrics.md): each series (namespace, metric, unit and
      // dimension set, `key` encoding all four) with the latest time it has data for, and its
      // aggregated points per period (1, 60, 300, 3600 s): count, sum, min, max and the
      // quantile sketch (observe/metric_sketch.h; NULL: no distribution).
      R"sql(
CREATE TABLE metric_series (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  namespace TEXT NOT NULL,
  metric TEXT NOT NULL,
  unit TEXT NOT NULL,
  dimensions TEXT NOT NULL,
  last_ms INTEGER NOT NULL
);
CREATE INDEX metric_series_by_name ON metric_series (namespace, metric, dimensions);

CREATE TABLE metric_points (
  series_id INTEGER NOT NULL,
  period_s INTEGER NOT NULL,
  start_s INTEGER NOT NULL,
  count REAL NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  sketch BLOB,
  PRIMARY KEY (series_id, period_s, start_s)
) WITHOUT ROWID;
CREATE INDEX metric_points_by_period ON metric_points (period_s, start_s);
)sql",
      // 17: each bucket's metrics configurations for S3's request metrics (docs/metrics.md,
      // "AWS/S3"; s3/metrics_configuration.h's stored form; NULL: none).
      R"sql(
ALTER TABLE buckets ADD COLUMN metrics TEXT;
)sql",
      // 18: CloudWatch metric alarms (docs/metrics.md, "Alarms"): each alarm's document
      // (observe/alarm_model.h) beside its name and state, and the alarms' history items.
      R"sql(
CREATE TABLE metric_alarms (
  name TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  document TEXT NOT NULL
);
CREATE TABLE alarm_history (
  id INTEGER PRIMARY KEY,
  alarm_name TEXT NOT NULL,
  type TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  summary TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX alarm_history_by_time ON alarm_history (time_ms, id);
CREATE INDEX alarm_history_by_alarm ON alarm_history (alarm_name, time_ms, id);
)sql",
  };
  return kMigrations;
}

}  // namespace evoke::store::sqlite
