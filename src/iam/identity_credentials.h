// IdentityCredentials: every key the verifier may meet (auth::CredentialStore): the fixed
// ones the server starts with (root's, the code links'), IAM users' access keys (read from the
// directory and cached until the next IAM change), and sessions (ASIA keys, opened from their
// token). Thread-safe; called on I/O threads.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "auth/credentials.h"
#include "iam/directory.h"
#include "iam/sessions.h"

namespace evoke::iam {

class IdentityCredentials final : public auth::CredentialStore {
 public:
  IdentityCredentials(Directory& directory, const Sessions& sessions);

  // A key that is not IAM's: root's, the code links'. Before the server starts.
  void AddFixed(auth::Credential credential);

  Result<auth::Credential> Find(std::string_view access_key_id,
                                std::string_view session_token) const override;

 private:
  Result<auth::Credential> FindUserKey(std::string_view access_key_id) const;

  Directory& directory_;
  const Sessions& sessions_;
  std::unordered_map<std::string, auth::Credential> fixed_;
  // IAM users' keys as last read (a missing or inactive key as an error), for one generation.
  mutable std::mutex mutex_;
  mutable uint64_t cached_generation_ = 0;
  mutable std::unordered_map<std::string, Result<auth::Credential>> cache_;
};

// The principal of an IAM user, as requests signed with its keys carry it.
auth::Principal UserPrincipal(std::string_view account_id, const User& user);

}  // namespace evoke::iam
