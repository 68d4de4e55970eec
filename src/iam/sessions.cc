#include "iam/sessions.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/hash.h"
#include "base/ids.h"
#include "base/seal.h"

namespace evoke::iam {
namespace {

using nlohmann::json;

// Authenticated with every token: a token of another format or purpose does not open.
constexpr std::string_view kTokenContext = "evoke session token v1";
// Every token starts with this, so a token is recognisably evoke's.
constexpr std::string_view kTokenPrefix = "EvokeSession1.";

Error InvalidToken() {
  return MakeError("InvalidToken", "The provided token is malformed or otherwise invalid.");
}

std::string KindName(auth::Principal::Kind kind) {
  switch (kind) {
    case auth::Principal::Kind::kRoot: return "root";
    case auth::Principal::Kind::kUser: return "user";
    case auth::Principal::Kind::kAssumedRole: return "assumed-role";
    case auth::Principal::Kind::kAnonymous: break;
  }
  return "anonymous";
}

std::optional<auth::Principal::Kind> KindOf(std::string_view name) {
  if (name == "root") return auth::Principal::Kind::kRoot;
  if (name == "user") return auth::Principal::Kind::kUser;
  if (name == "assumed-role") return auth::Principal::Kind::kAssumedRole;
  return std::nullopt;
}

}  // namespace

Sessions::Sessions(std::string key)
    : seal_key_(HmacSha256(key, "evoke session seal key")),
      secret_key_(HmacSha256(key, "evoke session secret key")) {}

Result<std::string> Sessions::LoadOrCreateKey(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    std::string key(kSealKeyBytes + 1, '\0');
    ssize_t n = ::read(fd, key.data(), key.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(kSealKeyBytes)) {
      return MakeError("InternalError", path + " does not hold a session key (32 bytes)");
    }
    key.resize(kSealKeyBytes);
    return key;
  }
  std::string key = RandomBytes(kSealKeyBytes);
  std::string tmp = path + ".tmp";
  fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return MakeError("InternalError", "cannot write " + tmp);
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return MakeError("InternalError", "cannot write " + path);
  }
  return key;
}

std::string Sessions::SecretOf(std::string_view access_key_id) const {
  return Base64Encode(HmacSha256(secret_key_, access_key_id)).substr(0, 40);
}

auth::Credential Sessions::Issue(const auth::Principal& principal, int64_t expires_ms) const {
  auth::Credential c;
  c.access_key_id = NewAwsId("ASIA", 20);
  c.secret_access_key = SecretOf(c.access_key_id);
  c.expires_ms = expires_ms;
  c.principal = principal;
  c.principal.access_key_id = c.access_key_id;
  json session = {{"k", c.access_key_id},
                  {"e", expires_ms},
                  {"t", KindName(principal.kind)},
                  {"c", principal.account_id},
                  {"a", principal.arn},
                  {"n", principal.name},
                  {"u", principal.user_id},
                  {"r", principal.role_arn},
                  {"p", principal.session_policy}};
  c.session_token = std::string(kTokenPrefix) +
                    Base64Encode(Seal(seal_key_, session.dump(), kTokenContext));
  return c;
}

Result<auth::Credential> Sessions::Open(std::string_view access_key_id,
                                        std::string_view token) const {
  if (token.size() > kMaxSessionTokenChars || !token.starts_with(kTokenPrefix)) {
    return InvalidToken();
  }
  std::optional<std::string> sealed = Base64Decode(token.substr(kTokenPrefix.size()));
  if (!sealed) return InvalidToken();
  std::optional<std::string> plain = evoke::Open(seal_key_, *sealed, kTokenContext);
  if (!plain) return InvalidToken();
  json session = json::parse(*plain, nullptr, false);
  if (!session.is_object()) return InvalidToken();
  auth::Credential c;
  try {
    c.access_key_id = session.at("k").get<std::string>();
    c.expires_ms = session.at("e").get<int64_t>();
    std::optional<auth::Principal::Kind> kind = KindOf(session.at("t").get<std::string>());
    if (!kind) return InvalidToken();
    c.principal.kind = *kind;
    c.principal.anonymous = false;
    c.principal.account_id = session.at("c").get<std::string>();
    c.principal.arn = session.at("a").get<std::string>();
    c.principal.name = session.at("n").get<std::string>();
    c.principal.user_id = session.at("u").get<std::string>();
    c.principal.role_arn = session.at("r").get<std::string>();
    c.principal.session_policy = session.at("p").get<std::string>();
  } catch (const json::exception&) {
    return InvalidToken();
  }
  if (c.access_key_id != access_key_id) return InvalidToken();
  c.principal.access_key_id = c.access_key_id;
  c.secret_access_key = SecretOf(c.access_key_id);
  c.session_token = std::string(token);
  return c;
}

}  // namespace evoke::iam
