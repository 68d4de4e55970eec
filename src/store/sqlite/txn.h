// The SQLite transactions (store/txn.h): a read is a pooled read-only connection (WAL lets it
// run beside the writer); a write is the committer's connection inside the batch's transaction,
// one savepoint per job. The repositories take the connection from either with ConnectionOf.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "store/sqlite/database.h"
#include "store/sqlite/sqlite.h"
#include "store/txn.h"

namespace evoke::store::sqlite {

class SqliteReadTxn final : public ReadTxn {
 public:
  explicit SqliteReadTxn(Database::Lease lease) : lease_(std::move(lease)) {}
  Connection& connection() { return *lease_; }

 private:
  Database::Lease lease_;
};

class SqliteWriteTxn final : public WriteTxn {
 public:
  explicit SqliteWriteTxn(Connection& db) : db_(db) {}
  Connection& connection() { return db_; }

  void RemoveBlobAfterCommit(std::string id) override { garbage_.push_back(std::move(id)); }
  void AfterCommit(std::function<void()> fn) override { after_commit_.push_back(std::move(fn)); }
  Status Nested(const std::function<Status()>& fn) override;

  std::vector<std::string>& garbage() { return garbage_; }
  std::vector<std::function<void()>>& after_commit() { return after_commit_; }

 private:
  Connection& db_;
  int depth_ = 0;
  std::vector<std::string> garbage_;
  std::vector<std::function<void()>> after_commit_;
};

// The connection of a transaction of this backend (a SqliteReadTxn or a SqliteWriteTxn).
Connection& ConnectionOf(ReadTxn& t);
// The connection of a write transaction of this backend.
inline Connection& Db(WriteTxn& t) { return static_cast<SqliteWriteTxn&>(t).connection(); }

}  // namespace evoke::store::sqlite
