#include "store/errors.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/txn.h"

namespace evoke::store::sqlite {
namespace {

constexpr char kColumns[] =
    "name, config, code_blob, code_sha256, code_size, revision_id, modified_ms, "
    "reserved_concurrency, coalesce(policy, ''), coalesce(event_invoke_config, '')";

FunctionRecord ReadFunction(const Stmt& s) {
  FunctionRecord f;
  f.name = s.String(0);
  f.config_json = s.String(1);
  f.code_blob = s.String(2);
  f.code_sha256 = s.String(3);
  f.code_size = static_cast<uint64_t>(s.Int(4));
  f.revision_id = s.String(5);
  f.modified_ms = s.Int(6);
  if (!s.IsNull(7)) f.reserved_concurrency = static_cast<int>(s.Int(7));
  f.policy = s.String(8);
  f.event_invoke_config = s.String(9);
  return f;
}

Result<std::optional<FunctionRecord>> FindFunction(Connection& c, std::string_view name) {
  static const std::string sql =
      std::string("SELECT ") + kColumns + " FROM functions WHERE name = ?1";
  Stmt s = c.Prepare(sql);
  s.Bind(1, name);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<FunctionRecord>();
  return std::optional<FunctionRecord>(ReadFunction(s));
}

// The function's record within a write; NotFound when there is none.
Result<FunctionRecord> Existing(WriteTxn& t, std::string_view name) {
  auto found = FindFunction(Db(t), name);
  if (!found.ok()) return std::move(found).error();
  if (!found->has_value()) return NotFound("function", name);
  return std::move(**found);
}

}  // namespace

Result<std::optional<FunctionRecord>> SqliteFunctions::GetFunction(ReadTxn& t,
                                                                   std::string_view name) {
  return FindFunction(ConnectionOf(t), name);
}

Result<std::vector<FunctionRecord>> SqliteFunctions::ListFunctions(ReadTxn& txn,
                                                                   std::string_view after,
                                                                   size_t limit) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql =
      std::string("SELECT ") + kColumns + " FROM functions WHERE name > ?1 ORDER BY name LIMIT ?2";
  Stmt s = c.Prepare(sql);
  s.Bind(1, after).Bind(2, static_cast<int64_t>(limit));
  return ReadRows<FunctionRecord>(s, ReadFunction);
}

Status SqliteFunctions::CreateFunction(WriteTxn& t, const FunctionRecord& f) {
  auto existing = FindFunction(Db(t), f.name);
  if (!existing.ok()) return std::move(existing).error();
  if (existing->has_value()) return AlreadyExists("function", f.name);
  Stmt s = Db(t).Prepare(
      "INSERT INTO functions (name, config, code_blob, code_sha256, code_size, revision_id, "
      "modified_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  s.Bind(1, f.name).Bind(2, f.config_json).Bind(3, f.code_blob).Bind(4, f.code_sha256);
  s.Bind(5, static_cast<int64_t>(f.code_size)).Bind(6, f.revision_id).Bind(7, f.modified_ms);
  return s.Run();
}

Status SqliteFunctions::ReplaceFunction(WriteTxn& t, const FunctionRecord& f) {
  auto existing = Existing(t, f.name);
  if (!existing.ok()) return std::move(existing).error();
  Stmt s = Db(t).Prepare(
      "UPDATE functions SET config = ?2, code_blob = ?3, code_sha256 = ?4, code_size = ?5, "
      "revision_id = ?6, modified_ms = ?7, reserved_concurrency = ?8 WHERE name = ?1");
  s.Bind(1, f.name).Bind(2, f.config_json).Bind(3, f.code_blob).Bind(4, f.code_sha256);
  s.Bind(5, static_cast<int64_t>(f.code_size)).Bind(6, f.revision_id).Bind(7, f.modified_ms);
  if (f.reserved_concurrency) {
    s.Bind(8, static_cast<int64_t>(*f.reserved_concurrency));
  } else {
    s.BindNull(8);
  }
  Status st = s.Run();
  if (!st.ok()) return st;
  if (existing->code_blob != f.code_blob) t.RemoveBlobAfterCommit(existing->code_blob);
  // The function may have let go of a deleted layer version.
  return PurgeUnusedDeletedLayers(t);
}

Status SqliteFunctions::DeleteFunction(WriteTxn& t, std::string_view name) {
  auto existing = Existing(t, name);
  if (!existing.ok()) return std::move(existing).error();
  Stmt s = Db(t).Prepare("DELETE FROM functions WHERE name = ?1");
  Status st = s.Bind(1, name).Run();
  if (!st.ok()) return st;
  t.RemoveBlobAfterCommit(existing->code_blob);
  return PurgeUnusedDeletedLayers(t);
}

Status SqliteFunctions::SetReservedConcurrency(WriteTxn& t, std::string_view name,
                                               std::optional<int> reserved) {
  auto existing = Existing(t, name);
  if (!existing.ok()) return std::move(existing).error();
  Stmt s = Db(t).Prepare("UPDATE functions SET reserved_concurrency = ?2 WHERE name = ?1");
  s.Bind(1, name);
  if (reserved) {
    s.Bind(2, static_cast<int64_t>(*reserved));
  } else {
    s.BindNull(2);
  }
  return s.Run();
}

Result<std::vector<std::pair<std::string, int>>> SqliteFunctions::ListReservedConcurrency(
    ReadTxn& txn) {
  Connection& c = ConnectionOf(txn);
  Stmt s = c.Prepare(
      "SELECT name, reserved_concurrency FROM functions WHERE reserved_concurrency IS NOT NULL "
      "ORDER BY name");
  std::vector<std::pair<std::string, int>> out;
  for (;;) {
    auto row = s.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    out.emplace_back(s.String(0), static_cast<int>(s.Int(1)));
  }
  return out;
}

Result<CodeUsage> SqliteFunctions::GetCodeUsage(ReadTxn& txn) {
  Connection& c = ConnectionOf(txn);
  CodeUsage usage;
  {
    Stmt s = c.Prepare("SELECT count(*), coalesce(sum(code_size), 0) FROM functions");
    auto row = s.Step();
    if (!row.ok()) return std::move(row).error();
    usage.function_count = static_cast<uint64_t>(s.Int(0));
    usage.total_code_size = static_cast<uint64_t>(s.Int(1));
  }
  Stmt s = c.Prepare("SELECT coalesce(sum(code_size), 0) FROM layers");
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  usage.total_code_size += static_cast<uint64_t>(s.Int(0));
  return usage;
}

Status SqliteFunctions::SetFunctionPolicy(WriteTxn& t, std::string_view name,
                                          std::string_view policy) {
  auto existing = Existing(t, name);
  if (!existing.ok()) return std::move(existing).error();
  Stmt s = Db(t).Prepare("UPDATE functions SET policy = ?2 WHERE name = ?1");
  s.Bind(1, name).BindOrNull(2, policy);
  return s.Run();
}

Status SqliteFunctions::SetEventInvokeConfig(WriteTxn& t, std::string_view name,
                                             std::string_view config) {
  auto existing = Existing(t, name);
  if (!existing.ok()) return std::move(existing).error();
  Stmt s = Db(t).Prepare("UPDATE functions SET event_invoke_config = ?2 WHERE name = ?1");
  s.Bind(1, name).BindOrNull(2, config);
  return s.Run();
}

}  // namespace evoke::store::sqlite
