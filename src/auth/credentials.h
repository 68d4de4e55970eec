// Credentials and principals: who signed a request. CredentialStore looks up secret keys by
// access key id for the verifier; implementations are thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace evoke::auth {

struct Principal {
  std::string access_key_id;  // empty when anonymous
  std::string account_id;
  std::string arn;            // arn:aws:iam::<account>:root, or a role's session ARN
  bool anonymous = true;
};

struct Credential {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // required on requests when not empty
  Principal principal;
};

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;
  virtual std::optional<Credential> Find(std::string_view access_key_id) const = 0;
};

// Credentials held in memory: the root credentials, and later ones added at run time.
class MemoryCredentialStore final : public CredentialStore {
 public:
  void Add(Credential credential);
  void Remove(std::string_view access_key_id);
  std::optional<Credential> Find(std::string_view access_key_id) const override;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Credential> by_key_;  // GUARDED_BY(mutex_)
};

}  // namespace evoke::auth
