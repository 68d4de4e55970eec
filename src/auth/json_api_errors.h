// The verifier's errors as the JSON APIs (CloudWatch Logs, EventBridge, EventBridge Scheduler)
// name them: the verifier speaks S3's codes; these services answer with
// UnrecognizedClientException, InvalidSignatureException and AccessDeniedException. Pure.
#pragma once

#include "base/result.h"

namespace evoke::auth {

Error AsJsonApiAuthError(Error error);

}  // namespace evoke::auth
