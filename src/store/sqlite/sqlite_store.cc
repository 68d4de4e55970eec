#include "store/sqlite/sqlite_store.h"

#include <unordered_set>

#include "base/log.h"
#include "store/sqlite/async_queue.h"
#include "store/sqlite/committer.h"
#include "store/sqlite/database.h"
#include "store/sqlite/repositories.h"

namespace evoke::store::sqlite {
namespace {

// Every blob id named by a record (objects and their versions, parts, function packages,
// layers).
Status ForEachReferencedBlob(Connection& c, const std::function<void(std::string_view)>& fn) {
  for (const char* sql : {"SELECT segments FROM objects WHERE segments IS NOT NULL",
                          "SELECT segments FROM object_versions WHERE segments IS NOT NULL"}) {
    Stmt s = c.Prepare(sql);
    for (;;) {
      auto row = s.Step();
      if (!row.ok()) return std::move(row).error();
      if (!*row) break;
      for (const auto& seg : DecodeSegments(s.Text(0))) fn(seg.blob);
    }
  }
  for (const char* sql : {"SELECT blob FROM parts WHERE blob IS NOT NULL",
                          "SELECT code_blob FROM functions", "SELECT code_blob FROM layers"}) {
    Stmt s = c.Prepare(sql);
    for (;;) {
      auto row = s.Step();
      if (!row.ok()) return std::move(row).error();
      if (!*row) break;
      fn(s.Text(0));
    }
  }
  return {};
}

// Removes every blob no record names: written by requests that were never acknowledged, or
// replaced ones whose unlink a crash prevented.
Status SweepOrphans(Database& db, BlobStore& blobs) {
  std::unordered_set<std::string> referenced;
  {
    auto reader = db.Reader();
    Status s = ForEachReferencedBlob(*reader, [&](std::string_view id) { referenced.emplace(id); });
    if (!s.ok()) return s;
  }
  auto removed = blobs.RemoveOrphans(
      [&](std::string_view id) { return referenced.count(std::string(id)) > 0; });
  if (!removed.ok()) return std::move(removed).error();
  if (*removed > 0) {
    LogInfo("removed " + std::to_string(*removed) + " blob(s) left by unfinished writes");
  }
  return {};
}

}  // namespace

struct SqliteStore::Impl {
  Impl(std::unique_ptr<Database> database, BlobStore& blob_store, const Clock& lease_clock)
      : db(std::move(database)), blobs(blob_store), queue(lease_clock) {}

  std::unique_ptr<Database> db;
  BlobStore& blobs;
  std::unique_ptr<Committer> committer;
  SqliteObjects objects;
  SqliteFunctions functions;
  SqliteLayers layers;
  SqliteAsyncQueue queue;
  SqliteLogs logs;
  SqliteSchedules schedules;
  SqliteMetrics metrics;
  SqliteAlarms alarms;
  SqliteIam iam;
};

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, BlobStore& blobs,
                                                       const Clock& lease_clock) {
  auto db = Database::Open(path);
  if (!db.ok()) return std::move(db).error();
  auto impl = std::make_unique<Impl>(std::move(*db), blobs, lease_clock);
  if (Status s = SweepOrphans(*impl->db, blobs); !s.ok()) return std::move(s).error();
  {
    auto reader = impl->db->Reader();
    if (Status s = impl->queue.Load(*reader); !s.ok()) return std::move(s).error();
  }
  auto writer = impl->db->OpenWriter();
  if (!writer.ok()) return std::move(writer).error();
  impl->committer = std::make_unique<Committer>(*impl->db, std::move(*writer), blobs);
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

Store SqliteStore::view() {
  Impl& i = *impl_;
  return Store{*i.committer, i.blobs, i.objects, i.functions, i.layers,
               i.queue,      i.logs,  i.schedules, i.iam,      i.metrics, i.alarms};
}

void SqliteStore::Stop() { impl_->committer->Stop(); }

}  // namespace evoke::store::sqlite
