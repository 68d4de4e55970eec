// SigV4: parsing of the Authorization header and presigned query parameters, the canonical
// request, string to sign, signing key and signatures (request, chunk and trailer), as AWS
// defines them. Pure functions; no I/O, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "http/message.h"

namespace evoke::auth {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The payload modes S3 names in x-amz-content-sha256.
enum class PayloadMode {
  kSigned,                   // a hex SHA-256 of the whole body
  kUnsigned,                 // UNSIGNED-PAYLOAD
  kStreamingSigned,          // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
  kStreamingSignedTrailer,   // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  kStreamingUnsignedTrailer, // STREAMING-UNSIGNED-PAYLOAD-TRAILER
};

// What a request's signature claims, from the header or the query string.
struct SignatureParams {
  std::string access_key_id;
  std::string scope_date;     // yyyymmdd
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lower case, in the order given
  std::string signature;      // lower-case hex
  std::string amz_date;       // the request time, 20130524T000000Z
  bool presigned = false;
  int64_t expires_s = 0;      // presigned only: X-Amz-Expires

  std::string Scope() const {
    return scope_date + "/" + region + "/" + service + "/aws4_request";
  }
};

// Parses "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=<hex>". The amz_date comes from X-Amz-Date or Date.
// Errors use S3's codes (AuthorizationHeaderMalformed, AccessDenied...).
Result<SignatureParams> ParseAuthorizationHeader(std::string_view header,
                                                 const http::Headers& headers);
// Splits "AKID/20130524/us-east-1/s3/aws4_request" into the params; false if malformed.
bool ParseCredential(std::string_view credential, SignatureParams* p);
// Parses X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and
// X-Amz-Signature (AuthorizationQueryParametersError on anything malformed).
Result<SignatureParams> ParsePresignedQuery(const http::Query& query);

// How the request path enters the canonical request: S3 encodes it once, every other service
// twice (it URI-encodes the already encoded path, after removing dot segments).
enum class PathEncoding { kS3, kDouble };

// The canonical URI for a raw (percent-encoded) request path; nullopt on a bad escape.
std::optional<std::string> CanonicalUri(std::string_view raw_path, PathEncoding encoding);
std::string CanonicalQuery(const http::Query& query, bool skip_signature);
std::string CanonicalHeaders(const http::Headers& headers,
                             const std::vector<std::string>& signed_headers);
// Returns nullopt when the path cannot be decoded.
std::optional<std::string> CanonicalRequest(const http::Request& request,
                                            const SignatureParams& params,
                                            std::string_view payload_hash, PathEncoding encoding);
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);
// The signing key; raw bytes.
std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service);
std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign);

// aws-chunked signatures chain from the request's seed signature.
std::string ChunkStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view previous_signature, std::string_view chunk_sha256_hex);
std::string TrailerStringToSign(std::string_view amz_date, std::string_view scope,
                                std::string_view previous_signature,
                                std::string_view canonical_trailers);

// Parses x-amz-content-sha256. nullopt for a value that is none of the known modes.
std::optional<PayloadMode> ParsePayloadMode(std::string_view value);
bool IsStreaming(PayloadMode mode);
bool HasTrailer(PayloadMode mode);
bool HasChunkSignatures(PayloadMode mode);

}  // namespace evoke::auth
