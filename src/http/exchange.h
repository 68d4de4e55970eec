// Exchange: one HTTP request and its response, as a service handler sees it. The HTTP server
// creates one per request and owns it; a handler reads the body and sends exactly one
// response, from the connection's own thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/asio.h"
#include "base/result.h"
#include "http/message.h"

namespace evoke::http {

// What a service adds to the request's access-log line.
struct AccessLogFields {
  std::string request_id;
  std::string service;
  std::string action;
  std::string error_code;
  std::string principal;
};

class Exchange {
 public:
  virtual ~Exchange() = default;

  virtual const Request& request() const = 0;
  // For the authentication stage only: what a verified signature says about the request (for
  // example headers carried in a presigned URL's query) is applied before dispatch.
  virtual Request& mutable_request() = 0;
  virtual AccessLogFields& log() = 0;

  // Reads up to out.size() bytes of the request body (de-chunked if Transfer-Encoding is
  // chunked); returns 0 once the body is complete. Sends "100 Continue" first when the client
  // asked for it. Errors: "IncompleteBody" (the peer stopped early), "RequestTimeout".
  virtual Task<Result<size_t>> ReadBody(std::span<char> out) = 0;
  virtual bool body_complete() const = 0;

  // Sends a whole response; the server adds Content-Length, Date and Connection.
  virtual Task<Status> Send(Response response) = 0;
  // Streams a response: the head (whose content_length must be set), then the body in pieces
  // that add up to it.
  virtual Task<Status> SendHead(const Response& head) = 0;
  virtual Task<Status> SendBody(std::string_view data) = 0;

  virtual bool responded() const = 0;
  // Makes the server close the connection after this response.
  virtual void CloseAfterResponse() = 0;
};

// Why a request was refused before any handler saw it.
enum class ProtocolError {
  kMalformed,          // unparseable request line or header
  kHeaderTooLarge,     // header section over the limit
  kUnsupportedEncoding // Transfer-Encoding other than chunked
};

// A service front door: the HTTP server hands it every request.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual Task<void> Handle(Exchange& exchange) = 0;
  // The response for a request refused by the HTTP layer itself.
  virtual Response RenderProtocolError(ProtocolError error, const std::string& request_id) = 0;
  // The response when a handler fails unexpectedly (an exception escaped it).
  virtual Response RenderInternalError(const std::string& request_id) = 0;
};

}  // namespace evoke::http
