// HttpConnection: plain POSIX sockets, HTTP/1.1, only what the Runtime API needs.
#include "http_connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace evoke::lambda_runtime {
namespace {

// A header or chunk-size line longer than this is not from a Runtime API server.
constexpr size_t kMaxLine = 1 << 20;
constexpr size_t kReadSize = 64 * 1024;
// Far above any invocation payload; guards the size arithmetic against a garbled chunk line.
constexpr size_t kMaxChunk = size_t{1} << 40;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

// True when the comma-separated header value lists `token` (case-insensitive).
bool ListsToken(const std::string& value, const std::string& token) {
  std::string lower = Lower(value);
  size_t start = 0;
  while (start <= lower.size()) {
    size_t comma = lower.find(',', start);
    if (comma == std::string::npos) comma = lower.size();
    if (Trim(lower.substr(start, comma - start)) == token) return true;
    start = comma + 1;
  }
  return false;
}

}  // namespace

const std::string* HttpResponse::Header(const std::string& lower_case_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_case_name) return &value;
  }
  return nullptr;
}

HttpConnection::HttpConnection(const std::string& host_port) : host_header_(host_port) {
  // "[v6]:port" or "host:port"; the Runtime API always names a port, 80 is only a fallback.
  std::string rest = host_port;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    host_ = rest.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    rest = close == std::string::npos ? "" : rest.substr(close + 1);
    port_ = rest.starts_with(":") ? rest.substr(1) : "80";
  } else {
    size_t colon = rest.rfind(':');
    host_ = rest.substr(0, colon);
    port_ = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  }
}

HttpConnection::~HttpConnection() { Close(); }

void HttpConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
  consumed_ = 0;
  eof_ = false;
}

bool HttpConnection::Fail(std::string message) {
  error_ = std::move(message);
  return false;
}

bool HttpConnection::Connect() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* addresses = nullptr;
  int rc = ::getaddrinfo(host_.c_str(), port_.c_str(), &hints, &addresses);
  if (rc != 0) return Fail("cannot resolve " + host_header_ + ": " + ::gai_strerror(rc));
  std::string last_error = "no address";
  for (addrinfo* a = addresses; a != nullptr; a = a->ai_next) {
    // CLOEXEC: processes the function starts must not hold the Runtime API connection.
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int rc_connect;
    do {
      rc_connect = ::connect(fd, a->ai_addr, a->ai_addrlen);
    } while (rc_connect != 0 && errno == EINTR);
    if (rc_connect == 0) {
      // Requests and responses are small and strictly alternate: Nagle would only add delay.
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fd_ = fd;
      break;
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(addresses);
  if (fd_ < 0) return Fail("cannot connect to " + host_header_ + ": " + last_error);
  return true;
}

bool HttpConnection::SendAll(const std::string& head, const std::string& body) {
  iovec parts[2] = {{const_cast<char*>(head.data()), head.size()},
                    {const_cast<char*>(body.data()), body.size()}};
  msghdr message{};
  message.msg_iov = parts;
  message.msg_iovlen = body.empty() ? 1 : 2;
  while (message.msg_iovlen > 0) {
    ssize_t sent = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return Fail(std::string("send: ") + std::strerror(errno));
    }
    // Skip what went out; a partial write can end inside either part.
    auto left = static_cast<size_t>(sent);
    while (message.msg_iovlen > 0 && left >= message.msg_iov->iov_len) {
      left -= message.msg_iov->iov_len;
      ++message.msg_iov;
      --message.msg_iovlen;
    }
    if (message.msg_iovlen > 0) {
      message.msg_iov->iov_base = static_cast<char*>(message.msg_iov->iov_base) + left;
      message.msg_iov->iov_len -= left;
    }
  }
  return true;
}

bool HttpConnection::FillTo(size_t size) {
  while (buffer_.size() - consumed_ < size) {
    if (eof_) return Fail("connection closed by the Runtime API");
#ifdef TCP_QUICKACK
    // Acknowledge at once (Linux turns this off again after a while): a server that writes a
    // response's head and body separately without TCP_NODELAY would otherwise hold the body
    // back until our delayed ACK, some 40 ms per response.
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
#endif
    size_t old_size = buffer_.size();
    buffer_.resize(old_size + kReadSize);
    ssize_t got = ::recv(fd_, buffer_.data() + old_size, kReadSize, 0);
    buffer_.resize(old_size + (got > 0 ? static_cast<size_t>(got) : 0));
    if (got < 0) {
      if (errno == EINTR) continue;
      return Fail(std::string("recv: ") + std::strerror(errno));
    }
    if (got == 0) eof_ = true;
  }
  return true;
}

bool HttpConnection::ReadLine(std::string& line) {
  size_t scanned = consumed_;
  for (;;) {
    size_t newline = buffer_.find('\n', scanned);
    if (newline != std::string::npos) {
      size_t end = newline > consumed_ && buffer_[newline - 1] == '\r' ? newline - 1 : newline;
      line.assign(buffer_, consumed_, end - consumed_);
      consumed_ = newline + 1;
      return true;
    }
    scanned = buffer_.size();
    if (scanned - consumed_ > kMaxLine) return Fail("response line too long");
    if (!FillTo(scanned - consumed_ + 1)) return false;
  }
}

bool HttpConnection::ReadHead(HttpResponse& response, bool& http10) {
  std::string line;
  // Interim 1xx responses (100 Continue) precede the real one; skip them.
  do {
    response.headers.clear();
    if (!ReadLine(line)) return false;
    // "HTTP/1.1 202 Accepted"
    if (!line.starts_with("HTTP/1.") || line.size() < 12 || line[8] != ' ') {
      return Fail("bad status line: " + line.substr(0, 80));
    }
    auto [end, ec] = std::from_chars(line.data() + 9, line.data() + 12, response.status);
    if (ec != std::errc() || end != line.data() + 12) {
      return Fail("bad status line: " + line.substr(0, 80));
    }
    http10 = line[7] == '0';
    for (;;) {
      if (!ReadLine(line)) return false;
      if (line.empty()) break;
      size_t colon = line.find(':');
      if (colon == std::string::npos) return Fail("bad header line: " + line.substr(0, 80));
      response.headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                    Trim(line.substr(colon + 1)));
    }
  } while (response.status >= 100 && response.status < 200);
  return true;
}

bool HttpConnection::ReadChunkedBody(std::string& body) {
  std::string line;
  for (;;) {
    if (!ReadLine(line)) return false;
    // "1a;name=value": the size in hex, then optional chunk extensions.
    std::string size_text = Trim(line.substr(0, line.find(';')));
    size_t size = 0;
    auto [end, ec] =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (size_text.empty() || ec != std::errc() || end != size_text.data() + size_text.size()) {
      return Fail("bad chunk size: " + line.substr(0, 80));
    }
    if (size == 0) break;
    if (size > kMaxChunk) return Fail("chunk too large");
    if (!FillTo(size + 2)) return false;
    body.append(buffer_, consumed_, size);
    consumed_ += size;
    if (buffer_.compare(consumed_, 2, "\r\n") != 0) return Fail("chunk not followed by CRLF");
    consumed_ += 2;
  }
  // Trailer fields, then the empty line that ends the message.
  do {
    if (!ReadLine(line)) return false;
  } while (!line.empty());
  return true;
}

bool HttpConnection::ReadBodyUntilClose(std::string& body) {
  while (!eof_) {
    if (!FillTo(buffer_.size() - consumed_ + 1) && !eof_) return false;
  }
  body.assign(buffer_, consumed_, std::string::npos);
  consumed_ = buffer_.size();
  return true;
}

std::optional<HttpResponse> HttpConnection::TryRoundTrip(const std::string& request_head,
                                                         const std::string& body,
                                                         bool& sent_nothing_back) {
  sent_nothing_back = false;
  if (fd_ < 0 && !Connect()) return std::nullopt;
  buffer_.erase(0, consumed_);
  consumed_ = 0;
  if (!SendAll(request_head, body)) {
    sent_nothing_back = true;
    return std::nullopt;
  }
  HttpResponse response;
  bool http10 = false;
  if (!ReadHead(response, http10)) {
    sent_nothing_back = buffer_.empty();
    return std::nullopt;
  }
  // HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 closes it unless told.
  bool keep_alive = !http10;
  if (const std::string* connection = response.Header("connection")) {
    if (ListsToken(*connection, "close")) keep_alive = false;
    if (ListsToken(*connection, "keep-alive")) keep_alive = true;
  }
  const std::string* transfer_encoding = response.Header("transfer-encoding");
  const std::string* content_length = response.Header("content-length");
  if (response.status == 204 || response.status == 304) {
    // No body by definition.
  } else if (transfer_encoding != nullptr && ListsToken(*transfer_encoding, "chunked")) {
    if (!ReadChunkedBody(response.body)) return std::nullopt;
  } else if (content_length != nullptr) {
    size_t length = 0;
    auto [end, ec] = std::from_chars(content_length->data(),
                                     content_length->data() + content_length->size(), length);
    if (ec != std::errc() || end != content_length->data() + content_length->size()) {
      Fail("bad Content-Length: " + *content_length);
      return std::nullopt;
    }
    if (!FillTo(length)) return std::nullopt;
    response.body.assign(buffer_, consumed_, length);
    consumed_ += length;
  } else {
    // Neither length nor chunking: the body ends when the server closes the connection.
    if (!ReadBodyUntilClose(response.body)) return std::nullopt;
    keep_alive = false;
  }
  if (!keep_alive) Close();
  return response;
}

std::optional<HttpResponse> HttpConnection::RoundTripBlocking(
    const std::string& method, const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body) {
  std::string head = method + " " + path + " HTTP/1.1\r\nHost: " + host_header_ + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  for (const auto& [name, value] : headers) {
    // Values come from the handler (error type, content type): a line break must not end the
    // header and start another.
    std::string clean = value;
    std::replace_if(
        clean.begin(), clean.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    head += name + ": " + clean + "\r\n";
  }
  head += "\r\n";

  bool reused = fd_ >= 0;
  bool sent_nothing_back = false;
  std::optional<HttpResponse> response = TryRoundTrip(head, body, sent_nothing_back);
  if (!response && reused && sent_nothing_back) {
    // The server closed the idle kept-alive connection; the request never reached a handler.
    Close();
    response = TryRoundTrip(head, body, sent_nothing_back);
  }
  if (!response) Close();
  return response;
}

}  // namespace evoke::lambda_runtime
