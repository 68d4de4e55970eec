// Runtimes: what a sandbox runs for each Lambda runtime identifier. python3.x runs the
// machine's Python with evoke's bootstrap, nodejsNN.x the machine's Node.js with evoke's
// bootstrap, provided* the package's own `bootstrap` (or a layer's). Also the bootstrap files
// themselves, which are built into the binary and written under DATA_DIR/runtime at start-up.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace evoke::exec {

enum class RuntimeFamily { kPython, kNode, kProvided, kUnknown };

RuntimeFamily FamilyOf(std::string_view runtime);

struct Interpreters {
  std::string python = "/usr/bin/python3";
  std::string node = "/usr/bin/node";
};

// The command line for a runtime. `task_root` and `runtime_dir` are the paths as the sandbox
// sees them; `host_code_dir`/`host_opt_dir` are where the code is on the host, to look for a
// bootstrap. Errors carry Lambda's error type (Runtime.InvalidEntrypoint) and message.
Result<std::vector<std::string>> RuntimeArgv(std::string_view runtime, const Interpreters& interpreters,
                                             const std::string& task_root,
                                             const std::string& runtime_dir,
                                             const std::string& host_code_dir,
                                             const std::string& host_opt_dir);

// Writes evoke's bootstrap files into `dir` (DATA_DIR/runtime), replacing older copies, and
// compiles the Python ones with `interpreters.python`.
Status InstallRuntimeFiles(const std::string& dir, const Interpreters& interpreters);

}  // namespace evoke::exec
