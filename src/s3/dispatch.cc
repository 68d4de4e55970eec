#include "s3/dispatch.h"

#include <array>

namespace evoke::s3 {
namespace {

struct Route {
  std::string_view method;
  Level level;
  std::string_view subresource;  // query parameter that must be present; "name=value" to match a value
  std::string_view header;       // header that must be present
  Action action;
  std::string_view parameter = "";  // a further query parameter that must be present
};

// First match wins, so specific rows come before general ones.
constexpr std::array kRoutes = {
    Route{"GET", Level::kService, "", "", Action::kListBuckets},

    Route{"GET", Level::kBucket, "location", "", Action::kGetBucketLocation},
    Route{"GET", Level::kBucket, "versioning", "", Action::kGetBucketVersioning},
    Route{"PUT", Level::kBucket, "versioning", "", Action::kPutBucketVersioning},
    Route{"GET", Level::kBucket, "notification", "", Action::kGetBucketNotificationConfiguration},
    Route{"PUT", Level::kBucket, "notification", "", Action::kPutBucketNotificationConfiguration},
    Route{"GET", Level::kBucket, "policyStatus", "", Action::kGetBucketPolicyStatus},
    Route{"GET", Level::kBucket, "policy", "", Action::kGetBucketPolicy},
    Route{"PUT", Level::kBucket, "policy", "", Action::kPutBucketPolicy},
    Route{"DELETE", Level::kBucket, "policy", "", Action::kDeleteBucketPolicy},
    Route{"GET", Level::kBucket, "publicAccessBlock", "", Action::kGetPublicAccessBlock},
    Route{"PUT", Level::kBucket, "publicAccessBlock", "", Action::kPutPublicAccessBlock},
    Route{"DELETE", Level::kBucket, "publicAccessBlock", "", Action::kDeletePublicAccessBlock},
    Route{"GET", Level::kBucket, "acl", "", Action::kGetBucketAcl},
    Route{"PUT", Level::kBucket, "acl", "", Action::kPutBucketAcl},
    Route{"GET", Level::kBucket, "ownershipControls", "", Action::kGetBucketOwnershipControls},
    Route{"PUT", Level::kBucket, "ownershipControls", "", Action::kPutBucketOwnershipControls},
    Route{"DELETE", Level::kBucket, "ownershipControls", "",
          Action::kDeleteBucketOwnershipControls},
    Route{"GET", Level::kBucket, "lifecycle", "", Action::kGetBucketLifecycleConfiguration},
    Route{"PUT", Level::kBucket, "lifecycle", "", Action::kPutBucketLifecycleConfiguration},
    Route{"DELETE", Level::kBucket, "lifecycle", "", Action::kDeleteBucketLifecycle},
    Route{"GET", Level::kBucket, "tagging", "", Action::kGetBucketTagging},
    Route{"PUT", Level::kBucket, "tagging", "", Action::kPutBucketTagging},
    Route{"DELETE", Level::kBucket, "tagging", "", Action::kDeleteBucketTagging},
    Route{"GET", Level::kBucket, "cors", "", Action::kGetBucketCors},
    Route{"PUT", Level::kBucket, "cors", "", Action::kPutBucketCors},
    Route{"DELETE", Level::kBucket, "cors", "", Action::kDeleteBucketCors},
    Route{"OPTIONS", Level::kBucket, "", "", Action::kPreflightRequest},
    Route{"GET", Level::kBucket, "encryption", "", Action::kGetBucketEncryption},
    Route{"PUT", Level::kBucket, "encryption", "", Action::kPutBucketEncryption},
    Route{"DELETE", Level::kBucket, "encryption", "", Action::kDeleteBucketEncryption},
    Route{"GET", Level::kBucket, "object-lock", "", Action::kGetObjectLockConfiguration},
    Route{"PUT", Level::kBucket, "object-lock", "", Action::kPutObjectLockConfiguration},
    Route{"PUT", Level::kBucket, "metrics", "", Action::kPutBucketMetricsConfiguration},
    Route{"GET", Level::kBucket, "metrics", "", Action::kGetBucketMetricsConfiguration, "id"},
    Route{"GET", Level::kBucket, "metrics", "", Action::kListBucketMetricsConfigurations},
    Route{"DELETE", Level::kBucket, "metrics", "", Action::kDeleteBucketMetricsConfiguration},
    Route{"GET", Level::kBucket, "versions", "", Action::kListObjectVersions},
    Route{"GET", Level::kBucket, "uploads", "", Action::kListMultipartUploads},
    Route{"POST", Level::kBucket, "delete", "", Action::kDeleteObjects},
    Route{"GET", Level::kBucket, "list-type=2", "", Action::kListObjectsV2},
    Route{"GET", Level::kBucket, "", "", Action::kListObjects},
    Route{"PUT", Level::kBucket, "", "", Action::kCreateBucket},
    Route{"DELETE", Level::kBucket, "", "", Action::kDeleteBucket},
    // A browser's HTML form upload (multipart/form-data) to the bucket.
    Route{"POST", Level::kBucket, "", "", Action::kPostObject},
    Route{"HEAD", Level::kBucket, "", "", Action::kHeadBucket},

    Route{"GET", Level::kObject, "acl", "", Action::kGetObjectAcl},
    Route{"PUT", Level::kObject, "acl", "", Action::kPutObjectAcl},
    Route{"GET", Level::kObject, "tagging", "", Action::kGetObjectTagging},
    Route{"PUT", Level::kObject, "tagging", "", Action::kPutObjectTagging},
    Route{"DELETE", Level::kObject, "tagging", "", Action::kDeleteObjectTagging},
    Route{"GET", Level::kObject, "attributes", "", Action::kGetObjectAttributes},
    Route{"GET", Level::kObject, "retention", "", Action::kGetObjectRetention},
    Route{"PUT", Level::kObject, "retention", "", Action::kPutObjectRetention},
    Route{"GET", Level::kObject, "legal-hold", "", Action::kGetObjectLegalHold},
    Route{"PUT", Level::kObject, "legal-hold", "", Action::kPutObjectLegalHold},
    Route{"PUT", Level::kObject, "uploadId", "x-amz-copy-source", Action::kUploadPartCopy},
    Route{"PUT", Level::kObject, "uploadId", "", Action::kUploadPart},
    Route{"GET", Level::kObject, "uploadId", "", Action::kListParts},
    Route{"POST", Level::kObject, "uploadId", "", Action::kCompleteMultipartUpload},
    Route{"DELETE", Level::kObject, "uploadId", "", Action::kAbortMultipartUpload},
    Route{"POST", Level::kObject, "uploads", "", Action::kCreateMultipartUpload},
    Route{"PUT", Level::kObject, "", "x-amz-copy-source", Action::kCopyObject},
    Route{"PUT", Level::kObject, "", "", Action::kPutObject},
    Route{"GET", Level::kObject, "", "", Action::kGetObject},
    Route{"HEAD", Level::kObject, "", "", Action::kHeadObject},
    Route{"DELETE", Level::kObject, "", "", Action::kDeleteObject},
    Route{"OPTIONS", Level::kObject, "", "", Action::kPreflightRequest},
};

// Sub-resources S3 defines that evoke does not implement yet: NotImplemented, not a silent
// fall-through to a different action (DELETE ?metadataConfiguration must not delete the bucket,
// PUT ?renameObject must not overwrite the object). Every sub-resource of botocore's S3 model is
// either here or routed (tests/e2e/test_boto3_models.py checks both botocore versions).
constexpr std::array<std::string_view, 18> kUnsupported = {
    "abac", "accelerate", "analytics", "intelligent-tiering", "inventory", "logging",
    "metadataConfiguration", "metadataInventoryTable", "metadataJournalTable", "metadataTable",
    "renameObject", "replication", "requestPayment", "restore", "select", "session",
    "torrent", "website"};

// A sub-resource the table routes (a query parameter without "=value"), for some methods and
// levels only: with any other it is refused rather than falling through to the plain bucket or
// object action (PUT ?policyStatus must not create a bucket, GET /bucket/key?notification must
// not read the object).
bool RoutedElsewhere(const http::Query& q, std::string_view chosen) {
  for (const Route& r : kRoutes) {
    if (r.subresource.empty() || r.subresource.find('=') != std::string_view::npos) continue;
    if (r.subresource != chosen && q.Has(r.subresource)) return true;
  }
  return false;
}

bool Matches(const Route& r, std::string_view method, Level level, const http::Query& q,
             const http::Headers& h) {
  if (r.method != method || r.level != level) return false;
  if (!r.subresource.empty()) {
    size_t eq = r.subresource.find('=');
    if (eq == std::string_view::npos) {
      if (!q.Has(r.subresource)) return false;
    } else {
      const std::string* v = q.Get(r.subresource.substr(0, eq));
      if (!v || *v != r.subresource.substr(eq + 1)) return false;
    }
  }
  if (!r.parameter.empty() && !q.Has(r.parameter)) return false;
  return r.header.empty() || h.Has(r.header);
}

}  // namespace

Action Dispatch(std::string_view method, Level level, const http::Query& query,
                const http::Headers& headers) {
  for (std::string_view name : kUnsupported) {
    if (query.Has(name)) return Action::kNotImplemented;
  }
  for (const Route& r : kRoutes) {
    if (!Matches(r, method, level, query, headers)) continue;
    if (RoutedElsewhere(query, r.subresource)) return Action::kMethodNotAllowed;
    return r.action;
  }
  return Action::kMethodNotAllowed;
}

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kListBuckets: return "ListBuckets";
    case Action::kCreateBucket: return "CreateBucket";
    case Action::kDeleteBucket: return "DeleteBucket";
    case Action::kHeadBucket: return "HeadBucket";
    case Action::kGetBucketLocation: return "GetBucketLocation";
    case Action::kGetBucketVersioning: return "GetBucketVersioning";
    case Action::kPutBucketVersioning: return "PutBucketVersioning";
    case Action::kGetBucketNotificationConfiguration: return "GetBucketNotificationConfiguration";
    case Action::kPutBucketNotificationConfiguration: return "PutBucketNotificationConfiguration";
    case Action::kListObjects: return "ListObjects";
    case Action::kListObjectsV2: return "ListObjectsV2";
    case Action::kListObjectVersions: return "ListObjectVersions";
    case Action::kListMultipartUploads: return "ListMultipartUploads";
    case Action::kDeleteObjects: return "DeleteObjects";
    case Action::kPutObject: return "PutObject";
    case Action::kCopyObject: return "CopyObject";
    case Action::kGetObject: return "GetObject";
    case Action::kHeadObject: return "HeadObject";
    case Action::kDeleteObject: return "DeleteObject";
    case Action::kCreateMultipartUpload: return "CreateMultipartUpload";
    case Action::kUploadPart: return "UploadPart";
    case Action::kUploadPartCopy: return "UploadPartCopy";
    case Action::kCompleteMultipartUpload: return "CompleteMultipartUpload";
    case Action::kAbortMultipartUpload: return "AbortMultipartUpload";
    case Action::kListParts: return "ListParts";
    case Action::kGetObjectTagging: return "GetObjectTagging";
    case Action::kPutObjectTagging: return "PutObjectTagging";
    case Action::kDeleteObjectTagging: return "DeleteObjectTagging";
    case Action::kGetBucketPolicy: return "GetBucketPolicy";
    case Action::kPutBucketPolicy: return "PutBucketPolicy";
    case Action::kDeleteBucketPolicy: return "DeleteBucketPolicy";
    case Action::kGetBucketPolicyStatus: return "GetBucketPolicyStatus";
    case Action::kGetPublicAccessBlock: return "GetPublicAccessBlock";
    case Action::kPutPublicAccessBlock: return "PutPublicAccessBlock";
    case Action::kDeletePublicAccessBlock: return "DeletePublicAccessBlock";
    case Action::kGetBucketAcl: return "GetBucketAcl";
    case Action::kPutBucketAcl: return "PutBucketAcl";
    case Action::kGetObjectAcl: return "GetObjectAcl";
    case Action::kPutObjectAcl: return "PutObjectAcl";
    case Action::kGetBucketOwnershipControls: return "GetBucketOwnershipControls";
    case Action::kPutBucketOwnershipControls: return "PutBucketOwnershipControls";
    case Action::kDeleteBucketOwnershipControls: return "DeleteBucketOwnershipControls";
    case Action::kGetBucketLifecycleConfiguration: return "GetBucketLifecycleConfiguration";
    case Action::kPutBucketLifecycleConfiguration: return "PutBucketLifecycleConfiguration";
    case Action::kDeleteBucketLifecycle: return "DeleteBucketLifecycle";
    case Action::kGetBucketTagging: return "GetBucketTagging";
    case Action::kPutBucketTagging: return "PutBucketTagging";
    case Action::kDeleteBucketTagging: return "DeleteBucketTagging";
    case Action::kGetBucketCors: return "GetBucketCors";
    case Action::kPutBucketCors: return "PutBucketCors";
    case Action::kDeleteBucketCors: return "DeleteBucketCors";
    case Action::kPreflightRequest: return "PreflightRequest";
    case Action::kPostObject: return "PostObject";
    case Action::kGetObjectAttributes: return "GetObjectAttributes";
    case Action::kGetBucketEncryption: return "GetBucketEncryption";
    case Action::kPutBucketEncryption: return "PutBucketEncryption";
    case Action::kDeleteBucketEncryption: return "DeleteBucketEncryption";
    case Action::kGetObjectLockConfiguration: return "GetObjectLockConfiguration";
    case Action::kPutObjectLockConfiguration: return "PutObjectLockConfiguration";
    case Action::kGetObjectRetention: return "GetObjectRetention";
    case Action::kPutObjectRetention: return "PutObjectRetention";
    case Action::kGetObjectLegalHold: return "GetObjectLegalHold";
    case Action::kPutObjectLegalHold: return "PutObjectLegalHold";
    case Action::kPutBucketMetricsConfiguration: return "PutBucketMetricsConfiguration";
    case Action::kGetBucketMetricsConfiguration: return "GetBucketMetricsConfiguration";
    case Action::kListBucketMetricsConfigurations: return "ListBucketMetricsConfigurations";
    case Action::kDeleteBucketMetricsConfiguration: return "DeleteBucketMetricsConfiguration";
    case Action::kNotImplemented: return "NotImplemented";
    case Action::kMethodNotAllowed: return "MethodNotAllowed";
  }
  return "Unknown";
}

}  // namespace evoke::s3
