// MetricStore over the SQLite store: what is recorded is committed, merged with what was
// committed before, answered per period from the right resolution, listed, and dropped at
// CloudWatch's retention.
#include "observe/metric_store.h"

#include <gtest/gtest.h>

#include "store/sqlite/temp_store.h"

namespace evoke::observe {
namespace {

constexpr int64_t kNowMs = 1'700'000'040'000;  // 40 s into a minute

class MetricStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }
  void Open() {
    ASSERT_TRUE(store_.Open().ok());
    metrics_ = std::make_unique<MetricStore>(store_.view().txns, store_.view().metrics, clock_);
  }
  // Stops the metric store (which commits what is pending) and closes the store.
  void Close() {
    metrics_.reset();
    store_.Close();
  }

  std::vector<PeriodPoint> Read(const SeriesKey& key, int period, int64_t start_s, int64_t end_s,
                                std::string* unit = nullptr) {
    auto read = metrics_->ReadPeriods(key, period, start_s, end_s, unit);
    EXPECT_TRUE(read.ok()) << (read.ok() ? "" : read.error().message);
    return read.ok() ? *read : std::vector<PeriodPoint>{};
  }

  FakeClock clock_{kNowMs};
  store::sqlite::TempStore store_{clock_, "metrics"};
  std::unique_ptr<MetricStore> metrics_;
};

const SeriesKey kDuration{"AWS/Lambda", "Duration", "Milliseconds", {{"FunctionName", "f"}}};

TEST_F(MetricStoreTest, FlushedValuesAreMergedWithWhatWasStored) {
  metrics_->Record("AWS/Lambda", "Duration", "Milliseconds", {{"FunctionName", "f"}}, 10, kNowMs);
  ASSERT_TRUE(metrics_->FlushBlocking().ok());
  metrics_->Record("AWS/Lambda", "Duration", "Milliseconds", {{"FunctionName", "f"}}, 30, kNowMs);
  ASSERT_TRUE(metrics_->FlushBlocking().ok());
  int64_t minute = kNowMs / 60000 * 60;
  auto points = Read(kDuration, 60, minute, minute + 60);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].start_s, minute);
  EXPECT_EQ(points[0].point.count, 2);
  EXPECT_EQ(points[0].point.sum, 40);
  EXPECT_EQ(points[0].point.min, 10);
  EXPECT_EQ(points[0].point.max, 30);
  EXPECT_NEAR(*points[0].point.Statistic("p100"), 30, 0.3);
}

TEST_F(MetricStoreTest, PeriodsMergeMinutesAndStartIsInclusiveEndExclusive) {
  int64_t hour = kNowMs / 3'600'000 * 3600;
  for (int m = 0; m < 10; ++m) {
    metrics_->RecordValue(kDuration, m, 1, (hour + m * 60) * 1000 + 5, false);
  }
  ASSERT_TRUE(metrics_->FlushBlocking().ok());
  auto points = Read(kDuration, 300, hour, hour + 600);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].point.sum, 0 + 1 + 2 + 3 + 4);
  EXPECT_EQ(points[1].point.sum, 5 + 6 + 7 + 8 + 9);
  // [hour + 60, hour + 120): the second minute alone.
  points = Read(kDuration, 60, hour + 60, hour + 120);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].point.sum, 1);
}

TEST_F(MetricStoreTest, UnitFiltersAndNoUnitMergesEveryUnit) {
  SeriesKey seconds = kDuration;
  seconds.unit = "Seconds";
  metrics_->RecordValue(kDuration, 1, 1, kNowMs, false);
  metrics_->RecordValue(seconds, 2, 1, kNowMs, false);
  ASSERT_TRUE(metrics_->FlushBlocking().ok());
  int64_t minute = kNowMs / 60000 * 60;
  EXPECT_EQ(Read(kDuration, 60, minute, minute + 60).at(0).point.sum, 1);
  SeriesKey any = kDuration;
  any.unit.clear();
  std::string unit;
  auto points = Read(any, 60, minute, minute + 60, &unit);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].point.sum, 3);
  EXPECT_FALSE(unit.empty());
  SeriesKey bytes = kDuration;
  bytes.unit = "Bytes";
  EXPECT_TRUE(Read(bytes, 60, minute, minute + 60).empty());
}

TEST_F(MetricStoreTest, HighResolutionKeepsSecondsForThreeHours) {
  SeriesKey key{"App", "Latency", "None", {}};
  int64_t second = kNowMs / 1000;
  metrics_->RecordValue(key, 5, 1, second * 1000, true);
  metrics_->RecordValue(key, 7, 1, (second + 1) * 1000, true);
  ASSERT_TRUE(metrics_->FlushBlocking().ok());
  auto points = Read(key, 1, second, second + 2);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].point.sum, 5);
  EXPECT_EQ(points[1].point.sum, 7);
  clock_.Advance(3 * 3600 * 1000 + 60'000);
  ASSERT_TRUE(metrics_->Maintain().ok());
  // Past three hours a one-second period has nothing to merge from.
  EXPECT_TRUE(Read(key, 1, second, second + 2).empty());
  // The minute is still there.
  int64_t minute = second / 60 * 60;
  EXPECT_EQ(Read(key, 60, minute, minute + 60).at(0).point.sum, 12);
}

TEST_F(MetricStoreTest, OldDataIsAnsweredFromCoarserResolutionsAndDroppedAtRetention) {
  int64_t hour = kNowMs / 3'600'000 * 3600;
  metrics_->RecordValue(kDuration, 4, 1, hour * 1000, false);
  ASSERT_TRUE(metrics_->FlushBlocking().ok());
  clock_.Advance(int64_t{20} * 86400 * 1000);  // 20 days on: minutes gone, five minutes kept
  ASSERT_TRUE(metrics_->Maintain().ok());
  EXPECT_TRUE(Read(kDuration, 60, hour, hour + 3600).empty());
  auto points = Read(kDuration, 300, hour, hour + 3600);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].point.sum, 4);
  clock_.Advance(int64_t{50} * 86400 * 1000);  // 70 days: hours only
  ASSERT_TRUE(metrics_->Maintain().ok());
  EXPECT_TRUE(Read(kDuration, 300, hour, hour + 3600).empty());
  EXPECT_EQ(Read(kDuration, 3600, hour, hour + 3600).at(0).point.sum, 4);
  clock_.Advance(int64_t{400} * 86400 * 1000);  // 470 days: gone
  ASSERT_TRUE(metrics_->Maintain().ok());
  EXPECT_TRUE(Read(kDuration, 3600, hour, hour + 3600).empty());
}

TEST_F(MetricStoreTest, ListsSeriesWithTheirDimensionsAndSurvivesReopening) {
  metrics_->RecordValue(kDuration, 1, 1, kNowMs, false);
  metrics_->RecordValue({"AWS/Lambda", "Invocations", "Count", {}}, 1, 1, kNowMs, false);
  metrics_->RecordValue({"App", "Orders", "Count", {{"b", "2"}, {"a", "1"}}}, 1, 1, kNowMs, false);
  Close();  // stopping commits what is pending
  Open();
  auto lambda = metrics_->ListSeries({.name_space = "AWS/Lambda"});
  ASSERT_TRUE(lambda.ok());
  ASSERT_EQ(lambda->size(), 2u);
  auto app = metrics_->ListSeries({.name_space = "App", .metric = "Orders"});
  ASSERT_TRUE(app.ok());
  ASSERT_EQ(app->size(), 1u);
  using Dims = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(app->at(0).key.dimensions, (Dims{{"a", "1"}, {"b", "2"}}));
  auto recent = metrics_->ListSeries({.active_since_ms = kNowMs + 3'600'000});
  ASSERT_TRUE(recent.ok());
  EXPECT_TRUE(recent->empty());
}

TEST_F(MetricStoreTest, StatisticSetsKeepNoDistribution) {
  SeriesKey key{"App", "Batch", "Count", {}};
  metrics_->RecordStatistics(key, 4, 20, 1, 9, kNowMs, false);
  ASSERT_TRUE(metrics_->FlushBlocking().ok());
  int64_t minute = kNowMs / 60000 * 60;
  auto points = Read(key, 60, minute, minute + 60);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(*points[0].point.Statistic("Average"), 5);
  EXPECT_FALSE(points[0].point.Statistic("p50").has_value());
}

}  // namespace
}  // namespace evoke::observe
