#include "store/sqlite/sqlite.h"

#include <stdexcept>

namespace evoke::store::sqlite {

Error SqliteError(sqlite3* db, std::string_view what) {
  return MakeError("InternalError", std::string(what) + ": " + sqlite3_errmsg(db));
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(sqlite3_db_handle(s_), "sqlite step");
}

Status Stmt::Run() {
  for (;;) {
    auto r = Step();
    if (!r.ok()) return std::move(r).error();
    if (!*r) return {};
  }
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, Mode mode) {
  sqlite3* db = nullptr;
  int flags =
      SQLITE_OPEN_NOMUTEX |
      (mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Error e = SqliteError(db, "cannot open " + path);
    sqlite3_close(db);
    return e;
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "unknown error";
    sqlite3_free(err);
    return MakeError("InternalError", "sqlite: " + message);
  }
  return {};
}

Stmt Connection::Prepare(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) return Stmt(it->second);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    throw std::logic_error("sqlite prepare failed: " + std::string(sqlite3_errmsg(db_)) +
                           " in: " + key);
  }
  cache_.emplace(std::move(key), stmt);
  return Stmt(stmt);
}

}  // namespace evoke::store::sqlite
