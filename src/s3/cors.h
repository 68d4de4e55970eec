// CORS (docs/cors.md): a bucket's cross-origin rules as PutBucketCors takes them, validated as S3
// validates them; the document GetBucketCors returns; which rule answers a browser's request; and
// the headers the answer carries. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "http/message.h"

namespace evoke::s3 {

struct CorsRule {
  std::string id;
  std::vector<std::string> origins;  // AllowedOrigin, each with at most one '*'
  std::vector<std::string> methods;  // AllowedMethod: GET, PUT, POST, DELETE, HEAD
  std::vector<std::string> headers;  // AllowedHeader, each with at most one '*'
  std::vector<std::string> expose;   // ExposeHeader
  std::optional<int64_t> max_age_seconds;
};

struct CorsConfig {
  std::vector<CorsRule> rules;
};

inline constexpr size_t kMaxCorsRules = 100;

// A <CORSConfiguration> document: MalformedXML and InvalidRequest as S3 answers.
Result<CorsConfig> ParseCorsXml(std::string_view xml);
std::string CorsXml(const CorsConfig& config);

// The first rule that allows `origin` to send `method`, and (a preflight) each of
// `request_headers` (lower case); nullptr when none does.
const CorsRule* MatchCors(const CorsConfig& config, std::string_view origin,
                          std::string_view method,
                          const std::vector<std::string>& request_headers = {});

// The Access-Control-* headers of an answer that `rule` allows: for an actual request, or (with
// `preflight_headers`) for a preflight, which also names the methods and headers allowed.
void AddCorsHeaders(http::Headers& out, const CorsRule& rule, std::string_view origin,
                    const std::string* preflight_headers = nullptr);

// Access-Control-Request-Headers as a list: lower-cased, trimmed, empty items dropped.
std::vector<std::string> SplitRequestHeaders(std::string_view value);

}  // namespace evoke::s3
