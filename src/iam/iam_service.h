// IamService: the IAM API (awsQuery, version 2010-05-08) over the directory, as a table of
// operations and errors the request pipeline runs (api/pipeline.h). Every operation is
// authorized as "iam:<Operation>" on the user, group, role or policy it names. Called on I/O
// threads; holds no per-request state. Operations: docs/identity.md.
#pragma once

#include <span>
#include <vector>

#include "api/pipeline.h"
#include "api/service.h"
#include "auth/policy_lint.h"
#include "base/asio.h"
#include "http/exchange.h"
#include "iam/directory.h"

namespace evoke::iam {

class IamService {
 public:
  // `actions` (the linter's, for warnings on stored policies) is filled at start-up before the
  // first request and read-only afterwards.
  IamService(Directory& directory, const auth::ActionCatalog& actions,
             const api::Pipeline& pipeline);
  Task<void> Handle(http::Exchange& exchange);
  const api::Service& table() const { return service_; }

 private:
  Directory& directory_;
  const api::Pipeline& pipeline_;
  api::Service service_;
};

// A query service's errors (`own`) and those every query service (IAM, STS) answers, with
// their statuses: authentication, the form's parameters, AccessDenied.
std::vector<api::ErrorStatus> WithQueryErrors(std::span<const api::ErrorStatus> own);

}  // namespace evoke::iam
