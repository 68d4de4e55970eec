// StsService: the STS API (awsQuery, version 2011-06-15): GetCallerIdentity, AssumeRole (the
// role's trust policy checked with the caller's own policies), GetSessionToken and
// GetAccessKeyInfo, issuing sessions (iam/sessions.h). Called on I/O threads.
#pragma once

#include "api/pipeline.h"
#include "api/service.h"
#include "base/asio.h"
#include "http/exchange.h"
#include "iam/directory.h"
#include "iam/policy_authorizer.h"
#include "iam/sessions.h"

namespace evoke::iam {

class StsService {
 public:
  StsService(Directory& directory, const Sessions& sessions, const PolicyAuthorizer& authorizer,
             const api::Pipeline& pipeline);
  Task<void> Handle(http::Exchange& exchange);
  const api::Service& table() const { return service_; }

 private:
  const api::Pipeline& pipeline_;
  api::Service service_;
};

}  // namespace evoke::iam
