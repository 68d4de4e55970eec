#include <algorithm>
#include <charconv>

#include "base/encoding.h"
#include "base/ids.h"
#include "store/errors.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/txn.h"

namespace evoke::store::sqlite {
namespace {

// The columns `objects` and `object_versions` share, in ReadObject's order.
#define EVOKE_OBJECT_COLUMNS                                                                      \
  "bucket, key, size, etag, modified_ms, segments, part_count, headers, checksum_algorithm, "     \
  "checksum_value, checksum_type, storage_class, version_id, seq, parts, lock_mode, "            \
  "lock_until_ms, legal_hold"
constexpr char kObjectColumns[] = EVOKE_OBJECT_COLUMNS;
constexpr int kBodyColumn = 18;

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
  o.version_id = s.String(12);
  o.seq = s.Int(13);
  o.parts = DecodeParts(s.Text(14));
  o.lock.mode = s.String(15);
  o.lock.retain_until_ms = s.Int(16);
  o.lock.legal_hold = s.String(17);
  return o;
}

// A row of object_versions: the shared columns, then delete_marker and noncurrent_ms.
ObjectRecord ReadVersion(const Stmt& s) {
  ObjectRecord o = ReadObject(s);
  o.delete_marker = s.Int(kBodyColumn) != 0;
  o.noncurrent_ms = s.Int(kBodyColumn + 1);
  o.is_latest = false;
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

// A new version's id: 24 random bytes in 32 characters that need no escaping in a URL.
std::string NewVersionId() {
  std::string id = Base64Encode(RandomBytes(24));
  for (char& c : id) {
    if (c == '+') c = '.';
    if (c == '/') c = '_';
  }
  return id;
}

// The bucket's versioning ("", "Enabled", "Suspended"); none when there is no bucket.
Result<std::optional<std::string>> VersioningOf(WriteTxn& t, std::string_view bucket) {
  Stmt s = Db(t).Prepare("SELECT versioning FROM buckets WHERE name = ?1");
  s.Bind(1, bucket);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(s.String(0));
}

// The current version's id ("" or "null" for the null version); none when there is none.
Result<std::optional<std::string>> CurrentVersionId(WriteTxn& t, std::string_view bucket,
                                                    std::string_view key) {
  Stmt s = Db(t).Prepare("SELECT version_id FROM objects WHERE bucket = ?1 AND key = ?2");
  s.Bind(1, bucket).Bind(2, key);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(s.String(0));
}

bool SameVersion(std::string_view stored, std::string_view asked) {
  return IsNullVersion(stored) ? asked == kNullVersion : stored == asked;
}

// The seq a new version of the key takes: past every version it has.
Result<int64_t> NextSeq(WriteTxn& t, std::string_view bucket, std::string_view key) {
  Stmt s = Db(t).Prepare(
      "SELECT max(coalesce((SELECT seq FROM objects WHERE bucket = ?1 AND key = ?2), 0), "
      "coalesce((SELECT max(seq) FROM object_versions WHERE bucket = ?1 AND key = ?2), 0))");
  s.Bind(1, bucket).Bind(2, key);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  return s.Int(0) + 1;
}

void RemoveVersionBlobs(WriteTxn& t, std::string_view segments) {
  for (auto& seg : DecodeSegments(segments)) t.RemoveBlobAfterCommit(std::move(seg.blob));
}

// Before a new newest version of the key: the current one becomes noncurrent (kept in
// object_versions), or, when the new one is the null version and so is the current one, goes;
// a noncurrent null version goes too.
Status RetireCurrent(WriteTxn& t, std::string_view bucket, std::string_view key, bool new_is_null,
                     int64_t now_ms) {
  auto current = CurrentVersionId(t, bucket, key);
  if (!current.ok()) return std::move(current).error();
  if (current->has_value()) {
    if (new_is_null && IsNullVersion(**current)) {
      Status st = RemoveObjectBlobs(t, bucket, key);
      if (!st.ok()) return st;
    } else {
      Stmt move = Db(t).Prepare(
          "INSERT INTO object_versions (" EVOKE_OBJECT_COLUMNS ", delete_marker, noncurrent_ms, "
          "body) SELECT bucket, key, size, etag, modified_ms, segments, part_count, headers, "
          "checksum_algorithm, checksum_value, checksum_type, storage_class, "
          "coalesce(version_id, 'null'), seq, parts, lock_mode, lock_until_ms, legal_hold, 0, ?3, "
          "body FROM objects WHERE bucket = ?1 AND key = ?2");
      Status st = move.Bind(1, bucket).Bind(2, key).Bind(3, now_ms).Run();
      if (!st.ok()) return st;
    }
    Stmt del = Db(t).Prepare("DELETE FROM objects WHERE bucket = ?1 AND key = ?2");
    Status st = del.Bind(1, bucket).Bind(2, key).Run();
    if (!st.ok()) return st;
  }
  if (!new_is_null) return {};
  Stmt old = Db(t).Prepare(
      "SELECT segments FROM object_versions WHERE bucket = ?1 AND key = ?2 AND version_id = "
      "'null'");
  old.Bind(1, bucket).Bind(2, key);
  for (;;) {
    auto row = old.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    RemoveVersionBlobs(t, old.Text(0));
  }
  Stmt del = Db(t).Prepare(
      "DELETE FROM object_versions WHERE bucket = ?1 AND key = ?2 AND version_id = 'null'");
  return del.Bind(1, bucket).Bind(2, key).Run();
}

// When the key has no current version and its newest is not a delete marker, that one becomes
// current again.
Status PromoteNewest(WriteTxn& t, std::string_view bucket, std::string_view key) {
  auto current = CurrentVersionId(t, bucket, key);
  if (!current.ok()) return std::move(current).error();
  if (current->has_value()) return {};
  Stmt newest = Db(t).Prepare(
      "SELECT seq, delete_marker FROM object_versions WHERE bucket = ?1 AND key = ?2 ORDER BY "
      "seq DESC LIMIT 1");
  newest.Bind(1, bucket).Bind(2, key);
  auto row = newest.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row || newest.Int(1) != 0) return {};
  int64_t seq = newest.Int(0);
  Stmt move = Db(t).Prepare(
      "INSERT INTO objects (" EVOKE_OBJECT_COLUMNS ", body) SELECT " EVOKE_OBJECT_COLUMNS
      ", body FROM object_versions WHERE bucket = ?1 AND key = ?2 AND seq = ?3");
  Status st = move.Bind(1, bucket).Bind(2, key).Bind(3, seq).Run();
  if (!st.ok()) return st;
  Stmt del =
      Db(t).Prepare("DELETE FROM object_versions WHERE bucket = ?1 AND key = ?2 AND seq = ?3");
  return del.Bind(1, bucket).Bind(2, key).Bind(3, seq).Run();
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

std::string EncodeParts(const std::vector<ObjectPart>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += ';';
    out += std::to_string(parts[i].part_number);
    out += ':';
    out += std::to_string(parts[i].size);
    out += ':';
    out += parts[i].checksum_value;  // base64: never ':' or ';'
  }
  return out;
}

std::vector<ObjectPart> DecodeParts(std::string_view text) {
  std::vector<ObjectPart> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t semi = text.find(';', pos);
    if (semi == std::string_view::npos) semi = text.size();
    std::string_view item = text.substr(pos, semi - pos);
    size_t first = item.find(':');
    size_t second = first == std::string_view::npos ? first : item.find(':', first + 1);
    ObjectPart part;
    std::from_chars(item.data(), item.data() + std::min(first, item.size()), part.part_number);
    if (first != std::string_view::npos) {
      std::string_view n = item.substr(first + 1, second - first - 1);
      std::from_chars(n.data(), n.data() + n.size(), part.size);
    }
    if (second != std::string_view::npos) {
      part.checksum_value = std::string(item.substr(second + 1));
    }
    out.push_back(std::move(part));
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
    "name, created_ms, region, notification, policy, public_access_block, ownership, acl, "
    "versioning, lifecycle, tagging, cors, encryption, object_lock, metrics";

BucketRecord ReadBucket(Stmt& s) {
  return BucketRecord{s.String(0), s.Int(1),    s.String(2), s.String(3),
                      s.String(4), s.String(5), s.String(6), s.String(7),
                      s.String(8), s.String(9), s.String(10), s.String(11),
                      s.String(12), s.String(13), s.String(14)};
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

Result<std::vector<StorageClassUsage>> SqliteObjects::StorageUsage(ReadTxn& txn,
                                                                  std::string_view bucket) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql =
      "SELECT COALESCE(NULLIF(storage_class, ''), 'STANDARD') AS class, SUM(size), COUNT(*) FROM ("
      " SELECT storage_class, size FROM objects WHERE bucket = ?1"
      " UNION ALL SELECT storage_class, size FROM object_versions"
      "  WHERE bucket = ?1 AND delete_marker = 0"
      " UNION ALL SELECT u.storage_class, p.size FROM uploads u"
      "  JOIN parts p ON p.upload_id = u.upload_id WHERE u.bucket = ?1"
      ") GROUP BY class";
  Stmt s = c.Prepare(sql);
  s.Bind(1, bucket);
  std::vector<StorageClassUsage> out;
  for (;;) {
    auto row = s.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    out.push_back({s.String(0), static_cast<uint64_t>(s.Int(1)), static_cast<uint64_t>(s.Int(2))});
  }
  return out;
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
  o.inline_body = s.Blob(kBodyColumn);
  return std::optional<ObjectRecord>(std::move(o));
}

Result<std::optional<ObjectRecord>> SqliteObjects::GetVersion(ReadTxn& txn, std::string_view bucket,
                                                              std::string_view key,
                                                              std::string_view version_id) {
  auto current = GetObject(txn, bucket, key);
  if (!current.ok() || (current->has_value() &&
                        (version_id.empty() || SameVersion((*current)->version_id, version_id)))) {
    return current;
  }
  Connection& c = ConnectionOf(txn);
  static const std::string kNewest = std::string("SELECT ") + kObjectColumns +
                                     ", delete_marker, noncurrent_ms, body FROM object_versions "
                                     "WHERE bucket = ?1 AND key = ?2 ORDER BY seq DESC LIMIT 1";
  static const std::string kById = std::string("SELECT ") + kObjectColumns +
                                   ", delete_marker, noncurrent_ms, body FROM object_versions "
                                   "WHERE bucket = ?1 AND key = ?2 AND version_id = ?3";
  Stmt s = c.Prepare(version_id.empty() ? kNewest : kById);
  s.Bind(1, bucket).Bind(2, key);
  if (!version_id.empty()) s.Bind(3, version_id);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<ObjectRecord>();
  ObjectRecord o = ReadVersion(s);
  o.inline_body = s.Blob(kBodyColumn + 2);
  o.is_latest = version_id.empty();  // the newest, as there is no current version
  return std::optional<ObjectRecord>(std::move(o));
}

Result<std::vector<ObjectRecord>> SqliteObjects::ListVersions(ReadTxn& txn,
                                                              std::string_view bucket,
                                                              std::string_view prefix,
                                                              const VersionPosition& after,
                                                              size_t limit) {
  Connection& c = ConnectionOf(txn);
  std::string end = PrefixEnd(prefix);
  // Current versions come from `objects` (each the newest of its key); the rest from
  // object_versions, where a delete marker is the newest when nothing of its key is newer and
  // the key has no current version.
  static const std::string kSql =
      std::string("SELECT * FROM (SELECT ") + kObjectColumns +
      ", 0, 0, 1 FROM objects WHERE bucket = ?1 AND key >= ?2 AND (?3 = '' OR key < ?3) "
      "UNION ALL SELECT " +
      kObjectColumns +
      ", delete_marker, noncurrent_ms, delete_marker AND NOT EXISTS (SELECT 1 FROM "
      "object_versions n WHERE n.bucket = v.bucket AND n.key = v.key AND n.seq > v.seq) AND "
      "NOT EXISTS (SELECT 1 FROM objects o WHERE o.bucket = v.bucket AND o.key = v.key) FROM "
      "object_versions v WHERE bucket = ?1 AND key >= ?2 AND (?3 = '' OR key < ?3)) "
      "WHERE key > ?4 OR (key = ?4 AND seq < ?5) ORDER BY key, seq DESC LIMIT ?6";
  Stmt s = c.Prepare(kSql);
  std::string_view from = after.key < prefix ? prefix : std::string_view(after.key);
  s.Bind(1, bucket).Bind(2, from).Bind(3, end).Bind(4, after.key).Bind(5, after.seq);
  s.Bind(6, static_cast<int64_t>(limit));
  return ReadRows<ObjectRecord>(s, [](const Stmt& row) {
    ObjectRecord o = ReadVersion(row);
    o.is_latest = row.Int(kBodyColumn + 2) != 0;
    return o;
  });
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
      "ownership, acl, versioning, object_lock) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  s.Bind(1, b.name).Bind(2, b.created_ms).Bind(3, b.region).BindOrNull(4, b.notification_xml);
  s.BindOrNull(5, b.policy).BindOrNull(6, b.public_access_block);
  s.BindOrNull(7, b.ownership).BindOrNull(8, b.acl);
  s.BindOrNull(9, b.versioning).BindOrNull(10, b.object_lock);
  return s.Run();
}

Status SqliteObjects::DeleteBucket(WriteTxn& t, std::string_view name) {
  auto exists = Exists(Db(t), "SELECT 1 FROM buckets WHERE name = ?1", name);
  if (!exists.ok()) return std::move(exists).error();
  if (!*exists) return NoSuchBucket(name);
  for (const char* sql : {"SELECT 1 FROM objects WHERE bucket = ?1 LIMIT 1",
                          "SELECT 1 FROM object_versions WHERE bucket = ?1 LIMIT 1"}) {
    auto has = Exists(Db(t), sql, name);
    if (!has.ok()) return std::move(has).error();
    if (*has) return NotEmpty("bucket", name);
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
    case BucketSetting::kVersioning:
      sql = "UPDATE buckets SET versioning = ?2 WHERE name = ?1";
      break;
    case BucketSetting::kLifecycle:
      sql = "UPDATE buckets SET lifecycle = ?2 WHERE name = ?1";
      break;
    case BucketSetting::kTagging:
      sql = "UPDATE buckets SET tagging = ?2 WHERE name = ?1";
      break;
    case BucketSetting::kCors:
      sql = "UPDATE buckets SET cors = ?2 WHERE name = ?1";
      break;
    case BucketSetting::kEncryption:
      sql = "UPDATE buckets SET encryption = ?2 WHERE name = ?1";
      break;
    case BucketSetting::kObjectLock:
      sql = "UPDATE buckets SET object_lock = ?2 WHERE name = ?1";
      break;
    case BucketSetting::kMetrics:
      sql = "UPDATE buckets SET metrics = ?2 WHERE name = ?1";
      break;
  }
  Stmt s = Db(t).Prepare(sql);
  s.Bind(1, bucket).BindOrNull(2, value);
  Status st = s.Run();
  if (!st.ok()) return st;
  if (Db(t).Changes() == 0) return NoSuchBucket(bucket);
  return {};
}

Status SqliteObjects::PutObject(WriteTxn& t, ObjectRecord& o) {
  auto versioning = VersioningOf(t, o.bucket);
  if (!versioning.ok()) return std::move(versioning).error();
  if (!versioning->has_value()) return NoSuchBucket(o.bucket);
  if ((*versioning)->empty()) {
    o.version_id.clear();
    o.seq = 0;
    Status st = RemoveObjectBlobs(t, o.bucket, o.key);
    if (!st.ok()) return st;
  } else {
    auto seq = NextSeq(t, o.bucket, o.key);
    if (!seq.ok()) return std::move(seq).error();
    bool null_version = **versioning != "Enabled";
    Status st = RetireCurrent(t, o.bucket, o.key, null_version, o.modified_ms);
    if (!st.ok()) return st;
    o.version_id = null_version ? std::string(kNullVersion) : NewVersionId();
    o.seq = *seq;
  }
  Stmt s = Db(t).Prepare(
      "INSERT OR REPLACE INTO objects (" EVOKE_OBJECT_COLUMNS ", body) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)");
  s.Bind(1, o.bucket).Bind(2, o.key).Bind(3, static_cast<int64_t>(o.size)).Bind(4, o.etag);
  s.Bind(5, o.modified_ms).BindOrNull(6, EncodeSegments(o.segments));
  s.Bind(7, static_cast<int64_t>(o.part_count)).BindOrNull(8, EncodeHeaders(o.headers));
  s.BindOrNull(9, o.checksum_algorithm).BindOrNull(10, o.checksum_value);
  s.BindOrNull(11, o.checksum_type).BindOrNull(12, o.storage_class);
  s.BindOrNull(13, o.version_id).Bind(14, o.seq).BindOrNull(15, EncodeParts(o.parts));
  s.BindOrNull(16, o.lock.mode);
  if (o.lock.mode.empty()) {
    s.BindNull(17);
  } else {
    s.Bind(17, o.lock.retain_until_ms);
  }
  s.BindOrNull(18, o.lock.legal_hold);
  if (o.inline_body.empty()) {
    s.BindNull(19);
  } else {
    s.BindBlob(19, o.inline_body);
  }
  return s.Run();
}

Status SqliteObjects::UpdateObjectHeaders(WriteTxn& t, std::string_view bucket,
                                          std::string_view key, std::string_view version_id,
                                          const std::function<void(HeaderList&)>& update) {
  auto object = GetVersion(t, bucket, key, version_id);
  if (!object.ok()) return std::move(object).error();
  if (!object->has_value() || (*object)->delete_marker) {
    auto exists = Exists(Db(t), "SELECT 1 FROM buckets WHERE name = ?1", bucket);
    if (!exists.ok()) return std::move(exists).error();
    if (!*exists) return NoSuchBucket(bucket);
    if (!version_id.empty()) return NotFound("version", version_id);
    return NotFound("object", key);
  }
  HeaderList headers = std::move((*object)->headers);
  update(headers);
  bool current = (*object)->is_latest;  // read from `objects`
  Stmt s = Db(t).Prepare(current ? "UPDATE objects SET headers = ?3 WHERE bucket = ?1 AND key = ?2"
                                 : "UPDATE object_versions SET headers = ?3 WHERE bucket = ?1 AND "
                                   "key = ?2 AND seq = ?4");
  s.Bind(1, bucket).Bind(2, key).BindOrNull(3, EncodeHeaders(headers));
  if (!current) s.Bind(4, (*object)->seq);
  return s.Run();
}

Status SqliteObjects::SetObjectLock(WriteTxn& t, std::string_view bucket, std::string_view key,
                                    std::string_view version_id, const ObjectLockState& lock) {
  auto object = GetVersion(t, bucket, key, version_id);
  if (!object.ok()) return std::move(object).error();
  if (!object->has_value() || (*object)->delete_marker) {
    auto exists = Exists(Db(t), "SELECT 1 FROM buckets WHERE name = ?1", bucket);
    if (!exists.ok()) return std::move(exists).error();
    if (!*exists) return NoSuchBucket(bucket);
    if (!version_id.empty()) return NotFound("version", version_id);
    return NotFound("object", key);
  }
  bool current = (*object)->is_latest;  // read from `objects`
  Stmt s = Db(t).Prepare(
      current ? "UPDATE objects SET lock_mode = ?3, lock_until_ms = ?4, legal_hold = ?5 WHERE "
                "bucket = ?1 AND key = ?2"
              : "UPDATE object_versions SET lock_mode = ?3, lock_until_ms = ?4, legal_hold = ?5 "
                "WHERE bucket = ?1 AND key = ?2 AND seq = ?6");
  s.Bind(1, bucket).Bind(2, key).BindOrNull(3, lock.mode);
  if (lock.mode.empty()) {
    s.BindNull(4);
  } else {
    s.Bind(4, lock.retain_until_ms);
  }
  s.BindOrNull(5, lock.legal_hold);
  if (!current) s.Bind(6, (*object)->seq);
  return s.Run();
}

Result<DeleteOutcome> SqliteObjects::DeleteObject(WriteTxn& t, std::string_view bucket,
                                                  std::string_view key,
                                                  std::string_view version_id, int64_t now_ms) {
  auto versioning = VersioningOf(t, bucket);
  if (!versioning.ok()) return std::move(versioning).error();
  if (!versioning->has_value()) return NoSuchBucket(bucket);
  DeleteOutcome out;
  if (version_id.empty() && (*versioning)->empty()) {
    Status st = RemoveObjectBlobs(t, bucket, key);
    if (!st.ok()) return std::move(st).error();
    Stmt s = Db(t).Prepare("DELETE FROM objects WHERE bucket = ?1 AND key = ?2");
    st = s.Bind(1, bucket).Bind(2, key).Run();
    if (!st.ok()) return std::move(st).error();
    out.removed = Db(t).Changes() > 0;
    return out;
  }
  if (version_id.empty()) {  // a delete marker becomes the newest version
    auto seq = NextSeq(t, bucket, key);
    if (!seq.ok()) return std::move(seq).error();
    bool null_version = **versioning != "Enabled";
    Status st = RetireCurrent(t, bucket, key, null_version, now_ms);
    if (!st.ok()) return std::move(st).error();
    out.removed = out.delete_marker = true;
    out.version_id = null_version ? std::string(kNullVersion) : NewVersionId();
    Stmt s = Db(t).Prepare(
        "INSERT INTO object_versions (bucket, key, seq, version_id, delete_marker, size, etag, "
        "modified_ms, noncurrent_ms) VALUES (?1, ?2, ?3, ?4, 1, 0, '', ?5, 0)");
    s.Bind(1, bucket).Bind(2, key).Bind(3, *seq).Bind(4, out.version_id).Bind(5, now_ms);
    st = s.Run();
    if (!st.ok()) return std::move(st).error();
    return out;
  }
  out.version_id = std::string(version_id);
  auto current = CurrentVersionId(t, bucket, key);
  if (!current.ok()) return std::move(current).error();
  if (current->has_value() && SameVersion(**current, version_id)) {
    Status st = RemoveObjectBlobs(t, bucket, key);
    if (!st.ok()) return std::move(st).error();
    Stmt s = Db(t).Prepare("DELETE FROM objects WHERE bucket = ?1 AND key = ?2");
    st = s.Bind(1, bucket).Bind(2, key).Run();
    if (!st.ok()) return std::move(st).error();
    out.removed = true;
  } else {
    Stmt find = Db(t).Prepare(
        "SELECT seq, delete_marker, segments FROM object_versions WHERE bucket = ?1 AND key = ?2 "
        "AND version_id = ?3");
    find.Bind(1, bucket).Bind(2, key).Bind(3, version_id);
    auto row = find.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) return out;  // no such version: nothing to do
    int64_t seq = find.Int(0);
    out.delete_marker = find.Int(1) != 0;
    RemoveVersionBlobs(t, find.Text(2));
    Stmt del = Db(t).Prepare(
        "DELETE FROM object_versions WHERE bucket = ?1 AND key = ?2 AND seq = ?3");
    Status st = del.Bind(1, bucket).Bind(2, key).Bind(3, seq).Run();
    if (!st.ok()) return std::move(st).error();
    out.removed = true;
  }
  Status st = PromoteNewest(t, bucket, key);
  if (!st.ok()) return std::move(st).error();
  return out;
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
                                     ObjectRecord& object) {
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
