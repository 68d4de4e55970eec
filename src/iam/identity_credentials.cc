#include "iam/identity_credentials.h"

namespace evoke::iam {
namespace {

// Beyond this many cached keys (valid or not), the cache starts over: a client trying random
// key ids must not grow it without bound.
constexpr size_t kMaxCachedKeys = 10'000;

Error UnknownKey() {
  return MakeError("InvalidAccessKeyId",
                   "The AWS Access Key Id you provided does not exist in our records.");
}

}  // namespace

auth::Principal UserPrincipal(std::string_view account_id, const User& user) {
  auth::Principal p;
  p.kind = auth::Principal::Kind::kUser;
  p.anonymous = false;
  p.account_id = std::string(account_id);
  p.arn = UserArn(account_id, user);
  p.name = user.name;
  p.user_id = user.id;
  return p;
}

IdentityCredentials::IdentityCredentials(Directory& directory, const Sessions& sessions)
    : directory_(directory), sessions_(sessions) {}

void IdentityCredentials::AddFixed(auth::Credential credential) {
  std::string id = credential.access_key_id;
  fixed_[id] = std::move(credential);
}

Result<auth::Credential> IdentityCredentials::Find(std::string_view access_key_id,
                                                   std::string_view session_token) const {
  if (auto it = fixed_.find(std::string(access_key_id)); it != fixed_.end()) return it->second;
  if (access_key_id.starts_with("ASIA")) {
    // A session's key means nothing without its token.
    if (session_token.empty()) return UnknownKey();
    return sessions_.Open(access_key_id, session_token);
  }
  return FindUserKey(access_key_id);
}

Result<auth::Credential> IdentityCredentials::FindUserKey(std::string_view access_key_id) const {
  uint64_t generation = directory_.generation();
  std::string id(access_key_id);
  {
    std::lock_guard lock(mutex_);
    if (cached_generation_ != generation) {
      cache_.clear();
      cached_generation_ = generation;
    }
    if (auto it = cache_.find(id); it != cache_.end()) return it->second;
  }
  Result<auth::Credential> found = [&]() -> Result<auth::Credential> {
    auto t = directory_.txns().Read();
    auto key = directory_.FindAccessKey(*t, id);
    if (!key.ok()) return std::move(key).error();
    if (!key->has_value() || !(*key)->active) return UnknownKey();
    auto user = directory_.FindUser(*t, (*key)->user);
    if (!user.ok()) return std::move(user).error();
    if (!user->has_value()) return UnknownKey();
    auth::Credential c;
    c.access_key_id = id;
    c.secret_access_key = (*key)->secret;
    c.principal = UserPrincipal(directory_.account_id(), **user);
    c.principal.access_key_id = id;
    return c;
  }();
  // A store failure is not remembered: the next request tries again.
  if (!found.ok() && found.error().code != "InvalidAccessKeyId") return found;
  std::lock_guard lock(mutex_);
  if (cached_generation_ == generation) {
    if (cache_.size() >= kMaxCachedKeys) cache_.clear();
    cache_.emplace(id, found);
  }
  return found;
}

}  // namespace evoke::iam
