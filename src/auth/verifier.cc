#include "auth/verifier.h"

#include <algorithm>

#include "base/hash.h"
#include "base/time_format.h"

namespace evoke::auth {
namespace {

Error SignatureMismatch(const SignatureParams& p, const std::string& string_to_sign,
                        const std::string& canonical_request) {
  return MakeError("SignatureDoesNotMatch",
                   "The request signature we calculated does not match the signature you "
                   "provided. Check your key and signing method.")
      .With("AWSAccessKeyId", p.access_key_id)
      .With("StringToSign", string_to_sign)
      .With("SignatureProvided", p.signature)
      .With("CanonicalRequest", canonical_request);
}

Error TooSkewed(std::string_view request_time, int64_t now_s, int64_t max_skew_s) {
  return MakeError("RequestTimeTooSkewed",
                   "The difference between the request time and the current time is too large.")
      .With("RequestTime", std::string(request_time))
      .With("ServerTime", FormatIso8601(now_s))
      .With("MaxAllowedSkewMilliseconds", std::to_string(max_skew_s * 1000));
}

Error UnknownAccessKey(std::string_view access_key_id) {
  return MakeError("InvalidAccessKeyId",
                   "The AWS Access Key Id you provided does not exist in our records.")
      .With("AWSAccessKeyId", std::string(access_key_id));
}

}  // namespace

AuthKind DetectAuthKind(const http::Request& request) {
  if (auto auth = request.headers.Get("Authorization")) {
    return auth->starts_with("AWS ") ? AuthKind::kHeaderV2 : AuthKind::kHeader;
  }
  if (request.query.Has("X-Amz-Signature") || request.query.Has("X-Amz-Credential") ||
      request.query.Has("X-Amz-Algorithm")) {
    return AuthKind::kPresigned;
  }
  if (request.query.Has("AWSAccessKeyId") || request.query.Has("Signature")) {
    return AuthKind::kPresignedV2;
  }
  return AuthKind::kAnonymous;
}

Verifier::Verifier(const CredentialStore& credentials, const Clock& clock, VerifierOptions options)
    : credentials_(credentials), clock_(clock), options_(std::move(options)) {}

Result<Verified> Verifier::VerifyS3(const http::Request& request, std::string_view v2_resource) {
  AuthKind kind = DetectAuthKind(request);
  if (kind == AuthKind::kAnonymous) return Verified{};
  if (kind == AuthKind::kHeaderV2 || kind == AuthKind::kPresignedV2) {
    return VerifyV2(request, v2_resource);
  }
  std::string payload_hash;
  auto claimed = request.headers.Get("x-amz-content-sha256");
  if (kind == AuthKind::kPresigned) {
    payload_hash = claimed ? std::string(*claimed) : "UNSIGNED-PAYLOAD";
  } else {
    if (!claimed) {
      return MakeError("InvalidRequest",
                       "Missing required header for this request: x-amz-content-sha256");
    }
    payload_hash = std::string(*claimed);
  }
  auto mode = ParsePayloadMode(payload_hash);
  if (!mode) {
    return MakeError("InvalidArgument",
                     "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                     "STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                     "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.")
        .With("ArgumentName", "x-amz-content-sha256")
        .With("ArgumentValue", payload_hash);
  }
  auto verified = Verify(request, payload_hash, PathEncoding::kS3);
  if (!verified.ok()) return verified;
  verified->payload_mode = *mode;
  if (*mode == PayloadMode::kSigned) verified->payload_sha256 = payload_hash;
  return verified;
}

Result<Verified> Verifier::VerifyWithBody(const http::Request& request,
                                          std::string_view body_sha256_hex) {
  AuthKind kind = DetectAuthKind(request);
  if (kind == AuthKind::kAnonymous) return Verified{};
  if (kind == AuthKind::kHeaderV2 || kind == AuthKind::kPresignedV2) {
    return MakeError("InvalidRequest", "This service accepts only AWS4-HMAC-SHA256 signatures.");
  }
  std::string payload_hash(body_sha256_hex);
  if (auto claimed = request.headers.Get("x-amz-content-sha256")) {
    // A client that names the hash signs with it; it must still match the body.
    if (*claimed != body_sha256_hex && *claimed != "UNSIGNED-PAYLOAD") {
      return MakeError("XAmzContentSHA256Mismatch",
                       "The provided 'x-amz-content-sha256' header does not match what was "
                       "computed.");
    }
    payload_hash = std::string(*claimed);
  }
  return Verify(request, payload_hash, PathEncoding::kDouble);
}

Result<Verified> Verifier::Verify(const http::Request& request, std::string payload_hash,
                                  PathEncoding encoding) {
  AuthKind kind = DetectAuthKind(request);
  Result<SignatureParams> parsed =
      kind == AuthKind::kHeader
          ? ParseAuthorizationHeader(*request.headers.Get("Authorization"), request.headers)
          : ParsePresignedQuery(request.query);
  if (!parsed.ok()) return std::move(parsed).error();
  SignatureParams& p = *parsed;
  const char* malformed_code =
      p.presigned ? "AuthorizationQueryParametersError" : "AuthorizationHeaderMalformed";

  // The request time: X-Amz-Date in basic ISO 8601, or an HTTP Date header.
  if (p.amz_date.empty()) {
    return MakeError("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  }
  std::optional<int64_t> request_time = ParseAmzDate(p.amz_date);
  if (!request_time && !p.presigned) {
    request_time = ParseHttpDate(p.amz_date);
    if (request_time) p.amz_date = FormatAmzDate(*request_time);
  }
  if (!request_time) {
    if (p.presigned) {
      return MakeError("AuthorizationQueryParametersError",
                       "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
    }
    return MakeError("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  }
  if (p.scope_date != p.amz_date.substr(0, 8)) {
    return MakeError(malformed_code, std::string(p.presigned ? "Error parsing the X-Amz-Credential parameter; " : "The authorization header is malformed; ") +
                                         "Invalid credential date. Date is not the same as X-Amz-Date.");
  }
  if (p.region != options_.region) {
    return MakeError(malformed_code,
                     std::string(p.presigned ? "Error parsing the X-Amz-Credential parameter; "
                                             : "The authorization header is malformed; ") +
                         "the region '" + p.region + "' is wrong; expecting '" + options_.region +
                         "'")
        .With("Region", options_.region);
  }

  int64_t now_s = clock_.NowMs() / 1000;
  if (p.presigned) {
    // A link valid for 0 seconds is never valid.
    if (p.expires_s == 0 || now_s > *request_time + p.expires_s) {
      return MakeError("AccessDenied", "Request has expired")
          .With("X-Amz-Expires", std::to_string(p.expires_s))
          .With("Expires", FormatIso8601(*request_time + p.expires_s))
          .With("ServerTime", FormatIso8601(now_s));
    }
    if (*request_time > now_s + options_.max_skew_s) {
      return MakeError("AccessDenied", "Request is not valid yet");
    }
  } else if (std::abs(now_s - *request_time) > options_.max_skew_s) {
    return TooSkewed(p.amz_date, now_s, options_.max_skew_s);
  }

  const std::string* query_token = request.query.Get("X-Amz-Security-Token");
  std::string_view presented =
      p.presigned ? (query_token ? std::string_view(*query_token) : std::string_view())
                  : request.headers.Get("x-amz-security-token").value_or(std::string_view());
  Result<Credential> credential = FindCredential(p.access_key_id, presented);
  if (!credential.ok()) return std::move(credential).error();

  if (!p.presigned) {
    // Every x-amz-* header must be covered by the signature.
    std::string unsigned_headers;
    for (const auto& [name, value] : request.headers.fields()) {
      std::string lower = http::ToLower(name);
      if (!lower.starts_with("x-amz-")) continue;
      if (std::find(p.signed_headers.begin(), p.signed_headers.end(), lower) !=
          p.signed_headers.end()) {
        continue;
      }
      if (!unsigned_headers.empty()) unsigned_headers += ',';
      unsigned_headers += lower;
    }
    if (!unsigned_headers.empty()) {
      return MakeError("AccessDenied",
                       "There were headers present in the request which were not signed")
          .With("HeadersNotSigned", unsigned_headers);
    }
  }

  std::optional<std::string> canonical = CanonicalRequest(request, p, payload_hash, encoding);
  std::string string_to_sign =
      canonical ? StringToSign(p.amz_date, p.Scope(), *canonical) : std::string();
  std::string key = CachedSigningKey(*credential, p);
  if (!canonical || !ConstantTimeEquals(SignatureHex(key, string_to_sign), p.signature)) {
    return SignatureMismatch(p, string_to_sign, canonical.value_or(""));
  }

  if (!credential->session_token.empty() && presented != credential->session_token) {
    return MakeError("InvalidToken", "The provided token is malformed or otherwise invalid.");
  }

  Verified v;
  v.principal = credential->principal;
  v.signing_key = std::move(key);
  v.params = std::move(p);
  return v;
}

Result<Credential> Verifier::FindCredential(std::string_view access_key_id,
                                           std::string_view token) {
  Result<Credential> credential = credentials_.Find(access_key_id, token);
  if (!credential.ok()) {
    if (credential.error().code == "InvalidAccessKeyId") return UnknownAccessKey(access_key_id);
    return credential;
  }
  if (credential->expires_ms != 0 && clock_.NowMs() >= credential->expires_ms) {
    return MakeError("ExpiredToken", "The provided token has expired.");
  }
  return credential;
}

Result<Verified> Verifier::VerifyV2(const http::Request& request, std::string_view resource) {
  bool presigned = !request.headers.Has("Authorization");
  Result<SigV2Params> parsed = presigned
                                   ? ParseSigV2Query(request.query)
                                   : ParseSigV2Header(*request.headers.Get("Authorization"));
  if (!parsed.ok()) return std::move(parsed).error();
  SigV2Params& p = *parsed;
  int64_t now_s = clock_.NowMs() / 1000;
  if (presigned) {
    if (now_s > p.expires_s) {
      return MakeError("AccessDenied", "Request has expired")
          .With("Expires", FormatIso8601(p.expires_s))
          .With("ServerTime", FormatIso8601(now_s));
    }
  } else {
    auto date = request.headers.Get("x-amz-date");
    if (!date) date = request.headers.Get("Date");
    std::optional<int64_t> t = date ? ParseHttpDate(*date) : std::nullopt;
    if (!t) {
      return MakeError("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
    }
    if (std::abs(now_s - *t) > options_.max_skew_s) {
      return TooSkewed(*date, now_s, options_.max_skew_s);
    }
  }
  const std::string* query_token = request.query.Get("x-amz-security-token");
  std::string_view presented =
      query_token ? std::string_view(*query_token)
                  : request.headers.Get("x-amz-security-token").value_or(std::string_view());
  Result<Credential> credential = FindCredential(p.access_key_id, presented);
  if (!credential.ok()) return std::move(credential).error();
  std::string string_to_sign = SigV2StringToSign(request, resource, p);
  if (!ConstantTimeEquals(SigV2Signature(credential->secret_access_key, string_to_sign),
                          p.signature)) {
    return MakeError("SignatureDoesNotMatch",
                     "The request signature we calculated does not match the signature you "
                     "provided. Check your key and signing method.")
        .With("AWSAccessKeyId", p.access_key_id)
        .With("StringToSign", string_to_sign)
        .With("SignatureProvided", p.signature);
  }
  if (!credential->session_token.empty() && presented != credential->session_token) {
    return MakeError("InvalidToken", "The provided token is malformed or otherwise invalid.");
  }
  Verified v;
  v.principal = credential->principal;
  v.params.access_key_id = p.access_key_id;
  v.payload_mode = PayloadMode::kUnsigned;
  return v;
}

Result<Verified> Verifier::VerifyPostForm(const FormSignature& form,
                                          std::string_view policy_base64) {
  auto mismatch = [](std::string_view access_key_id, std::string_view provided) {
    return MakeError("SignatureDoesNotMatch",
                     "The request signature we calculated does not match the signature you "
                     "provided. Check your key and signing method.")
        .With("AWSAccessKeyId", std::string(access_key_id))
        .With("SignatureProvided", std::string(provided));
  };
  SignatureParams p;
  if (form.v2()) {
    p.access_key_id = form.access_key_id;
  } else {
    if (form.algorithm != kAlgorithm) {
      return MakeError("InvalidArgument", "Only AWS4-HMAC-SHA256 is supported as the "
                                          "x-amz-algorithm of a POST form.")
          .With("ArgumentName", "x-amz-algorithm")
          .With("ArgumentValue", form.algorithm);
    }
    if (!ParseCredential(form.credential, &p)) {
      return MakeError("InvalidArgument",
                       "Error parsing the X-Amz-Credential parameter; the Credential is "
                       "mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
          .With("ArgumentName", "x-amz-credential")
          .With("ArgumentValue", form.credential);
    }
    if (p.region != options_.region) {
      return MakeError("InvalidArgument", "the region '" + p.region + "' is wrong; expecting '" +
                                              options_.region + "'")
          .With("ArgumentName", "x-amz-credential")
          .With("ArgumentValue", form.credential)
          .With("Region", options_.region);
    }
    if (!ParseAmzDate(form.date)) {
      return MakeError("InvalidArgument",
                       "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
          .With("ArgumentName", "x-amz-date")
          .With("ArgumentValue", form.date);
    }
  }
  Result<Credential> credential = FindCredential(p.access_key_id, form.security_token);
  if (!credential.ok()) return std::move(credential).error();
  bool matches =
      form.v2() ? ConstantTimeEquals(SigV2Signature(credential->secret_access_key, policy_base64),
                                     form.signature_v2)
                : ConstantTimeEquals(SignatureHex(CachedSigningKey(*credential, p), policy_base64),
                                     form.signature);
  if (!matches) return mismatch(p.access_key_id, form.v2() ? form.signature_v2 : form.signature);
  if (!credential->session_token.empty() && form.security_token != credential->session_token) {
    return MakeError("InvalidToken", "The provided token is malformed or otherwise invalid.");
  }
  Verified v;
  v.principal = credential->principal;
  v.params = std::move(p);
  v.payload_mode = PayloadMode::kUnsigned;
  return v;
}

std::string Verifier::CachedSigningKey(const Credential& credential, const SignatureParams& p) {
  std::string cache_key = credential.secret_access_key + '\n' + p.scope_date + '\n' + p.region +
                          '\n' + p.service;
  std::lock_guard lock(cache_mutex_);
  auto it = key_cache_.find(cache_key);
  if (it != key_cache_.end()) return it->second;
  if (key_cache_.size() > 1024) key_cache_.clear();
  std::string key = SigningKey(credential.secret_access_key, p.scope_date, p.region, p.service);
  key_cache_.emplace(std::move(cache_key), key);
  return key;
}

}  // namespace evoke::auth
