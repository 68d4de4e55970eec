#include "observe/xray_segments.h"

#include <gtest/gtest.h>


namespace evoke::observe {
namespace {

constexpr double kNow = 1465510280;  // the trace id's second
constexpr char kTrace[] = "1-5759e988-bd862e3fe1be46a994272793";

std::string Code(std::string_view doc) {
  auto r = ParseSegmentDocument(doc, kNow);
  if (auto* rejected = std::get_if<SegmentRejection>(&r)) return rejected->code;
  return "ok";
}

TEST(XRaySegments, AcceptsAWholeAndAnInProgressSegment) {
  auto r = ParseSegmentDocument(
      R"({"id":"70de5b6f19ff9a0a","trace_id":"1-5759e988-bd862e3fe1be46a994272793","name":"svc",)"
      R"("start_time":1465510280.1,"end_time":1465510280.5,"http":{"response":{"status":502}},)"
      R"("fault":true})",
      kNow);
  ASSERT_TRUE(std::holds_alternative<SegmentInfo>(r));
  const SegmentInfo& s = std::get<SegmentInfo>(r);
  EXPECT_EQ(s.trace_id, kTrace);
  EXPECT_EQ(s.http_status, 502);
  EXPECT_TRUE(s.fault);
  EXPECT_EQ(Code(R"({"id":"70de5b6f19ff9a0a","trace_id":"1-5759e988-bd862e3fe1be46a994272793",)"
                 R"("name":"svc","start_time":1465510280,"in_progress":true})"),
            "ok");
}

TEST(XRaySegments, RejectsWithXRaysCodes) {
  EXPECT_EQ(Code("not json"), "ParseError");
  EXPECT_EQ(Code("[]"), "ParseError");
  EXPECT_EQ(Code(R"({"trace_id":"1-5759e988-bd862e3fe1be46a994272793"})"), "MissingId");
  EXPECT_EQ(Code(R"({"id":"zz","trace_id":"x"})"), "InvalidId");
  EXPECT_EQ(Code(R"({"id":"70de5b6f19ff9a0a","name":"a","start_time":1,"end_time":2})"),
            "MissingTraceId");
  EXPECT_EQ(Code(R"({"id":"70de5b6f19ff9a0a","trace_id":"1-abc","name":"a","start_time":1})"),
            "InvalidTraceId");
  // Older than X-Ray's 30 days.
  EXPECT_EQ(Code(R"({"id":"70de5b6f19ff9a0a","trace_id":"1-4759e988-bd862e3fe1be46a994272793",)"
                 R"("name":"a","start_time":1,"end_time":2})"),
            "InvalidTraceId");
  std::string base = R"({"id":"70de5b6f19ff9a0a","trace_id":"1-5759e988-bd862e3fe1be46a994272793")";
  EXPECT_EQ(Code(base + R"(,"start_time":1,"end_time":2})"), "MissingName");
  EXPECT_EQ(Code(base + R"(,"name":"a<b>","start_time":1,"end_time":2})"), "InvalidName");
  EXPECT_EQ(Code(base + R"(,"name":"a"})"), "MissingStartTime");
  EXPECT_EQ(Code(base + R"(,"name":"a","start_time":"x","end_time":2})"), "InvalidStartTime");
  EXPECT_EQ(Code(base + R"(,"name":"a","start_time":1})"), "MissingEndTime");
  EXPECT_EQ(Code(base + R"(,"name":"a","start_time":1,"end_time":2,"type":"subsegment"})"),
            "MissingParentId");
  EXPECT_EQ(Code(base + R"(,"name":"a","start_time":1,"end_time":2,"pad":")" +
                 std::string(70'000, 'x') + "\"}"),
            "SegmentTooLarge");
  // Members of unexpected types do not throw.
  EXPECT_EQ(Code(base + R"(,"name":"a","start_time":1,"in_progress":"yes","type":3})"),
            "MissingEndTime");
}

}  // namespace
}  // namespace evoke::observe
