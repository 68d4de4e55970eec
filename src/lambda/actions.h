// The Lambda control-plane actions, one function each (one file each, named after the action).
// Each answers through the Context or returns an error for the service to render.
#pragma once

#include "base/asio.h"
#include "base/result.h"
#include "lambda/service.h"

namespace evoke::lambda {

Task<Status> CreateFunction(Context& ctx);
Task<Status> GetFunctionConfiguration(Context& ctx);
Task<Status> ListFunctions(Context& ctx);
Task<Status> DeleteFunction(Context& ctx);
Task<Status> UpdateFunctionConfiguration(Context& ctx);
Task<Status> UpdateFunctionCode(Context& ctx);
Task<Status> Invoke(Context& ctx);

// A synchronous invocation's payload limit.
inline constexpr size_t kMaxInvokePayloadBytes = 6'291'456;

}  // namespace evoke::lambda
