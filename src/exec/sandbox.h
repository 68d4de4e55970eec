// Sandbox: one execution environment of a function. A process (exec/process.h) running the
// function's runtime, the Runtime API endpoint that runtime talks to (a loopback listener of
// its own, because unmodified runtime clients send no identity), and the capture of its
// stdout and stderr into the function's log stream. Runs one invocation at a time.
//
// Threading: a sandbox lives on one io_context, its home. Run() must be awaited there (use
// asio::co_spawn(sandbox->executor(), ...)); the Runtime API requests are served there too, so
// the sandbox's state needs no locks. Stop() may be called from anywhere.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/asio.h"
#include "base/clock.h"
#include "exec/log_sink.h"
#include "exec/process.h"
#include "http/exchange.h"

namespace evoke::http {
class Server;
}

namespace evoke::exec {

// What a sandbox is started from: its function's configuration, as far as running it goes.
struct SandboxConfig {
  std::string function_name;
  std::string version = "$LATEST";
  std::string function_arn;
  std::string revision_id;  // the function's code and configuration this sandbox runs
  int memory_mb = 128;
  int timeout_s = 3;
  std::string log_group;    // /aws/lambda/NAME
  std::string log_stream;   // YYYY/MM/DD/[$LATEST]<32 hex>
  SpawnSpec spawn;          // argv, environment (without AWS_LAMBDA_RUNTIME_API), directories
  // After this the pool takes no more invocations to the sandbox (the credentials in its
  // environment expire a little later).
  std::chrono::steady_clock::time_point retire_at = std::chrono::steady_clock::time_point::max();
};

struct Invocation {
  std::string request_id;
  std::string payload;
  std::string client_context;  // JSON, already base64-decoded; empty: none
  std::string trace_id;  // the X-Ray header the runtime gets (Lambda-Runtime-Trace-Id)
  // Active tracing of a sampled invocation: the REPORT line's XRAY TraceId and SegmentId.
  std::string xray_trace_id;
  std::string xray_segment_id;
};

struct Outcome {
  std::string payload;          // the function's response, or the error document
  bool function_error = false;  // X-Amz-Function-Error: Unhandled
  std::string log;              // this invocation's lines, for X-Amz-Log-Result
  bool cold = false;
  bool not_run = false;  // the (warm) sandbox had ended before it could take the invocation
  double duration_ms = 0;   // as the REPORT line gives it
  std::optional<double> init_duration_ms;  // the cold start's Init phase, as REPORT gives it
};

// The payload limits of a synchronous invocation.
inline constexpr size_t kMaxResponseBytes = 6'291'556;

class Sandbox : public http::Handler, public std::enable_shared_from_this<Sandbox> {
 public:
  Sandbox(asio::io_context& home, const HostSupport& host, SandboxConfig config, LogSink& logs,
          const Clock& clock);
  ~Sandbox() override;

  asio::io_context::executor_type executor() { return home_.get_executor(); }
  const asio::io_context& home() const { return home_; }
  const SandboxConfig& config() const { return config_; }
  // False once the process has exited or the sandbox was stopped: it takes no more work.
  bool usable() const { return usable_.load(); }

  // Runs one invocation, starting the process first when this is the sandbox's first. On the
  // home thread only. A timeout, crash, out-of-memory kill or failed start stops the sandbox.
  Task<Outcome> Run(Invocation invocation);
  // Kills the process and closes the Runtime API endpoint. Thread-safe, idempotent.
  void Stop();

  // The Runtime API (http::Handler), served on the sandbox's own listener.
  Task<void> Handle(http::Exchange& ex) override;
  http::Response RenderProtocolError(http::ProtocolError error, const std::string& request_id) override;
  http::Response RenderInternalError(const std::string& request_id) override;

 private:
  enum class Phase { kNew, kInit, kIdle, kBusy, kDead };
  struct Pending {
    Invocation invocation;
    int64_t deadline_ms = 0;
    bool delivered = false;
    bool answered = false;
    bool error = false;
    std::string body;
    std::string error_type;
  };

  Status StartProcess();
  void StopOnHome();
  Task<void> WatchExit();
  Task<void> CaptureOutput(int fd);
  // Reads what the runtime wrote before it answered, so its lines precede END.
  void DrainOutput();
  // Reads what is there; true at end of file.
  bool TakeOutput(int fd, std::string& partial, bool flush_partial);
  void Emit(std::vector<LogEvent> events);
  std::string ExitDescription() const;

  Task<void> Next(http::Exchange& ex);
  Task<void> PostResult(http::Exchange& ex, const std::string& request_id, bool error);
  Task<void> PostInitError(http::Exchange& ex);
  // Waits on `timer` until woken (cancel) or `deadline`; false on deadline.
  Task<bool> Wait(asio::steady_timer& timer, std::chrono::steady_clock::time_point deadline);

  asio::io_context& home_;
  const HostSupport& host_;
  SandboxConfig config_;
  LogSink& logs_;
  const Clock& clock_;
  std::atomic<bool> usable_{true};
  std::atomic<bool> stop_requested_{false};

  // Home thread only from here on.
  Phase phase_ = Phase::kNew;
  Process process_;
  std::unique_ptr<http::Server> runtime_api_;
  asio::steady_timer next_waiter_;  // wakes a parked /next
  asio::steady_timer run_waiter_;   // wakes Run()
  std::optional<Pending> pending_;
  std::optional<std::string> init_error_;  // the body the runtime posted to /init/error
  std::string init_error_type_;
  int64_t spawned_at_us_ = 0;
  std::optional<double> init_duration_ms_;
  std::string out_partial_, err_partial_;  // a line still missing its newline
  std::string* capture_ = nullptr;          // the current invocation's log text, for Tail
};

}  // namespace evoke::exec
