// The S3 actions, one function each (one file each, named after the action), in the table of
// s3/service.cc. Each reads its request from the Context, sets its answer there (Reply), or
// returns an error for the pipeline to render.
#pragma once

#include "base/asio.h"
#include "base/result.h"
#include "s3/context.h"
#include "s3/dispatch.h"

namespace evoke::s3 {

Task<Status> ListBuckets(Context& ctx);
Task<Status> CreateBucket(Context& ctx);
Task<Status> DeleteBucket(Context& ctx);
Task<Status> HeadBucket(Context& ctx);
Task<Status> GetBucketLocation(Context& ctx);
Task<Status> GetBucketVersioning(Context& ctx);
Task<Status> GetBucketNotificationConfiguration(Context& ctx);
Task<Status> PutBucketNotificationConfiguration(Context& ctx);
Task<Status> ListObjects(Context& ctx);
Task<Status> ListObjectsV2(Context& ctx);
Task<Status> ListObjectVersions(Context& ctx);
Task<Status> ListMultipartUploads(Context& ctx);
Task<Status> DeleteObjects(Context& ctx);
Task<Status> PutObject(Context& ctx);
Task<Status> CopyObject(Context& ctx);
Task<Status> GetObject(Context& ctx);
Task<Status> HeadObject(Context& ctx);
Task<Status> DeleteObject(Context& ctx);
Task<Status> CreateMultipartUpload(Context& ctx);
Task<Status> UploadPart(Context& ctx);
Task<Status> UploadPartCopy(Context& ctx);
Task<Status> CompleteMultipartUpload(Context& ctx);
Task<Status> AbortMultipartUpload(Context& ctx);
Task<Status> ListParts(Context& ctx);
Task<Status> GetObjectTagging(Context& ctx);
Task<Status> PutObjectTagging(Context& ctx);
Task<Status> DeleteObjectTagging(Context& ctx);
Task<Status> GetBucketPolicy(Context& ctx);
Task<Status> PutBucketPolicy(Context& ctx);
Task<Status> DeleteBucketPolicy(Context& ctx);
Task<Status> GetBucketPolicyStatus(Context& ctx);
Task<Status> GetPublicAccessBlock(Context& ctx);
Task<Status> PutPublicAccessBlock(Context& ctx);
Task<Status> DeletePublicAccessBlock(Context& ctx);
Task<Status> NotImplemented(Context& ctx);
Task<Status> MethodNotAllowed(Context& ctx);

}  // namespace evoke::s3
