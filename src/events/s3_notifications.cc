#include "events/s3_notifications.h"

#include "base/ids.h"
#include "base/trace_header.h"

namespace evoke::events {
namespace {

constexpr std::string_view kS3Principal = "s3.amazonaws.com";

std::string BucketArn(std::string_view bucket) { return "arn:aws:s3:::" + std::string(bucket); }

}  // namespace

std::string FunctionNotifications::LocalFunctionName(std::string_view arn) const {
  std::string prefix =
      "arn:aws:lambda:" + invoker_.region() + ":" + invoker_.account_id() + ":function:";
  if (!arn.starts_with(prefix)) return "";
  std::string_view rest = arn.substr(prefix.size());
  size_t colon = rest.find(':');
  if (colon != std::string_view::npos) {
    if (rest.substr(colon + 1) != "$LATEST") return "";  // evoke has no versions or aliases
    rest = rest.substr(0, colon);
  }
  return std::string(rest);
}

Status FunctionNotifications::CheckFunction(std::string_view function_arn,
                                            std::string_view bucket) {
  std::string name = LocalFunctionName(function_arn);
  if (name.empty()) return MakeError("InvalidArgument", "The destination function does not exist");
  auto found = invoker_.DescribeAsync(
      name, {std::string(kS3Principal), BucketArn(bucket), invoker_.account_id()});
  if (!found.ok()) return std::move(found).error();
  if (!*found) return MakeError("InvalidArgument", "The destination function does not exist");
  if (!(*found)->sender_allowed) {
    return MakeError("InvalidArgument",
                     "Not authorized to invoke function [" + std::string(function_arn) + "]");
  }
  return {};
}

Status FunctionNotifications::InvokeFunction(store::WriteTxn& t, std::string_view function_arn,
                                             std::string payload, std::string_view bucket,
                                             std::string_view trace_header) {
  lambda::AsyncEvent event;
  event.function = LocalFunctionName(function_arn);
  if (event.function.empty()) return {};  // a destination evoke cannot reach (validation skipped)
  event.payload = std::move(payload);
  event.request_id = NewUuid();
  event.principal = kS3Principal;
  event.source_arn = BucketArn(bucket);
  event.source_account = invoker_.account_id();
  // The write's trace, when its request carried one that parses; else the queue starts one.
  if (auto trace = ParseTraceHeader(trace_header)) event.trace_header = FormatTraceHeader(*trace);
  return queue_.Enqueue(t, std::move(event));
}

}  // namespace evoke::events
