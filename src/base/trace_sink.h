// TraceSink: where a module records the X-Ray segments evoke makes itself (Lambda's AWS::Lambda
// and AWS::Lambda::Function segments of a sampled, actively traced invocation) without knowing
// how they are kept (docs/tracing.md). The observe module implements it (observe/trace_store.h);
// `app` hands it to the modules that record. Recording is an in-memory update, safe from any
// thread.
#pragma once

#include <string>
#include <vector>

namespace evoke {

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  // Segment documents (JSON text with id, trace_id, name, start_time and end_time).
  virtual void Record(std::vector<std::string> documents) = 0;
};

}  // namespace evoke
