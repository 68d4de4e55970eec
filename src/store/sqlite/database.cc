#include "store/sqlite/database.h"

#include <stdexcept>

#include "store/sqlite/schema.h"

namespace evoke::store::sqlite {

Result<std::unique_ptr<Database>> Database::Open(std::string path) {
  std::unique_ptr<Database> db(new Database(std::move(path)));
  auto writer = db->OpenWriter();
  if (!writer.ok()) return std::move(writer).error();
  Status s = db->Migrate(**writer);
  if (!s.ok()) return std::move(s).error();
  return db;
}

Result<std::unique_ptr<Connection>> Database::OpenWriter() {
  auto c = Connection::Open(path_, Connection::Mode::kReadWrite);
  if (!c.ok()) return c;
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=OFF", "PRAGMA temp_store=MEMORY"}) {
    Status s = (*c)->Exec(pragma);
    if (!s.ok()) return std::move(s).error();
  }
  return c;
}

Status Database::Migrate(Connection& c) {
  int64_t version = 0;
  {
    Stmt st = c.Prepare("PRAGMA user_version");
    auto row = st.Step();
    if (!row.ok()) return std::move(row).error();
    version = st.Int(0);
  }
  const auto& migrations = SchemaMigrations();
  if (version > static_cast<int64_t>(migrations.size())) {
    return MakeError("InternalError", "the data directory was written by a newer evoke (schema " +
                                          std::to_string(version) + ")");
  }
  for (size_t i = static_cast<size_t>(version); i < migrations.size(); ++i) {
    std::string sql = "BEGIN;\n" + std::string(migrations[i]) +
                      "\nPRAGMA user_version=" + std::to_string(i + 1) + ";\nCOMMIT;";
    Status s = c.Exec(sql);
    if (!s.ok()) {
      (void)c.Exec("ROLLBACK");
      return s;
    }
  }
  return {};
}

Database::Lease Database::Reader() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(c));
    }
  }
  auto c = Connection::Open(path_, Connection::Mode::kReadOnly);
  if (!c.ok()) throw std::runtime_error(c.error().message);
  return Lease(*this, std::move(*c));
}

void Database::Return(std::unique_ptr<Connection> c) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(c));
}

Database::Lease::~Lease() {
  if (c_) db_->Return(std::move(c_));
}

}  // namespace evoke::store::sqlite
