#include "events/dispatcher.h"

#include <boost/asio/detached.hpp>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/hash.h"
#include "base/ids.h"
#include "base/log.h"
#include "base/time_format.h"
#include "lambda/async_settings.h"
#include "store/async_events.h"
#include "store/objects.h"

namespace evoke::events {
namespace {

using nlohmann::json;

// Throttled events wait 1 s, doubling to 5 minutes (Lambda's documented backoff).
int64_t ThrottleBackoffMs(int throttles) {
  int64_t ms = 1000;
  for (int i = 1; i < throttles && ms < 300'000; ++i) ms *= 2;
  return std::min<int64_t>(ms, 300'000);
}

std::string SourceJson(const AsyncEvent& e) {
  if (e.principal.empty()) return "{}";
  return json{{"principal", e.principal},
              {"sourceArn", e.source_arn},
              {"sourceAccount", e.source_account}}
      .dump();
}

void ReadSource(const std::string& text, AsyncEvent& e) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return;
  e.principal = j.value("principal", "");
  e.source_arn = j.value("sourceArn", "");
  e.source_account = j.value("sourceAccount", "");
}

// A payload as the invocation record embeds it: the JSON itself, or a string when it is not JSON.
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

}  // namespace

Dispatcher::Dispatcher(std::vector<asio::io_context*> contexts, store::Database& db,
                       store::Committer& committer, const Clock& clock,
                       const lambda::Invoker& invoker, DispatcherOptions options)
    : contexts_(std::move(contexts)),
      db_(db),
      committer_(committer),
      clock_(clock),
      invoker_(invoker),
      options_(std::move(options)),
      timer_(*contexts_[0]) {}

Dispatcher::~Dispatcher() = default;

Status Dispatcher::Enqueue(store::WriteTxn& t, AsyncEvent event) {
  store::AsyncEventRecord row;
  row.function = event.function;
  row.request_id = event.request_id;
  row.payload = event.payload;
  row.source = SourceJson(event);
  row.received_ms = clock_.NowMs();
  row.due_ms = row.received_ms;
  auto id = store::InsertAsyncEvent(t, row);
  if (!id.ok()) return std::move(id).error();
  Queued q;
  q.id = *id;
  q.event = std::move(event);
  q.received_ms = row.received_ms;
  q.due_ms = row.due_ms;
  t.AfterCommit([this, q = std::move(q)]() mutable {
    {
      std::lock_guard lock(mutex_);
      ++stats_.received;
    }
    Push(std::move(q));
  });
  return {};
}

Status Dispatcher::Start() {
  std::vector<store::AsyncEventRecord> rows;
  {
    auto reader = db_.Reader();
    auto listed = store::ListAsyncEvents(*reader);
    if (!listed.ok()) return std::move(listed).error();
    rows = std::move(*listed);
  }
  if (!rows.empty()) {
    LogInfo("events: " + std::to_string(rows.size()) +
            " asynchronous invocation(s) left queued by the last run");
  }
  for (auto& row : rows) {
    Queued q;
    q.id = row.id;
    q.event.function = std::move(row.function);
    q.event.payload = std::move(row.payload);
    q.event.request_id = std::move(row.request_id);
    ReadSource(row.source, q.event);
    q.received_ms = row.received_ms;
    q.attempts = row.attempts;
    q.due_ms = row.due_ms;
    Push(std::move(q));
  }
  asio::co_spawn(*contexts_[0], TimerLoop(), asio::detached);
  return {};
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

void Dispatcher::Push(Queued q) {
  std::lock_guard lock(mutex_);
  if (q.due_ms <= clock_.NowMs()) {
    ready_.push_back(std::move(q));
    PumpLocked();
  } else {
    int64_t due = q.due_ms;
    later_.emplace(due, std::move(q));
  }
}

void Dispatcher::PumpLocked() {
  while (!stopping_ && in_flight_ < options_.max_in_flight && !ready_.empty()) {
    Queued q = std::move(ready_.front());
    ready_.pop_front();
    ++in_flight_;
    asio::io_context& ctx = *contexts_[next_context_++ % contexts_.size()];
    asio::co_spawn(ctx, Run(std::move(q)), asio::detached);
  }
}

Task<void> Dispatcher::TimerLoop() {
  for (;;) {
    int64_t wait_ms = 1000;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) co_return;
      int64_t now = clock_.NowMs();
      while (!later_.empty() && later_.begin()->first <= now) {
        ready_.push_back(std::move(later_.begin()->second));
        later_.erase(later_.begin());
      }
      PumpLocked();
      if (!later_.empty()) wait_ms = std::clamp<int64_t>(later_.begin()->first - now, 1, 1000);
    }
    timer_.expires_after(std::chrono::milliseconds(wait_ms));
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

Task<void> Dispatcher::Run(Queued q) {
  const std::string name = q.event.function;
  auto found = invoker_.Lookup(name);
  if (!found.ok()) {
    LogWarning("events: cannot read function " + name + ": " + found.error().message);
    ++q.throttles;
    int64_t backoff = ThrottleBackoffMs(q.throttles);
    Later(std::move(q), backoff, false);
    co_return;
  }
  if (!*found) {
    LogWarning("events: dropped event " + q.event.request_id + ": function " + name +
               " does not exist");
    Forget(q);
    co_return;
  }
  std::shared_ptr<const lambda::CachedFunction> function = std::move(*found);
  const lambda::EventInvokeConfig config = lambda::EffectiveEventInvokeConfig(function->record);
  if (clock_.NowMs() - q.received_ms > int64_t{config.maximum_event_age_s} * 1000) {
    Finish(q, "EventAgeExceeded", nullptr, config.on_failure);
    co_return;
  }
  if (!q.event.principal.empty() &&
      !lambda::PolicyAllowsInvoke(function->record.policy, q.event.principal,
                                  q.event.source_arn, q.event.source_account)) {
    LogWarning("events: dropped event " + q.event.request_id + ": the resource policy of " +
               name + " does not allow " + q.event.principal + " to invoke it from " +
               q.event.source_arn);
    Forget(q);
    co_return;
  }

  lambda::RunRequest request{name, q.event.payload, q.event.request_id, ""};
  auto result = co_await invoker_.Run(std::move(request));
  exec::Outcome outcome;
  if (result.ok()) {
    outcome = std::move(*result);
  } else if (result.error().code == "TooManyRequestsException") {
    // No concurrency at all (reserved 0) sends events straight to the failure destination, as
    // Lambda does; otherwise the event waits and tries again.
    if (function->record.reserved_concurrency == 0) {
      Finish(q, "RetriesExhausted", nullptr, config.on_failure);
      co_return;
    }
    {
      std::lock_guard lock(mutex_);
      ++stats_.throttled;
    }
    ++q.throttles;
    int64_t backoff = ThrottleBackoffMs(q.throttles);
    Later(std::move(q), backoff, false);
    co_return;
  } else {
    // An environment failure (a package that does not unzip, ...) counts as a failed attempt.
    outcome.function_error = true;
    outcome.payload = json{{"errorType", result.error().code},
                           {"errorMessage", result.error().message}}
                          .dump();
  }
  q.throttles = 0;
  if (!outcome.function_error) {
    ++q.attempts;
    Finish(q, "Success", &outcome, config.on_success);
    co_return;
  }
  ++q.attempts;
  if (q.attempts <= config.maximum_retry_attempts) {
    size_t i = std::min(static_cast<size_t>(q.attempts - 1), options_.retry_delays_ms.size() - 1);
    int64_t delay = options_.retry_delays_ms.empty() ? 0 : options_.retry_delays_ms[i];
    {
      std::lock_guard lock(mutex_);
      ++stats_.retried;
    }
    Later(std::move(q), delay, true);
    co_return;
  }
  Finish(q, "RetriesExhausted", &outcome, config.on_failure);
}

void Dispatcher::Later(Queued q, int64_t delay_ms, bool persist) {
  q.due_ms = clock_.NowMs() + delay_ms;
  if (persist) {
    // The attempt count survives a restart; nobody waits for this commit.
    store::CommitJob job;
    int64_t id = q.id;
    int attempts = q.attempts;
    int64_t due = q.due_ms;
    job.apply = [id, attempts, due](store::WriteTxn& t) {
      return store::UpdateAsyncEventAttempts(t, id, attempts, due);
    };
    job.done = [](Status s) {
      if (!s.ok()) LogError("events: cannot record an attempt: " + s.error().message);
    };
    committer_.Submit(std::move(job));
  }
  std::lock_guard lock(mutex_);
  --in_flight_;
  int64_t due = q.due_ms;
  later_.emplace(due, std::move(q));
  PumpLocked();
}

void Dispatcher::Forget(const Queued& q) {
  store::CommitJob job;
  int64_t id = q.id;
  job.apply = [id](store::WriteTxn& t) { return store::DeleteAsyncEvent(t, id); };
  job.done = [](Status s) {
    if (!s.ok()) LogError("events: cannot delete a finished event: " + s.error().message);
  };
  committer_.Submit(std::move(job));
  std::lock_guard lock(mutex_);
  ++stats_.dropped;
  --in_flight_;
  PumpLocked();
}

void Dispatcher::Finish(const Queued& q, const std::string& condition,
                        const exec::Outcome* outcome, const std::string& destination) {
  const int64_t now = clock_.NowMs();
  std::string record;
  if (!destination.empty()) {
    json r = {{"version", "1.0"},
              {"timestamp", FormatIso8601Ms(now)},
              {"requestContext",
               {{"requestId", q.event.request_id},
                {"functionArn", lambda::FunctionArn(invoker_.account(), q.event.function) +
                                    ":$LATEST"},
                {"condition", condition},
                {"approximateInvokeCount", q.attempts}}},
              {"requestPayload", Embedded(q.event.payload)}};
    if (outcome) {
      json context = {{"statusCode", 200}, {"executedVersion", "$LATEST"}};
      if (outcome->function_error) context["functionError"] = "Unhandled";
      r["responseContext"] = std::move(context);
      r["responsePayload"] = Embedded(outcome->payload);
    }
    record = r.dump();
  }

  store::CommitJob job;
  int64_t id = q.id;
  std::string function = q.event.function;
  job.apply = [this, id, function, destination, record, now](store::WriteTxn& t) -> Status {
    Status s = store::DeleteAsyncEvent(t, id);
    if (!s.ok() || destination.empty()) return s;
    // A destination that cannot take the record loses it (Lambda counts a
    // DestinationDeliveryFailure); the event itself is finished either way.
    (void)t.db().Exec("SAVEPOINT destination");
    Status delivered;
    if (std::string target = FunctionNameOfArn(destination); !target.empty()) {
      AsyncEvent next;
      next.function = target;
      next.payload = record;
      next.request_id = NewUuid();
      delivered = Enqueue(t, std::move(next));
    } else if (std::string bucket = BucketOfArn(destination); !bucket.empty()) {
      // Lambda's key for records sent to S3:
      // aws/lambda/async/FUNCTION/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-UUID
      std::string stamp = FormatIso8601(now / 1000);  // 2026-11-30T05:06:07Z
      std::string day = stamp.substr(0, 10);
      for (char& c : day) c = c == '-' ? '/' : c;
      std::string time = stamp.substr(0, 19);
      for (char& c : time) c = c == ':' ? '.' : c;
      store::ObjectRecord object;
      object.bucket = bucket;
      object.key = "aws/lambda/async/" + function + "/" + day + "/" + time + "-" + NewUuid();
      object.size = record.size();
      object.etag = HexEncode(Md5(record));
      object.modified_ms = now;
      object.inline_body = record;
      object.headers = {{"content-type", "application/json"}};
      delivered = store::PutObject(t, object);
    } else {
      delivered = MakeError("InvalidParameterValueException", "unsupported destination");
    }
    if (!delivered.ok()) {
      LogWarning("events: could not deliver the invocation record of " + function + " to " +
                 destination + ": " + delivered.error().message);
      (void)t.db().Exec("ROLLBACK TO destination");
    }
    return t.db().Exec("RELEASE destination");
  };
  job.done = [](Status s) {
    if (!s.ok()) LogError("events: cannot finish an event: " + s.error().message);
  };
  committer_.Submit(std::move(job));

  std::lock_guard lock(mutex_);
  if (condition == "Success") {
    ++stats_.succeeded;
  } else {
    ++stats_.failed;
  }
  --in_flight_;
  PumpLocked();
}

}  // namespace evoke::events
