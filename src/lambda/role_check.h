// The start-up check of functions' execution roles: functions created before roles were
// checked (or whose role was deleted or changed since) fail every cold start with
// InvalidParameterValueException; the server says so once, at start, for each of them.
#pragma once

#include <cstddef>

#include "lambda/execution_roles.h"
#include "store/functions.h"
#include "store/txn.h"

namespace evoke::lambda {

// Logs one warning per function whose role Lambda cannot assume; returns how many. Reads the
// store on the calling thread (start-up only).
size_t WarnAboutUnassumableRoles(store::Transactions& txns, store::FunctionRepository& functions,
                                 const ExecutionRoles& roles);

}  // namespace evoke::lambda
