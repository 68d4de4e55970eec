#include "observe/metric_accumulator.h"

#include <gtest/gtest.h>

#include <thread>

namespace evoke::observe {
namespace {

SeriesKey Duration(std::string function) {
  return {"AWS/Lambda", "Duration", "Milliseconds", {{"FunctionName", std::move(function)}}};
}

TEST(MetricAccumulator, PointsPerMinuteAndSecond) {
  MetricAccumulator acc;
  acc.Record(Duration("f"), 10, 120'500);            // minute 120 s, standard resolution
  acc.Record(Duration("f"), 30, 179'999);
  acc.Record(Duration("g"), 5, 120'000);
  acc.Record(Duration("f"), 7, 180'250, true);       // next minute, and its second
  auto changed = acc.Take();
  ASSERT_EQ(changed.size(), 4u);
  std::map<std::tuple<std::string, int, int64_t>, MetricPoint> by;
  for (auto& c : changed) by[{c.series.dimensions[0].second, c.key.period_s, c.key.start_s}] = c.point;
  auto sum = [&by](std::string f, int period, int64_t start) {
    return by[std::make_tuple(f, period, start)].Statistic("Sum");
  };
  EXPECT_EQ(sum("f", 60, 120), 40);
  EXPECT_EQ(by[std::make_tuple("f", 60, 120)].Statistic("SampleCount"), 2);
  EXPECT_EQ(sum("g", 60, 120), 5);
  EXPECT_EQ(sum("f", 60, 180), 7);
  EXPECT_EQ(sum("f", 1, 180), 7);
  EXPECT_TRUE(acc.Take().empty());
}

TEST(MetricAccumulator, DimensionOrderAndUnitNameOneSeries) {
  SeriesKey a{"App", "Latency", "", {{"b", "2"}, {"a", "1"}}};
  SeriesKey b{"App", "Latency", "None", {{"a", "1"}, {"b", "2"}}};
  EXPECT_EQ(a.Canonical().Encode(), b.Canonical().Encode());
  // Names and values cannot run into each other.
  SeriesKey c{"App", "Latency", "None", {{"a\",\"1", ""}}};
  EXPECT_NE(c.Encode(), b.Canonical().Encode());
  MetricAccumulator acc;
  acc.Record(a, 1, 0);
  acc.Record(b, 2, 0);
  acc.RecordStatistics(b, 3, 30, 5, 15, 0);
  auto changed = acc.Take();
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].point.Statistic("SampleCount"), 5);
  EXPECT_EQ(changed[0].point.Statistic("Maximum"), 15);
}

TEST(MetricAccumulator, RecordingByPartsIsTheSameSeries) {
  // The parts path (what MetricSink::Record takes) and the SeriesKey path meet in one series,
  // sorted dimensions or not, unit given or not; its key and series are those of the SeriesKey.
  MetricAccumulator acc;
  SeriesKey key{"App", "Latency", "None", {{"a", "1"}, {"b", "x\"y"}}};
  acc.Record(key, 1, 60'000);
  acc.Record("App", "Latency", "None", {{"a", "1"}, {"b", "x\"y"}}, 2, 61'000);
  acc.Record("App", "Latency", "None", {{"b", "x\"y"}, {"a", "1"}}, 3, 62'000);
  acc.Record("App", "Latency", "", {{"a", "1"}, {"b", "x\"y"}}, 4, 63'000);
  acc.Record("App", "Latency", "None", {{"a", "1"}}, 5, 64'000);
  auto changed = acc.Take();
  ASSERT_EQ(changed.size(), 2u);
  const auto& both = changed[0].series.dimensions.size() == 2 ? changed[0] : changed[1];
  EXPECT_EQ(both.key.series, key.Encode());
  EXPECT_EQ(both.series, key);
  EXPECT_EQ(both.point.Statistic("Sum"), 10);
  EXPECT_EQ(both.point.Statistic("SampleCount"), 4);
}

TEST(MetricAccumulator, RecordsFromManyThreads) {
  MetricAccumulator acc;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&acc, t] {
      for (int i = 0; i < 1000; ++i) acc.Record(Duration("f" + std::to_string(i % 3)), t, 60'000);
    });
  }
  for (auto& t : threads) t.join();
  // Each thread records into a shard of its own; Take gives one point per series and minute.
  auto changed = acc.Take();
  ASSERT_EQ(changed.size(), 3u);
  double total = 0;
  for (auto& c : changed) total += *c.point.Statistic("SampleCount");
  EXPECT_EQ(total, 4000);
}

}  // namespace
}  // namespace evoke::observe
