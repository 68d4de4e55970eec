// Unit tests of the pure parts of the sandbox layer.
#include <gtest/gtest.h>

#include "exec/report.h"

namespace evoke::exec {
namespace {

TEST(Report, LinesAsLambdaWritesThem) {
  EXPECT_EQ(StartLine("8476a536-e9f4-11e8-9739-2dfe598c3fcd", "$LATEST"),
            "START RequestId: 8476a536-e9f4-11e8-9739-2dfe598c3fcd Version: $LATEST");
  EXPECT_EQ(EndLine("id"), "END RequestId: id");
  InvocationReport r{"id", 1.42, 128, 39 * 1024 * 1024, std::nullopt};
  EXPECT_EQ(ReportLine(r),
            "REPORT RequestId: id\tDuration: 1.42 ms\tBilled Duration: 2 ms\tMemory Size: 128 "
            "MB\tMax Memory Used: 39 MB\t");
  r.init_duration_ms = 123.74;
  r.max_memory_used_bytes = 39 * 1024 * 1024 + 1;  // rounds up
  EXPECT_EQ(ReportLine(r),
            "REPORT RequestId: id\tDuration: 1.42 ms\tBilled Duration: 126 ms\tMemory Size: "
            "128 MB\tMax Memory Used: 40 MB\tInit Duration: 123.74 ms\t");
  r.status = "error";
  r.error_type = "Runtime.OutOfMemory";
  r.init_duration_ms.reset();
  EXPECT_EQ(ReportLine(r),
            "REPORT RequestId: id\tDuration: 1.42 ms\tBilled Duration: 2 ms\tMemory Size: "
            "128 MB\tMax Memory Used: 40 MB\tStatus: error\tError Type: Runtime.OutOfMemory\t");
  EXPECT_EQ(BilledDurationMs(0.01, std::nullopt), 1);
  EXPECT_EQ(BilledDurationMs(1448.90, 534.39), 1984);
}

}  // namespace
}  // namespace evoke::exec
