// HTTP messages as evoke's services see them: a parsed request head, response heads and
// headers, and query strings. Plain data, no Asio or Beast; one request per object.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evoke::http {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);

// Header fields in arrival order; names compare case-insensitively.
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  void Add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  // Replaces every field of this name with one.
  void Set(std::string_view name, std::string value);
  void Remove(std::string_view name);
  // The first field of this name.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  // Every value of this name joined with ',', as SigV4 and RFC 9110 combine repeated fields.
  std::optional<std::string> GetCombined(std::string_view name) const;

  const std::vector<Field>& fields() const { return fields_; }

 private:
  std::vector<Field> fields_;
};

// key=value pairs of a query string, percent-decoded, in arrival order. A parameter without
// '=' has an empty value and has_value false.
struct QueryParam {
  std::string name;
  std::string value;
  bool has_value = false;
};

class Query {
 public:
  // Returns nullopt when a name or value has a malformed %-escape.
  static std::optional<Query> Parse(std::string_view raw);

  const std::string* Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name) != nullptr; }
  const std::vector<QueryParam>& params() const { return params_; }

 private:
  std::vector<QueryParam> params_;
};

struct Request {
  std::string method;   // as sent, upper case for valid requests
  std::string target;   // raw request-target
  std::string path;     // raw (still percent-encoded) path part of target
  std::string raw_query;  // after '?', without it
  Query query;
  Headers headers;
  std::optional<uint64_t> content_length;  // absent for chunked or bodiless requests
  bool chunked = false;
  bool expect_continue = false;
  int http_minor = 1;   // HTTP/1.x
  std::string remote_address;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // For HEAD responses and streamed bodies: the Content-Length to announce instead of
  // body.size().
  std::optional<uint64_t> content_length;
};

std::string_view ReasonPhrase(int status);

}  // namespace evoke::http
