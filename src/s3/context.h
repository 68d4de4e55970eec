// Context: what an S3 action gets for one request: the exchange, where it points, who signed
// it, the dependencies, and helpers to answer and to commit. Lives for one request on its
// thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "auth/verifier.h"
#include "base/asio.h"
#include "http/exchange.h"
#include "s3/names.h"
#include "s3/service.h"
#include "store/committer.h"

namespace evoke::s3 {

struct Context {
  http::Exchange& ex;
  const S3Options& options;
  const S3Dependencies& deps;
  Target target;
  auth::Verified auth;
  std::string request_id;
  std::string host_id;

  const http::Request& req() const { return ex.request(); }
  int64_t NowMs() const { return deps.clock.NowMs(); }
  // A response carrying x-amz-request-id and x-amz-id-2.
  http::Response NewResponse(int status = 200) const;
  http::Response XmlResponse(std::string xml, int status = 200) const;
  Task<Status> Send(http::Response response) { return ex.Send(std::move(response)); }
  // Runs `apply` in the committer's next batch after syncing `fds` and `dirs`; resumes when
  // the batch has committed.
  Task<Status> Commit(std::vector<int> fds, std::vector<std::string> dirs,
                      std::function<Status(store::WriteTxn&)> apply);
  Task<Status> Commit(std::function<Status(store::WriteTxn&)> apply) {
    return Commit({}, {}, std::move(apply));
  }
};

}  // namespace evoke::s3
