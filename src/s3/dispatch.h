// The S3 dispatch table: (method, bucket?, key?, sub-resource, header) → action. Pure; the
// table is data and a unit test walks it.
#pragma once

#include <string_view>

#include "http/message.h"

namespace evoke::s3 {

enum class Level { kService, kBucket, kObject };

enum class Action {
  kListBuckets,
  kCreateBucket,
  kDeleteBucket,
  kHeadBucket,
  kGetBucketLocation,
  kGetBucketVersioning,
  kPutBucketVersioning,
  kGetBucketNotificationConfiguration,
  kPutBucketNotificationConfiguration,
  kListObjects,
  kListObjectsV2,
  kListObjectVersions,
  kListMultipartUploads,
  kDeleteObjects,
  kPutObject,
  kCopyObject,
  kGetObject,
  kHeadObject,
  kDeleteObject,
  kCreateMultipartUpload,
  kUploadPart,
  kUploadPartCopy,
  kCompleteMultipartUpload,
  kAbortMultipartUpload,
  kListParts,
  kGetObjectTagging,
  kPutObjectTagging,
  kDeleteObjectTagging,
  kGetBucketPolicy,
  kPutBucketPolicy,
  kDeleteBucketPolicy,
  kGetBucketPolicyStatus,
  kGetPublicAccessBlock,
  kPutPublicAccessBlock,
  kDeletePublicAccessBlock,
  kGetBucketAcl,
  kPutBucketAcl,
  kGetObjectAcl,
  kPutObjectAcl,
  kGetBucketOwnershipControls,
  kPutBucketOwnershipControls,
  kDeleteBucketOwnershipControls,
  kGetBucketLifecycleConfiguration,
  kPutBucketLifecycleConfiguration,
  kDeleteBucketLifecycle,
  kGetBucketTagging,
  kPutBucketTagging,
  kDeleteBucketTagging,
  kGetBucketCors,
  kPutBucketCors,
  kDeleteBucketCors,
  kPreflightRequest,
  kPostObject,
  kGetObjectAttributes,
  kGetBucketEncryption,
  kPutBucketEncryption,
  kDeleteBucketEncryption,
  kGetObjectLockConfiguration,
  kPutObjectLockConfiguration,
  kGetObjectRetention,
  kPutObjectRetention,
  kGetObjectLegalHold,
  kPutObjectLegalHold,
  kPutBucketMetricsConfiguration,
  kGetBucketMetricsConfiguration,
  kListBucketMetricsConfigurations,
  kDeleteBucketMetricsConfiguration,
  kNotImplemented,     // a sub-resource S3 has and evoke does not yet
  kMethodNotAllowed,
};

std::string_view ActionName(Action action);

// Picks the action for a request. Unknown query parameters are ignored, as S3 does.
Action Dispatch(std::string_view method, Level level, const http::Query& query,
                const http::Headers& headers);

}  // namespace evoke::s3
