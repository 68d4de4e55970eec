#include "auth/json_api_errors.h"

namespace evoke::auth {

Error AsJsonApiAuthError(Error error) {
  if (error.code == "InvalidAccessKeyId") {
    return MakeError("UnrecognizedClientException",
                     "The security token included in the request is invalid.");
  }
  if (error.code == "SignatureDoesNotMatch" || error.code == "RequestTimeTooSkewed" ||
      error.code == "AuthorizationHeaderMalformed" || error.code == "IncompleteSignature" ||
      error.code == "XAmzContentSHA256Mismatch" ||
      error.code == "AuthorizationQueryParametersError") {
    return MakeError("InvalidSignatureException", error.message);
  }
  if (error.code == "ExpiredToken") {
    return MakeError("ExpiredTokenException",
                     "The security token included in the request is expired");
  }
  if (error.code == "AccessDenied" || error.code == "InvalidRequest" ||
      error.code == "InvalidToken") {
    return MakeError("AccessDeniedException", error.message);
  }
  return error;
}

Error AsQueryApiAuthError(Error error) {
  if (error.code == "InvalidAccessKeyId" || error.code == "InvalidToken") {
    return MakeError("InvalidClientTokenId",
                     "The security token included in the request is invalid.");
  }
  if (error.code == "RequestTimeTooSkewed" || error.code == "XAmzContentSHA256Mismatch") {
    return MakeError("SignatureDoesNotMatch", error.message);
  }
  if (error.code == "AuthorizationHeaderMalformed" ||
      error.code == "AuthorizationQueryParametersError" || error.code == "InvalidRequest") {
    return MakeError("IncompleteSignature", error.message);
  }
  if (error.code == "ExpiredToken") {
    return MakeError("ExpiredToken", "The security token included in the request is expired");
  }
  return error;
}

}  // namespace evoke::auth
