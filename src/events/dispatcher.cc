#include "events/dispatcher.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/ids.h"
#include "base/log.h"
#include "base/time_format.h"
#include "base/trace_header.h"
#include "lambda/lambda_metrics.h"

namespace evoke::events {
namespace {

using nlohmann::json;

// Throttled events wait 1 s, doubling to 5 minutes (Lambda's documented backoff).
int64_t ThrottleBackoffMs(int throttles) {
  int64_t ms = 1000;
  for (int i = 1; i < throttles && ms < 300'000; ++i) ms *= 2;
  return std::min<int64_t>(ms, 300'000);
}

std::string SourceJson(const lambda::AsyncEvent& e) {
  json source = json::object();
  if (!e.principal.empty()) {
    source = {{"principal", e.principal},
              {"sourceArn", e.source_arn},
              {"sourceAccount", e.source_account}};
    if (!e.role_arn.empty()) source["roleArn"] = e.role_arn;
  }
  // The X-Ray header every run of the event continues (docs/tracing.md).
  if (!e.trace_header.empty()) source["traceHeader"] = e.trace_header;
  return source.dump();
}

std::string TraceHeaderOf(const store::QueuedEvent& e) {
  json j = json::parse(e.source, nullptr, false);
  if (!j.is_object()) return "";
  return j.value("traceHeader", "");
}

lambda::Sender SenderOf(const store::QueuedEvent& e) {
  lambda::Sender sender;
  json j = json::parse(e.source, nullptr, false);
  if (!j.is_object()) return sender;
  sender.principal = j.value("principal", "");
  sender.source_arn = j.value("sourceArn", "");
  sender.source_account = j.value("sourceAccount", "");
  sender.role_arn = j.value("roleArn", "");
  return sender;
}

// A payload as the invocation record embeds it: the JSON itself, or a string when it is not
// JSON.
json Embedded(const std::string& payload) {
  json j = json::parse(payload, nullptr, false);
  if (j.is_discarded()) return payload;
  return j;
}

// The name in "arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]", or empty.
std::string FunctionNameOfArn(std::string_view arn) {
  constexpr std::string_view kMarker = ":function:";
  if (!arn.starts_with("arn:aws:lambda:")) return "";
  size_t at = arn.find(kMarker);
  if (at == std::string_view::npos) return "";
  std::string_view rest = arn.substr(at + kMarker.size());
  return std::string(rest.substr(0, rest.find(':')));
}

// The bucket in "arn:aws:s3:::BUCKET", or empty.
std::string BucketOfArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:s3:::";
  if (!arn.starts_with(kPrefix)) return "";
  return std::string(arn.substr(kPrefix.size()));
}

// Lambda's key for records sent to S3:
// aws/lambda/async/FUNCTION/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-UUID
std::string RecordKey(const std::string& function, int64_t now_ms) {
  std::string stamp = FormatIso8601(now_ms / 1000);  // 2026-11-30T05:06:07Z
  std::string day = stamp.substr(0, 10);
  std::replace(day.begin(), day.end(), '-', '/');
  std::string time = stamp.substr(0, 19);
  std::replace(time.begin(), time.end(), ':', '.');
  return "aws/lambda/async/" + function + "/" + day + "/" + time + "-" + NewUuid();
}

}  // namespace

Dispatcher::Dispatcher(std::vector<asio::io_context*> contexts, store::Transactions& txns,
                       store::AsyncQueueStore& queue, s3::ObjectAccess& objects, const Clock& clock,
                       const lambda::Invoker& invoker, DispatcherOptions options)
    : contexts_(std::move(contexts)),
      txns_(txns),
      queue_(queue),
      objects_(objects),
      clock_(clock),
      invoker_(invoker),
      options_(std::move(options)),
      timer_(*contexts_[0]) {
  queue_.OnReady([this] { Pump(); });
}

Dispatcher::~Dispatcher() { queue_.OnReady(nullptr); }

Status Dispatcher::Enqueue(store::WriteTxn& t, lambda::AsyncEvent event) {
  store::QueuedEvent row;
  // An event that comes without a trace (a schedule, an S3 write that carried none) starts one;
  // the function's tracing mode decides its sampling when it runs.
  if (event.trace_header.empty()) event.trace_header = "Root=" + NewTraceId(clock_.NowMs());
  row.function = std::move(event.function);
  row.request_id = std::move(event.request_id);
  row.source = SourceJson(event);
  row.payload = std::move(event.payload);
  row.received_ms = clock_.NowMs();
  row.due_ms = row.received_ms;
  std::string function = row.function;
  auto id = queue_.Enqueue(t, std::move(row));
  if (!id.ok()) return std::move(id).error();
  t.AfterCommit([this, function = std::move(function)] {
    Count(function, "AsyncEventsReceived");
    std::lock_guard lock(mutex_);
    ++stats_.received;
  });
  return {};
}

void Dispatcher::Start() {
  if (size_t left = queue_.size(); left > 0) {
    LogInfo("events: " + std::to_string(left) +
            " asynchronous invocation(s) left queued by the last run");
  }
  {
    std::lock_guard lock(mutex_);
    started_ = true;
  }
  asio::co_spawn(*contexts_[0], TimerLoop(), LogIfFailed{"events: the dispatcher's timer"});
  Pump();
}

void Dispatcher::Wake() {
  asio::post(*contexts_[0], [this] { timer_.cancel(); });
}

void Dispatcher::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  Wake();
}

DispatcherStats Dispatcher::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

Dispatcher::QueueFigures Dispatcher::queue_figures() const {
  QueueFigures f;
  f.events = queue_.size();
  if (std::optional<int64_t> due = queue_.NextDue()) {
    f.overdue_ms = std::max<int64_t>(0, clock_.NowMs() - *due);
  }
  std::lock_guard lock(mutex_);
  f.in_flight = in_flight_;
  return f;
}

void Dispatcher::Pump() {
  std::vector<store::QueuedEvent> claimed;
  std::vector<asio::io_context*> homes;
  {
    std::lock_guard lock(mutex_);
    if (!started_ || stopping_ || in_flight_ >= options_.max_in_flight) return;
    claimed = queue_.Claim(clock_.NowMs(), options_.lease,
                           static_cast<size_t>(options_.max_in_flight - in_flight_));
    in_flight_ += static_cast<int>(claimed.size());
    for (size_t i = 0; i < claimed.size(); ++i) {
      homes.push_back(contexts_[next_context_++ % contexts_.size()]);
    }
  }
  for (size_t i = 0; i < claimed.size(); ++i) {
    asio::co_spawn(*homes[i], Run(std::move(claimed[i])),
                   LogIfFailed{"events: an asynchronous invocation"});
  }
}

Task<void> Dispatcher::TimerLoop() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) co_return;
    }
    Pump();
    // At most a second at a time, so a clock that jumps (the test clock) and leases that ran out
    // are noticed.
    int64_t wait_ms = 1000;
    if (auto due = queue_.NextDue()) wait_ms = std::clamp<int64_t>(*due - clock_.NowMs(), 1, 1000);
    timer_.expires_after(std::chrono::milliseconds(wait_ms));
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

Task<void> Dispatcher::Run(store::QueuedEvent event) {
  const std::string name = event.function;
  auto found = invoker_.DescribeAsync(name, SenderOf(event));
  if (!found.ok()) {
    LogWarning("events: cannot read function " + name + ": " + found.error().message);
    Throttled(event);
    co_return;
  }
  if (!*found) {
    LogWarning("events: dropped event " + event.request_id + ": function " + name +
               " does not exist");
    Drop(event);
    co_return;
  }
  const lambda::AsyncTarget target = std::move(**found);
  if (clock_.NowMs() - event.received_ms > int64_t{target.maximum_event_age_s} * 1000) {
    Finish(event, event.attempts, target.function_arn, "EventAgeExceeded", nullptr,
           target.on_failure);
    co_return;
  }
  if (!target.sender_allowed) {
    const lambda::Sender sender = SenderOf(event);
    LogWarning("events: dropped event " + event.request_id + ": " +
               (sender.role_arn.empty()
                    ? "the resource policy of " + name + " does not allow " + sender.principal +
                          " to invoke it from " + sender.source_arn
                    : "the role " + sender.role_arn + " of " + sender.source_arn +
                          " may not invoke " + name));
    Drop(event);
    co_return;
  }

  if (options_.metrics) {
    lambda::RecordFunctionMetric(*options_.metrics, name, "AsyncEventAge", "Milliseconds",
                                 static_cast<double>(clock_.NowMs() - event.received_ms),
                                 options_.metrics->NowMs());
  }
  lambda::RunRequest request{name, event.payload, event.request_id, "", TraceHeaderOf(event)};
  auto result = co_await invoker_.Run(std::move(request));
  lambda::RunResult outcome;
  if (result.ok()) {
    outcome = std::move(*result);
  } else if (result.error().code == "TooManyRequestsException") {
    // No concurrency at all (reserved 0) sends events straight to the failure destination, as
    // Lambda does; otherwise the event waits and tries again.
    if (target.no_concurrency) {
      Finish(event, event.attempts, target.function_arn, "RetriesExhausted", nullptr,
             target.on_failure);
    } else {
      Throttled(event);
    }
    co_return;
  } else {
    // An environment failure (a package that does not unzip, ...) counts as a failed attempt.
    outcome.function_error = true;
    outcome.payload =
        json{{"errorType", result.error().code}, {"errorMessage", result.error().message}}.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  const int attempts = event.attempts + 1;
  if (!outcome.function_error) {
    Finish(event, attempts, target.function_arn, "Success", &outcome, target.on_success);
    co_return;
  }
  if (attempts <= target.maximum_retry_attempts) {
    size_t i = std::min(static_cast<size_t>(attempts - 1), options_.retry_delays_ms.size() - 1);
    int64_t delay = options_.retry_delays_ms.empty() ? 0 : options_.retry_delays_ms[i];
    RetryLater(event, attempts, delay);
    co_return;
  }
  Finish(event, attempts, target.function_arn, "RetriesExhausted", &outcome, target.on_failure);
}

void Dispatcher::WriteInBackground(std::function<Status(store::WriteTxn&)> apply,
                                   std::string what) {
  store::WriteJob job;
  job.apply = std::move(apply);
  job.done = [what = std::move(what)](Status s) {
    if (!s.ok()) LogError("events: cannot " + what + ": " + s.error().message);
  };
  txns_.Submit(std::move(job));
}

void Dispatcher::Settled(int64_t id, bool done) {
  {
    std::lock_guard lock(mutex_);
    --in_flight_;
    if (done) throttles_.erase(id);
  }
  Pump();
}

void Dispatcher::RetryLater(const store::QueuedEvent& event, int attempts, int64_t delay_ms) {
  // The attempt count survives a restart; the event is claimable again once this commits.
  int64_t id = event.id;
  uint64_t lease = event.lease;
  int64_t due = clock_.NowMs() + delay_ms;
  WriteInBackground(
      [this, id, lease, attempts, due](store::WriteTxn& t) {
        return queue_.Retry(t, id, lease, attempts, due);
      },
      "record an attempt");
  {
    std::lock_guard lock(mutex_);
    ++stats_.retried;
  }
  Settled(id, /*done=*/true);
}

void Dispatcher::Throttled(const store::QueuedEvent& event) {
  int throttles = 0;
  {
    std::lock_guard lock(mutex_);
    throttles = ++throttles_[event.id];
    ++stats_.throttled;
  }
  queue_.Release(event.id, event.lease, clock_.NowMs() + ThrottleBackoffMs(throttles));
  Settled(event.id, /*done=*/false);
}

void Dispatcher::Count(const std::string& function, std::string_view metric) {
  if (!options_.metrics) return;
  lambda::RecordFunctionMetric(*options_.metrics, function, metric, "Count", 1,
                               options_.metrics->NowMs());
}

void Dispatcher::Drop(const store::QueuedEvent& event) {
  int64_t id = event.id;
  uint64_t lease = event.lease;
  WriteInBackground([this, id, lease](store::WriteTxn& t) { return queue_.Ack(t, id, lease); },
                    "delete a dropped event");
  Count(event.function, "AsyncEventsDropped");
  {
    std::lock_guard lock(mutex_);
    ++stats_.dropped;
  }
  Settled(id, /*done=*/true);
}

void Dispatcher::Finish(const store::QueuedEvent& event, int attempts,
                        const std::string& function_arn, const std::string& condition,
                        const lambda::RunResult* result, const std::string& destination) {
  const int64_t now = clock_.NowMs();
  std::string record;
  if (!destination.empty()) {
    json r = {{"version", "1.0"},
              {"timestamp", FormatIso8601Ms(now)},
              {"requestContext",
               {{"requestId", event.request_id},
                {"functionArn", function_arn + ":$LATEST"},
                {"condition", condition},
                {"approximateInvokeCount", attempts}}},
              {"requestPayload", Embedded(event.payload)}};
    if (result) {
      json context = {{"statusCode", 200}, {"executedVersion", "$LATEST"}};
      if (result->function_error) context["functionError"] = "Unhandled";
      r["responseContext"] = std::move(context);
      r["responsePayload"] = Embedded(result->payload);
    }
    // A function's answer need not be UTF-8 (a provided runtime sends bytes): replace what is not.
    record = r.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  int64_t id = event.id;
  uint64_t lease = event.lease;
  std::string function = event.function;
  std::string trace_header = TraceHeaderOf(event);
  WriteInBackground(
      [this, id, lease, function, destination, record, now,
       trace_header](store::WriteTxn& t) -> Status {
        if (Status s = queue_.Ack(t, id, lease); !s.ok() || destination.empty()) return s;
        // A destination that cannot take the record loses it (Lambda counts a
        // DestinationDeliveryFailure); the event itself is finished either way.
        Status delivered = t.Nested([&]() -> Status {
          if (std::string target = FunctionNameOfArn(destination); !target.empty()) {
            lambda::AsyncEvent next;
            next.function = target;
            next.payload = record;
            next.request_id = NewUuid();
            next.trace_header = trace_header;  // the destination continues the trace
            return Enqueue(t, std::move(next));
          }
          if (std::string bucket = BucketOfArn(destination); !bucket.empty()) {
            return objects_.PutSmallObject(t, bucket, RecordKey(function, now), record,
                                           "application/json");
          }
          return MakeError("InvalidParameterValueException", "unsupported destination");
        });
        if (!delivered.ok()) {
          Count(function, "DestinationDeliveryFailures");
          LogWarning("events: could not deliver the invocation record of " + function + " to " +
                     destination + ": " + delivered.error().message);
        }
        return {};
      },
      "finish an event");
  {
    std::lock_guard lock(mutex_);
    if (condition == "Success") {
      ++stats_.succeeded;
    } else {
      ++stats_.failed;
    }
  }
  // An event that ends without a successful run is dropped, destination or not.
  if (condition != "Success") Count(event.function, "AsyncEventsDropped");
  Settled(id, /*done=*/true);
}

}  // namespace evoke::events
