// The S3 actions, one function each (one file each, named after the action), in the table of
// s3/service.cc. Each reads its request from the Context, sets its answer there (Reply), or
// returns an error for the pipeline to render.
#pragma once

#include "base/asio.h"
#include "base/result.h"
#include "s3/context.h"
#include "s3/dispatch.h"
#include "store/objects.h"

namespace evoke::s3 {

Task<Status> ListBuckets(Context& ctx);
Task<Status> CreateBucket(Context& ctx);
Task<Status> DeleteBucket(Context& ctx);
Task<Status> HeadBucket(Context& ctx);
Task<Status> GetBucketLocation(Context& ctx);
Task<Status> GetBucketVersioning(Context& ctx);
Task<Status> PutBucketVersioning(Context& ctx);
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
Task<Status> GetBucketAcl(Context& ctx);
Task<Status> PutBucketAcl(Context& ctx);
Task<Status> GetObjectAcl(Context& ctx);
Task<Status> PutObjectAcl(Context& ctx);
Task<Status> GetBucketOwnershipControls(Context& ctx);
Task<Status> PutBucketOwnershipControls(Context& ctx);
Task<Status> DeleteBucketOwnershipControls(Context& ctx);
Task<Status> GetBucketLifecycleConfiguration(Context& ctx);
Task<Status> PutBucketLifecycleConfiguration(Context& ctx);
Task<Status> DeleteBucketLifecycle(Context& ctx);
Task<Status> GetBucketTagging(Context& ctx);
Task<Status> PutBucketTagging(Context& ctx);
Task<Status> DeleteBucketTagging(Context& ctx);
Task<Status> GetBucketCors(Context& ctx);
Task<Status> PutBucketCors(Context& ctx);
Task<Status> DeleteBucketCors(Context& ctx);
Task<Status> PreflightRequest(Context& ctx);
Task<Status> PostObject(Context& ctx);
Task<Status> GetObjectAttributes(Context& ctx);
Task<Status> GetBucketEncryption(Context& ctx);
Task<Status> PutBucketEncryption(Context& ctx);
Task<Status> DeleteBucketEncryption(Context& ctx);
Task<Status> GetObjectLockConfiguration(Context& ctx);
Task<Status> PutObjectLockConfiguration(Context& ctx);
Task<Status> GetObjectRetention(Context& ctx);
Task<Status> PutObjectRetention(Context& ctx);
Task<Status> GetObjectLegalHold(Context& ctx);
Task<Status> PutObjectLegalHold(Context& ctx);
Task<Status> PutBucketMetricsConfiguration(Context& ctx);
Task<Status> GetBucketMetricsConfiguration(Context& ctx);
Task<Status> ListBucketMetricsConfigurations(Context& ctx);
Task<Status> DeleteBucketMetricsConfiguration(Context& ctx);
Task<Status> NotImplemented(Context& ctx);
Task<Status> MethodNotAllowed(Context& ctx);

// Shared by the actions that write objects (acl_actions.cc): the ACL the request's x-amz-acl or
// x-amz-grant-* headers ask for, checked against the bucket's Object Ownership and Block Public
// Access, replaces any ACL entry of `headers` (a copy's source's included).
Status SetRequestedAcl(const Context& ctx, store::HeaderList& headers);

// Shared by DeleteObject and DeleteObjects (delete_object.cc): deletes the key (or the version
// `version_id` names) in `t` as the bucket's versioning says and publishes the event of what
// was removed.
Status DeleteAndPublish(store::WriteTxn& t, const Context& ctx, std::string_view bucket,
                        std::string_view key, std::string_view version_id,
                        store::DeleteOutcome& outcome);
// The Content-MD5 (or x-amz-checksum-*) S3 requires on DeleteObjects and the configuration
// documents: InvalidRequest without one (delete_objects.cc).
Status RequireIntegrityHeader(const http::Headers& headers);
// x-amz-delete-marker and x-amz-version-id of a delete.
void AddDeleteOutcomeHeaders(http::Response& response, const store::DeleteOutcome& outcome);

// CreateBucket's Object Ownership (x-amz-object-ownership, or the default) and ACL (x-amz-acl,
// x-amz-grant-*), in the bucket record's stored forms.
struct BucketAclSettings {
  std::string ownership;
  std::string acl;
};
Result<BucketAclSettings> CreateBucketAclSettings(const Context& ctx, bool enforce_by_default);

}  // namespace evoke::s3
