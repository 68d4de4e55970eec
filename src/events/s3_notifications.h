// FunctionNotifications: S3's notification sink for Lambda destinations. Checks a destination
// when a bucket's configuration is set, and turns each matching object event into an
// asynchronous invocation sent by s3.amazonaws.com on behalf of the bucket.
#pragma once

#include <string>
#include <string_view>

#include "lambda/async_queue.h"
#include "lambda/invoker.h"
#include "s3/object_events.h"

namespace evoke::events {

class FunctionNotifications final : public s3::NotificationSink {
 public:
  FunctionNotifications(const lambda::Invoker& invoker, lambda::AsyncQueue& queue)
      : invoker_(invoker), queue_(queue) {}

  Status CheckFunction(std::string_view function_arn, std::string_view bucket) override;
  Status InvokeFunction(store::WriteTxn& t, std::string_view function_arn, std::string payload,
                        std::string_view bucket, std::string_view trace_header) override;

 private:
  // The function's name when `arn` names one of this account's functions ($LATEST), or empty.
  std::string LocalFunctionName(std::string_view arn) const;

  const lambda::Invoker& invoker_;
  lambda::AsyncQueue& queue_;
};

}  // namespace evoke::events
