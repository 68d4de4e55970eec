#include "base/trace_header.h"

#include <gtest/gtest.h>

namespace evoke {
namespace {

constexpr char kRoot[] = "1-5759e988-bd862e3fe1be46a994272793";

TEST(TraceHeader, ParsesAndFormats) {
  auto h = ParseTraceHeader(std::string("Root=") + kRoot + ";Parent=53995c3f42cd8ad8;Sampled=1");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->root, kRoot);
  EXPECT_EQ(h->parent, "53995c3f42cd8ad8");
  EXPECT_EQ(h->sampled, true);
  EXPECT_EQ(FormatTraceHeader(*h),
            std::string("Root=") + kRoot + ";Parent=53995c3f42cd8ad8;Sampled=1");
  // Spaces, other fields (kept), an open decision.
  h = ParseTraceHeader(std::string(" Root=") + kRoot + " ; Lineage=a87bd80c:0 ;Sampled=?");
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->sampled);
  EXPECT_EQ(FormatTraceHeader(*h), std::string("Root=") + kRoot + ";Lineage=a87bd80c:0");
}

TEST(TraceHeader, RefusesMalformed) {
  EXPECT_FALSE(ParseTraceHeader(""));
  EXPECT_FALSE(ParseTraceHeader("Parent=53995c3f42cd8ad8;Sampled=1"));  // no Root
  EXPECT_FALSE(ParseTraceHeader("Root=1-5759e988-bd86"));
  EXPECT_FALSE(ParseTraceHeader("Root=2-5759e988-bd862e3fe1be46a994272793"));
  EXPECT_FALSE(ParseTraceHeader(std::string("Root=") + kRoot + ";Parent=xyz"));
  EXPECT_FALSE(ParseTraceHeader(std::string("Root=") + kRoot + ";Sampled=yes"));
  EXPECT_FALSE(ParseTraceHeader(std::string("Root=") + kRoot + ";garbage"));
}

TEST(TraceHeader, ContinuesTheCallersTrace) {
  auto caller = ParseTraceHeader(std::string("Root=") + kRoot + ";Parent=53995c3f42cd8ad8;Sampled=0");
  // Same Root, the caller's decision (even for Active), a new Parent.
  TraceHeader h = ContinueTrace(caller, /*active=*/true, "1-00000000-000000000000000000000000",
                                "1111111111111111");
  EXPECT_EQ(h.root, kRoot);
  EXPECT_EQ(h.sampled, false);
  EXPECT_EQ(h.parent, "1111111111111111");
  // An open decision is the function's.
  caller = ParseTraceHeader(std::string("Root=") + kRoot);
  EXPECT_EQ(ContinueTrace(caller, true, "x", "1111111111111111").sampled, true);
  EXPECT_EQ(ContinueTrace(caller, false, "x", "1111111111111111").sampled, false);
}

TEST(TraceHeader, StartsANewTrace) {
  TraceHeader active = ContinueTrace(std::nullopt, true, kRoot, "2222222222222222");
  EXPECT_EQ(FormatTraceHeader(active), std::string("Root=") + kRoot + ";Parent=2222222222222222;Sampled=1");
  TraceHeader passive = ContinueTrace(std::nullopt, false, kRoot, "2222222222222222");
  EXPECT_EQ(passive.sampled, false);
}

TEST(TraceHeader, NewIds) {
  std::string id = NewTraceId(1465510280123);
  EXPECT_TRUE(IsValidTraceId(id));
  EXPECT_EQ(id.substr(0, 11), "1-5759e988-");
  EXPECT_EQ(TraceIdEpochSeconds(id), 1465510280);
  EXPECT_TRUE(IsValidSegmentId(NewSegmentId()));
  EXPECT_FALSE(IsValidSegmentId("53995c3f42cd8ad"));
}

}  // namespace
}  // namespace evoke
