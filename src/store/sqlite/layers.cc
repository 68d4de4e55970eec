#include "store/errors.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/txn.h"

namespace evoke::store::sqlite {
namespace {

constexpr char kColumns[] =
    "name, version, arn, config, code_blob, code_sha256, code_size, created_ms, deleted_ms";

LayerVersionRecord ReadLayer(const Stmt& s) {
  LayerVersionRecord l;
  l.name = s.String(0);
  l.version = s.Int(1);
  l.arn = s.String(2);
  l.config_json = s.String(3);
  l.code_blob = s.String(4);
  l.code_sha256 = s.String(5);
  l.code_size = static_cast<uint64_t>(s.Int(6));
  l.created_ms = s.Int(7);
  l.deleted = !s.IsNull(8);
  return l;
}

// Whether any function's configuration names the layer version ARN. Configurations keep the
// ARNs as JSON strings, so the quoted ARN matches exactly (":1" never matches ":10").
Result<bool> NamedByAFunction(Connection& c, std::string_view arn) {
  Stmt s = c.Prepare("SELECT 1 FROM functions WHERE instr(config, ?1) > 0 LIMIT 1");
  s.Bind(1, "\"" + std::string(arn) + "\"");
  return s.Step();
}

Status RemoveLayerRow(WriteTxn& t, const LayerVersionRecord& layer) {
  Stmt s = Db(t).Prepare("DELETE FROM layers WHERE name = ?1 AND version = ?2");
  Status st = s.Bind(1, layer.name).Bind(2, layer.version).Run();
  if (!st.ok()) return st;
  t.RemoveBlobAfterCommit(layer.code_blob);
  return {};
}

}  // namespace

Result<std::optional<LayerVersionRecord>> SqliteLayers::GetLayerVersion(ReadTxn& txn,
                                                                        std::string_view name,
                                                                        int64_t version) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql =
      std::string("SELECT ") + kColumns + " FROM layers WHERE name = ?1 AND version = ?2";
  Stmt s = c.Prepare(sql);
  s.Bind(1, name).Bind(2, version);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<LayerVersionRecord>();
  return std::optional<LayerVersionRecord>(ReadLayer(s));
}

Result<std::vector<LayerVersionRecord>> SqliteLayers::ListLayerVersions(ReadTxn& txn,
                                                                        std::string_view name,
                                                                        int64_t below,
                                                                        size_t limit) {
  Connection& c = ConnectionOf(txn);
  static const std::string sql =
      std::string("SELECT ") + kColumns +
      " FROM layers WHERE name = ?1 AND deleted_ms IS NULL AND (?2 = 0 OR version < ?2) "
      "ORDER BY version DESC LIMIT ?3";
  Stmt s = c.Prepare(sql);
  s.Bind(1, name).Bind(2, below).Bind(3, static_cast<int64_t>(limit));
  return ReadRows<LayerVersionRecord>(s, ReadLayer);
}

Result<std::vector<std::string>> SqliteLayers::ListLayerNames(ReadTxn& txn, std::string_view after,
                                                              size_t limit) {
  Connection& c = ConnectionOf(txn);
  Stmt s = c.Prepare(
      "SELECT DISTINCT name FROM layers WHERE name > ?1 AND deleted_ms IS NULL ORDER BY name "
      "LIMIT ?2");
  s.Bind(1, after).Bind(2, static_cast<int64_t>(limit));
  std::vector<std::string> out;
  for (;;) {
    auto row = s.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    out.push_back(s.String(0));
  }
  return out;
}

Result<LayerVersionRecord> SqliteLayers::PublishLayerVersion(WriteTxn& t, LayerVersionRecord layer,
                                                             std::string_view layer_arn) {
  int64_t last = 0;
  {
    Stmt s = Db(t).Prepare("SELECT last_version FROM layer_names WHERE name = ?1");
    s.Bind(1, layer.name);
    auto row = s.Step();
    if (!row.ok()) return std::move(row).error();
    if (*row) last = s.Int(0);
  }
  layer.version = last + 1;
  layer.arn = std::string(layer_arn) + ":" + std::to_string(layer.version);
  layer.deleted = false;
  Stmt names =
      Db(t).Prepare("INSERT OR REPLACE INTO layer_names (name, last_version) VALUES (?1, ?2)");
  Status st = names.Bind(1, layer.name).Bind(2, layer.version).Run();
  if (!st.ok()) return std::move(st).error();
  Stmt s = Db(t).Prepare(
      "INSERT INTO layers (name, version, arn, config, code_blob, code_sha256, code_size, "
      "created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  s.Bind(1, layer.name).Bind(2, layer.version).Bind(3, layer.arn).Bind(4, layer.config_json);
  s.Bind(5, layer.code_blob).Bind(6, layer.code_sha256);
  s.Bind(7, static_cast<int64_t>(layer.code_size)).Bind(8, layer.created_ms);
  st = s.Run();
  if (!st.ok()) return std::move(st).error();
  return layer;
}

Status SqliteLayers::DeleteLayerVersion(WriteTxn& t, std::string_view name, int64_t version) {
  auto found = GetLayerVersion(t, name, version);
  if (!found.ok()) return std::move(found).error();
  if (!found->has_value() || (*found)->deleted) return {};
  auto named = NamedByAFunction(Db(t), (*found)->arn);
  if (!named.ok()) return std::move(named).error();
  if (!*named) return RemoveLayerRow(t, **found);
  Stmt s = Db(t).Prepare(
      "UPDATE layers SET deleted_ms = (CAST(strftime('%s','now') AS INTEGER) * 1000) "
      "WHERE name = ?1 AND version = ?2");
  return s.Bind(1, name).Bind(2, version).Run();
}

Status PurgeUnusedDeletedLayers(WriteTxn& t) {
  std::vector<LayerVersionRecord> deleted;
  {
    static const std::string sql =
        std::string("SELECT ") + kColumns + " FROM layers WHERE deleted_ms IS NOT NULL";
    Stmt s = Db(t).Prepare(sql);
    for (;;) {
      auto row = s.Step();
      if (!row.ok()) return std::move(row).error();
      if (!*row) break;
      deleted.push_back(ReadLayer(s));
    }
  }
  for (const auto& layer : deleted) {
    auto named = NamedByAFunction(Db(t), layer.arn);
    if (!named.ok()) return std::move(named).error();
    if (*named) continue;
    Status st = RemoveLayerRow(t, layer);
    if (!st.ok()) return st;
  }
  return {};
}

}  // namespace evoke::store::sqlite
