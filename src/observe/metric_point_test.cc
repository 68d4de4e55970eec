#include "observe/metric_point.h"

#include <gtest/gtest.h>

namespace evoke::observe {
namespace {

TEST(MetricPoint, StatisticsOfValuesAndOfMergedPoints) {
  MetricPoint a, b;
  for (double v : {10.0, 20.0, 30.0}) a.Add(v);
  b.Add(40, 2);
  b.AddStatistics(0, 0, 0, 0);  // nothing
  a.Merge(b);
  EXPECT_EQ(a.Statistic("SampleCount"), 5);
  EXPECT_EQ(a.Statistic("Sum"), 140);
  EXPECT_EQ(a.Statistic("Average"), 28);
  EXPECT_EQ(a.Statistic("Minimum"), 10);
  EXPECT_EQ(a.Statistic("Maximum"), 40);
  EXPECT_NEAR(*a.Statistic("p50"), 30, 0.3);
  EXPECT_EQ(a.Statistic("p100"), 40);  // clamped to the exact maximum
  EXPECT_FALSE(a.Statistic("Median"));
  EXPECT_FALSE(MetricPoint().Statistic("Sum"));
}

TEST(MetricPoint, PercentilesNeedADistributionOfNonNegativeValues) {
  MetricPoint sets;
  sets.AddStatistics(10, 100, 1, 20);
  EXPECT_EQ(sets.Statistic("Average"), 10);
  EXPECT_FALSE(sets.Statistic("p90"));
  // Equal values, or a single one, are a distribution.
  MetricPoint equal;
  equal.AddStatistics(4, 28, 7, 7);
  EXPECT_NEAR(*equal.Statistic("p50"), 7, 0.07);
  equal.AddStatistics(1, 9, 9, 9);
  EXPECT_EQ(equal.Statistic("p100"), 9);
  MetricPoint negative;
  negative.Add(-1);
  negative.Add(5);
  EXPECT_EQ(negative.Statistic("Minimum"), -1);
  EXPECT_FALSE(negative.Statistic("p50"));
}

TEST(MetricPoint, Percentiles) {
  EXPECT_EQ(ParsePercentile("p99"), 0.99);
  EXPECT_NEAR(*ParsePercentile("p99.9"), 0.999, 1e-12);
  EXPECT_EQ(ParsePercentile("p0"), 0.0);
  EXPECT_EQ(ParsePercentile("p100"), 1.0);
  EXPECT_FALSE(ParsePercentile("p100.1"));
  EXPECT_FALSE(ParsePercentile("p99.999"));
  EXPECT_FALSE(ParsePercentile("p"));
  EXPECT_FALSE(ParsePercentile("p-1"));
  EXPECT_FALSE(ParsePercentile("P50"));
  EXPECT_FALSE(ParsePercentile("p5x"));
}

}  // namespace
}  // namespace evoke::observe
