// Reading a whole request body into memory, for the JSON APIs and the Runtime API, whose bodies
// are small and bounded.
#pragma once

#include <string>

#include "base/asio.h"
#include "base/result.h"
#include "http/exchange.h"

namespace evoke::http {

// The body, or "BodyTooLarge" past `limit` bytes (callers turn it into their API's error).
// With `drain`, an oversized body is still read to its end (nothing kept), so that the
// connection can carry an answer and the next request.
Task<Result<std::string>> ReadWholeBody(Exchange& ex, size_t limit, bool drain = false);

}  // namespace evoke::http
