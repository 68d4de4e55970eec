#include "lambda/function_layers.h"

#include "lambda/layer_config.h"
#include "store/layers.h"

namespace evoke::lambda {

Status ResolveLayers(store::LayerRepository& layers, store::ReadTxn& t, const Account& account,
                     FunctionConfig& config) {
  std::vector<uint64_t> sizes;
  std::vector<std::string> names;
  for (const auto& arn : config.layers) {
    Error missing = MakeError("InvalidParameterValueException",
                              "Layer version " + arn + " does not exist.");
    auto parsed = ParseLayerVersionArn(arn, account);
    if (!parsed) return missing;
    for (const auto& name : names) {
      if (name == parsed->first) {
        return MakeError("InvalidParameterValueException",
                         "Two different versions of the same layer are not allowed to be "
                         "referenced in the same function. " +
                             arn + " and another version of " + name + " are versions of the "
                             "same layer.");
      }
    }
    names.push_back(parsed->first);
    auto found = layers.GetLayerVersion(t, parsed->first, parsed->second);
    if (!found.ok()) return std::move(found).error();
    if (!found->has_value() || (*found)->deleted) return missing;
    sizes.push_back((*found)->code_size);
  }
  config.layer_sizes = std::move(sizes);
  return {};
}

}  // namespace evoke::lambda
