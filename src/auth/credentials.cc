#include "auth/credentials.h"

namespace evoke::auth {

void MemoryCredentialStore::Add(Credential credential) {
  std::lock_guard lock(mutex_);
  std::string key = credential.access_key_id;
  by_key_[key] = std::move(credential);
}

void MemoryCredentialStore::Remove(std::string_view access_key_id) {
  std::lock_guard lock(mutex_);
  by_key_.erase(std::string(access_key_id));
}

Result<Credential> MemoryCredentialStore::Find(std::string_view access_key_id,
                                               std::string_view) const {
  std::lock_guard lock(mutex_);
  auto it = by_key_.find(std::string(access_key_id));
  if (it == by_key_.end()) {
    return MakeError("InvalidAccessKeyId",
                     "The AWS Access Key Id you provided does not exist in our records.");
  }
  return it->second;
}

}  // namespace evoke::auth
