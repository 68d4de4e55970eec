#include "observe/emf.h"

#include <gtest/gtest.h>

namespace evoke::observe {
namespace {

TEST(Emf, MetricsOfEachDimensionSet) {
  auto values = ParseEmf(
      R"({"_aws": {"Timestamp": 1700000000000, "CloudWatchMetrics": [{"Namespace": "shop",
          "Dimensions": [["Service"], ["Service", "Stage"]],
          "Metrics": [{"Name": "Orders", "Unit": "Count"},
                      {"Name": "Latency", "Unit": "Milliseconds", "StorageResolution": 1}]}]},
          "Service": "cart", "Stage": "prod", "Orders": [1, 2], "Latency": 12.5})");
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[0].series.name_space, "shop");
  EXPECT_EQ(values[0].series.metric, "Orders");
  EXPECT_EQ(values[0].series.unit, "Count");
  using Dims = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(values[0].series.dimensions, (Dims{{"Service", "cart"}}));
  EXPECT_EQ(values[0].values, (std::vector<double>{1, 2}));
  EXPECT_EQ(values[0].timestamp_ms, 1700000000000);
  EXPECT_FALSE(values[0].high_resolution);
  EXPECT_EQ(values[1].series.dimensions, (Dims{{"Service", "cart"}, {"Stage", "prod"}}));
  EXPECT_EQ(values[2].series.metric, "Latency");
  EXPECT_TRUE(values[2].high_resolution);
  EXPECT_EQ(values[2].values, (std::vector<double>{12.5}));
}

TEST(Emf, NoDimensionSetsAndNoUnit) {
  auto values = ParseEmf(
      R"({"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[],
          "Metrics":[{"Name":"m"}]}]},"m":3})");
  ASSERT_EQ(values.size(), 1u);
  EXPECT_TRUE(values[0].series.dimensions.empty());
  EXPECT_EQ(values[0].series.unit, "None");
}

TEST(Emf, LinesThatBreakTheRulesGiveNothing) {
  for (const char* line : {
           "START RequestId: x Version: $LATEST",
           R"({"_aws": 1})",
           R"({"_aws": {"CloudWatchMetrics": []}})",  // no Timestamp
           R"({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "n",)"
           R"("Dimensions": [["D"]], "Metrics": [{"Name": "m"}]}]}, "m": 1})",  // D missing
           R"({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "n",)"
           R"("Dimensions": [], "Metrics": [{"Name": "m"}]}]}, "m": "1"})",  // not a number
           R"({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "",)"
           R"("Dimensions": [], "Metrics": [{"Name": "m"}]}]}, "m": 1})",  // empty namespace
           R"({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "n",)"
           R"("Dimensions": [], "Metrics": [{"Name": "m", "StorageResolution": 5}]}]}, "m": 1})",
           R"({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "n",)"
           R"("Dimensions": [], "Metrics": [{"Name": "m"}]}]}, "m": []})",
           R"({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "n", "Dimen)",
       }) {
    EXPECT_TRUE(ParseEmf(line).empty()) << line;
  }
}

TEST(Emf, BoundsAreCloudWatchs) {
  std::string values = "[";
  for (int i = 0; i < 101; ++i) values += (i ? ",1" : "1");
  values += "]";
  EXPECT_TRUE(ParseEmf(R"({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "n",)"
                       R"("Dimensions": [], "Metrics": [{"Name": "m"}]}]}, "m": )" +
                       values + "}")
                  .empty());
  std::string dims = "[";
  std::string members;
  for (int i = 0; i < 31; ++i) {
    dims += (i ? ",\"d" : "\"d") + std::to_string(i) + "\"";
    members += ",\"d" + std::to_string(i) + "\":\"v\"";
  }
  dims += "]";
  EXPECT_TRUE(ParseEmf(R"({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "n",)"
                       R"("Dimensions": [)" + dims + R"(], "Metrics": [{"Name": "m"}]}]}, "m": 1)" +
                       members + "}")
                  .empty());
}

}  // namespace
}  // namespace evoke::observe
