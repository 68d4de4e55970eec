// What the asynchronous delivery of a function's events needs to know about the function: its
// event invoke configuration (PutFunctionEventInvokeConfig) and whether its resource-based
// policy lets a sender invoke it. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/functions.h"

namespace evoke::lambda {

struct EventInvokeConfig {
  int maximum_retry_attempts = 2;     // 0-2
  int maximum_event_age_s = 21'600;   // 60-21600
  std::string on_success;             // destination ARN (function or S3 bucket), or empty
  std::string on_failure;
  int64_t last_modified_ms = 0;
};

// The function's event invoke configuration, or Lambda's defaults when it has none.
EventInvokeConfig EffectiveEventInvokeConfig(const store::FunctionRecord& function);

// Whether the resource-based policy (GetPolicy's document; empty: none) has a statement that
// allows `principal` ("s3.amazonaws.com", ...) the action lambda:InvokeFunction, with its
// ArnLike/ArnEquals/StringEquals conditions on AWS:SourceArn and AWS:SourceAccount satisfied by
// `source_arn` and `source_account`.
bool PolicyAllowsInvoke(std::string_view policy, std::string_view principal,
                        std::string_view source_arn, std::string_view source_account);

}  // namespace evoke::lambda
