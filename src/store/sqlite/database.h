// Database: DATA_DIR/evoke.db. Applies the schema migrations, hands out read connections from
// a pool (any thread), and opens the one write connection the Committer owns.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/sqlite/sqlite.h"

namespace evoke::store::sqlite {

class Database {
 public:
  // Opens (creating if needed) and migrates the database at `path`.
  static Result<std::unique_ptr<Database>> Open(std::string path);

  // A read-only connection for the caller's exclusive use until the lease ends.
  class Lease {
   public:
    Lease(Database& db, std::unique_ptr<Connection> c) : db_(&db), c_(std::move(c)) {}
    ~Lease();
    Lease(Lease&& o) noexcept = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() { return *c_; }
    Connection* operator->() { return c_.get(); }

   private:
    Database* db_;
    std::unique_ptr<Connection> c_;
  };
  Lease Reader();

  Result<std::unique_ptr<Connection>> OpenWriter();
  const std::string& path() const { return path_; }

 private:
  explicit Database(std::string path) : path_(std::move(path)) {}
  Status Migrate(Connection& c);
  void Return(std::unique_ptr<Connection> c);

  std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mutex_)
};

}  // namespace evoke::store::sqlite
