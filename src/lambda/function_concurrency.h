// Reserved concurrency across restarts: the reservations PutFunctionConcurrency stored with the
// functions, loaded back into ConcurrencyLimits when the server starts. Blocking; called once
// by the composition root before serving.
#pragma once

#include "base/result.h"
#include "lambda/concurrency.h"
#include "store/functions.h"
#include "store/txn.h"

namespace evoke::lambda {

// A reservation the limits no longer allow (the account limit was lowered) is logged and left
// out of the accounting; the function then draws from the unreserved pool.
Status RestoreReservedConcurrencyBlocking(store::Transactions& txns,
                                          store::FunctionRepository& functions,
                                          ConcurrencyLimits& limits);

}  // namespace evoke::lambda
