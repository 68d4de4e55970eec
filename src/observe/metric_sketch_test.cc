#include "observe/metric_sketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace evoke::observe {
namespace {

// The value of rank floor(q·(n-1)) of the sorted values: what Quantile estimates.
double Exact(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(q * static_cast<double>(values.size() - 1))];
}

void ExpectWithinAccuracy(double estimate, double exact) {
  EXPECT_LE(std::abs(estimate - exact), MetricSketch::kRelativeAccuracy * std::abs(exact) + 1e-12)
      << "estimate " << estimate << " exact " << exact;
}

TEST(MetricSketch, PercentilesAreWithinTheRelativeAccuracy) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> durations(3.0, 1.5);  // milliseconds, long-tailed
  std::vector<double> values;
  MetricSketch sketch;
  for (int i = 0; i < 20000; ++i) {
    double v = durations(rng);
    values.push_back(v);
    sketch.Add(v);
  }
  EXPECT_EQ(sketch.count(), 20000u);
  for (double q : {0.0, 0.01, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    ExpectWithinAccuracy(*sketch.Quantile(q), Exact(values, q));
  }
}

TEST(MetricSketch, MergingIsTheSameAsAddingEverything) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> any(-1000, 1000);
  MetricSketch all, merged, part;
  std::vector<double> values;
  for (int minute = 0; minute < 60; ++minute) {
    part = MetricSketch();
    for (int i = 0; i < 50; ++i) {
      double v = minute % 7 == 0 ? 0.0 : any(rng);
      values.push_back(v);
      all.Add(v);
      part.Add(v);
    }
    merged.Merge(part);
  }
  EXPECT_EQ(merged, all);
  EXPECT_TRUE(merged.has_negative());
  for (double q : {0.0, 0.25, 0.5, 0.75, 0.99, 1.0}) {
    ExpectWithinAccuracy(*merged.Quantile(q), Exact(values, q));
  }
}

TEST(MetricSketch, CountsAndEdges) {
  MetricSketch s;
  EXPECT_FALSE(s.Quantile(0.5));
  s.Add(5, 3);
  s.Add(std::nan(""));
  s.Add(INFINITY);
  s.Add(1, 0);
  EXPECT_EQ(s.count(), 3u);
  ExpectWithinAccuracy(*s.Quantile(0.5), 5);
  EXPECT_FALSE(s.Quantile(1.5));
  EXPECT_FALSE(s.Quantile(-0.1));
  s.Add(0);
  EXPECT_EQ(*s.Quantile(0), 0.0);
  s.Add(std::ldexp(1.0, 360));  // CloudWatch's largest value
  ExpectWithinAccuracy(*s.Quantile(1), std::ldexp(1.0, 360));
}

TEST(MetricSketch, EncodesAndDecodes) {
  MetricSketch s;
  for (double v : {0.0, 1.0, 2.5, 2.5, -3.0, 1e6, 1e-6, -1e-200}) s.Add(v);
  auto back = MetricSketch::Decode(s.Encode());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s);
  EXPECT_EQ(*MetricSketch::Decode(MetricSketch().Encode()), MetricSketch());
  std::string bytes = s.Encode();
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(MetricSketch::Decode(bytes.substr(0, cut))) << cut;
  }
  EXPECT_FALSE(MetricSketch::Decode(bytes + "x"));
  EXPECT_FALSE(MetricSketch::Decode(std::string(20, '\xff')));
}

}  // namespace
}  // namespace evoke::observe
