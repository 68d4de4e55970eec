#include "s3/service.h"

#include <array>

#include "base/encoding.h"
#include "s3/actions.h"
#include "s3/context.h"
#include "s3/dispatch.h"
#include "s3/errors.h"
#include "s3/names.h"
#include "store/write.h"

namespace evoke::s3 {
namespace {

// What IAM calls each action and what it acts on (the S3 "actions, resources and condition
// keys" table): the account's bucket list, a bucket, or an object.
enum class On { kAccount, kBucket, kObject };

struct OperationRow {
  Action action;
  std::string_view iam_action;
  On on;
  Task<Status> (*run)(Context&);
};

// In Action order: the route indexes it by action.
constexpr std::array kOperations = {
    OperationRow{Action::kListBuckets, "s3:ListAllMyBuckets", On::kAccount, ListBuckets},
    OperationRow{Action::kCreateBucket, "s3:CreateBucket", On::kBucket, CreateBucket},
    OperationRow{Action::kDeleteBucket, "s3:DeleteBucket", On::kBucket, DeleteBucket},
    OperationRow{Action::kHeadBucket, "s3:ListBucket", On::kBucket, HeadBucket},
    OperationRow{Action::kGetBucketLocation, "s3:GetBucketLocation", On::kBucket,
                 GetBucketLocation},
    OperationRow{Action::kGetBucketVersioning, "s3:GetBucketVersioning", On::kBucket,
                 GetBucketVersioning},
    OperationRow{Action::kGetBucketNotificationConfiguration, "s3:GetBucketNotification",
                 On::kBucket, GetBucketNotificationConfiguration},
    OperationRow{Action::kPutBucketNotificationConfiguration, "s3:PutBucketNotification",
                 On::kBucket, PutBucketNotificationConfiguration},
    OperationRow{Action::kListObjects, "s3:ListBucket", On::kBucket, ListObjects},
    OperationRow{Action::kListObjectsV2, "s3:ListBucket", On::kBucket, ListObjectsV2},
    OperationRow{Action::kListObjectVersions, "s3:ListBucketVersions", On::kBucket,
                 ListObjectVersions},
    OperationRow{Action::kListMultipartUploads, "s3:ListBucketMultipartUploads", On::kBucket,
                 ListMultipartUploads},
    OperationRow{Action::kDeleteObjects, "s3:DeleteObject", On::kBucket, DeleteObjects},
    OperationRow{Action::kPutObject, "s3:PutObject", On::kObject, PutObject},
    OperationRow{Action::kCopyObject, "s3:PutObject", On::kObject, CopyObject},
    OperationRow{Action::kGetObject, "s3:GetObject", On::kObject, GetObject},
    OperationRow{Action::kHeadObject, "s3:GetObject", On::kObject, HeadObject},
    OperationRow{Action::kDeleteObject, "s3:DeleteObject", On::kObject, DeleteObject},
    OperationRow{Action::kCreateMultipartUpload, "s3:PutObject", On::kObject,
                 CreateMultipartUpload},
    OperationRow{Action::kUploadPart, "s3:PutObject", On::kObject, UploadPart},
    OperationRow{Action::kUploadPartCopy, "s3:PutObject", On::kObject, UploadPartCopy},
    OperationRow{Action::kCompleteMultipartUpload, "s3:PutObject", On::kObject,
                 CompleteMultipartUpload},
    OperationRow{Action::kAbortMultipartUpload, "s3:AbortMultipartUpload", On::kObject,
                 AbortMultipartUpload},
    OperationRow{Action::kListParts, "s3:ListMultipartUploadParts", On::kObject, ListParts},
    OperationRow{Action::kGetObjectTagging, "s3:GetObjectTagging", On::kObject, GetObjectTagging},
    OperationRow{Action::kPutObjectTagging, "s3:PutObjectTagging", On::kObject, PutObjectTagging},
    OperationRow{Action::kDeleteObjectTagging, "s3:DeleteObjectTagging", On::kObject,
                 DeleteObjectTagging},
    // What the table has no action for still meets the authorize stage as what it names.
    OperationRow{Action::kNotImplemented, "", On::kObject, NotImplemented},
    OperationRow{Action::kMethodNotAllowed, "", On::kObject, MethodNotAllowed},
};

constexpr bool InActionOrder() {
  for (size_t i = 0; i < kOperations.size(); ++i) {
    if (static_cast<size_t>(kOperations[i].action) != i) return false;
  }
  return true;
}
static_assert(InActionOrder());

// Where a request points, from the route's path labels (bucket, key).
Target TargetOf(const api::Call& call) {
  Target t;
  t.bucket = call.path_params.at(0);
  t.key = call.path_params.at(1);
  t.level = t.bucket.empty() ? Level::kService : t.key.empty() ? Level::kBucket : Level::kObject;
  return t;
}

std::string ResourceArn(On on, const api::Call& call) {
  const std::string& bucket = call.path_params.at(0);
  if (on == On::kAccount || bucket.empty()) return "*";
  if (on == On::kBucket || call.path_params.at(1).empty()) return "arn:aws:s3:::" + bucket;
  return "arn:aws:s3:::" + bucket + "/" + call.path_params.at(1);
}

Task<Result<api::Output>> RunOperation(Task<Status> (*run)(Context&), const S3Options& options,
                                       const S3Dependencies& deps, api::Call& call) {
  Context ctx{*call.exchange, options,         deps,        TargetOf(call),
              call.verified,  call.request_id, call.host_id};
  Status s = co_await run(ctx);
  if (!s.ok()) co_return std::move(s).error();
  co_return std::move(ctx.answer);
}

// S3's errors and their statuses (errors.cc).
std::vector<api::ErrorStatus> ErrorTable() {
  std::vector<api::ErrorStatus> out;
  for (const auto& [code, status] : ErrorStatuses()) out.push_back({code, status});
  return out;
}

}  // namespace

http::Response Context::NewResponse(int status) const {
  http::Response r;
  r.status = status;
  return r;
}

http::Response Context::XmlResponse(std::string xml, int status) const {
  http::Response r = NewResponse(status);
  r.headers.Add("Content-Type", "application/xml");
  r.body = std::move(xml);
  return r;
}

Status Context::Reply(http::Response response) {
  answer = api::Output{};
  answer.status = response.status;
  answer.headers = std::move(response.headers);
  if (!response.body.empty()) {
    answer.payload = std::move(response.body);
  } else {
    answer.content_length = response.content_length;
  }
  return {};
}

Status Context::Reply(http::Response response, std::shared_ptr<api::BodySource> body) {
  answer = api::Output{};
  answer.status = response.status;
  answer.headers = std::move(response.headers);
  answer.stream = std::move(body);
  return {};
}

Task<Status> Context::Commit(std::vector<store::BlobWriter*> blobs,
                             std::function<Status(store::WriteTxn&)> apply) {
  Status s = co_await store::Write(deps.txns, std::move(blobs), std::move(apply));
  if (!s.ok()) co_return S3Error(std::move(s).error());
  co_return Status{};
}

S3Service::S3Service(S3Options options, S3Dependencies deps, const api::Pipeline& pipeline)
    : options_(std::move(options)), deps_(deps), pipeline_(pipeline) {
  static const std::vector<api::ErrorStatus> errors = ErrorTable();
  service_.name = "s3";
  service_.protocol = api::Protocol::kRestXml;
  service_.errors = errors;
  service_.internal_error = "InternalError";
  service_.internal_message = "We encountered an internal error. Please try again.";
  for (const OperationRow& row : kOperations) {
    api::Operation op;
    op.name = std::string(ActionName(row.action));
    op.iam_action = std::string(row.iam_action);
    op.resource = [on = row.on](const api::Call& call) { return ResourceArn(on, call); };
    op.run = [this, run = row.run](api::Call& call) {
      return RunOperation(run, options_, deps_, call);
    };
    service_.operations.push_back(std::move(op));
  }
  service_.route = [this](const http::Request& req,
                          api::Call& call) -> Result<const api::Operation*> {
    auto target = ParseTarget(req, options_.domains);
    if (!target.ok()) return std::move(target).error();
    // SigV2 signs the path with the bucket in front, however the request addressed it.
    call.sigv2_resource = target->virtual_host ? "/" + target->bucket + req.path : req.path;
    call.host_id = Base64Encode(call.request_id + "/evoke");
    Action action = Dispatch(req.method, target->level, req.query, req.headers);
    call.path_params = {std::move(target->bucket), std::move(target->key)};
    return &service_.operations[static_cast<size_t>(action)];
  };
}

}  // namespace evoke::s3
