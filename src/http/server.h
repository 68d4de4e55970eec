// Server: the HTTP/1.1 front end. Accepts connections on one address and runs each on one of
// the given io_contexts (a connection never changes thread), parses requests with Beast,
// hands them to a Handler, and writes one access-log line per request. Knows nothing of AWS.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/asio.h"
#include "base/result.h"
#include "http/exchange.h"

namespace evoke::http {

// One exchange as it ended, for ServerOptions::observer.
struct FinishedExchange {
  const Request& request;
  const AccessLogFields& log;  // service, action, error code... as the handler filled them
  int status = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  int64_t duration_us = 0;  // from the request's header read to the response's last byte
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 9000;  // 0 picks a free port
  size_t header_limit = 64 * 1024;
  std::chrono::seconds idle_timeout{75};  // keep-alive connection waiting for a request
  std::chrono::seconds io_timeout{60};    // a read or write that makes no progress
  int access_log_fd = 1;                  // -1: no access log
  // Called once per exchange after its response (on the connection's I/O thread; must be
  // quick and must not block), with what the access log records: metrics hang off it.
  std::function<void(const FinishedExchange&)> observer;
};

class Server {
 public:
  // `contexts` must outlive the server; the first one also runs the acceptor.
  Server(ServerOptions options, std::vector<asio::io_context*> contexts, Handler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. After it, port() is the bound port.
  Status Listen();
  uint16_t port() const;
  // Starts accepting; returns at once.
  void Start();
  // Graceful shutdown, from any thread: stops accepting, closes idle connections, lets
  // requests in flight finish, then calls `drained` (on an I/O thread). Connections still busy
  // after `grace` are closed.
  void Shutdown(std::chrono::milliseconds grace, std::function<void()> drained);

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace evoke::http
