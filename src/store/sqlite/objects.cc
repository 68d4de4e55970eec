#include <algorithm>
#include <charconv>

#include "store/errors.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/txn.h"

namespace evoke::store::sqlite {
namespace {

constexpr char kObjectColumns[] =
    "bucket, key, size, etag, modified_ms, segments, part_count, headers, checksum_algorithm, "
    "checksum_value, checksum_type, storage_class";

Error NoSuchBucket(std::string_view name) { return NotFound("bucket", name); }
Error NoSuchUpload(std::string_view id) { return NotFound("upload", id); }

ObjectRecord ReadObject(const Stmt& s) {
  ObjectRecord o;
  o.bucket = s.String(0);
  o.key = s.String(1);
  o.size = static_cast<uint64_t>(s.Int(2));
  o.etag = s.String(3);
  o.modified_ms = s.Int(4);
  o.segments = DecodeSegments(s.Text(5));
  o.part_count = static_cast<int>(s.Int(6));
  o.headers = DecodeHeaders(s.Text(7));
  o.checksum_algorithm = s.String(8);
  o.checksum_value = s.String(9);
  o.checksum_type = s.String(10);
  o.storage_class = s.String(11);
  return o;
}

UploadRecord ReadUpload(const Stmt& s) {
  UploadRecord u;
  u.upload_id = s.String(0);
  u.bucket = s.String(1);
  u.key = s.String(2);
  u.initiated_ms = s.Int(3);
  u.headers = DecodeHeaders(s.Text(4));
  u.checksum_algorithm = s.String(5);
  u.checksum_type = s.String(6);
  u.storage_class = s.String(7);
  return u;
}

constexpr char kUploadColumns[] =
    "upload_id, bucket, key, initiated_ms, headers, checksum_algorithm, checksum_type, "
    "storage_class";

// The least string greater than every string that starts with `prefix`; empty if none.
std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xff) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return end;
}

Result<bool> Exists(Connection& c, const char* sql, std::string_view a) {
  Stmt s = c.Prepare(sql);
  s.Bind(1, a);
  return s.Step();
}

Status RemoveObjectBlobs(WriteTxn& t, std::string_view bucket, std::string_view key) {
  Stmt s = Db(t).Prepare("SELECT segments FROM objects WHERE bucket = ?1 AND key = ?2");
  s.Bind(1, bucket).Bind(2, key);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (*row) {
    for (auto& seg : DecodeSegments(s.Text(0))) t.RemoveBlobAfterCommit(std::move(seg.blob));
  }
  return {};
}

Status DropUpload(WriteTxn& t, std::string_view upload_id, const std::vector<std::string>& keep) {
  Stmt parts = Db(t).Prepare("SELECT blob FROM parts WHERE upload_id = ?1");
  parts.Bind(1, upload_id);
  for (;;) {
    auto row = parts.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    std::string blob = parts.String(0);
    if (blob.empty()) continue;
    if (std::find(keep.begin(), keep.end(), blob) == keep.end()) t.RemoveBlobAfterCommit(blob);
  }
  Stmt del_parts = Db(t).Prepare("DELETE FROM parts WHERE upload_id = ?1");
  Status s = del_parts.Bind(1, upload_id).Run();
  if (!s.ok()) return s;
  Stmt del = Db(t).Prepare("DELETE FROM uploads WHERE upload_id = ?1");
  return del.Bind(1, upload_id).Run();
}

}  // namespace

std::string EncodeSegments(const std::vector<Segment>& segments) {
  std::string out;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i) out += ';';
    out += segments[i].blob;
    out += ':';
    out += std::to_string(segments[i].size);
  }
  return out;
}

std::vector<Segment> DecodeSegments(std::string_view text) {
  std::vector<Segment> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t semi = text.find(';', pos);
    if (semi == std::string_view::npos) semi = text.size();
    std::string_view item = text.substr(pos, semi - pos);
    size_t colon = item.find(':');
    Segment seg;
    seg.blob = std::string(item.substr(0, colon));
    if (colon != std::string_view::npos) {
      std::string_view n = item.substr(colon + 1);
      std::from_chars(n.data(), n.data() + n.size(), seg.size);
    }
    out.push_back(std::move(seg));
    pos = semi + 1;
  }
  return out;
}

std::string EncodeHeaders(const HeaderList& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    out += name;
    out += '\n';
    out += value;
    out += '\n';
  }
  return out;
}

HeaderList DecodeHeaders(std::string_view text) {
  HeaderList out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t a = text.find('\n', pos);
    if (a == std::string_view::npos) break;
    size_t b = text.find('\n', a + 1);
    if (b == std::string_view::npos) break;
    out.emplace_back(std::string(text.substr(pos, a - pos)),
                     std::string(text.substr(a + 1, b - a - 1)));
    pos = b + 1;
  }
  return out;
}

namespace {

constexpr std::string_view kBucketColumns =
    "name, created_ms, region, notification, policy, public_access_block, ownership, acl";

BucketRecord ReadBucket(Stmt& s) {
  return BucketRecord{s.String(0), s.Int(1),    s.String(2), s.String(3),
                      s.String(4), s.String(5), s.String(6), s.String(7)};
}

}  // namespace

Result<std::optional<BucketRecord>> SqliteObjects::GetBucket(ReadTxn& txn, std::string_view name) {
  Connection& c = ConnectionOf(txn);
  Stmt s = c.Prepare("SELECT " + std::string(kBucketColumns) + " FROM buckets WHERE name = ?1");
  s.Bind(1, name);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<BucketRecord>();
  return std::optional<BucketRecord>(ReadBucket(s));
}

Result<std::vector<BucketRecord>> SqliteObjects::ListBuckets(ReadTxn& txn) {
  Connection& c = ConnectionOf(txn);
  Stmt s = c.Prepare("SELECT " + std::string(kBucketColumns) + " FROM buckets ORDER BY name");
  std::vector<BucketRecord> out;
  for (;;) {
    auto row = s.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    out.push_back(ReadBucket(s));
  }
  return out;
}

Result<std::optional<ObjectRecord>> SqliteObjects::GetObject(ReadTxn& txn, std::string_view bucket,
                                                             std::string_view key) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql = std::string("SELECT ") + kObjectColumns +
                                 ", body FROM objects WHERE bucket = ?1 AND key = ?2";
  Stmt s = c.Prepare(sql);
  s.Bind(1, bucket).Bind(2, key);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<ObjectRecord>();
  ObjectRecord o = ReadObject(s);
  o.inline_body = s.Blob(12);
  return std::optional<ObjectRecord>(std::move(o));
}

Result<std::vector<ObjectRecord>> SqliteObjects::ListObjects(ReadTxn& txn, std::string_view bucket,
                                                             std::string_view prefix,
                                                             std::string_view after, size_t limit) {
  Connection& c = ConnectionOf(txn);
  std::string end = PrefixEnd(prefix);
  // The lower bound is the greater of `after` (exclusive) and `prefix` (inclusive).
  bool from_prefix = after < prefix;
  static const std::string kBase =
      std::string("SELECT ") + kObjectColumns + " FROM objects WHERE bucket = ?1 AND key ";
  std::string sql = kBase + (from_prefix ? ">= ?2" : "> ?2") +
                    (end.empty() ? "" : " AND key < ?3") + " ORDER BY key LIMIT ?4";
  Stmt s = c.Prepare(sql);
  s.Bind(1, bucket).Bind(2, from_prefix ? prefix : after);
  if (!end.empty()) s.Bind(3, end);
  s.Bind(4, static_cast<int64_t>(limit));
  return ReadRows<ObjectRecord>(s, ReadObject);
}

Result<std::optional<UploadRecord>> SqliteObjects::GetUpload(ReadTxn& txn,
                                                             std::string_view upload_id) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql =
      std::string("SELECT ") + kUploadColumns + " FROM uploads WHERE upload_id = ?1";
  Stmt s = c.Prepare(sql);
  s.Bind(1, upload_id);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<UploadRecord>();
  return std::optional<UploadRecord>(ReadUpload(s));
}

Result<std::vector<PartRecord>> SqliteObjects::ListParts(ReadTxn& txn, std::string_view upload_id,
                                                         int after, size_t limit) {
  Connection& c = ConnectionOf(txn);
  Stmt s = c.Prepare(
      "SELECT upload_id, part_number, size, etag, modified_ms, blob, checksum_value FROM parts "
      "WHERE upload_id = ?1 AND part_number > ?2 ORDER BY part_number LIMIT ?3");
  s.Bind(1, upload_id).Bind(2, static_cast<int64_t>(after)).Bind(3, static_cast<int64_t>(limit));
  std::vector<PartRecord> out;
  for (;;) {
    auto row = s.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    PartRecord p;
    p.upload_id = s.String(0);
    p.part_number = static_cast<int>(s.Int(1));
    p.size = static_cast<uint64_t>(s.Int(2));
    p.etag = s.String(3);
    p.modified_ms = s.Int(4);
    p.blob = s.String(5);
    p.checksum_value = s.String(6);
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<UploadRecord>> SqliteObjects::ListUploads(ReadTxn& txn, std::string_view bucket,
                                                             std::string_view prefix,
                                                             std::string_view key_marker,
                                                             std::string_view upload_id_marker,
                                                             size_t limit) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql =
      std::string("SELECT ") + kUploadColumns +
      " FROM uploads WHERE bucket = ?1 AND substr(key, 1, length(?2)) = ?2 AND "
      "(key > ?3 OR (key = ?3 AND upload_id > ?4)) ORDER BY key, upload_id LIMIT ?5";
  Stmt s = c.Prepare(sql);
  s.Bind(1, bucket).Bind(2, prefix).Bind(3, key_marker).Bind(4, upload_id_marker);
  s.Bind(5, static_cast<int64_t>(limit));
  return ReadRows<UploadRecord>(s, ReadUpload);
}

Status SqliteObjects::CreateBucket(WriteTxn& t, const BucketRecord& b) {
  auto exists = Exists(Db(t), "SELECT 1 FROM buckets WHERE name = ?1", b.name);
  if (!exists.ok()) return std::move(exists).error();
  if (*exists) {
    return AlreadyExists("bucket", b.name);
  }
  Stmt s = Db(t).Prepare(
      "INSERT INTO buckets (name, created_ms, region, notification, policy, public_access_block, "
      "ownership, acl) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  s.Bind(1, b.name).Bind(2, b.created_ms).Bind(3, b.region).BindOrNull(4, b.notification_xml);
  s.BindOrNull(5, b.policy).BindOrNull(6, b.public_access_block);
  s.BindOrNull(7, b.ownership).BindOrNull(8, b.acl);
  return s.Run();
}

Status SqliteObjects::DeleteBucket(WriteTxn& t, std::string_view name) {
  auto exists = Exists(Db(t), "SELECT 1 FROM buckets WHERE name = ?1", name);
  if (!exists.ok()) return std::move(exists).error();
  if (!*exists) return NoSuchBucket(name);
  auto has = Exists(Db(t), "SELECT 1 FROM objects WHERE bucket = ?1 LIMIT 1", name);
  if (!has.ok()) return std::move(has).error();
  if (*has) {
    return NotEmpty("bucket", name);
  }
  // Unfinished multipart uploads go with the bucket.
  std::vector<std::string> uploads;
  {
    Stmt s = Db(t).Prepare("SELECT upload_id FROM uploads WHERE bucket = ?1");
    s.Bind(1, name);
    for (;;) {
      auto row = s.Step();
      if (!row.ok()) return std::move(row).error();
      if (!*row) break;
      uploads.push_back(s.String(0));
    }
  }
  for (const auto& id : uploads) {
    Status st = DropUpload(t, id, {});
    if (!st.ok()) return st;
  }
  Stmt s = Db(t).Prepare("DELETE FROM buckets WHERE name = ?1");
  return s.Bind(1, name).Run();
}

Status SqliteObjects::SetBucketSetting(WriteTxn& t, std::string_view bucket,
                                       BucketSetting setting, std::string_view value) {
  const char* sql = nullptr;
  switch (setting) {
    case BucketSetting::kNotification:
      sql = "UPDATE buckets SET notification = ?2 WHERE name = ?1";
      break;
    case BucketSetting::kPolicy:
      sql = "UPDATE buckets SET policy = ?2 WHERE name = ?1";
      break;
    case BucketSetting::kPublicAccessBlock:
      sql = "UPDATE buckets SET public_access_block = ?2 WHERE name = ?1";
      break;
    case BucketSetting::kOwnership:
      sql = "UPDATE buckets SET ownership = ?2 WHERE name = ?1";
      break;
    case BucketSetting::kAcl:
      sql = "UPDATE buckets SET acl = ?2 WHERE name = ?1";
      break;
  }
  Stmt s = Db(t).Prepare(sql);
  s.Bind(1, bucket).BindOrNull(2, value);
  Status st = s.Run();
  if (!st.ok()) return st;
  if (Db(t).Changes() == 0) return NoSuchBucket(bucket);
  return {};
}

Status SqliteObjects::PutObject(WriteTxn& t, const ObjectRecord& o) {
  auto exists = Exists(Db(t), "SELECT 1 FROM buckets WHERE name = ?1", o.bucket);
  if (!exists.ok()) return std::move(exists).error();
  if (!*exists) return NoSuchBucket(o.bucket);
  Status st = RemoveObjectBlobs(t, o.bucket, o.key);
  if (!st.ok()) return st;
  Stmt s = Db(t).Prepare(
      "INSERT OR REPLACE INTO objects (bucket, key, size, etag, modified_ms, segments, part_count, "
      "headers, checksum_algorithm, checksum_value, checksum_type, storage_class, body) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  s.Bind(1, o.bucket).Bind(2, o.key).Bind(3, static_cast<int64_t>(o.size)).Bind(4, o.etag);
  s.Bind(5, o.modified_ms).BindOrNull(6, EncodeSegments(o.segments));
  s.Bind(7, static_cast<int64_t>(o.part_count)).BindOrNull(8, EncodeHeaders(o.headers));
  s.BindOrNull(9, o.checksum_algorithm).BindOrNull(10, o.checksum_value);
  s.BindOrNull(11, o.checksum_type).BindOrNull(12, o.storage_class);
  if (o.inline_body.empty()) {
    s.BindNull(13);
  } else {
    s.BindBlob(13, o.inline_body);
  }
  return s.Run();
}

Status SqliteObjects::UpdateObjectHeaders(WriteTxn& t, std::string_view bucket,
                                          std::string_view key,
                                          const std::function<void(HeaderList&)>& update) {
  auto object = GetObject(t, bucket, key);
  if (!object.ok()) return std::move(object).error();
  if (!object->has_value()) {
    auto exists = Exists(Db(t), "SELECT 1 FROM buckets WHERE name = ?1", bucket);
    if (!exists.ok()) return std::move(exists).error();
    if (!*exists) return NoSuchBucket(bucket);
    return NotFound("object", key);
  }
  HeaderList headers = std::move((*object)->headers);
  update(headers);
  Stmt s = Db(t).Prepare("UPDATE objects SET headers = ?3 WHERE bucket = ?1 AND key = ?2");
  s.Bind(1, bucket).Bind(2, key).BindOrNull(3, EncodeHeaders(headers));
  return s.Run();
}

Result<bool> SqliteObjects::DeleteObject(WriteTxn& t, std::string_view bucket,
                                         std::string_view key) {
  auto exists = Exists(Db(t), "SELECT 1 FROM buckets WHERE name = ?1", bucket);
  if (!exists.ok()) return std::move(exists).error();
  if (!*exists) return NoSuchBucket(bucket);
  Status st = RemoveObjectBlobs(t, bucket, key);
  if (!st.ok()) return std::move(st).error();
  Stmt s = Db(t).Prepare("DELETE FROM objects WHERE bucket = ?1 AND key = ?2");
  st = s.Bind(1, bucket).Bind(2, key).Run();
  if (!st.ok()) return std::move(st).error();
  return Db(t).Changes() > 0;
}

Status SqliteObjects::CreateUpload(WriteTxn& t, const UploadRecord& u) {
  auto exists = Exists(Db(t), "SELECT 1 FROM buckets WHERE name = ?1", u.bucket);
  if (!exists.ok()) return std::move(exists).error();
  if (!*exists) return NoSuchBucket(u.bucket);
  Stmt s = Db(t).Prepare(
      "INSERT INTO uploads (upload_id, bucket, key, initiated_ms, headers, checksum_algorithm, "
      "checksum_type, storage_class) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  s.Bind(1, u.upload_id).Bind(2, u.bucket).Bind(3, u.key).Bind(4, u.initiated_ms);
  s.BindOrNull(5, EncodeHeaders(u.headers)).BindOrNull(6, u.checksum_algorithm);
  s.BindOrNull(7, u.checksum_type).BindOrNull(8, u.storage_class);
  return s.Run();
}

Status SqliteObjects::PutPart(WriteTxn& t, const PartRecord& p) {
  auto exists = Exists(Db(t), "SELECT 1 FROM uploads WHERE upload_id = ?1", p.upload_id);
  if (!exists.ok()) return std::move(exists).error();
  if (!*exists) return NoSuchUpload(p.upload_id);
  {
    Stmt old = Db(t).Prepare("SELECT blob FROM parts WHERE upload_id = ?1 AND part_number = ?2");
    old.Bind(1, p.upload_id).Bind(2, static_cast<int64_t>(p.part_number));
    auto row = old.Step();
    if (!row.ok()) return std::move(row).error();
    if (*row && !old.IsNull(0)) t.RemoveBlobAfterCommit(old.String(0));
  }
  Stmt s = Db(t).Prepare(
      "INSERT OR REPLACE INTO parts (upload_id, part_number, size, etag, modified_ms, blob, "
      "checksum_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  s.Bind(1, p.upload_id).Bind(2, static_cast<int64_t>(p.part_number));
  s.Bind(3, static_cast<int64_t>(p.size)).Bind(4, p.etag).Bind(5, p.modified_ms);
  s.BindOrNull(6, p.blob).BindOrNull(7, p.checksum_value);
  return s.Run();
}

Status SqliteObjects::CompleteUpload(WriteTxn& t, std::string_view upload_id,
                                     const ObjectRecord& object) {
  auto exists = Exists(Db(t), "SELECT 1 FROM uploads WHERE upload_id = ?1", upload_id);
  if (!exists.ok()) return std::move(exists).error();
  if (!*exists) return NoSuchUpload(upload_id);
  Status st = PutObject(t, object);
  if (!st.ok()) return st;
  std::vector<std::string> keep;
  for (const auto& seg : object.segments) keep.push_back(seg.blob);
  return DropUpload(t, upload_id, keep);
}

Status SqliteObjects::AbortUpload(WriteTxn& t, std::string_view upload_id) {
  auto exists = Exists(Db(t), "SELECT 1 FROM uploads WHERE upload_id = ?1", upload_id);
  if (!exists.ok()) return std::move(exists).error();
  if (!*exists) return NoSuchUpload(upload_id);
  return DropUpload(t, upload_id, {});
}

}  // namespace evoke::store::sqlite
