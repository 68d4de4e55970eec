#include "store/sqlite/repositories.h"
#include "store/sqlite/txn.h"

namespace evoke::store::sqlite {
namespace {

constexpr char kSeriesColumns[] = "id, key, namespace, metric, unit, dimensions, last_ms";

MetricSeriesRecord ReadSeries(const Stmt& s) {
  MetricSeriesRecord r;
  r.id = s.Int(0);
  r.key = s.String(1);
  r.name_space = s.String(2);
  r.metric = s.String(3);
  r.unit = s.String(4);
  r.dimensions = s.String(5);
  r.last_ms = s.Int(6);
  return r;
}

constexpr char kPointColumns[] = "series_id, period_s, start_s, count, sum, min, max, sketch";

StoredMetricPoint ReadPoint(const Stmt& s) {
  StoredMetricPoint p;
  p.series_id = s.Int(0);
  p.period_s = static_cast<int>(s.Int(1));
  p.start_s = s.Int(2);
  p.count = s.Double(3);
  p.sum = s.Double(4);
  p.min = s.Double(5);
  p.max = s.Double(6);
  p.sketch = s.Blob(7);
  return p;
}

}  // namespace

Result<std::optional<MetricSeriesRecord>> SqliteMetrics::FindSeries(ReadTxn& txn,
                                                                     std::string_view key) {
  static const std::string sql =
      std::string("SELECT ") + kSeriesColumns + " FROM metric_series WHERE key = ?1";
  Stmt s = ConnectionOf(txn).Prepare(sql);
  s.Bind(1, key);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<MetricSeriesRecord>();
  return std::optional<MetricSeriesRecord>(ReadSeries(s));
}

Result<std::vector<MetricSeriesRecord>> SqliteMetrics::FindSeriesAnyUnit(
    ReadTxn& txn, std::string_view name_space, std::string_view metric,
    std::string_view dimensions) {
  static const std::string sql = std::string("SELECT ") + kSeriesColumns +
                                 " FROM metric_series WHERE namespace = ?1 AND metric = ?2 AND "
                                 "dimensions = ?3 ORDER BY id";
  Stmt s = ConnectionOf(txn).Prepare(sql);
  s.Bind(1, name_space).Bind(2, metric).Bind(3, dimensions);
  return ReadRows<MetricSeriesRecord>(s, ReadSeries);
}

Result<std::vector<MetricSeriesRecord>> SqliteMetrics::ListSeries(ReadTxn& txn,
                                                                  const SeriesListing& listing) {
  static const std::string sql =
      std::string("SELECT ") + kSeriesColumns +
      " FROM metric_series WHERE id > ?1 AND last_ms >= ?2 AND (?3 = '' OR namespace = ?3) AND "
      "(?4 = '' OR metric = ?4) ORDER BY id LIMIT ?5";
  Stmt s = ConnectionOf(txn).Prepare(sql);
  s.Bind(1, listing.after_id)
      .Bind(2, listing.active_since_ms)
      .Bind(3, listing.name_space)
      .Bind(4, listing.metric)
      .Bind(5, static_cast<int64_t>(listing.limit));
  return ReadRows<MetricSeriesRecord>(s, ReadSeries);
}

Result<std::vector<StoredMetricPoint>> SqliteMetrics::ReadPoints(ReadTxn& txn, int64_t series_id,
                                                                 int period_s, int64_t start_s,
                                                                 int64_t end_s) {
  static const std::string sql = std::string("SELECT ") + kPointColumns +
                                 " FROM metric_points WHERE series_id = ?1 AND period_s = ?2 AND "
                                 "start_s >= ?3 AND start_s < ?4 ORDER BY start_s";
  Stmt s = ConnectionOf(txn).Prepare(sql);
  s.Bind(1, series_id).Bind(2, int64_t{period_s}).Bind(3, start_s).Bind(4, end_s);
  return ReadRows<StoredMetricPoint>(s, ReadPoint);
}

Result<std::vector<StoredMetricPoint>> SqliteMetrics::ReadAllPoints(ReadTxn& txn, int period_s,
                                                                    int64_t start_s,
                                                                    int64_t end_s) {
  static const std::string sql = std::string("SELECT ") + kPointColumns +
                                 " FROM metric_points WHERE period_s = ?1 AND start_s >= ?2 AND "
                                 "start_s < ?3 ORDER BY series_id, start_s";
  Stmt s = ConnectionOf(txn).Prepare(sql);
  s.Bind(1, int64_t{period_s}).Bind(2, start_s).Bind(3, end_s);
  return ReadRows<StoredMetricPoint>(s, ReadPoint);
}

Result<std::optional<StoredMetricPoint>> SqliteMetrics::GetPoint(ReadTxn& txn, int64_t series_id,
                                                                 int period_s, int64_t start_s) {
  static const std::string sql =
      std::string("SELECT ") + kPointColumns +
      " FROM metric_points WHERE series_id = ?1 AND period_s = ?2 AND start_s = ?3";
  Stmt s = ConnectionOf(txn).Prepare(sql);
  s.Bind(1, series_id).Bind(2, int64_t{period_s}).Bind(3, start_s);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<StoredMetricPoint>();
  return std::optional<StoredMetricPoint>(ReadPoint(s));
}

Result<int64_t> SqliteMetrics::TouchSeries(WriteTxn& t, const MetricSeriesRecord& r) {
  Stmt s = Db(t).Prepare(
      "INSERT INTO metric_series (key, namespace, metric, unit, dimensions, last_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (key) DO UPDATE SET "
      "last_ms = max(last_ms, excluded.last_ms) RETURNING id");
  s.Bind(1, r.key)
      .Bind(2, r.name_space)
      .Bind(3, r.metric)
      .Bind(4, r.unit)
      .Bind(5, r.dimensions)
      .Bind(6, r.last_ms);
  auto row = s.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return MakeError("InternalError", "metric series upsert returned no id");
  int64_t id = s.Int(0);
  // RETURNING's statement must be stepped to its end before the next one runs.
  auto done = s.Step();
  if (!done.ok()) return std::move(done).error();
  return id;
}

Status SqliteMetrics::PutPoint(WriteTxn& t, const StoredMetricPoint& p) {
  Stmt s = Db(t).Prepare(
      "INSERT OR REPLACE INTO metric_points (series_id, period_s, start_s, count, sum, min, max, "
      "sketch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  s.Bind(1, p.series_id).Bind(2, int64_t{p.period_s}).Bind(3, p.start_s);
  s.BindDouble(4, p.count).BindDouble(5, p.sum).BindDouble(6, p.min).BindDouble(7, p.max);
  if (p.sketch.empty()) {
    s.BindNull(8);
  } else {
    s.BindBlob(8, p.sketch);
  }
  return s.Run();
}

Status SqliteMetrics::DeletePointsBefore(WriteTxn& t, int period_s, int64_t before_s) {
  Stmt s = Db(t).Prepare("DELETE FROM metric_points WHERE period_s = ?1 AND start_s < ?2");
  s.Bind(1, int64_t{period_s}).Bind(2, before_s);
  return s.Run();
}

}  // namespace evoke::store::sqlite
