#include "s3/service.h"

#include <algorithm>
#include <array>

#include "base/encoding.h"
#include "base/trace_header.h"
#include "s3/actions.h"
#include "s3/context.h"
#include "s3/dispatch.h"
#include "s3/errors.h"
#include "s3/names.h"
#include "s3/tagging.h"
#include "s3/trace_segment.h"
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
    OperationRow{Action::kPutBucketVersioning, "s3:PutBucketVersioning", On::kBucket,
                 PutBucketVersioning},
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
    // s3:DeleteObject on each key (delete_objects.cc), nothing on the bucket.
    OperationRow{Action::kDeleteObjects, "", On::kBucket, DeleteObjects},
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
    // Decided once the body is read (object_tagging.cc): its tags are s3:RequestObjectTag keys.
    OperationRow{Action::kPutObjectTagging, "", On::kObject, PutObjectTagging},
    OperationRow{Action::kDeleteObjectTagging, "s3:DeleteObjectTagging", On::kObject,
                 DeleteObjectTagging},
    OperationRow{Action::kGetBucketPolicy, "s3:GetBucketPolicy", On::kBucket, GetBucketPolicy},
    OperationRow{Action::kPutBucketPolicy, "s3:PutBucketPolicy", On::kBucket, PutBucketPolicy},
    OperationRow{Action::kDeleteBucketPolicy, "s3:DeleteBucketPolicy", On::kBucket,
                 DeleteBucketPolicy},
    OperationRow{Action::kGetBucketPolicyStatus, "s3:GetBucketPolicyStatus", On::kBucket,
                 GetBucketPolicyStatus},
    OperationRow{Action::kGetPublicAccessBlock, "s3:GetBucketPublicAccessBlock", On::kBucket,
                 GetPublicAccessBlock},
    OperationRow{Action::kPutPublicAccessBlock, "s3:PutBucketPublicAccessBlock", On::kBucket,
                 PutPublicAccessBlock},
    // S3 asks for s3:PutBucketPublicAccessBlock to delete the configuration too.
    OperationRow{Action::kDeletePublicAccessBlock, "s3:PutBucketPublicAccessBlock", On::kBucket,
                 DeletePublicAccessBlock},
    OperationRow{Action::kGetBucketAcl, "s3:GetBucketAcl", On::kBucket, GetBucketAcl},
    OperationRow{Action::kPutBucketAcl, "s3:PutBucketAcl", On::kBucket, PutBucketAcl},
    OperationRow{Action::kGetObjectAcl, "s3:GetObjectAcl", On::kObject, GetObjectAcl},
    OperationRow{Action::kPutObjectAcl, "s3:PutObjectAcl", On::kObject, PutObjectAcl},
    OperationRow{Action::kGetBucketOwnershipControls, "s3:GetBucketOwnershipControls",
                 On::kBucket, GetBucketOwnershipControls},
    OperationRow{Action::kPutBucketOwnershipControls, "s3:PutBucketOwnershipControls",
                 On::kBucket, PutBucketOwnershipControls},
    // S3 asks for s3:PutBucketOwnershipControls to delete the setting too.
    OperationRow{Action::kDeleteBucketOwnershipControls, "s3:PutBucketOwnershipControls",
                 On::kBucket, DeleteBucketOwnershipControls},
    OperationRow{Action::kGetBucketLifecycleConfiguration, "s3:GetLifecycleConfiguration",
                 On::kBucket, GetBucketLifecycleConfiguration},
    OperationRow{Action::kPutBucketLifecycleConfiguration, "s3:PutLifecycleConfiguration",
                 On::kBucket, PutBucketLifecycleConfiguration},
    // S3 asks for s3:PutLifecycleConfiguration to delete the configuration too.
    OperationRow{Action::kDeleteBucketLifecycle, "s3:PutLifecycleConfiguration", On::kBucket,
                 DeleteBucketLifecycle},
    OperationRow{Action::kGetBucketTagging, "s3:GetBucketTagging", On::kBucket, GetBucketTagging},
    OperationRow{Action::kPutBucketTagging, "s3:PutBucketTagging", On::kBucket, PutBucketTagging},
    // S3 asks for s3:PutBucketTagging to delete the tags too.
    OperationRow{Action::kDeleteBucketTagging, "s3:PutBucketTagging", On::kBucket,
                 DeleteBucketTagging},
    OperationRow{Action::kGetBucketCors, "s3:GetBucketCORS", On::kBucket, GetBucketCors},
    OperationRow{Action::kPutBucketCors, "s3:PutBucketCORS", On::kBucket, PutBucketCors},
    // S3 asks for s3:PutBucketCORS to delete the configuration too.
    OperationRow{Action::kDeleteBucketCors, "s3:PutBucketCORS", On::kBucket, DeleteBucketCors},
    // A browser's preflight carries no credentials: the bucket's CORS rules decide.
    OperationRow{Action::kPreflightRequest, "", On::kObject, PreflightRequest},
    // Decided once the form's fields are read (post_object.cc): they carry the signature.
    OperationRow{Action::kPostObject, "", On::kBucket, PostObject},
    OperationRow{Action::kGetObjectAttributes, "s3:GetObjectAttributes", On::kObject,
                 GetObjectAttributes},
    OperationRow{Action::kGetBucketEncryption, "s3:GetEncryptionConfiguration", On::kBucket,
                 GetBucketEncryption},
    OperationRow{Action::kPutBucketEncryption, "s3:PutEncryptionConfiguration", On::kBucket,
                 PutBucketEncryption},
    // S3 asks for s3:PutEncryptionConfiguration to delete the configuration too.
    OperationRow{Action::kDeleteBucketEncryption, "s3:PutEncryptionConfiguration", On::kBucket,
                 DeleteBucketEncryption},
    OperationRow{Action::kGetObjectLockConfiguration, "s3:GetBucketObjectLockConfiguration",
                 On::kBucket, GetObjectLockConfiguration},
    OperationRow{Action::kPutObjectLockConfiguration, "s3:PutBucketObjectLockConfiguration",
                 On::kBucket, PutObjectLockConfiguration},
    OperationRow{Action::kGetObjectRetention, "s3:GetObjectRetention", On::kObject,
                 GetObjectRetention},
    OperationRow{Action::kPutObjectRetention, "s3:PutObjectRetention", On::kObject,
                 PutObjectRetention},
    OperationRow{Action::kGetObjectLegalHold, "s3:GetObjectLegalHold", On::kObject,
                 GetObjectLegalHold},
    OperationRow{Action::kPutObjectLegalHold, "s3:PutObjectLegalHold", On::kObject,
                 PutObjectLegalHold},
    OperationRow{Action::kPutBucketMetricsConfiguration, "s3:PutMetricsConfiguration",
                 On::kBucket, PutBucketMetricsConfiguration},
    OperationRow{Action::kGetBucketMetricsConfiguration, "s3:GetMetricsConfiguration",
                 On::kBucket, GetBucketMetricsConfiguration},
    // S3 asks for s3:GetMetricsConfiguration to list the configurations, and for
    // s3:PutMetricsConfiguration to delete one.
    OperationRow{Action::kListBucketMetricsConfigurations, "s3:GetMetricsConfiguration",
                 On::kBucket, ListBucketMetricsConfigurations},
    OperationRow{Action::kDeleteBucketMetricsConfiguration, "s3:PutMetricsConfiguration",
                 On::kBucket, DeleteBucketMetricsConfiguration},
    // What the table has no action for: answered without an authorization decision (it does
    // nothing).
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

// The actions IAM names differently when the request gives a versionId (the "...Version..."
// actions of the S3 table): the same operation, decided as that action.
struct VersionedAction {
  Action action;
  std::string_view iam_action;
};
constexpr std::array kVersionedActions = {
    VersionedAction{Action::kGetObject, "s3:GetObjectVersion"},
    VersionedAction{Action::kHeadObject, "s3:GetObjectVersion"},
    VersionedAction{Action::kDeleteObject, "s3:DeleteObjectVersion"},
    VersionedAction{Action::kGetObjectTagging, "s3:GetObjectVersionTagging"},
    VersionedAction{Action::kDeleteObjectTagging, "s3:DeleteObjectVersionTagging"},
    VersionedAction{Action::kGetObjectAcl, "s3:GetObjectVersionAcl"},
    VersionedAction{Action::kPutObjectAcl, "s3:PutObjectVersionAcl"},
    VersionedAction{Action::kGetObjectAttributes, "s3:GetObjectVersionAttributes"},
};

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
  // Actions on no bucket (ListAllMyBuckets): IAM matches both "*" and "arn:aws:s3:::*" to them.
  if (on == On::kAccount || bucket.empty()) return "arn:aws:s3:::*";
  if (on == On::kBucket || call.path_params.at(1).empty()) return "arn:aws:s3:::" + bucket;
  return "arn:aws:s3:::" + bucket + "/" + call.path_params.at(1);
}

// S3's condition keys of a request (Service Authorization Reference, Amazon S3): how it was
// signed, the listing parameters, and the headers that policies test.
void S3ConditionKeys(const api::Call& call, std::vector<std::pair<std::string, std::string>>& keys) {
  const http::Request& req = call.request;
  switch (auth::DetectAuthKind(req)) {
    case auth::AuthKind::kHeader:
      keys.emplace_back("s3:authType", "REST-HEADER");
      keys.emplace_back("s3:signatureversion", "AWS4-HMAC-SHA256");
      break;
    case auth::AuthKind::kPresigned:
      keys.emplace_back("s3:authType", "REST-QUERY-STRING");
      keys.emplace_back("s3:signatureversion", "AWS4-HMAC-SHA256");
      break;
    case auth::AuthKind::kHeaderV2:
      keys.emplace_back("s3:authType", "REST-HEADER");
      keys.emplace_back("s3:signatureversion", "AWS");
      break;
    case auth::AuthKind::kPresignedV2:
      keys.emplace_back("s3:authType", "REST-QUERY-STRING");
      keys.emplace_back("s3:signatureversion", "AWS");
      break;
    case auth::AuthKind::kAnonymous:
      break;
  }
  for (const char* name : {"prefix", "delimiter", "max-keys"}) {
    if (const std::string* value = req.query.Get(name)) {
      keys.emplace_back("s3:" + std::string(name), *value);
    }
  }
  if (const std::string* version = req.query.Get("versionId")) {
    keys.emplace_back("s3:versionid", *version);
  }
  for (const char* header :
       {"x-amz-acl", "x-amz-content-sha256", "x-amz-copy-source", "x-amz-metadata-directive",
        "x-amz-server-side-encryption", "x-amz-storage-class", "x-amz-website-redirect-location",
        "x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp",
        "x-amz-grant-full-control", "x-amz-object-ownership"}) {
    if (auto value = req.headers.Get(header)) {
      keys.emplace_back("s3:" + std::string(header), std::string(*value));
    }
  }
  // Conditional writes, which a bucket policy can require (S3 User Guide, "Enforce conditional
  // writes").
  if (auto v = req.headers.Get("If-None-Match")) {
    keys.emplace_back("s3:if-none-match", std::string(*v));
  }
  if (auto v = req.headers.Get("If-Match")) keys.emplace_back("s3:if-match", std::string(*v));
  // x-amz-tagging: the tags a PUT gives the object.
  if (auto tagging = req.headers.Get("x-amz-tagging")) {
    std::string_view rest = *tagging;
    while (!rest.empty()) {
      std::string_view pair = rest.substr(0, rest.find('&'));
      rest = pair.size() < rest.size() ? rest.substr(pair.size() + 1) : std::string_view();
      std::string_view k = pair.substr(0, pair.find('='));
      std::string_view v = k.size() < pair.size() ? pair.substr(k.size() + 1) : std::string_view();
      auto key = UriDecode(k, true);
      auto value = UriDecode(v, true);
      if (!key || !value) continue;
      keys.emplace_back("s3:RequestObjectTagKeys", *key);
      keys.emplace_back("s3:RequestObjectTag/" + *key, *value);
    }
  }
}

Task<Result<api::Output>> RunOperation(Task<Status> (*run)(Context&), const S3Options& options,
                                       const S3Dependencies& deps, api::Call& call) {
  Context ctx{*call.exchange, options,         deps,          TargetOf(call),        call.verified,
              call.request_id, call.host_id,  call.authorize_also, call.principal};
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

void S3Service::AddExistingObjectTags(const api::Call& call,
                                      std::vector<std::pair<std::string, std::string>>& keys) const {
  // The actions on an existing object that S3 gives s3:ExistingObjectTag/<key> (Service
  // Authorization Reference): the object's tags, read only when a policy reads condition keys.
  static constexpr std::string_view kOnExisting[] = {
      "GetObject", "HeadObject", "GetObjectAcl", "PutObjectAcl", "GetObjectTagging",
      "PutObjectTagging", "DeleteObjectTagging"};
  if (std::find(std::begin(kOnExisting), std::end(kOnExisting), call.operation) ==
      std::end(kOnExisting)) {
    return;
  }
  const std::string& bucket = call.path_params.at(0);
  const std::string& key = call.path_params.at(1);
  if (bucket.empty() || key.empty()) return;
  auto t = deps_.txns.Read();
  const std::string* version = call.request.query.Get("versionId");
  auto object = version && !version->empty()
                    ? deps_.objects.GetVersion(*t, bucket, key, *version)
                    : deps_.objects.GetObject(*t, bucket, key);
  if (!object.ok() || !object->has_value()) return;  // no tags: a condition on them fails
  for (const auto& [k, v] : TagsOf((*object)->headers)) {
    keys.emplace_back("s3:ExistingObjectTag/" + k, v);
  }
}

Task<void> S3Service::Handle(http::Exchange& exchange) {
  const http::Request& req = exchange.request();
  std::shared_ptr<const MetricsConfigurations> configs;
  std::optional<Target> target;
  if (request_metrics_.enabled()) {
    auto parsed = ParseTarget(req, options_.domains);
    if (parsed.ok() && !parsed->bucket.empty()) {
      configs = request_metrics_.For(parsed->bucket);
      if (configs) target = std::move(*parsed);
    }
  }
  // A request in a sampled trace (an SDK inside an actively traced function sends one) gets
  // S3's segment in it.
  std::optional<TraceHeader> trace;
  if (deps_.traces) {
    if (auto header = req.headers.Get("X-Amzn-Trace-Id")) {
      trace = ParseTraceHeader(*header);
      if (trace && trace->sampled != true) trace.reset();
    }
  }
  if (!configs && !trace) {
    co_await pipeline_.Handle(exchange, service_);
    co_return;
  }
  if (!target) {
    auto parsed = ParseTarget(req, options_.domains);
    target = parsed.ok() ? std::move(*parsed) : Target{};
  }
  const double start_s = static_cast<double>(deps_.clock.NowMs()) / 1000.0;
  MeteredExchange metered(exchange);
  co_await pipeline_.Handle(metered, service_);
  RequestFacts facts;
  facts.bucket = std::move(target->bucket);
  if (target->level == Level::kObject) facts.key = std::move(target->key);
  facts.action = Dispatch(req.method, target->level, req.query, req.headers);
  facts.method = req.method;
  metered.Fill(facts);
  if (configs) request_metrics_.Record(facts, *configs);
  if (trace) {
    deps_.traces->Record({S3SegmentDocument(
        {std::move(*trace), NewSegmentId(), exchange.log().request_id, start_s, &facts})});
  }
}

S3Service::S3Service(S3Options options, S3Dependencies deps, const api::Pipeline& pipeline)
    : options_(std::move(options)), deps_(deps), access_(deps.txns, deps.objects),
      rules_(deps.txns, deps.objects),
      request_metrics_(deps.txns, deps.objects, deps.metrics), pipeline_(pipeline) {
  if (!deps_.access) deps_.access = &access_;
  if (!deps_.rules) deps_.rules = &rules_;
  deps_.request_metrics = &request_metrics_;
  static const std::vector<api::ErrorStatus> errors = ErrorTable();
  service_.name = "s3";
  service_.protocol = api::Protocol::kRestXml;
  service_.access_denied_error = "AccessDenied";
  service_.errors = errors;
  service_.internal_error = "InternalError";
  service_.internal_message = "We encountered an internal error. Please try again.";
  for (const OperationRow& row : kOperations) {
    api::Operation op;
    op.name = std::string(ActionName(row.action));
    op.iam_action = std::string(row.iam_action);
    op.resource = [on = row.on](const api::Call& call) { return ResourceArn(on, call); };
    op.condition_keys = [this](const api::Call& call,
                               std::vector<std::pair<std::string, std::string>>& keys) {
      S3ConditionKeys(call, keys);
      AddExistingObjectTags(call, keys);
    };
    op.resource_policy = [this](const api::Call& call, std::string_view action,
                                std::string_view resource) {
      return deps_.access->PolicyFor(action, resource, call.principal);
    };
    op.run = [this, run = row.run](api::Call& call) {
      return RunOperation(run, options_, deps_, call);
    };
    service_.operations.push_back(std::move(op));
  }
  versioned_.assign(service_.operations.size(), 0);
  for (const VersionedAction& v : kVersionedActions) {
    api::Operation op = service_.operations[static_cast<size_t>(v.action)];
    op.iam_action = std::string(v.iam_action);
    versioned_[static_cast<size_t>(v.action)] = service_.operations.size();
    service_.operations.push_back(std::move(op));
  }
  // An actual cross-origin request: the headers of the bucket's first rule that allows its
  // origin and method (a preflight answers for itself). As on S3, a request that carries
  // Access-Control-Request-Method/-Headers is matched by those, as a preflight would be.
  service_.cross_origin = [this](const api::Call& call, http::Headers& headers) {
    const http::Request& req = call.request;
    if (req.method == "OPTIONS" || call.path_params.empty() || call.path_params[0].empty()) {
      return;
    }
    auto origin = req.headers.Get("Origin");
    auto rules = deps_.rules->For(call.path_params[0]);
    if (!origin || !rules || !rules->cors) return;
    auto method = req.headers.Get("Access-Control-Request-Method").value_or(req.method);
    auto asked = SplitRequestHeaders(req.headers.Get("Access-Control-Request-Headers").value_or(""));
    if (const CorsRule* rule = MatchCors(*rules->cors, *origin, method, asked)) {
      AddCorsHeaders(headers, *rule, *origin);
    }
  };
  service_.route = [this](const http::Request& req,
                          api::Call& call) -> Result<const api::Operation*> {
    auto target = ParseTarget(req, options_.domains);
    if (!target.ok()) return std::move(target).error();
    // SigV2 signs the path with the bucket in front, however the request addressed it.
    call.sigv2_resource = target->virtual_host ? "/" + target->bucket + req.path : req.path;
    call.host_id = Base64Encode(call.request_id + "/evoke");
    Action action = Dispatch(req.method, target->level, req.query, req.headers);
    call.path_params = {std::move(target->bucket), std::move(target->key)};
    size_t index = static_cast<size_t>(action);
    if (versioned_[index] != 0 && req.query.Has("versionId")) index = versioned_[index];
    return &service_.operations[index];
  };
}

}  // namespace evoke::s3
