#include "s3/errors.h"

#include <algorithm>
#include <array>
#include <utility>

#include "base/encoding.h"
#include "store/errors.h"

namespace evoke::s3 {
namespace {

using ErrorEntry = ErrorStatusEntry;

// Sorted by code for binary search (checked by a unit test).
constexpr std::array kErrors = {
    ErrorEntry{"AccessControlListNotSupported", 400},
    ErrorEntry{"AccessDenied", 403},
    ErrorEntry{"AccessForbidden", 403},
    ErrorEntry{"AuthorizationHeaderMalformed", 400},
    ErrorEntry{"AuthorizationQueryParametersError", 400},
    ErrorEntry{"BadDigest", 400},
    ErrorEntry{"BadRequest", 400},
    ErrorEntry{"BucketAlreadyExists", 409},
    ErrorEntry{"BucketAlreadyOwnedByYou", 409},
    ErrorEntry{"BucketNotEmpty", 409},
    ErrorEntry{"EntityTooLarge", 400},
    ErrorEntry{"EntityTooSmall", 400},
    ErrorEntry{"ExpiredToken", 400},
    ErrorEntry{"IllegalLocationConstraintException", 400},
    ErrorEntry{"IllegalVersioningConfigurationException", 400},
    ErrorEntry{"IncompleteBody", 400},
    ErrorEntry{"IncompleteSignature", 400},
    ErrorEntry{"InternalError", 500},
    ErrorEntry{"InvalidAccessKeyId", 403},
    ErrorEntry{"InvalidArgument", 400},
    ErrorEntry{"InvalidBucketAclWithObjectOwnership", 400},
    ErrorEntry{"InvalidBucketName", 400},
    ErrorEntry{"InvalidBucketState", 409},
    ErrorEntry{"InvalidDigest", 400},
    ErrorEntry{"InvalidLocationConstraint", 400},
    ErrorEntry{"InvalidPart", 400},
    ErrorEntry{"InvalidPartNumber", 416},
    ErrorEntry{"InvalidPartOrder", 400},
    ErrorEntry{"InvalidPolicyDocument", 400},
    ErrorEntry{"InvalidRange", 416},
    ErrorEntry{"InvalidRequest", 400},
    ErrorEntry{"InvalidStorageClass", 400},
    ErrorEntry{"InvalidTag", 400},
    ErrorEntry{"InvalidToken", 400},
    ErrorEntry{"InvalidURI", 400},
    ErrorEntry{"KeyTooLongError", 400},
    ErrorEntry{"MalformedACLError", 400},
    ErrorEntry{"MalformedPOSTRequest", 400},
    ErrorEntry{"MalformedPolicy", 400},
    ErrorEntry{"MalformedXML", 400},
    ErrorEntry{"MaxMessageLengthExceeded", 400},
    ErrorEntry{"MaxPostPreDataLengthExceeded", 400},
    ErrorEntry{"MetadataTooLarge", 400},
    ErrorEntry{"MethodNotAllowed", 405},
    ErrorEntry{"MissingContentLength", 411},
    ErrorEntry{"MissingRequestBodyError", 400},
    ErrorEntry{"MissingSecurityHeader", 400},
    ErrorEntry{"NoSuchBucket", 404},
    ErrorEntry{"NoSuchBucketPolicy", 404},
    ErrorEntry{"NoSuchCORSConfiguration", 404},
    ErrorEntry{"NoSuchConfiguration", 404},
    ErrorEntry{"NoSuchKey", 404},
    ErrorEntry{"NoSuchLifecycleConfiguration", 404},
    ErrorEntry{"NoSuchObjectLockConfiguration", 404},
    ErrorEntry{"NoSuchPublicAccessBlockConfiguration", 404},
    ErrorEntry{"NoSuchTagSet", 404},
    ErrorEntry{"NoSuchUpload", 404},
    ErrorEntry{"NoSuchVersion", 404},
    ErrorEntry{"NotImplemented", 501},
    ErrorEntry{"NotModified", 304},
    ErrorEntry{"ObjectLockConfigurationNotFoundError", 404},
    ErrorEntry{"OwnershipControlsNotFoundError", 404},
    ErrorEntry{"PreconditionFailed", 412},
    ErrorEntry{"RequestHeaderSectionTooLarge", 400},
    ErrorEntry{"RequestTimeTooSkewed", 403},
    ErrorEntry{"RequestTimeout", 400},
    ErrorEntry{"ServiceUnavailable", 503},
    ErrorEntry{"SignatureDoesNotMatch", 403},
    ErrorEntry{"SlowDown", 503},
    ErrorEntry{"TooManyConfigurations", 400},
    ErrorEntry{"UnexpectedContent", 400},
    ErrorEntry{"UnresolvableGrantByEmailAddress", 400},
    ErrorEntry{"XAmzContentSHA256Mismatch", 400},
};

static_assert(std::is_sorted(kErrors.begin(), kErrors.end(),
                             [](const ErrorEntry& a, const ErrorEntry& b) { return a.code < b.code; }));

const ErrorEntry* Find(std::string_view code) {
  auto it = std::lower_bound(kErrors.begin(), kErrors.end(), code,
                             [](const ErrorEntry& e, std::string_view c) { return e.code < c; });
  return (it != kErrors.end() && it->code == code) ? &*it : nullptr;
}

}  // namespace

std::span<const ErrorStatusEntry> ErrorStatuses() { return kErrors; }

int StatusForError(std::string_view code) {
  const ErrorEntry* e = Find(code);
  return e ? e->status : 500;
}

Error NoSuchUpload(std::string_view upload_id) {
  return MakeError("NoSuchUpload",
                   "The specified upload does not exist. The upload ID may be invalid, or the "
                   "upload may have been aborted or completed.")
      .With("UploadId", std::string(upload_id));
}

Error S3Error(Error error) {
  using store::Is;
  const std::string name = store::NameOf(error);
  if (Is(error, store::kNotFound, "bucket")) {
    return MakeError("NoSuchBucket", "The specified bucket does not exist")
        .With("BucketName", name);
  }
  if (Is(error, store::kNotFound, "object")) {
    return MakeError("NoSuchKey", "The specified key does not exist.").With("Key", name);
  }
  if (Is(error, store::kNotFound, "upload")) return NoSuchUpload(name);
  if (Is(error, store::kNotFound, "version")) {
    return MakeError("NoSuchVersion", "The specified version does not exist.")
        .With("VersionId", name);
  }
  if (Is(error, store::kAlreadyExists, "bucket")) {
    return MakeError("BucketAlreadyOwnedByYou",
                     "Your previous request to create the named bucket succeeded and you already "
                     "own it.")
        .With("BucketName", name);
  }
  if (Is(error, store::kNotEmpty, "bucket")) {
    return MakeError("BucketNotEmpty", "The bucket you tried to delete is not empty")
        .With("BucketName", name);
  }
  return error;
}

}  // namespace evoke::s3
