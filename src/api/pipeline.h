// Pipeline: the one request path of every AWS service but S3 (whose REST-XML path moves onto
// it next; docs/architecture.md). Stages, named as Ceph RGW names them:
//   read       the body, bounded by the operation's limit
//   authenticate  SigV4/SigV2 over the whole body (auth::Verifier)
//   parse      the operation (X-Amz-Target, REST binding, Action=) and its input document
//   authorize  Authorizer: principal, IAM action, resource ARN, condition keys
//   execute    the operation's handler: Call in, Output or Error out; it never sees the socket
//   render     the result or the error in the service's protocol, with the service's status
// Thread contract: one Pipeline per server, used from every I/O thread; it holds no
// per-request state.
#pragma once

#include <string>

#include "api/authorizer.h"
#include "api/service.h"
#include "auth/verifier.h"
#include "base/asio.h"
#include "http/exchange.h"

namespace evoke::api {

class Pipeline {
 public:
  Pipeline(auth::Verifier& verifier, const Authorizer& authorizer);

  // Runs one request of `service` through every stage and sends exactly one response.
  Task<void> Handle(http::Exchange& exchange, const Service& service) const;

  // An error as `service` answers it, for refusals outside Handle (an unknown operation found
  // by the front door): the status from the service's table, internal failures as 500.
  http::Response RenderError(const Service& service, Error error,
                             const std::string& request_id) const;

 private:
  Task<Result<Output>> Run(http::Exchange& ex, const Service& service, Call& call) const;

  auth::Verifier& verifier_;
  const Authorizer& authorizer_;
};

// The status `service` answers `error` with, turning a code its table does not list into the
// service's internal error (the message is replaced: internal details never reach clients).
// Pure; for tests.
int ClassifyError(const Service& service, Error& error);

// The verifier's errors (S3's vocabulary) as the JSON services spell them:
// UnrecognizedClientException, InvalidSignatureException, AccessDeniedException. Pure.
Error AsJsonAuthError(Error error);

}  // namespace evoke::api
