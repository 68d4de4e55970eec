// The Lambda control-plane actions, one function each (one file each, named after the action).
// Each answers through the Context or returns an error for the service to render.
#pragma once

#include <string>
#include <string_view>

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
Task<Status> AddPermission(Context& ctx);
Task<Status> GetPolicy(Context& ctx);
Task<Status> RemovePermission(Context& ctx);
Task<Status> PutFunctionEventInvokeConfig(Context& ctx);
Task<Status> UpdateFunctionEventInvokeConfig(Context& ctx);
Task<Status> GetFunctionEventInvokeConfig(Context& ctx);
Task<Status> DeleteFunctionEventInvokeConfig(Context& ctx);
Task<Status> ListFunctionEventInvokeConfigs(Context& ctx);

// A synchronous invocation's payload limit.
inline constexpr size_t kMaxInvokePayloadBytes = 6'291'456;
// An asynchronous invocation's payload limit (1 MB since 2025; 256 KB before).
inline constexpr size_t kMaxAsyncPayloadBytes = 1'048'576;
Task<Status> GetFunction(Context& ctx);
Task<Status> PutFunctionConcurrency(Context& ctx);
Task<Status> GetFunctionConcurrency(Context& ctx);
Task<Status> DeleteFunctionConcurrency(Context& ctx);
Task<Status> GetAccountSettings(Context& ctx);
Task<Status> PublishLayerVersion(Context& ctx);
Task<Status> GetLayerVersion(Context& ctx);
Task<Status> GetLayerVersionByArn(Context& ctx);
Task<Status> ListLayers(Context& ctx);
Task<Status> ListLayerVersions(Context& ctx);
Task<Status> DeleteLayerVersion(Context& ctx);
// The download links' targets (code_link.h): a function's package, a layer version's archive.
Task<Status> DownloadFunctionPackage(Context& ctx);
Task<Status> DownloadLayerPackage(Context& ctx);

// OK when the caller may pass `role` (iam:PassRole, else AccessDeniedException) and Lambda may
// assume it (it exists and trusts lambda.amazonaws.com; else InvalidParameterValueException).
Status CheckExecutionRole(const Context& ctx, std::string_view role);

// A presigned download link for `path` on the Host the client used.
std::string CodeLocation(const Context& ctx, std::string_view path);

}  // namespace evoke::lambda
