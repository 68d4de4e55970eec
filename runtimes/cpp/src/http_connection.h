// HttpConnection: the runtime library's minimal HTTP/1.1 client for the Runtime API. One
// kept-alive TCP connection to one host:port, one request at a time. Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace evoke::lambda_runtime {

struct HttpResponse {
  int status = 0;
  // Header names in lower case (HTTP header names are case-insensitive), values trimmed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The value of the first header named `lower_case_name`, or nullptr.
  const std::string* Header(const std::string& lower_case_name) const;
};

class HttpConnection {
 public:
  // `host_port` as in AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001", "localhost:9001", "[::1]:9001".
  explicit HttpConnection(const std::string& host_port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends one request and reads its whole response (Content-Length, chunked, or until close).
  // `headers` are sent as given after Host (and Content-Length when there is a body or the
  // method is POST). Reconnects when the server closed the kept-alive connection before
  // answering. Blocks without a time limit: `/next` waits as long as the platform needs.
  // Returns nullopt on a transport or protocol failure, described by error().
  std::optional<HttpResponse> RoundTripBlocking(
      const std::string& method, const std::string& path,
      const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body);

  const std::string& error() const { return error_; }

 private:
  // One attempt on the current connection (opened if need be). `sent_nothing_back` tells the
  // caller that the server closed the connection without a byte of response, the one case a
  // retry on a fresh connection is safe.
  std::optional<HttpResponse> TryRoundTrip(const std::string& request_head, const std::string& body,
                                           bool& sent_nothing_back);
  bool Connect();
  void Close();
  bool SendAll(const std::string& head, const std::string& body);
  // Reads until the buffer holds at least `size` bytes; false on EOF or error.
  bool FillTo(size_t size);
  // Reads one CRLF-terminated line (without the CRLF) from the buffer.
  bool ReadLine(std::string& line);
  bool ReadHead(HttpResponse& response, bool& http10);
  bool ReadChunkedBody(std::string& body);
  bool ReadBodyUntilClose(std::string& body);
  bool Fail(std::string message);

  std::string host_;
  std::string port_;
  std::string host_header_;
  int fd_ = -1;
  // Bytes received and not yet consumed, from buffer_[consumed_] on.
  std::string buffer_;
  size_t consumed_ = 0;
  bool eof_ = false;
  std::string error_;
};

}  // namespace evoke::lambda_runtime
