// AccessAnalyzerService: IAM Access Analyzer's ValidatePolicy (rest-json, SigV4 service
// "access-analyzer", POST /policy/validation) over the policy linter (auth/policy_lint.h), as a
// table the request pipeline runs; authorized as access-analyzer:ValidatePolicy on "*". Its
// other operations are not served. Called on I/O threads; holds no per-request state.
#pragma once

#include <nlohmann/json.hpp>

#include "api/pipeline.h"
#include "api/service.h"
#include "auth/policy_lint.h"
#include "base/asio.h"
#include "base/result.h"
#include "http/exchange.h"

namespace evoke::iam {

class AccessAnalyzerService {
 public:
  // `actions` is filled at start-up before the first request and read-only afterwards.
  AccessAnalyzerService(const auth::ActionCatalog& actions, const api::Pipeline& pipeline);
  Task<void> Handle(http::Exchange& exchange);
  const api::Service& table() const { return service_; }

 private:
  const api::Pipeline& pipeline_;
  api::Service service_;
};

// ValidatePolicy's result from its body members and its query (maxResults, nextToken): the
// findings page and nextToken, or ValidationException. Pure.
Result<nlohmann::json> ValidatePolicy(const nlohmann::json& input, const std::string* max_results,
                                      const std::string* next_token,
                                      const auth::ActionCatalog& actions);

}  // namespace evoke::iam
