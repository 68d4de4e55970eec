#include "s3/errors.h"

#include <algorithm>
#include <array>
#include <utility>

#include "base/encoding.h"

namespace evoke::s3 {
namespace {

struct ErrorEntry {
  std::string_view code;
  int status;
};

// Sorted by code for binary search (checked by a unit test).
constexpr std::array kErrors = {
    ErrorEntry{"AccessDenied", 403},
    ErrorEntry{"AuthorizationHeaderMalformed", 400},
    ErrorEntry{"AuthorizationQueryParametersError", 400},
    ErrorEntry{"BadDigest", 400},
    ErrorEntry{"BucketAlreadyExists", 409},
    ErrorEntry{"BucketAlreadyOwnedByYou", 409},
    ErrorEntry{"BucketNotEmpty", 409},
    ErrorEntry{"EntityTooLarge", 400},
    ErrorEntry{"EntityTooSmall", 400},
    ErrorEntry{"ExpiredToken", 400},
    ErrorEntry{"IllegalLocationConstraintException", 400},
    ErrorEntry{"IncompleteBody", 400},
    ErrorEntry{"IncompleteSignature", 400},
    ErrorEntry{"InternalError", 500},
    ErrorEntry{"InvalidAccessKeyId", 403},
    ErrorEntry{"InvalidArgument", 400},
    ErrorEntry{"InvalidBucketName", 400},
    ErrorEntry{"InvalidDigest", 400},
    ErrorEntry{"InvalidLocationConstraint", 400},
    ErrorEntry{"InvalidPart", 400},
    ErrorEntry{"InvalidPartNumber", 416},
    ErrorEntry{"InvalidPartOrder", 400},
    ErrorEntry{"InvalidRange", 416},
    ErrorEntry{"InvalidRequest", 400},
    ErrorEntry{"InvalidStorageClass", 400},
    ErrorEntry{"InvalidTag", 400},
    ErrorEntry{"InvalidToken", 400},
    ErrorEntry{"InvalidURI", 400},
    ErrorEntry{"KeyTooLongError", 400},
    ErrorEntry{"MalformedXML", 400},
    ErrorEntry{"MaxMessageLengthExceeded", 400},
    ErrorEntry{"MetadataTooLarge", 400},
    ErrorEntry{"MethodNotAllowed", 405},
    ErrorEntry{"MissingContentLength", 411},
    ErrorEntry{"MissingRequestBodyError", 400},
    ErrorEntry{"NoSuchBucket", 404},
    ErrorEntry{"NoSuchKey", 404},
    ErrorEntry{"NoSuchUpload", 404},
    ErrorEntry{"NotImplemented", 501},
    ErrorEntry{"NotModified", 304},
    ErrorEntry{"PreconditionFailed", 412},
    ErrorEntry{"RequestHeaderSectionTooLarge", 400},
    ErrorEntry{"RequestTimeTooSkewed", 403},
    ErrorEntry{"RequestTimeout", 400},
    ErrorEntry{"ServiceUnavailable", 503},
    ErrorEntry{"SignatureDoesNotMatch", 403},
    ErrorEntry{"SlowDown", 503},
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

int StatusForError(std::string_view code) {
  const ErrorEntry* e = Find(code);
  return e ? e->status : 500;
}

bool IsKnownError(std::string_view code) { return Find(code) != nullptr; }

std::string RenderErrorXml(const Error& error, std::string_view resource,
                           std::string_view request_id, std::string_view host_id) {
  // Unknown codes (internal failures) go out as InternalError; their text stays in the log.
  bool known = IsKnownError(error.code);
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>";
  AppendXmlEscaped(x, known ? error.code : "InternalError");
  x += "</Code><Message>";
  AppendXmlEscaped(x, known ? error.message : "We encountered an internal error. Please try again.");
  x += "</Message>";
  if (known) {
    for (const auto& [name, value] : error.details) {
      x += '<';
      x += name;
      x += '>';
      AppendXmlEscaped(x, value);
      x += "</";
      x += name;
      x += '>';
    }
  }
  if (!resource.empty()) {
    x += "<Resource>";
    AppendXmlEscaped(x, resource);
    x += "</Resource>";
  }
  x += "<RequestId>";
  AppendXmlEscaped(x, request_id);
  x += "</RequestId><HostId>";
  AppendXmlEscaped(x, host_id);
  x += "</HostId></Error>";
  return x;
}

}  // namespace evoke::s3
