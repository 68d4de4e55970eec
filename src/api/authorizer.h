// Authorizer: the pipeline's authorize stage. It receives who is asking (the principal), the
// action as IAM spells it ("s3:GetObject", "lambda:InvokeFunction"), the resource ARN and the
// request's condition keys, and allows or denies. The identity work (IAM policies) implements
// it; until then AllowAccountPrincipals lets every authenticated principal of the account in.
// Implementations are called on I/O threads and must be thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "base/result.h"

namespace evoke::api {

struct AuthorizationRequest {
  const auth::Principal& principal;
  std::string_view action;    // "logs:FilterLogEvents"
  std::string_view resource;  // "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f"
  // Global condition keys of the request: aws:SourceIp, aws:SecureTransport, aws:CurrentTime,
  // aws:EpochTime, aws:PrincipalArn, aws:PrincipalAccount (IAM's spelling). Computed when an
  // authorizer asks: most decisions need none, and the hot paths should not pay for them.
  std::function<std::vector<std::pair<std::string, std::string>>()> conditions;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // OK, or the error to answer ("AccessDenied" in the pipeline's vocabulary; each protocol
  // spells it as its service does).
  virtual Status Authorize(const AuthorizationRequest& request) const = 0;
};

// Every signed request of a known principal is allowed: evoke's one identity today is the
// account's root. Anonymous requests are denied.
class AllowAccountPrincipals final : public Authorizer {
 public:
  Status Authorize(const AuthorizationRequest& request) const override {
    if (request.principal.anonymous) return MakeError("AccessDenied", "Access Denied");
    return {};
  }
};

}  // namespace evoke::api
