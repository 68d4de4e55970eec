// Process: one sandboxed process tree, as the kernel sees it. Spawns the runtime with its own
// session (so the whole tree can be killed), its stdout and stderr on pipes, a memory limit
// (a cgroup where the machine lets evoke make one, else rlimits) and, where mount namespaces
// are allowed, a private view of the file system: the code read-only at /var/task, evoke's
// runtime files at /var/runtime, layers at /opt, a tmpfs of the ephemeral storage size at /tmp,
// and evoke's data directory hidden. Knows nothing of Lambda. See docs/functions.md.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace evoke::exec {

// What the machine allows, found once at start-up.
struct HostSupport {
  bool mount_namespaces = false;  // a private /tmp, /var/task, /opt
  bool user_namespace = false;    // mount namespaces need a user namespace first (not root)
  int cgroup_version = 0;         // 0: none usable (rlimits instead), 1 or 2
  std::string cgroup_parent;      // the directory evoke makes each sandbox's cgroup in
};

// Probes the kernel (a forked child tries the namespaces; the memory cgroup of this process
// gets a child "evoke"). `data_dir` is hidden from sandboxes.
HostSupport ProbeHost();

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] is the program's path
  std::vector<std::string> env;   // "NAME=value"
  std::string code_dir;           // host directory of the unpacked package
  std::string runtime_dir;        // host directory of evoke's bootstraps
  std::string opt_dir;            // host directory of the merged layers; empty: none
  std::string tmp_dir;            // host directory used as /tmp when namespaces are refused
  std::string hidden_dir;         // evoke's data directory, hidden inside the sandbox
  std::string working_dir;        // inside the sandbox's view
  int memory_mb = 128;
  int ephemeral_storage_mb = 512;
};

class Process {
 public:
  Process() = default;
  ~Process();
  Process(Process&&) noexcept;
  Process& operator=(Process&&) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Forks and execs. The sandbox's own setup runs in the child; if it fails the child writes
  // why to its stderr and exits with status 127.
  static Result<Process> Spawn(const HostSupport& host, const SpawnSpec& spec);

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_; }    // readable once the process has exited
  int stdout_fd() const { return out_; }  // non-blocking read ends, owned here
  int stderr_fd() const { return err_; }
  // Kills the whole process tree (session and cgroup) with SIGKILL.
  void Kill();
  // Reaps the exited process: its wait status, or -1 while it still runs.
  int Reap();
  // The most memory the sandbox has used so far, in bytes: the larger of its cgroup's peak
  // (memory charged to it) and the runtime process's resident high-water mark (which also
  // counts the shared pages it maps, as Lambda's figure does).
  int64_t PeakMemoryBytes() const;
  // Whether the kernel killed it for exceeding its memory limit.
  bool OutOfMemory() const;

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int out_ = -1;
  int err_ = -1;
  int wait_status_ = -1;
  std::string cgroup_dir_;  // empty: none
  std::string tmp_dir_;     // the host directory used as /tmp, removed with the process
  int cgroup_version_ = 0;
  int memory_mb_ = 0;
  mutable int64_t last_peak_ = 0;  // the highest reading so far
  int cgroup_peak_fd_ = -1;  // the cgroup's peak usage file, kept open: read every invocation
  int status_fd_ = -1;       // /proc/PID/status, for VmHWM
};

}  // namespace evoke::exec
