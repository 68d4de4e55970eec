#include "http/server.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstring>
#include <mutex>
#include <unordered_set>

#include "base/encoding.h"
#include "base/ids.h"
#include "base/log.h"
#include "base/time_format.h"

namespace evoke::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Parser = bhttp::request_parser<bhttp::buffer_body>;

// The most a body read asks the socket for (Beast's own cap per read).
constexpr size_t kBodyReadSize = 64 * 1024;

constexpr size_t kAccessLogFlushBytes = 32 * 1024;
constexpr auto kAccessLogFlushInterval = std::chrono::milliseconds(200);
// A body this small left unread by a handler is read and dropped to keep the connection.
constexpr uint64_t kDrainLimit = 256 * 1024;

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsQuietDisconnect(const error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
         ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
         ec == asio::error::eof || ec == asio::error::broken_pipe ||
         ec == bhttp::error::partial_message;
}

struct Session;

// State of one I/O thread; touched only from that thread.
struct Worker {
  asio::io_context* context = nullptr;
  std::unordered_set<Session*> sessions;
  std::string access_log;
  std::unique_ptr<asio::steady_timer> flush_timer;
  int64_t date_second = -1;
  std::string date;

  const std::string& HttpDate() {
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    if (now != date_second) {
      date_second = now;
      date = FormatHttpDate(now);
    }
    return date;
  }
};

struct Session {
  explicit Session(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  bool idle = true;
};

}  // namespace

class Server::Impl : public std::enable_shared_from_this<Server::Impl> {
 public:
  Impl(ServerOptions options, std::vector<asio::io_context*> contexts, Handler& handler)
      : options_(std::move(options)), handler_(handler), acceptor_(*contexts.at(0)) {
    for (auto* c : contexts) {
      auto w = std::make_unique<Worker>();
      w->context = c;
      w->flush_timer = std::make_unique<asio::steady_timer>(*c);
      workers_.push_back(std::move(w));
    }
  }

  Status Listen() {
    error_code ec;
    auto address = asio::ip::make_address(options_.host == "localhost" ? "127.0.0.1" : options_.host, ec);
    if (ec) return MakeError("InvalidArgument", "cannot listen on host '" + options_.host + "'");
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(1024, ec);
    if (ec) {
      return MakeError("ListenFailed", "cannot listen on " + options_.host + ":" +
                                           std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    return {};
  }

  uint16_t port() const { return port_; }

  void Start() {
    auto self = shared_from_this();
    asio::co_spawn(acceptor_.get_executor(), AcceptLoop(), [self](std::exception_ptr e) {
      if (e) LogError("http: the accept loop ended with an exception");
    });
    for (auto& w : workers_) ScheduleFlush(*w);
  }

  void Shutdown(std::chrono::milliseconds grace, std::function<void()> drained) {
    {
      std::lock_guard lock(drain_mutex_);
      drained_ = std::move(drained);
    }
    stopping_.store(true);
    auto self = shared_from_this();
    asio::post(acceptor_.get_executor(), [self] {
      error_code ignored;
      self->acceptor_.close(ignored);
    });
    for (auto& w : workers_) {
      asio::post(*w->context, [self, worker = w.get()] { self->CloseSessions(*worker, true); });
    }
    grace_timer_ = std::make_unique<asio::steady_timer>(*workers_[0]->context, grace);
    grace_timer_->async_wait([self](error_code ec) {
      if (ec) return;  // cancelled: everything drained in time
      for (auto& w : self->workers_) {
        asio::post(*w->context, [self, worker = w.get()] { self->CloseSessions(*worker, false); });
      }
      self->FinishDrain();
    });
    if (live_sessions_.load() == 0) {
      asio::post(*workers_[0]->context, [self] { self->FinishDrain(); });
    }
  }

 private:
  Task<void> AcceptLoop() {
    size_t next = 0;
    for (;;) {
      Worker& worker = *workers_[next++ % workers_.size()];
      error_code ec;
      tcp::socket socket =
          co_await acceptor_.async_accept(*worker.context, asio::redirect_error(asio::use_awaitable, ec));
      if (stopping_.load()) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        LogWarning("http: accept failed: " + ec.message());
        asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::use_awaitable);
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      live_sessions_.fetch_add(1);
      auto self = shared_from_this();
      asio::co_spawn(*worker.context, RunSession(std::move(socket), worker),
                     [self](std::exception_ptr e) {
                       if (e) LogError("http: a connection ended with an exception");
                       if (self->live_sessions_.fetch_sub(1) == 1 && self->stopping_.load()) {
                         self->FinishDrain();
                       }
                     });
    }
  }

  class ExchangeImpl;

  Task<void> RunSession(tcp::socket socket, Worker& worker);

  void CloseSessions(Worker& worker, bool idle_only) {
    for (Session* s : worker.sessions) {
      if (!idle_only || s->idle) {
        error_code ignored;
        s->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        s->stream.socket().close(ignored);
      }
    }
  }

  void FinishDrain() {
    std::function<void()> done;
    {
      std::lock_guard lock(drain_mutex_);
      done = std::move(drained_);
      drained_ = nullptr;
    }
    if (!done) return;
    for (auto& w : workers_) {
      asio::post(*w->context, [self = shared_from_this(), worker = w.get()] {
        self->FlushAccessLog(*worker);
        worker->flush_timer->cancel();
      });
    }
    if (grace_timer_) asio::post(*workers_[0]->context, [self = shared_from_this()] { self->grace_timer_->cancel(); });
    done();
  }

  void ScheduleFlush(Worker& worker) {
    worker.flush_timer->expires_after(kAccessLogFlushInterval);
    worker.flush_timer->async_wait([self = shared_from_this(), &worker](error_code ec) {
      self->FlushAccessLog(worker);
      if (!ec && !self->stopping_.load()) self->ScheduleFlush(worker);
    });
  }

  void FlushAccessLog(Worker& worker) {
    if (worker.access_log.empty() || options_.access_log_fd < 0) return;
    const char* p = worker.access_log.data();
    size_t left = worker.access_log.size();
    while (left > 0) {
      ssize_t n = ::write(options_.access_log_fd, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    worker.access_log.clear();
  }

  // The exchange is over: tells the observer, then appends its access-log line.
  void WriteAccessLog(Worker& worker, const Request& req, const AccessLogFields& f, int status,
                      uint64_t bytes_in, uint64_t bytes_out, int64_t start_us) {
    int64_t end_us = NowUs();
    if (options_.observer) {
      options_.observer(FinishedExchange{req, f, status, bytes_in, bytes_out, end_us - start_us});
    }
    if (options_.access_log_fd < 0) return;
    std::string& o = worker.access_log;
    o += "{\"time\":\"";
    o += FormatIso8601Ms(start_us / 1000);
    o += "\",\"remote\":\"";
    o += req.remote_address;
    o += "\",\"method\":\"";
    AppendJsonEscaped(o, req.method);
    o += "\",\"path\":\"";
    AppendJsonEscaped(o, req.path);
    o += "\",\"status\":";
    o += std::to_string(status);
    o += ",\"bytes_in\":";
    o += std::to_string(bytes_in);
    o += ",\"bytes_out\":";
    o += std::to_string(bytes_out);
    o += ",\"duration_us\":";
    o += std::to_string(end_us - start_us);
    auto field = [&o](const char* name, const std::string& v) {
      if (v.empty()) return;
      o += ",\"";
      o += name;
      o += "\":\"";
      AppendJsonEscaped(o, v);
      o += '"';
    };
    field("request_id", f.request_id);
    field("service", f.service);
    field("action", f.action);
    field("error", f.error_code);
    field("principal", f.principal);
    o += "}\n";
    if (o.size() >= kAccessLogFlushBytes) FlushAccessLog(worker);
  }

  ServerOptions options_;
  Handler& handler_;
  tcp::acceptor acceptor_;
  std::vector<std::unique_ptr<Worker>> workers_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> live_sessions_{0};
  std::mutex drain_mutex_;
  std::function<void()> drained_;  // GUARDED_BY(drain_mutex_)
  std::unique_ptr<asio::steady_timer> grace_timer_;
};

// The Exchange of one request on one connection.
class Server::Impl::ExchangeImpl final : public Exchange {
 public:
  ExchangeImpl(Impl& server, Worker& worker, Session& session, Parser& parser, Request request)
      : server_(server), worker_(worker), session_(session), parser_(parser),
        request_(std::move(request)) {}

  const Request& request() const override { return request_; }
  Request& mutable_request() override { return request_; }
  AccessLogFields& log() override { return log_; }
  bool body_complete() const override { return parser_.is_done(); }
  bool responded() const override { return responded_; }
  void CloseAfterResponse() override { close_ = true; }

  int status() const { return status_; }
  uint64_t bytes_in() const { return bytes_in_; }
  uint64_t bytes_out() const { return bytes_out_; }
  bool must_close() const { return close_ || (head_sent_ && stream_left_ != 0); }
  bool continue_pending() const { return request_.expect_continue && !continue_sent_; }

  Task<Result<size_t>> ReadBody(std::span<char> out) override {
    if (parser_.is_done() || out.empty()) co_return size_t{0};
    if (continue_pending()) {
      continue_sent_ = true;
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      error_code ec;
      session_.stream.expires_after(server_.options_.io_timeout);
      co_await asio::async_write(session_.stream, asio::buffer(kContinue.data(), kContinue.size()),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        close_ = true;
        co_return MakeError("IncompleteBody", "connection lost");
      }
    }
    // Beast reads only into the free capacity of the connection's buffer (at least 512 bytes):
    // left at what the header needed, a large body would arrive in ~1 KB reads.
    if (session_.buffer.capacity() < kBodyReadSize) session_.buffer.reserve(kBodyReadSize);
    for (;;) {
      auto& body = parser_.get().body();
      body.data = out.data();
      body.size = out.size();
      session_.stream.expires_after(server_.options_.io_timeout);
      error_code ec;
      co_await bhttp::async_read_some(session_.stream, session_.buffer, parser_,
                                      asio::redirect_error(asio::use_awaitable, ec));
      size_t n = out.size() - body.size;
      body.data = nullptr;
      body.size = 0;
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) {
        close_ = true;
        if (ec == beast::error::timeout) {
          co_return MakeError("RequestTimeout",
                              "Your socket connection to the server was not read from or written "
                              "to within the timeout period. Idle connections will be closed.");
        }
        co_return MakeError("IncompleteBody",
                            "The request body terminated unexpectedly");
      }
      bytes_in_ += n;
      if (parser_.is_done() && session_.buffer.size() == 0) session_.buffer.shrink_to_fit();
      if (n > 0 || parser_.is_done()) co_return n;
    }
  }

  Task<Status> Send(Response r) override {
    uint64_t length = r.content_length.value_or(r.body.size());
    std::string head = SerializeHead(r, length);
    bool with_body = HasBody(r.status) && request_.method != "HEAD";
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head),
                                              asio::buffer(r.body.data(), with_body ? r.body.size() : 0)};
    responded_ = true;
    status_ = r.status;
    co_return co_await Write(buffers, head.size() + (with_body ? r.body.size() : 0));
  }

  Task<Status> SendHead(const Response& r) override {
    uint64_t length = r.content_length.value_or(0);
    std::string head = SerializeHead(r, length);
    responded_ = true;
    head_sent_ = true;
    status_ = r.status;
    stream_left_ = (HasBody(r.status) && request_.method != "HEAD") ? length : 0;
    std::array<asio::const_buffer, 1> buffers{asio::buffer(head)};
    co_return co_await Write(buffers, head.size());
  }

  Task<Status> SendBody(std::string_view data) override {
    if (data.size() > stream_left_) {
      close_ = true;
      co_return MakeError("InternalError", "response body longer than announced");
    }
    stream_left_ -= data.size();
    std::array<asio::const_buffer, 1> buffers{asio::buffer(data.data(), data.size())};
    co_return co_await Write(buffers, data.size());
  }

 private:
  static bool HasBody(int status) { return status >= 200 && status != 204 && status != 304; }

  template <class Buffers>
  Task<Status> Write(const Buffers& buffers, size_t total) {
    session_.stream.expires_after(server_.options_.io_timeout);
    error_code ec;
    co_await asio::async_write(session_.stream, buffers, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      close_ = true;
      co_return MakeError("ConnectionLost", ec.message());
    }
    bytes_out_ += total;
    co_return Status{};
  }

  std::string SerializeHead(const Response& r, uint64_t length) {
    if (server_.stopping_.load()) close_ = true;
    if (continue_pending() && !parser_.is_done()) close_ = true;
    std::string h;
    h.reserve(256);
    h += "HTTP/1.1 ";
    h += std::to_string(r.status);
    h += ' ';
    h += ReasonPhrase(r.status);
    h += "\r\n";
    for (const auto& [name, value] : r.headers.fields()) {
      h += name;
      h += ": ";
      h += value;
      h += "\r\n";
    }
    h += "Date: ";
    h += worker_.HttpDate();
    h += "\r\n";
    if (r.status != 204 && r.status != 304) {
      h += "Content-Length: ";
      h += std::to_string(length);
      h += "\r\n";
    }
    if (close_) h += "Connection: close\r\n";
    h += "\r\n";
    return h;
  }

  Impl& server_;
  Worker& worker_;
  Session& session_;
  Parser& parser_;
  Request request_;
  AccessLogFields log_;
  int status_ = 0;
  uint64_t bytes_in_ = 0;
  uint64_t bytes_out_ = 0;
  uint64_t stream_left_ = 0;
  bool responded_ = false;
  bool head_sent_ = false;
  bool close_ = false;
  bool continue_sent_ = false;
};

Task<void> Server::Impl::RunSession(tcp::socket socket, Worker& worker) {
  Session session(std::move(socket));
  worker.sessions.insert(&session);
  struct Unregister {
    Worker& w;
    Session* s;
    ~Unregister() { w.sessions.erase(s); }
  } unregister{worker, &session};

  error_code ec;
  std::string remote = session.stream.socket().remote_endpoint(ec).address().to_string();
  for (;;) {
    if (stopping_.load()) break;
    Parser parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.header_limit));
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    session.idle = true;
    session.stream.expires_after(options_.idle_timeout);
    co_await bhttp::async_read_header(session.stream, session.buffer, parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
    session.idle = false;
    int64_t start_us = NowUs();
    if (ec) {
      if (IsQuietDisconnect(ec)) break;
      LogWarning("http: refused a request from " + remote + ": " + ec.message());
      ProtocolError kind = ec == bhttp::error::header_limit ? ProtocolError::kHeaderTooLarge
                           : ec == bhttp::error::bad_transfer_encoding
                               ? ProtocolError::kUnsupportedEncoding
                               : ProtocolError::kMalformed;
      Request bad;
      bad.remote_address = remote;
      bad.method = "-";
      std::string request_id = NewRequestId();
      ExchangeImpl ex(*this, worker, session, parser, std::move(bad));
      ex.CloseAfterResponse();
      ex.log().request_id = request_id;
      ex.log().error_code = "BadRequest";
      (void)co_await ex.Send(handler_.RenderProtocolError(kind, request_id));
      WriteAccessLog(worker, ex.request(), ex.log(), ex.status(), 0, ex.bytes_out(), start_us);
      break;
    }

    auto& msg = parser.get();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    std::string_view target = req.target;
    // An absolute-form target (http://host/path) is reduced to its path.
    if (target.starts_with("http://") || target.starts_with("https://")) {
      size_t slash = target.find('/', target.find("//") + 2);
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    size_t q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req.raw_query = std::string(target.substr(q + 1));
    for (const auto& field : msg) {
      req.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    if (auto cl = parser.content_length()) req.content_length = *cl;
    req.chunked = parser.chunked();
    if (auto expect = req.headers.Get("Expect")) {
      req.expect_continue = EqualsIgnoreCase(*expect, "100-continue");
    }
    req.http_minor = msg.version() % 10;
    req.remote_address = remote;
    bool keep_alive = parser.keep_alive();

    std::optional<Query> query = Query::Parse(req.raw_query);
    bool bad_query = !query.has_value();
    if (query) req.query = std::move(*query);

    ExchangeImpl ex(*this, worker, session, parser, std::move(req));
    if (bad_query) {
      std::string request_id = NewRequestId();
      ex.CloseAfterResponse();
      ex.log().request_id = request_id;
      (void)co_await ex.Send(handler_.RenderProtocolError(ProtocolError::kMalformed, request_id));
    } else {
      std::exception_ptr failure;
      try {
        co_await handler_.Handle(ex);
      } catch (const std::exception& e) {
        LogError(std::string("http: handler failed: ") + e.what());
        failure = std::current_exception();
      }
      if (!ex.responded()) {
        if (!failure) LogError("http: handler returned without a response");
        if (ex.log().request_id.empty()) ex.log().request_id = NewRequestId();
        ex.CloseAfterResponse();
        ex.log().error_code = "InternalError";
        (void)co_await ex.Send(handler_.RenderInternalError(ex.log().request_id));
      } else if (failure) {
        ex.CloseAfterResponse();
      }
    }
    // Leftover body: read and drop a small one to keep the connection, else close.
    bool reusable = keep_alive && !ex.must_close();
    if (reusable && !parser.is_done()) {
      auto left = parser.content_length_remaining();
      if (ex.continue_pending() || !left || *left > kDrainLimit) {
        reusable = false;
      } else {
        char scratch[16 * 1024];
        while (!parser.is_done()) {
          auto n = co_await ex.ReadBody(std::span(scratch, sizeof scratch));
          if (!n.ok()) {
            reusable = false;
            break;
          }
        }
      }
    }
    WriteAccessLog(worker, ex.request(), ex.log(), ex.status(), ex.bytes_in(), ex.bytes_out(),
                   start_us);
    if (!reusable) break;
  }
  error_code ignored;
  session.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  session.stream.socket().close(ignored);
}

Server::Server(ServerOptions options, std::vector<asio::io_context*> contexts, Handler& handler)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(contexts), handler)) {}

Server::~Server() = default;

Status Server::Listen() { return impl_->Listen(); }
uint16_t Server::port() const { return impl_->port(); }
void Server::Start() { impl_->Start(); }
void Server::Shutdown(std::chrono::milliseconds grace, std::function<void()> drained) {
  impl_->Shutdown(grace, std::move(drained));
}

}  // namespace evoke::http
