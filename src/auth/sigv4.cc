#include "auth/sigv4.h"

#include <algorithm>
#include <charconv>

#include "base/encoding.h"
#include "base/hash.h"

namespace evoke::auth {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Trims and collapses runs of spaces into one, as SigV4 canonical headers require.
void AppendCanonicalValue(std::string& out, std::string_view value) {
  value = Trim(value);
  bool in_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      in_space = true;
      continue;
    }
    if (in_space) out += ' ';
    in_space = false;
    out += c;
  }
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::vector<std::string> SplitSignedHeaders(std::string_view s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t semi = s.find(';', pos);
    if (semi == std::string_view::npos) semi = s.size();
    out.push_back(http::ToLower(s.substr(pos, semi - pos)));
    pos = semi + 1;
  }
  return out;
}

// Removes dot segments and empty segments the way botocore does before double-encoding.
std::string RemoveDotSegments(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(pos, slash - pos);
    if (!seg.empty() && seg != ".") {
      if (seg == "..") {
        if (!out.empty()) out.pop_back();
      } else {
        out.push_back(seg);
      }
    }
    pos = slash + 1;
  }
  std::string result = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i) result += '/';
    result += out[i];
  }
  if (path.back() == '/' && !out.empty()) result += '/';
  return result;
}

}  // namespace

bool ParseCredential(std::string_view credential, SignatureParams* p) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    size_t slash = credential.find('/', pos);
    if (slash == std::string_view::npos) {
      parts.push_back(credential.substr(pos));
      break;
    }
    parts.push_back(credential.substr(pos, slash - pos));
    pos = slash + 1;
  }
  if (parts.size() != 5 || parts[0].empty() || parts[1].size() != 8 || parts[4] != "aws4_request") {
    return false;
  }
  p->access_key_id = std::string(parts[0]);
  p->scope_date = std::string(parts[1]);
  p->region = std::string(parts[2]);
  p->service = std::string(parts[3]);
  return !p->region.empty() && !p->service.empty();
}

Result<SignatureParams> ParseAuthorizationHeader(std::string_view header,
                                                 const http::Headers& headers) {
  auto malformed = [](std::string detail) {
    return MakeError("AuthorizationHeaderMalformed",
                     "The authorization header is malformed; " + detail);
  };
  if (!header.starts_with(kAlgorithm) || header.size() == kAlgorithm.size() ||
      header[kAlgorithm.size()] != ' ') {
    return MakeError("InvalidRequest",
                     "The authorization mechanism you have provided is not supported. Please use "
                     "AWS4-HMAC-SHA256.");
  }
  std::string_view rest = header.substr(kAlgorithm.size() + 1);
  SignatureParams p;
  bool have_credential = false, have_headers = false, have_signature = false;
  size_t pos = 0;
  while (pos < rest.size()) {
    size_t comma = rest.find(',', pos);
    if (comma == std::string_view::npos) comma = rest.size();
    std::string_view item = Trim(rest.substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) return malformed("the authorization component '" + std::string(item) + "' is malformed.");
    std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "Credential") {
      if (!ParseCredential(value, &p)) {
        return malformed("the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
      }
      have_credential = true;
    } else if (key == "SignedHeaders") {
      p.signed_headers = SplitSignedHeaders(value);
      have_headers = true;
    } else if (key == "Signature") {
      p.signature = std::string(value);
      have_signature = true;
    } else {
      return malformed("the authorization component '" + std::string(item) + "' is malformed.");
    }
  }
  if (!have_credential || !have_headers || !have_signature) {
    return malformed("the authorization header requires 'Credential', 'SignedHeaders' and "
                     "'Signature'.");
  }
  if (p.signature.size() != 64 || !IsLowerHex(p.signature)) {
    return MakeError("SignatureDoesNotMatch",
                     "The request signature we calculated does not match the signature you "
                     "provided. Check your key and signing method.");
  }
  if (auto d = headers.Get("x-amz-date")) {
    p.amz_date = std::string(*d);
  } else if (auto date = headers.Get("date")) {
    p.amz_date = std::string(*date);  // converted by the verifier
  }
  return p;
}

Result<SignatureParams> ParsePresignedQuery(const http::Query& query) {
  auto bad = [](std::string message) {
    return MakeError("AuthorizationQueryParametersError", std::move(message));
  };
  const std::string* algorithm = query.Get("X-Amz-Algorithm");
  const std::string* credential = query.Get("X-Amz-Credential");
  const std::string* date = query.Get("X-Amz-Date");
  const std::string* expires = query.Get("X-Amz-Expires");
  const std::string* signed_headers = query.Get("X-Amz-SignedHeaders");
  const std::string* signature = query.Get("X-Amz-Signature");
  if (!algorithm || !credential || !date || !signed_headers || !signature) {
    return bad("Query-string authentication version 4 requires the X-Amz-Algorithm, "
               "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
               "X-Amz-Expires parameters.");
  }
  if (*algorithm != kAlgorithm) {
    return bad("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  SignatureParams p;
  p.presigned = true;
  if (!ParseCredential(*credential, &p)) {
    return bad("Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; "
               "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  }
  p.amz_date = *date;
  p.signed_headers = SplitSignedHeaders(*signed_headers);
  p.signature = *signature;
  if (expires) {
    int64_t v = -1;
    auto [ptr, ec] = std::from_chars(expires->data(), expires->data() + expires->size(), v);
    if (ec != std::errc() || ptr != expires->data() + expires->size()) {
      return bad("X-Amz-Expires should be a number");
    }
    if (v < 0) return bad("X-Amz-Expires must be non-negative");
    if (v > 604800) {
      return bad("X-Amz-Expires must be less than a week (in seconds) that is 604800");
    }
    p.expires_s = v;
  } else {
    return bad("Query-string authentication version 4 requires the X-Amz-Algorithm, "
               "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
               "X-Amz-Expires parameters.");
  }
  return p;
}

std::optional<std::string> CanonicalUri(std::string_view raw_path, PathEncoding encoding) {
  if (raw_path.empty()) return std::string("/");
  if (encoding == PathEncoding::kDouble) {
    return UriEncode(RemoveDotSegments(raw_path), /*keep_slash=*/true);
  }
  // S3: each segment decoded and encoded again, so that clients that leave a character like
  // '!' or '@' unescaped on the wire still match the canonical form they signed.
  std::string out;
  out.reserve(raw_path.size() + 8);
  size_t pos = 0;
  while (pos <= raw_path.size()) {
    size_t slash = raw_path.find('/', pos);
    if (slash == std::string_view::npos) slash = raw_path.size();
    auto seg = UriDecode(raw_path.substr(pos, slash - pos), /*plus_is_space=*/false);
    if (!seg) return std::nullopt;
    out += UriEncode(*seg, /*keep_slash=*/false);
    if (slash < raw_path.size()) out += '/';
    pos = slash + 1;
  }
  return out;
}

std::string CanonicalQuery(const http::Query& query, bool skip_signature) {
  std::vector<std::pair<std::string, std::string>> items;
  items.reserve(query.params().size());
  for (const auto& p : query.params()) {
    if (skip_signature && p.name == "X-Amz-Signature") continue;
    items.emplace_back(UriEncode(p.name, false), UriEncode(p.value, false));
  }
  std::sort(items.begin(), items.end());
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += '&';
    out += items[i].first;
    out += '=';
    out += items[i].second;
  }
  return out;
}

std::string CanonicalHeaders(const http::Headers& headers,
                             const std::vector<std::string>& signed_headers) {
  std::string out;
  for (const auto& name : signed_headers) {
    out += name;
    out += ':';
    bool first = true;
    for (const auto& [n, v] : headers.fields()) {
      if (!http::EqualsIgnoreCase(n, name)) continue;
      if (!first) out += ',';
      first = false;
      AppendCanonicalValue(out, v);
    }
    out += '\n';
  }
  return out;
}

std::optional<std::string> CanonicalRequest(const http::Request& request,
                                            const SignatureParams& params,
                                            std::string_view payload_hash, PathEncoding encoding) {
  auto uri = CanonicalUri(request.path, encoding);
  if (!uri) return std::nullopt;
  std::string cr;
  cr.reserve(512);
  cr += request.method;
  cr += '\n';
  cr += *uri;
  cr += '\n';
  cr += CanonicalQuery(request.query, params.presigned);
  cr += '\n';
  cr += CanonicalHeaders(request.headers, params.signed_headers);
  cr += '\n';
  for (size_t i = 0; i < params.signed_headers.size(); ++i) {
    if (i) cr += ';';
    cr += params.signed_headers[i];
  }
  cr += '\n';
  cr += payload_hash;
  return cr;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string s;
  s.reserve(160);
  s += kAlgorithm;
  s += '\n';
  s += amz_date;
  s += '\n';
  s += scope;
  s += '\n';
  s += Sha256Hex(canonical_request);
  return s;
}

std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service) {
  std::string k = HmacSha256("AWS4" + std::string(secret), date);
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  return HmacSha256(k, "aws4_request");
}

std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign) {
  return HexEncode(HmacSha256(signing_key, string_to_sign));
}

std::string ChunkStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view previous_signature,
                              std::string_view chunk_sha256_hex) {
  std::string s = "AWS4-HMAC-SHA256-PAYLOAD\n";
  s += amz_date;
  s += '\n';
  s += scope;
  s += '\n';
  s += previous_signature;
  s += '\n';
  s += kEmptySha256;
  s += '\n';
  s += chunk_sha256_hex;
  return s;
}

std::string TrailerStringToSign(std::string_view amz_date, std::string_view scope,
                                std::string_view previous_signature,
                                std::string_view canonical_trailers) {
  std::string s = "AWS4-HMAC-SHA256-TRAILER\n";
  s += amz_date;
  s += '\n';
  s += scope;
  s += '\n';
  s += previous_signature;
  s += '\n';
  s += Sha256Hex(canonical_trailers);
  return s;
}

std::optional<PayloadMode> ParsePayloadMode(std::string_view v) {
  if (v == "UNSIGNED-PAYLOAD") return PayloadMode::kUnsigned;
  if (v == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") return PayloadMode::kStreamingSigned;
  if (v == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") return PayloadMode::kStreamingSignedTrailer;
  if (v == "STREAMING-UNSIGNED-PAYLOAD-TRAILER") return PayloadMode::kStreamingUnsignedTrailer;
  if (v.size() == 64 && IsLowerHex(v)) return PayloadMode::kSigned;
  return std::nullopt;
}

bool IsStreaming(PayloadMode m) {
  return m == PayloadMode::kStreamingSigned || m == PayloadMode::kStreamingSignedTrailer ||
         m == PayloadMode::kStreamingUnsignedTrailer;
}
bool HasTrailer(PayloadMode m) {
  return m == PayloadMode::kStreamingSignedTrailer || m == PayloadMode::kStreamingUnsignedTrailer;
}
bool HasChunkSignatures(PayloadMode m) {
  return m == PayloadMode::kStreamingSigned || m == PayloadMode::kStreamingSignedTrailer;
}

}  // namespace evoke::auth
