// Verifier: authenticates a request head by its SigV4 signature (Authorization header or
// presigned query), checking scope, region, clock skew and expiry, and says how the body must
// be verified. Thread-safe; one per server.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/credentials.h"
#include "auth/sigv2.h"
#include "auth/sigv4.h"
#include "base/clock.h"
#include "base/result.h"
#include "http/message.h"

namespace evoke::auth {

struct VerifierOptions {
  std::string region = "us-east-1";
  int64_t max_skew_s = 15 * 60;
};

// What verification established about a request.
struct Verified {
  Principal principal;        // anonymous when the request carried no signature
  SignatureParams params;     // empty when anonymous
  std::string signing_key;    // for chunk and trailer signatures
  PayloadMode payload_mode = PayloadMode::kUnsigned;
  std::string payload_sha256; // kSigned: the hex digest the body must have
};

// The signature fields of a browser's form upload (S3 POST Object), as the form gave them.
struct FormSignature {
  std::string algorithm;       // x-amz-algorithm
  std::string credential;      // x-amz-credential
  std::string date;            // x-amz-date
  std::string signature;       // x-amz-signature
  std::string access_key_id;   // AWSAccessKeyId (SigV2)
  std::string signature_v2;    // signature (SigV2)
  std::string security_token;  // x-amz-security-token
  bool v2() const { return !access_key_id.empty(); }
};

enum class AuthKind { kAnonymous, kHeader, kPresigned, kHeaderV2, kPresignedV2 };
AuthKind DetectAuthKind(const http::Request& request);

class Verifier {
 public:
  Verifier(const CredentialStore& credentials, const Clock& clock, VerifierOptions options);

  // S3: the payload hash is the one x-amz-content-sha256 claims (UNSIGNED-PAYLOAD for
  // presigned URLs); the body is checked against it as it streams. SigV2 requests are accepted
  // too; `v2_resource` is the path they sign (with the bucket in front for virtual hosts).
  Result<Verified> VerifyS3(const http::Request& request, std::string_view v2_resource);
  // Every other service: the payload hash is computed from the (whole) body.
  Result<Verified> VerifyWithBody(const http::Request& request, std::string_view body_sha256_hex);

  // A form upload's signature over its base64 policy: SigV4 with the credential's signing key,
  // or SigV2's HMAC-SHA1. The policy's own expiration is the form's expiry; the caller checks it.
  Result<Verified> VerifyPostForm(const FormSignature& form, std::string_view policy_base64);

  const std::string& region() const { return options_.region; }

 private:
  Result<Verified> Verify(const http::Request& request, std::string payload_hash,
                          PathEncoding encoding);
  Result<Verified> VerifyV2(const http::Request& request, std::string_view resource);
  std::string CachedSigningKey(const Credential& credential, const SignatureParams& params);
  // The key's credential for the session token presented; ExpiredToken past its expiry.
  Result<Credential> FindCredential(std::string_view access_key_id, std::string_view token);

  const CredentialStore& credentials_;
  const Clock& clock_;
  VerifierOptions options_;
  std::mutex cache_mutex_;
  std::unordered_map<std::string, std::string> key_cache_;  // GUARDED_BY(cache_mutex_)
};

}  // namespace evoke::auth
