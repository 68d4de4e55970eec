// The Layers of a function's configuration, checked against the stored layer versions: each
// must exist in this account (InvalidParameterValueException "Layer version ARN does not
// exist." otherwise), and its CodeSize is recorded for the configuration's Layers list.
// Blocking (database reads); run inside the commit that stores the configuration, so that a
// concurrent DeleteLayerVersion cannot slip in between. Used by CreateFunction and
// UpdateFunctionConfiguration.
#pragma once

#include "base/result.h"
#include "lambda/function_config.h"
#include "lambda/function_json.h"
#include "store/layers.h"

namespace evoke::lambda {

Status ResolveLayers(store::LayerRepository& layers, store::ReadTxn& t, const Account& account,
                     FunctionConfig& config);

}  // namespace evoke::lambda
