#include "lambda/trace_segments.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace evoke::lambda {
namespace {

using nlohmann::json;

InvocationTrace Cold() {
  InvocationTrace t;
  t.trace_id = "1-5759e988-bd862e3fe1be46a994272793";
  t.caller_parent = "53995c3f42cd8ad8";
  t.service_segment_id = "1111111111111111";
  t.function_segment_id = "2222222222222222";
  t.function_name = "fn";
  t.function_arn = "arn:aws:lambda:us-east-1:000000000000:function:fn";
  t.request_id = "r";
  t.start_ms = 1465510280000;
  t.end_ms = 1465510280400;
  t.init_duration_ms = 150;
  t.duration_ms = 200;
  return t;
}

TEST(TraceSegments, ServiceAndFunctionSegmentsShareTheRoot) {
  auto docs = InvocationSegmentDocuments(Cold());
  ASSERT_EQ(docs.size(), 2u);
  json service = json::parse(docs[0]), function = json::parse(docs[1]);
  EXPECT_EQ(service["origin"], "AWS::Lambda");
  EXPECT_EQ(service["parent_id"], "53995c3f42cd8ad8");
  EXPECT_EQ(function["origin"], "AWS::Lambda::Function");
  EXPECT_EQ(function["parent_id"], "1111111111111111");
  EXPECT_EQ(function["id"], "2222222222222222");
  EXPECT_EQ(service["trace_id"], function["trace_id"]);
  ASSERT_EQ(function["subsegments"].size(), 2u);
  EXPECT_EQ(function["subsegments"][0]["name"], "Initialization");
  EXPECT_EQ(function["subsegments"][1]["name"], "Invocation");
  EXPECT_LE(function["subsegments"][1]["end_time"].get<double>(), service["end_time"].get<double>());
}

TEST(TraceSegments, WarmAndThrottled) {
  InvocationTrace warm = Cold();
  warm.init_duration_ms.reset();
  json function = json::parse(InvocationSegmentDocuments(warm)[1]);
  ASSERT_EQ(function["subsegments"].size(), 1u);
  EXPECT_EQ(function["subsegments"][0]["name"], "Invocation");
  InvocationTrace throttled = Cold();
  throttled.throttled = true;
  auto docs = InvocationSegmentDocuments(throttled);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(json::parse(docs[0])["http"]["response"]["status"], 429);
}

}  // namespace
}  // namespace evoke::lambda
