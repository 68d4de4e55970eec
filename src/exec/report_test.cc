#include "exec/report.h"

#include <gtest/gtest.h>

namespace evoke::exec {
namespace {

TEST(Report, XrayLineFollowsReportInTheSameEvent) {
  InvocationReport r{"id-1", 1.5, 128, 40 << 20, 100.25, "", ""};
  EXPECT_EQ(ReportLine(r).find("XRAY"), std::string::npos);
  r.xray_trace_id = "1-5759e988-bd862e3fe1be46a994272793";
  r.xray_segment_id = "53995c3f42cd8ad8";
  EXPECT_EQ(ReportLine(r),
            "REPORT RequestId: id-1\tDuration: 1.50 ms\tBilled Duration: 102 ms\tMemory Size: 128 "
            "MB\tMax Memory Used: 40 MB\tInit Duration: 100.25 ms\t\nXRAY TraceId: "
            "1-5759e988-bd862e3fe1be46a994272793\tSegmentId: 53995c3f42cd8ad8\tSampled: true\t");
}

}  // namespace
}  // namespace evoke::exec
