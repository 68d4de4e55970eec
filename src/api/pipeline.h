// Pipeline: the one request path of every AWS service evoke serves (docs/architecture.md).
// Stages, named as Ceph RGW names them:
//   read       the body, bounded by the operation's limit (rest-xml: left to the operation,
//              which streams it and verifies it as it reads)
//   authenticate  SigV4/SigV2 (auth::Verifier): over the whole body, or over the head for
//              rest-xml (presigned URLs, streaming aws-chunked bodies)
//   parse      the operation (X-Amz-Target, REST binding, Action=, the RPCv2-CBOR path) and
//              its input document (a service several protocols reach: each request's own,
//              RequestProtocol below)
//   authorize  Authorizer: principal, IAM action, resource ARN, condition keys
//   execute    the operation's handler: Call in, Output or Error out; it never sees the socket
//   render     the result or the error in the service's protocol, with the service's status
// Thread contract: one Pipeline per server, used from every I/O thread; it holds no
// per-request state.
#pragma once

#include <string>
#include <string_view>

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

  // An error as `service` answers it, for refusals outside Handle (a request the HTTP layer
  // refused, a service evoke does not serve): the status from the service's table, internal
  // failures as 500. `resource`: S3's <Resource>, the path the request named.
  http::Response RenderError(const Service& service, Error error, const std::string& request_id,
                             std::string_view resource = {}) const;

 private:
  // Every stage but render, in the service's protocol.
  Task<Result<Output>> RunStages(http::Exchange& ex, const Service& service, Call& call) const;
  // The JSON protocols and RPCv2-CBOR: the whole body read and verified before the operation
  // runs.
  Task<Result<Output>> Run(http::Exchange& ex, const Service& service, Call& call) const;
  // rest-xml (S3): the head verified, the body left to the operation, which streams it.
  Task<Result<Output>> RunRestXml(http::Exchange& ex, const Service& service, Call& call) const;
  // awsQuery (IAM, STS): the form read and verified, the operation named by Action=.
  Task<Result<Output>> RunQuery(http::Exchange& ex, const Service& service, Call& call) const;
  // The authorize stage: the service's denial when the authorizer refuses; sets
  // call.authorize_also for the operation.
  Status Authorize(const Service& service, const Operation& op, Call& call) const;
  Status Decide(const Service& service, const Operation& op, const Call& call,
                std::string_view action, const std::string& resource,
                const std::vector<std::pair<std::string, std::string>>& extra) const;

  auth::Verifier& verifier_;
  const Authorizer& authorizer_;
};

// The protocol a request for `service` speaks: the service's own, or for a service that several
// protocols reach (Service::also_speaks), RPCv2-CBOR for its /service/<name>/operation/ path,
// awsJson for an X-Amz-Target, awsQuery for a form body or an Action= query, and the service's
// own for anything else. Pure.
Protocol RequestProtocol(const Service& service, const http::Request& request);

// An error, or an operation's output, as `service` renders it in `protocol` (the stage render).
// Pure; Pipeline::Handle and RenderError use them, and the unit tests.
http::Response RenderServiceError(const Service& service, Protocol protocol, Error error,
                                  const std::string& request_id, std::string_view resource = {});
http::Response RenderServiceOutput(const Service& service, Protocol protocol,
                                   const std::string& operation, Output output,
                                   const std::string& request_id);

// The status `service` answers `error` with, turning a code its table does not list into the
// service's internal error (the message is replaced: internal details never reach clients).
// Pure; for tests.
int ClassifyError(const Service& service, Error& error);

// The verifier's errors (S3's vocabulary) as the JSON services spell them:
// UnrecognizedClientException, InvalidSignatureException, AccessDeniedException. Pure.
Error AsJsonAuthError(Error error);
// The same for the query services: InvalidClientTokenId, SignatureDoesNotMatch,
// IncompleteSignature. Pure.
Error AsQueryAuthError(Error error);

}  // namespace evoke::api
