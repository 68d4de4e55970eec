// The verifier's errors as the JSON APIs (CloudWatch Logs, EventBridge, EventBridge Scheduler)
// and the query APIs (IAM, STS) name them: the verifier speaks S3's codes; JSON services answer
// with UnrecognizedClientException, InvalidSignatureException and AccessDeniedException, query
// services with InvalidClientTokenId, SignatureDoesNotMatch, IncompleteSignature. Pure.
#pragma once

#include "base/result.h"

namespace evoke::auth {

Error AsJsonApiAuthError(Error error);
Error AsQueryApiAuthError(Error error);

}  // namespace evoke::auth
