// Authorizer: the pipeline's authorize stage. It receives who is asking (the principal), the
// action as IAM spells it ("s3:GetObject", "lambda:InvokeFunction"), the resource ARN and the
// request's condition keys, and allows or denies. The identity module implements it with IAM's
// policies (iam/policy_authorizer.h).
// Implementations are called on I/O threads and must be thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "auth/policy.h"
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
  // The resource's own policy (an S3 bucket policy), fetched when an authorizer asks; empty, or
  // returning nullptr: none.
  std::function<std::shared_ptr<const auth::Policy>()> resource_policy;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // OK, or the error to answer ("AccessDenied" in the pipeline's vocabulary; each protocol
  // spells it as its service does).
  virtual Status Authorize(const AuthorizationRequest& request) const = 0;
};

}  // namespace evoke::api
