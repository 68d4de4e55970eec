// Code download links: the URLs GetFunction returns as Code.Location and the layer actions as
// Content.Location. Like Lambda's presigned S3 links they work with a plain GET for ten
// minutes: each is a SigV4 presigned URL (service "lambda") on evoke's own endpoint, under a
// reserved path the Lambda service serves, signed by a credential derived from the root secret
// and checked by the same auth::Verifier as every other request. Pure; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "auth/credentials.h"

namespace evoke::lambda {

inline constexpr int64_t kCodeLinkLifetimeS = 600;

struct CodeLinkKey {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
};

// The signing credential, derived from the root credential (stable across restarts, so links
// outlive one; never usable to sign anything but what evoke signs with it, since nobody else
// knows the secret). The server adds it to its credential store.
auth::Credential CodeLinkCredential(const auth::Credential& root);

// Where a function's package and a layer version's archive are served. The package path names
// the package's SHA-256 (hex) so that a link made before an UpdateFunctionCode stops working.
std::string FunctionPackagePath(std::string_view function, std::string_view code_sha256_base64);
std::string LayerPackagePath(std::string_view layer, int64_t version);

// A presigned GET URL for `path` on `host` (the Host the client used), valid for
// kCodeLinkLifetimeS from `now_s`.
std::string PresignCodeLink(const CodeLinkKey& key, std::string_view host, std::string_view path,
                            int64_t now_s);

}  // namespace evoke::lambda
