#include "exec/sandbox.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <cstdio>

#include "base/log.h"
#include "base/time_format.h"
#include "exec/exit_watch.h"
#include "exec/report.h"
#include "http/read_body.h"
#include "http/server.h"

namespace evoke::exec {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// Lambda allows the Init phase this long on demand.
constexpr std::chrono::seconds kInitLimit{10};
// A posted response or error body larger than this is refused (6 MB plus slack for headers).
constexpr size_t kMaxPostBytes = kMaxResponseBytes;

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

http::Response JsonReply(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.headers.Add("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

http::Response RuntimeError(int status, std::string_view type, std::string_view message) {
  return JsonReply(status, "{\"errorMessage\":\"" + std::string(message) +
                               "\",\"errorType\":\"" + std::string(type) + "\"}");
}

// A platform error document as Lambda returns it to the caller.
std::string PlatformError(std::string_view type, std::string_view request_id,
                          std::string_view message) {
  std::string body = "{\"errorType\":\"" + std::string(type) + "\",\"errorMessage\":\"RequestId: " +
                     std::string(request_id) + " Error: " + std::string(message) + "\"}";
  return body;
}

// "/2018-06-01/runtime/invocation/ID/response" -> ID (and which kind), by segments.
struct RuntimePath {
  enum Kind { kNext, kResponse, kError, kInitError, kUnknown } kind = kUnknown;
  std::string request_id;
};

RuntimePath ParseRuntimePath(std::string_view path) {
  constexpr std::string_view kBase = "/2018-06-01/runtime/";
  RuntimePath out;
  if (!path.starts_with(kBase)) return out;
  std::string_view rest = path.substr(kBase.size());
  if (rest == "invocation/next") {
    out.kind = RuntimePath::kNext;
  } else if (rest == "init/error") {
    out.kind = RuntimePath::kInitError;
  } else if (rest.starts_with("invocation/")) {
    rest.remove_prefix(11);
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0) return out;
    std::string_view tail = rest.substr(slash + 1);
    out.request_id = std::string(rest.substr(0, slash));
    if (tail == "response") out.kind = RuntimePath::kResponse;
    if (tail == "error") out.kind = RuntimePath::kError;
  }
  return out;
}

}  // namespace

Sandbox::Sandbox(asio::io_context& home, const HostSupport& host, SandboxConfig config,
                 LogSink& logs, const Clock& clock)
    : home_(home),
      host_(host),
      config_(std::move(config)),
      logs_(logs),
      clock_(clock),
      next_waiter_(home),
      run_waiter_(home) {}

Sandbox::~Sandbox() = default;

void Sandbox::Stop() {
  usable_.store(false);
  if (stop_requested_.exchange(true)) return;
  asio::post(home_, [self = shared_from_this()] { self->StopOnHome(); });
}

void Sandbox::StopOnHome() {
  usable_.store(false);
  stop_requested_.store(true);
  if (phase_ == Phase::kDead && !runtime_api_) return;
  phase_ = Phase::kDead;
  process_.Kill();
  next_waiter_.cancel();
  run_waiter_.cancel();
  if (runtime_api_) {
    // The sandbox outlives its endpoint's connections: the drain callback holds it.
    runtime_api_->Shutdown(std::chrono::milliseconds(200),
                           [self = shared_from_this()] {});
  }
}

Status Sandbox::StartProcess() {
  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.access_log_fd = -1;
  options.idle_timeout = std::chrono::hours(24);
  options.io_timeout = std::chrono::seconds(60);
  runtime_api_ = std::make_unique<http::Server>(options, std::vector<asio::io_context*>{&home_}, *this);
  if (Status s = runtime_api_->Listen(); !s.ok()) return s;
  runtime_api_->Start();

  SpawnSpec spec = config_.spawn;
  spec.env.push_back("AWS_LAMBDA_RUNTIME_API=127.0.0.1:" + std::to_string(runtime_api_->port()));
  spawned_at_us_ = NowUs();
  auto process = Process::Spawn(host_, spec);
  if (!process.ok()) return std::move(process).error();
  process_ = std::move(*process);
  auto self = shared_from_this();
  asio::co_spawn(home_, WatchExit(), LogIfFailed{"sandbox: exit watch"});
  asio::co_spawn(home_, CaptureOutput(process_.stdout_fd()),
                 LogIfFailed{"sandbox: stdout capture"});
  asio::co_spawn(home_, CaptureOutput(process_.stderr_fd()),
                 LogIfFailed{"sandbox: stderr capture"});
  return {};
}

Task<void> Sandbox::WatchExit() {
  auto self = shared_from_this();
  co_await AwaitExit(home_, process_);
  usable_.store(false);
  if (phase_ != Phase::kDead) {
    // Exited on its own: whoever waits learns it now.
    phase_ = Phase::kDead;
    run_waiter_.cancel();
    next_waiter_.cancel();
    if (runtime_api_) {
      runtime_api_->Shutdown(std::chrono::milliseconds(200), [self] {});
    }
  }
}

Task<void> Sandbox::CaptureOutput(int fd) {
  auto self = shared_from_this();
  // Waits on a duplicate; reads the original (non-blocking), as the drain before END does.
  asio::posix::stream_descriptor pipe(home_, ::dup(fd));
  std::string& partial = fd == process_.stdout_fd() ? out_partial_ : err_partial_;
  for (;;) {
    boost::system::error_code ec;
    co_await pipe.async_wait(asio::posix::stream_descriptor::wait_read,
                             asio::redirect_error(asio::use_awaitable, ec));
    if (ec || TakeOutput(fd, partial, false)) co_return;
  }
}

bool Sandbox::TakeOutput(int fd, std::string& partial, bool flush_partial) {
  std::vector<LogEvent> events;
  int64_t now = clock_.NowMs();
  char buf[16 * 1024];
  bool eof = false;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) eof = true;
    if (n <= 0) break;
    partial.append(buf, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl; (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string line = partial.substr(start, nl - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      events.push_back({now, std::move(line)});
    }
    partial.erase(0, start);
    // CloudWatch Logs caps an event at 256 KB: a longer line is split.
    while (partial.size() > 256 * 1024) {
      events.push_back({now, partial.substr(0, 256 * 1024)});
      partial.erase(0, 256 * 1024);
    }
  }
  if ((flush_partial || eof) && !partial.empty()) {
    events.push_back({now, std::move(partial)});
    partial.clear();
  }
  if (!events.empty()) Emit(std::move(events));
  return eof;
}

void Sandbox::DrainOutput() {
  if (process_.stdout_fd() < 0) return;
  TakeOutput(process_.stdout_fd(), out_partial_, true);
  TakeOutput(process_.stderr_fd(), err_partial_, true);
}

void Sandbox::Emit(std::vector<LogEvent> events) {
  if (capture_) {
    for (const auto& e : events) {
      capture_->append(e.message);
      capture_->push_back('\n');
    }
  }
  logs_.Append(config_.log_group, config_.log_stream, std::move(events));
}

std::string Sandbox::ExitDescription() const {
  int status = const_cast<Process&>(process_).Reap();
  if (status < 0) return "Runtime exited without providing a reason";
  if (WIFEXITED(status)) {
    return "Runtime exited with error: exit status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* name = sig == SIGKILL   ? "killed"
                       : sig == SIGSEGV ? "segmentation fault"
                       : sig == SIGABRT ? "aborted"
                       : sig == SIGTERM ? "terminated"
                       : sig == SIGBUS  ? "bus error"
                                        : nullptr;
    return "Runtime exited with error: signal: " +
           std::string(name ? name : "signal " + std::to_string(sig));
  }
  return "Runtime exited without providing a reason";
}

Task<bool> Sandbox::Wait(asio::steady_timer& timer, SteadyTime deadline) {
  timer.expires_at(deadline);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return ec == asio::error::operation_aborted;
}

Task<Outcome> Sandbox::Run(Invocation invocation) {
  auto self = shared_from_this();
  Outcome out;
  const std::string id = invocation.request_id;
  const std::string xray_trace_id = invocation.xray_trace_id;
  const std::string xray_segment_id = invocation.xray_segment_id;
  std::string log;
  capture_ = &log;
  struct ClearCapture {
    std::string*& c;
    ~ClearCapture() { c = nullptr; }
  } clear_capture{capture_};

  if (phase_ == Phase::kDead) {
    out.not_run = true;  // it ended while idle: the caller starts another
    co_return out;
  }
  // Cold start: the process, then its Init phase, which ends at its first /next.
  if (phase_ == Phase::kNew) {
    out.cold = true;
    phase_ = Phase::kInit;
    if (Status s = StartProcess(); !s.ok()) {
      LogError("sandbox for " + config_.function_name + " did not start: " + s.error().message);
      StopOnHome();
      out.function_error = true;
      out.payload = PlatformError("Runtime.Unknown", id, "Sandbox could not be started");
      co_return out;
    }
  }
  if (phase_ == Phase::kInit) {
    auto init_deadline = std::chrono::steady_clock::now() + kInitLimit;
    while (phase_ == Phase::kInit && !init_error_) {
      if (!co_await Wait(run_waiter_, init_deadline)) break;
    }
  }
  int64_t start_ms = clock_.NowMs();
  int64_t start_us = NowUs();
  Emit({{start_ms, StartLine(id, config_.version)}});
  if (phase_ != Phase::kIdle) {
    // The Init phase failed: the runtime reported why, exited, or took too long.
    DrainOutput();
    InvocationReport report{id, 0.0, config_.memory_mb, process_.PeakMemoryBytes(), std::nullopt,
                            "error", ""};
    if (init_duration_ms_) report.init_duration_ms = init_duration_ms_;
    out.init_duration_ms = report.init_duration_ms;
    report.xray_trace_id = xray_trace_id;
    report.xray_segment_id = xray_segment_id;
    out.function_error = true;
    if (init_error_) {
      out.payload = *init_error_;
      report.error_type = init_error_type_.empty() ? "Runtime.Unknown" : init_error_type_;
    } else if (phase_ == Phase::kInit) {
      report.status = "timeout";
      out.payload = PlatformError("Sandbox.Timedout", id, "Init phase timed out after 10.00 seconds");
    } else {
      bool oom = process_.OutOfMemory();
      report.error_type = oom ? "Runtime.OutOfMemory" : "Runtime.ExitError";
      out.payload = PlatformError(report.error_type, id, ExitDescription());
    }
    report.duration_ms = static_cast<double>(NowUs() - start_us) / 1000.0;
    out.duration_ms = report.duration_ms;
    const int64_t now = clock_.NowMs();
    std::vector<LogEvent> trailer = {{now, EndLine(id)}, {now, ReportLine(report)}};
    if (!init_error_ && phase_ != Phase::kInit) {
      // The runtime exited: why, as after an exit mid-invocation.
      trailer.push_back({now, "RequestId: " + id + " Error: " + ExitDescription()});
      trailer.push_back({now, report.error_type});
    }
    Emit(std::move(trailer));
    StopOnHome();
    out.log = std::move(log);
    co_return out;
  }

  // Hand the event to the runtime parked in /next, then wait for its answer or the deadline.
  phase_ = Phase::kBusy;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(config_.timeout_s);
  pending_ = Pending{std::move(invocation), start_ms + int64_t{config_.timeout_s} * 1000};
  next_waiter_.cancel();
  while (!pending_->answered && phase_ == Phase::kBusy) {
    if (!co_await Wait(run_waiter_, deadline)) break;
  }
  double duration_ms = static_cast<double>(NowUs() - start_us) / 1000.0;
  DrainOutput();

  InvocationReport report{id, duration_ms, config_.memory_mb, process_.PeakMemoryBytes(),
                          init_duration_ms_, "", ""};
  init_duration_ms_.reset();  // reported once, with the first invocation
  out.init_duration_ms = report.init_duration_ms;
  report.xray_trace_id = xray_trace_id;
  report.xray_segment_id = xray_segment_id;
  std::vector<LogEvent> trailer;
  if (pending_->answered) {
    out.payload = std::move(pending_->body);
    out.function_error = pending_->error;
    phase_ = Phase::kIdle;
  } else if (phase_ == Phase::kBusy) {
    // The deadline passed.
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", static_cast<double>(config_.timeout_s));
    std::string message = std::string("Task timed out after ") + seconds + " seconds";
    trailer.push_back({clock_.NowMs(), FormatIso8601Ms(clock_.NowMs()) + " " + id + " " + message});
    report.status = "timeout";
    report.duration_ms = config_.timeout_s * 1000.0;
    out.function_error = true;
    out.payload = PlatformError("Sandbox.Timedout", id, message);
    StopOnHome();
  } else {
    // The runtime exited (or was killed) mid-invocation.
    bool oom = process_.OutOfMemory();
    report.status = "error";
    report.error_type = oom ? "Runtime.OutOfMemory" : "Runtime.ExitError";
    report.max_memory_used_bytes = process_.PeakMemoryBytes();
    out.function_error = true;
    out.payload = PlatformError(report.error_type, id, ExitDescription());
    StopOnHome();
  }
  pending_.reset();
  out.duration_ms = report.duration_ms;
  int64_t now = clock_.NowMs();
  trailer.push_back({now, EndLine(id)});
  trailer.push_back({now, ReportLine(report)});
  if (report.status == "error") {
    trailer.push_back({now, "RequestId: " + id + " Error: " + ExitDescription()});
    trailer.push_back({now, report.error_type});
  }
  Emit(std::move(trailer));
  out.log = std::move(log);
  co_return out;
}

// ---- the Runtime API ------------------------------------------------------------------------

Task<void> Sandbox::Handle(http::Exchange& ex) {
  auto self = shared_from_this();
  ex.log().service = "runtime";
  RuntimePath path = ParseRuntimePath(ex.request().path);
  const std::string& method = ex.request().method;
  if (path.kind == RuntimePath::kNext && method == "GET") {
    co_await Next(ex);
  } else if ((path.kind == RuntimePath::kResponse || path.kind == RuntimePath::kError) &&
             method == "POST") {
    co_await PostResult(ex, path.request_id, path.kind == RuntimePath::kError);
  } else if (path.kind == RuntimePath::kInitError && method == "POST") {
    co_await PostInitError(ex);
  } else if (ex.request().path == "/ping" && method == "GET") {
    co_await ex.Send(JsonReply(200, "pong"));
  } else {
    co_await ex.Send(RuntimeError(404, "InvalidRequest", "Not found"));
  }
}

Task<void> Sandbox::Next(http::Exchange& ex) {
  if (phase_ == Phase::kInit) {
    init_duration_ms_ = static_cast<double>(NowUs() - spawned_at_us_) / 1000.0;
    phase_ = Phase::kIdle;
    run_waiter_.cancel();
  }
  // Parked until an invocation arrives or the sandbox ends.
  while (phase_ != Phase::kDead && !(pending_ && !pending_->delivered)) {
    co_await Wait(next_waiter_, SteadyTime::max());
  }
  if (phase_ == Phase::kDead) {
    co_await ex.Send(RuntimeError(500, "ContainerError", "The sandbox is shutting down"));
    ex.CloseAfterResponse();
    co_return;
  }
  pending_->delivered = true;
  const Invocation& inv = pending_->invocation;
  http::Response r;
  r.status = 200;
  r.headers.Add("Content-Type", "application/json");
  r.headers.Add("Lambda-Runtime-Aws-Request-Id", inv.request_id);
  r.headers.Add("Lambda-Runtime-Deadline-Ms", std::to_string(pending_->deadline_ms));
  r.headers.Add("Lambda-Runtime-Invoked-Function-Arn", config_.function_arn);
  if (!inv.trace_id.empty()) r.headers.Add("Lambda-Runtime-Trace-Id", inv.trace_id);
  if (!inv.client_context.empty()) r.headers.Add("Lambda-Runtime-Client-Context", inv.client_context);
  r.body = inv.payload;
  co_await ex.Send(std::move(r));
}

Task<void> Sandbox::PostResult(http::Exchange& ex, const std::string& request_id, bool error) {
  auto body = co_await http::ReadWholeBody(ex, kMaxPostBytes, /*drain=*/true);
  bool too_large = !body.ok() && body.error().code == "BodyTooLarge";
  if (!body.ok() && !too_large) co_return;
  if (!pending_ || !pending_->delivered || pending_->answered ||
      pending_->invocation.request_id != request_id) {
    co_await ex.Send(RuntimeError(400, "InvalidRequestID", "Invalid request ID"));
    co_return;
  }
  pending_->answered = true;
  if (too_large) {
    pending_->error = true;
    pending_->body =
        "{\"errorMessage\":\"Response payload size exceeded maximum allowed payload size (" +
        std::to_string(kMaxResponseBytes) + " bytes).\",\"errorType\":\"Function.ResponseSizeTooLarge\"}";
    run_waiter_.cancel();
    co_await ex.Send(RuntimeError(413, "RequestEntityTooLarge",
                                  "Exceeded maximum allowed payload size (" +
                                      std::to_string(kMaxResponseBytes) + " bytes)."));
    co_return;
  }
  pending_->error = error;
  pending_->body = std::move(*body);
  if (error) {
    auto type = ex.request().headers.Get("Lambda-Runtime-Function-Error-Type");
    pending_->error_type = type ? std::string(*type) : "Unhandled";
    if (pending_->body.empty()) {
      pending_->body = "{\"errorMessage\":\"Unknown error\",\"errorType\":\"" + pending_->error_type + "\"}";
    }
  }
  run_waiter_.cancel();
  co_await ex.Send(JsonReply(202, "{\"status\":\"OK\"}"));
}

Task<void> Sandbox::PostInitError(http::Exchange& ex) {
  auto body = co_await http::ReadWholeBody(ex, kMaxPostBytes, /*drain=*/true);
  if (!body.ok() && body.error().code != "BodyTooLarge") co_return;
  if (phase_ != Phase::kInit) {
    co_await ex.Send(RuntimeError(403, "InvalidStateTransition", "State transition from Ready to InitError failed for runtime. Error: State transition is not allowed"));
    co_return;
  }
  auto type = ex.request().headers.Get("Lambda-Runtime-Function-Error-Type");
  init_error_type_ = type ? std::string(*type) : "Runtime.Unknown";
  init_error_ = !body.ok() || body->empty() ? "{\"errorMessage\":\"Init failed\",\"errorType\":\"" + init_error_type_ + "\"}"
                              : std::move(*body);
  init_duration_ms_ = static_cast<double>(NowUs() - spawned_at_us_) / 1000.0;
  run_waiter_.cancel();
  co_await ex.Send(JsonReply(202, "{\"status\":\"OK\"}"));
}

http::Response Sandbox::RenderProtocolError(http::ProtocolError, const std::string&) {
  return RuntimeError(400, "InvalidRequest", "Malformed request");
}

http::Response Sandbox::RenderInternalError(const std::string&) {
  return RuntimeError(500, "ServiceException", "Internal error");
}

}  // namespace evoke::exec
