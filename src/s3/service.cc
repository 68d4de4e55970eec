#include "s3/service.h"

#include "base/encoding.h"
#include "base/ids.h"
#include "s3/actions.h"
#include "s3/context.h"
#include "s3/dispatch.h"
#include "s3/errors.h"
#include "s3/names.h"
#include "store/await_commit.h"

namespace evoke::s3 {

http::Response Context::NewResponse(int status) const {
  http::Response r;
  r.status = status;
  r.headers.Add("x-amz-request-id", request_id);
  r.headers.Add("x-amz-id-2", host_id);
  r.headers.Add("Server", "evoke");
  return r;
}

http::Response Context::XmlResponse(std::string xml, int status) const {
  http::Response r = NewResponse(status);
  r.headers.Add("Content-Type", "application/xml");
  r.body = std::move(xml);
  return r;
}

Task<Status> Context::Commit(std::vector<int> fds, std::vector<std::string> dirs,
                             std::function<Status(store::WriteTxn&)> apply) {
  return store::AwaitCommit(deps.committer, std::move(fds), std::move(dirs), std::move(apply));
}

S3Service::S3Service(S3Options options, S3Dependencies deps)
    : options_(std::move(options)), deps_(deps) {}

http::Response S3Service::ErrorResponse(const Error& error, std::string_view resource,
                                        const std::string& request_id) const {
  http::Response r;
  r.status = StatusForError(error.code);
  std::string host_id = Base64Encode(request_id + "/evoke");
  r.headers.Add("x-amz-request-id", request_id);
  r.headers.Add("x-amz-id-2", host_id);
  r.headers.Add("Server", "evoke");
  if (r.status == 304) return r;  // Not Modified carries no body
  r.headers.Add("Content-Type", "application/xml");
  for (const auto& [name, value] : error.details) {
    // Redirect hints travel as headers too, so clients that only read headers follow them.
    if (name == "Region") r.headers.Add("x-amz-bucket-region", value);
  }
  r.body = RenderErrorXml(error, resource, request_id, host_id);
  return r;
}

Task<void> S3Service::Handle(http::Exchange& ex) {
  const http::Request& req = ex.request();
  std::string request_id = ex.log().request_id.empty() ? NewRequestId() : ex.log().request_id;
  ex.log().request_id = request_id;
  ex.log().service = "s3";

  Error error;
  bool failed = false;
  std::string resource = req.path;
  do {
    auto target = ParseTarget(req, options_.domains);
    if (!target.ok()) {
      error = std::move(target).error();
      failed = true;
      break;
    }
    // SigV2 signs the path with the bucket in front, however the request addressed it.
    std::string v2_resource = target->virtual_host ? "/" + target->bucket + req.path : req.path;
    auto verified = deps_.verifier.VerifyS3(req, v2_resource);
    if (!verified.ok()) {
      error = std::move(verified).error();
      failed = true;
      break;
    }
    if (auth::DetectAuthKind(req) == auth::AuthKind::kPresignedV2) {
      Status applied = auth::ApplySigV2QueryHeaders(ex.mutable_request());
      if (!applied.ok()) {
        error = std::move(applied).error();
        failed = true;
        break;
      }
    }
    ex.log().principal = verified->principal.access_key_id;
    Action action = Dispatch(req.method, target->level, req.query, req.headers);
    ex.log().action = std::string(ActionName(action));
    if (verified->principal.anonymous) {
      // Bucket policies and ACLs that would let anyone in come later; until then, no one.
      error = MakeError("AccessDenied", "Access Denied");
      failed = true;
      break;
    }
    Context ctx{ex, options_, deps_, std::move(*target), std::move(*verified), request_id,
                Base64Encode(request_id + "/evoke")};
    Status s = co_await RunAction(action, ctx);
    if (!s.ok()) {
      error = std::move(s).error();
      failed = true;
    }
  } while (false);

  if (failed && !ex.responded()) {
    ex.log().error_code = error.code;
    (void)co_await ex.Send(ErrorResponse(error, resource, request_id));
  }
}

}  // namespace evoke::s3
