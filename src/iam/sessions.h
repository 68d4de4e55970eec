// Sessions: the temporary credentials STS and Lambda issue (ASIA... keys with a session
// token). Stateless (docs/identity.md): the token is the session — its key id, expiry and
// principal — sealed with AES-256-GCM under the server's session key, and the secret is an
// HMAC of the key id under the same key, so nothing is stored per session and any process
// holding the key verifies any token. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "base/result.h"

namespace evoke::iam {

class Sessions {
 public:
  // `key`: kSealKeyBytes of secret (the content of DATA_DIR/session.key).
  explicit Sessions(std::string key);
  // The key kept in `path` (made, 0600, on first use). Errors: the file cannot be read or
  // written, or holds something else than a key.
  static Result<std::string> LoadOrCreateKey(const std::string& path);

  // New credentials for `principal` (a user or an assumed role, with its session policy) that
  // work until `expires_ms`.
  auth::Credential Issue(const auth::Principal& principal, int64_t expires_ms) const;
  // The credentials of a token presented with `access_key_id`. InvalidToken when the token does
  // not open or belongs to another key; the caller checks the expiry (the verifier answers
  // ExpiredToken).
  Result<auth::Credential> Open(std::string_view access_key_id, std::string_view token) const;

 private:
  std::string SecretOf(std::string_view access_key_id) const;

  std::string seal_key_;    // derived from the server key, for tokens
  std::string secret_key_;  // derived from the server key, for secrets
};

// The most characters of a session token evoke accepts (AWS's are up to about 2 KB; a session
// policy of 2048 characters makes ours longer).
inline constexpr size_t kMaxSessionTokenChars = 8192;

}  // namespace evoke::iam
