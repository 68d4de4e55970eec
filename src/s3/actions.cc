#include "s3/actions.h"

namespace evoke::s3 {

Task<Status> RunAction(Action action, Context& ctx) {
  switch (action) {
    case Action::kListBuckets: return ListBuckets(ctx);
    case Action::kCreateBucket: return CreateBucket(ctx);
    case Action::kDeleteBucket: return DeleteBucket(ctx);
    case Action::kHeadBucket: return HeadBucket(ctx);
    case Action::kGetBucketLocation: return GetBucketLocation(ctx);
    case Action::kGetBucketVersioning: return GetBucketVersioning(ctx);
    case Action::kGetBucketNotificationConfiguration: return GetBucketNotificationConfiguration(ctx);
    case Action::kPutBucketNotificationConfiguration: return PutBucketNotificationConfiguration(ctx);
    case Action::kListObjects: return ListObjects(ctx);
    case Action::kListObjectsV2: return ListObjectsV2(ctx);
    case Action::kListObjectVersions: return ListObjectVersions(ctx);
    case Action::kListMultipartUploads: return ListMultipartUploads(ctx);
    case Action::kDeleteObjects: return DeleteObjects(ctx);
    case Action::kPutObject: return PutObject(ctx);
    case Action::kCopyObject: return CopyObject(ctx);
    case Action::kGetObject: return GetObject(ctx);
    case Action::kHeadObject: return HeadObject(ctx);
    case Action::kDeleteObject: return DeleteObject(ctx);
    case Action::kCreateMultipartUpload: return CreateMultipartUpload(ctx);
    case Action::kUploadPart: return UploadPart(ctx);
    case Action::kUploadPartCopy: return UploadPartCopy(ctx);
    case Action::kCompleteMultipartUpload: return CompleteMultipartUpload(ctx);
    case Action::kAbortMultipartUpload: return AbortMultipartUpload(ctx);
    case Action::kListParts: return ListParts(ctx);
    case Action::kGetObjectTagging: return GetObjectTagging(ctx);
    case Action::kPutObjectTagging: return PutObjectTagging(ctx);
    case Action::kDeleteObjectTagging: return DeleteObjectTagging(ctx);
    case Action::kNotImplemented: break;
    case Action::kMethodNotAllowed: {
      auto fail = [](Error e) -> Task<Status> { co_return e; };
      return fail(MakeError("MethodNotAllowed",
                            "The specified method is not allowed against this resource.")
                      .With("Method", ctx.req().method));
    }
  }
  auto fail = [](Error e) -> Task<Status> { co_return e; };
  return fail(MakeError("NotImplemented",
                        "A header or query you provided implies functionality that is not "
                        "implemented."));
}

}  // namespace evoke::s3
