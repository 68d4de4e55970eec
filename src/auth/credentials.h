// Credentials and principals: who signed a request. CredentialStore looks up secret keys by
// access key id for the verifier; implementations are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"

namespace evoke::auth {

struct Principal {
  enum class Kind { kAnonymous, kRoot, kUser, kAssumedRole };
  std::string access_key_id;  // empty when anonymous
  std::string account_id;
  std::string arn;            // arn:aws:iam::<account>:root | ...:user/PATH/NAME |
                              // arn:aws:sts::<account>:assumed-role/ROLE/SESSION
  bool anonymous = true;
  Kind kind = Kind::kAnonymous;
  std::string name;      // the user's or the role's name (users, assumed roles)
  std::string user_id;   // aws:userid: the account id (root), AIDA... (user), AROA...:SESSION
  std::string role_arn;  // assumed roles: arn:aws:iam::<account>:role/PATH/ROLE
  std::string session_policy;  // a session's own policy (AssumeRole's Policy); empty: none
};

struct Credential {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // required on requests when not empty
  int64_t expires_ms = 0;     // sessions: when the credential stops working; 0: never
  Principal principal;
};

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;
  // The credential of `access_key_id`, given the session token the request presents (empty:
  // none). Errors, in S3's codes (each protocol renames them): InvalidAccessKeyId (no such key,
  // or an inactive one), InvalidToken (a token that does not open, or names another key).
  virtual Result<Credential> Find(std::string_view access_key_id,
                                  std::string_view session_token) const = 0;
};

// Credentials held in memory: the root credentials, and later ones added at run time.
class MemoryCredentialStore final : public CredentialStore {
 public:
  void Add(Credential credential);
  void Remove(std::string_view access_key_id);
  Result<Credential> Find(std::string_view access_key_id,
                          std::string_view session_token) const override;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Credential> by_key_;  // GUARDED_BY(mutex_)
};

}  // namespace evoke::auth
