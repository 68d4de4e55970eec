#include "exec/runtimes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "base/ids.h"
#include "exec/runtime_files.h"

namespace evoke::exec {

RuntimeFamily FamilyOf(std::string_view runtime) {
  if (runtime.starts_with("python3.")) return RuntimeFamily::kPython;
  if (runtime.starts_with("nodejs")) return RuntimeFamily::kNode;
  if (runtime.starts_with("provided")) return RuntimeFamily::kProvided;
  return RuntimeFamily::kUnknown;
}

Result<std::vector<std::string>> RuntimeArgv(std::string_view runtime, const Interpreters& interpreters,
                                             const std::string& task_root,
                                             const std::string& runtime_dir,
                                             const std::string& host_code_dir,
                                             const std::string& host_opt_dir) {
  switch (FamilyOf(runtime)) {
    case RuntimeFamily::kPython:
      return std::vector<std::string>{interpreters.python, "-u", runtime_dir + "/python/bootstrap.py"};
    case RuntimeFamily::kNode:
      return std::vector<std::string>{interpreters.node, runtime_dir + "/node/bootstrap.js"};
    case RuntimeFamily::kProvided: {
      // Lambda's search order: the package's bootstrap, then a layer's.
      std::string opt_root = task_root == "/var/task" ? "/opt" : host_opt_dir;
      if (::access((host_code_dir + "/bootstrap").c_str(), X_OK) == 0) {
        return std::vector<std::string>{task_root + "/bootstrap"};
      }
      if (!host_opt_dir.empty() && ::access((host_opt_dir + "/bootstrap").c_str(), X_OK) == 0) {
        return std::vector<std::string>{opt_root + "/bootstrap"};
      }
      return MakeError("Runtime.InvalidEntrypoint",
                       "Couldn't find valid bootstrap(s): [" + task_root + "/bootstrap " +
                           (opt_root.empty() ? "/opt" : opt_root) + "/bootstrap]");
    }
    case RuntimeFamily::kUnknown:
      break;
  }
  return MakeError("InvalidRuntimeException",
                   "The runtime parameter of " + std::string(runtime) + " is not supported.");
}

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[16 * 1024];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

}  // namespace

Status InstallRuntimeFiles(const std::string& dir, const Interpreters& interpreters) {
  std::error_code ec;
  for (const EmbeddedFile& f : EmbeddedRuntimeFiles()) {
    std::filesystem::path path = std::filesystem::path(dir) / f.path;
    // Unchanged files keep their modification time, so Python's cached bytecode stays valid.
    if (std::filesystem::exists(path, ec) && ReadFile(path) == f.content) continue;
    std::filesystem::create_directories(path.parent_path(), ec);
    std::string tmp = path.string() + ".tmp-" + RandomHex(4);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return MakeError("InternalError", "cannot write " + tmp);
    bool ok = ::write(fd, f.content.data(), f.content.size()) ==
              static_cast<ssize_t>(f.content.size());
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
      ::unlink(tmp.c_str());
      return MakeError("InternalError", "cannot write " + path.string());
    }
  }
  // Sandboxes see the runtime directory read-only: compile the Python runtime's modules now, or
  // every cold start would compile them again.
  if (::access(interpreters.python.c_str(), X_OK) == 0) {
    pid_t pid = ::fork();
    if (pid == 0) {
      std::string target = dir + "/python";
      ::execl(interpreters.python.c_str(), interpreters.python.c_str(), "-m", "compileall", "-q",
              target.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    int status = 0;
    if (pid > 0) ::waitpid(pid, &status, 0);
  }
  return {};
}

}  // namespace evoke::exec
