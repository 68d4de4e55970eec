#include "store/sqlite/repositories.h"
#include "store/sqlite/txn.h"

namespace evoke::store::sqlite {

Result<std::optional<std::string>> SqliteIam::GetIamEntity(ReadTxn& t, std::string_view kind,
                                                           std::string_view name) {
  Stmt s = ConnectionOf(t).Prepare("SELECT document FROM iam_entities WHERE kind = ?1 AND name = ?2");
  s.Bind(1, kind).Bind(2, name);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(s.String(0));
}

Result<std::vector<IamRecord>> SqliteIam::ListIamEntities(ReadTxn& t, std::string_view kind,
                                                          std::string_view after, size_t limit) {
  Stmt s = ConnectionOf(t).Prepare(
      "SELECT kind, name, document FROM iam_entities WHERE kind = ?1 AND name > ?2 "
      "ORDER BY name LIMIT ?3");
  s.Bind(1, kind).Bind(2, after).Bind(3, static_cast<int64_t>(limit));
  return ReadRows<IamRecord>(s, [](const Stmt& row) {
    return IamRecord{row.String(0), row.String(1), row.String(2)};
  });
}

Status SqliteIam::PutIamEntity(WriteTxn& t, std::string_view kind, std::string_view name,
                               std::string_view document) {
  Stmt s = Db(t).Prepare(
      "INSERT OR REPLACE INTO iam_entities (kind, name, document) VALUES (?1, ?2, ?3)");
  return s.Bind(1, kind).Bind(2, name).Bind(3, document).Run();
}

Result<bool> SqliteIam::DeleteIamEntity(WriteTxn& t, std::string_view kind,
                                        std::string_view name) {
  Stmt s = Db(t).Prepare("DELETE FROM iam_entities WHERE kind = ?1 AND name = ?2");
  if (Status st = s.Bind(1, kind).Bind(2, name).Run(); !st.ok()) return std::move(st).error();
  return Db(t).Changes() > 0;
}

}  // namespace evoke::store::sqlite
