// The AWS::S3 segment evoke records for an S3 request that arrives in a sampled X-Ray trace
// (an `X-Amzn-Trace-Id` with `Sampled=1`, as the SDKs send it from inside an actively traced
// function): S3's side of the call, a child of the caller's segment (docs/tracing.md). Pure.
#pragma once

#include <string>
#include <string_view>

#include "base/trace_header.h"
#include "s3/request_metrics.h"

namespace evoke::s3 {

struct S3Segment {
  TraceHeader caller;        // its Root and Parent
  std::string id;            // this segment's id
  std::string request_id;    // S3's x-amz-request-id
  double start_s = 0;        // epoch seconds
  const RequestFacts* facts = nullptr;  // what was asked and answered (required)
};

// The segment document (JSON text).
std::string S3SegmentDocument(const S3Segment& segment);

}  // namespace evoke::s3
