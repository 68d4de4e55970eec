// AsyncQueue: the port through which Lambda hands over asynchronous invocations (Invoke with
// InvocationType Event); S3 notifications and schedules use it too. Lambda owns it; the events
// module's dispatcher implements it (a durable queue, docs/events.md) and app wires the two.
#pragma once

#include <string>

#include "base/result.h"
#include "store/txn.h"

namespace evoke::lambda {

struct AsyncEvent {
  std::string function;    // the function's name
  std::string payload;     // JSON
  std::string request_id;  // the invocation's id, kept through its retries
  // The sender, checked against the function's resource policy before each run: empty for a
  // direct Invoke (the API authenticated the caller), else "s3.amazonaws.com",
  // "events.amazonaws.com" or "scheduler.amazonaws.com" with the sending resource's ARN and
  // account.
  std::string principal;
  std::string source_arn;
  std::string source_account;
  std::string role_arn;  // a schedule's RoleArn, the event is delivered through (Sender)
  // The X-Ray header the event's runs continue (retries and destinations keep its Root); empty:
  // the queue starts a new trace (docs/tracing.md).
  std::string trace_header;
};

class AsyncQueue {
 public:
  virtual ~AsyncQueue() = default;
  // Persists `event` in the caller's transaction; it is dispatched once that has committed.
  virtual Status Enqueue(store::WriteTxn& t, AsyncEvent event) = 0;
};

}  // namespace evoke::lambda
