// Context: what an S3 action gets for one request: the exchange (to read the body from), where
// it points, who signed it, the dependencies, and helpers to answer and to commit. Lives for one
// request on its thread. An action never writes to the socket: it sets its answer, which the
// pipeline renders.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/service.h"
#include "auth/verifier.h"
#include "base/asio.h"
#include "http/exchange.h"
#include "s3/names.h"
#include "s3/service.h"
#include "store/txn.h"

namespace evoke::s3 {

struct Context {
  http::Exchange& ex;
  const S3Options& options;
  const S3Dependencies& deps;
  Target target;
  const auth::Verified& auth;
  std::string request_id;
  std::string host_id;
  // The decision for another action and resource of this request (api::Call::authorize_also).
  api::Call::AuthorizeAlso authorize;
  // Who the request acts for, as `authorize` decides for it: the signer of a signed request,
  // the signer of a form upload's fields (post_object.cc).
  auth::Principal& principal;
  // That decision without extra condition keys; denies when there is no decision to ask.
  Status Authorize(std::string_view action, const std::string& resource) const {
    if (!authorize) return MakeError("AccessDenied", "Access Denied");
    return authorize(action, resource, {});
  }
  api::Output answer;  // what the action answers (Reply sets it)

  const http::Request& req() const { return ex.request(); }
  int64_t NowMs() const { return deps.clock.NowMs(); }
  http::Response NewResponse(int status = 200) const;
  http::Response XmlResponse(std::string xml, int status = 200) const;
  // Sets the answer: `response`'s status, headers and body (or, for HEAD, its Content-Length).
  Status Reply(http::Response response);
  // Sets the answer: the head in `response`, the body from `body`.
  Status Reply(http::Response response, std::shared_ptr<api::BodySource> body);
  // Makes `blobs` durable, then commits `apply`; resumes when the commit is durable. The
  // store's errors come back as S3 spells them (NoSuchBucket, ...).
  Task<Status> Commit(std::vector<store::BlobWriter*> blobs,
                      std::function<Status(store::WriteTxn&)> apply);
  Task<Status> Commit(std::function<Status(store::WriteTxn&)> apply) {
    return Commit({}, std::move(apply));
  }
};

}  // namespace evoke::s3
