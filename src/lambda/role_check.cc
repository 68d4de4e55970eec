#include "lambda/role_check.h"

#include <string>

#include "base/log.h"
#include "lambda/function_json.h"

namespace evoke::lambda {

size_t WarnAboutUnassumableRoles(store::Transactions& txns, store::FunctionRepository& functions,
                                 const ExecutionRoles& roles) {
  size_t warned = 0;
  std::string after;
  for (;;) {
    Result<std::vector<store::FunctionRecord>> page = [&] {
      auto reader = txns.Read();
      return functions.ListFunctions(*reader, after, 100);
    }();
    if (!page.ok()) {
      LogWarning("lambda: functions' roles not checked: " + page.error().message);
      return warned;
    }
    if (page->empty()) return warned;
    for (const store::FunctionRecord& f : *page) {
      auto config = ParseStoredConfig(f.config_json);
      if (!config.ok()) continue;
      if (Status s = roles.CheckAssumable(config->role); !s.ok()) {
        ++warned;
        LogWarning("lambda: function " + f.name + " cannot start: its role " + config->role +
                   " cannot be assumed by Lambda (" + s.error().message +
                   "); give it a role that trusts lambda.amazonaws.com "
                   "(aws lambda update-function-configuration --role ...)");
      }
    }
    after = page->back().name;
  }
}

}  // namespace evoke::lambda
