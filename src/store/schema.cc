#include "store/schema.h"

namespace evoke::store {

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
      // 4: Lambda layers (versions numbered per name from 1 and never reused: layer_names keeps
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
  };
  return kMigrations;
}

}  // namespace evoke::store
