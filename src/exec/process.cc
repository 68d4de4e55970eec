#include "exec/process.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/ids.h"
#include "base/log.h"

namespace evoke::exec {
namespace {

// ---- helpers for the forked child: system calls only, no allocation ----------------------

void ChildSay(const char* what) {
  ssize_t ignored = ::write(STDERR_FILENO, what, std::strlen(what));
  (void)ignored;
}

[[noreturn]] void ChildFail(const char* step) {
  int err = errno;
  char digits[16];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + err % 10);
    err /= 10;
  } while (err > 0 && n < 15);
  ChildSay("evoke sandbox: ");
  ChildSay(step);
  ChildSay(" failed (errno ");
  while (n > 0) {
    char c = digits[--n];
    ssize_t ignored = ::write(STDERR_FILENO, &c, 1);
    (void)ignored;
  }
  ChildSay(")\n");
  ::_exit(127);
}

bool ChildWriteFile(const char* path, const char* text) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  size_t len = std::strlen(text);
  bool ok = ::write(fd, text, len) == static_cast<ssize_t>(len);
  ::close(fd);
  return ok;
}

// Bind-mounts the directory open at `fd` on `target`, read-only.
void ChildBindReadOnly(int fd, const char* target) {
  char fd_path[32] = "/proc/self/fd/";
  char digits[12];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + fd % 10);
    fd /= 10;
  } while (fd > 0);
  size_t len = std::strlen(fd_path);
  while (n > 0) fd_path[len++] = digits[--n];
  fd_path[len] = '\0';
  if (::mount(fd_path, target, nullptr, MS_BIND | MS_REC, nullptr) != 0) ChildFail(target);
  if (::mount(nullptr, target, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
              nullptr) != 0) {
    ChildFail(target);
  }
}

// ---- cgroups ---------------------------------------------------------------------------------

std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool WriteSmallFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

// "name N" from a flat keyed cgroup file (memory.events, memory.oom_control).
int64_t KeyedValue(const std::string& text, std::string_view key) {
  std::istringstream in(text);
  std::string name;
  int64_t value = 0;
  while (in >> name >> value) {
    if (name == key) return value;
  }
  return 0;
}

// The memory cgroup this process is in, and its version.
std::pair<int, std::string> OwnMemoryCgroup() {
  std::istringstream in(ReadSmallFile("/proc/self/cgroup"));
  std::string line;
  std::string unified;
  while (std::getline(in, line)) {
    // hierarchy-id:controllers:path
    size_t a = line.find(':');
    size_t b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string controllers = line.substr(a + 1, b - a - 1);
    std::string path = line.substr(b + 1);
    std::istringstream list(controllers);
    std::string c;
    while (std::getline(list, c, ',')) {
      if (c == "memory") return {1, "/sys/fs/cgroup/memory" + path};
    }
    if (line.starts_with("0::")) unified = path;
  }
  if (!unified.empty() &&
      ReadSmallFile("/sys/fs/cgroup/cgroup.controllers").find("memory") != std::string::npos) {
    return {2, "/sys/fs/cgroup" + (unified == "/" ? std::string() : unified)};
  }
  return {0, ""};
}

// cgroup v2 allows processes only in leaves: evoke moves itself into "<own>/evoke-server" so
// that "<own>/evoke-sandboxes" may have the memory controller.
std::string PrepareCgroupV2(const std::string& own) {
  std::string server = own + "/evoke-server";
  std::string sandboxes = own + "/evoke-sandboxes";
  if (!WriteSmallFile(own + "/cgroup.subtree_control", "+memory")) {
    ::mkdir(server.c_str(), 0755);
    if (!WriteSmallFile(server + "/cgroup.procs", std::to_string(::getpid()))) return "";
    if (!WriteSmallFile(own + "/cgroup.subtree_control", "+memory")) return "";
  }
  if (::mkdir(sandboxes.c_str(), 0755) != 0 && errno != EEXIST) return "";
  if (!WriteSmallFile(sandboxes + "/cgroup.subtree_control", "+memory")) return "";
  return sandboxes;
}

bool ProbeMountNamespace(bool user_namespace) {
  pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    int flags = CLONE_NEWNS | (user_namespace ? CLONE_NEWUSER : 0);
    if (::unshare(flags) != 0) ::_exit(1);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ::_exit(1);
    if (::mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") != 0) ::_exit(1);
    ::_exit(0);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void ClosePair(int fds[2]) {
  if (fds[0] >= 0) ::close(fds[0]);
  if (fds[1] >= 0) ::close(fds[1]);
}

}  // namespace

HostSupport ProbeHost() {
  HostSupport host;
  if (ProbeMountNamespace(false)) {
    host.mount_namespaces = true;
  } else if (ProbeMountNamespace(true)) {
    host.mount_namespaces = true;
    host.user_namespace = true;
  } else {
    LogWarning(
        "sandboxes: mount namespaces are not allowed here; functions run as plain processes "
        "(code and /tmp in host directories)");
  }
  auto [version, own] = OwnMemoryCgroup();
  std::string parent;
  if (version == 1) {
    parent = own + "/evoke";
    if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) parent.clear();
  } else if (version == 2) {
    parent = PrepareCgroupV2(own);
  }
  if (!parent.empty()) {
    // Can a sandbox cgroup be made and given a limit?
    std::string probe = parent + "/probe-" + std::to_string(::getpid());
    std::string limit_file = version == 1 ? "/memory.limit_in_bytes" : "/memory.max";
    bool ok = ::mkdir(probe.c_str(), 0755) == 0 && WriteSmallFile(probe + limit_file, "134217728");
    ::rmdir(probe.c_str());
    if (!ok) parent.clear();
  }
  if (parent.empty()) {
    LogWarning("sandboxes: no writable memory cgroup; memory limits use rlimits instead");
  } else {
    host.cgroup_version = version;
    host.cgroup_parent = parent;
  }
  return host;
}

Process::~Process() {
  if (pid_ > 0 && wait_status_ < 0) {
    Kill();
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (pidfd_ >= 0) ::close(pidfd_);
  if (cgroup_peak_fd_ >= 0) ::close(cgroup_peak_fd_);
  if (status_fd_ >= 0) ::close(status_fd_);
  if (out_ >= 0) ::close(out_);
  if (err_ >= 0) ::close(err_);
  if (!cgroup_dir_.empty()) ::rmdir(cgroup_dir_.c_str());
  if (!tmp_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(tmp_dir_, ignored);
  }
}

Process::Process(Process&& o) noexcept { *this = std::move(o); }

Process& Process::operator=(Process&& o) noexcept {
  std::swap(pid_, o.pid_);
  std::swap(pidfd_, o.pidfd_);
  std::swap(out_, o.out_);
  std::swap(err_, o.err_);
  std::swap(wait_status_, o.wait_status_);
  std::swap(cgroup_dir_, o.cgroup_dir_);
  std::swap(tmp_dir_, o.tmp_dir_);
  std::swap(cgroup_version_, o.cgroup_version_);
  std::swap(memory_mb_, o.memory_mb_);
  std::swap(last_peak_, o.last_peak_);
  std::swap(cgroup_peak_fd_, o.cgroup_peak_fd_);
  std::swap(status_fd_, o.status_fd_);
  return *this;
}

Result<Process> Process::Spawn(const HostSupport& host, const SpawnSpec& spec) {
  Process p;
  p.memory_mb_ = spec.memory_mb;
  if (!host.mount_namespaces && !spec.tmp_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(spec.tmp_dir, ec);
    if (ec) return MakeError("ServiceException", "cannot create " + spec.tmp_dir);
    p.tmp_dir_ = spec.tmp_dir;
  }
  const int64_t limit_bytes = int64_t{spec.memory_mb} * 1024 * 1024;
  if (host.cgroup_version != 0) {
    std::string dir = host.cgroup_parent + "/sb-" + RandomHex(8);
    if (::mkdir(dir.c_str(), 0755) == 0) {
      bool ok;
      if (host.cgroup_version == 1) {
        ok = WriteSmallFile(dir + "/memory.limit_in_bytes", std::to_string(limit_bytes));
        // Swap does not stretch the limit (where swap accounting exists).
        WriteSmallFile(dir + "/memory.memsw.limit_in_bytes", std::to_string(limit_bytes));
      } else {
        ok = WriteSmallFile(dir + "/memory.max", std::to_string(limit_bytes));
        WriteSmallFile(dir + "/memory.swap.max", "0");
      }
      if (ok) {
        p.cgroup_dir_ = dir;
        p.cgroup_version_ = host.cgroup_version;
      } else {
        ::rmdir(dir.c_str());
      }
    }
  }

  // Everything the child needs is built now: after fork it may only make system calls.
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::string procs = p.cgroup_dir_.empty() ? "" : p.cgroup_dir_ + "/cgroup.procs";
  std::string tmp_options = "size=" + std::to_string(spec.ephemeral_storage_mb) + "m,mode=1777";
  std::string uid_map = std::to_string(::geteuid()) + " " + std::to_string(::geteuid()) + " 1";
  std::string gid_map = std::to_string(::getegid()) + " " + std::to_string(::getegid()) + " 1";
  struct stat st;
  const bool hide = !spec.hidden_dir.empty() && ::stat(spec.hidden_dir.c_str(), &st) == 0;
  const bool have_opt = ::stat("/opt", &st) == 0;

  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    ClosePair(out);
    ClosePair(err);
    return MakeError("ServiceException", std::string("pipe: ") + std::strerror(errno));
  }

  if (host.mount_namespaces) {
    struct stat dir;
    if (::stat(spec.code_dir.c_str(), &dir) != 0 || ::stat(spec.runtime_dir.c_str(), &dir) != 0 ||
        (!spec.opt_dir.empty() && ::stat(spec.opt_dir.c_str(), &dir) != 0)) {
      ClosePair(out);
      ClosePair(err);
      return MakeError("ServiceException", "the function's code directory is missing");
    }
  }

  pid_t pid = ::fork();
  if (pid < 0) {
    ClosePair(out);
    ClosePair(err);
    return MakeError("ServiceException", std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // The child. Signals as a fresh process has them (the server ignores SIGPIPE).
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int s = 1; s < NSIG; ++s) ::signal(s, SIG_DFL);
    ::setsid();
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull < 0 || ::dup2(devnull, STDIN_FILENO) < 0) ::_exit(127);
    if (::dup2(out[1], STDOUT_FILENO) < 0 || ::dup2(err[1], STDERR_FILENO) < 0) ::_exit(127);
    // The server's descriptors go at once, not at exec: a copy held here keeps a socket the
    // server has closed in its epoll sets, where its events land on the next descriptor the
    // server registers (exec/exit_watch.h).
    ::syscall(SYS_close_range, 3U, ~0U, 0U);
    if (!procs.empty() && !ChildWriteFile(procs.c_str(), "0")) ChildFail("joining the cgroup");
    if (host.mount_namespaces) {
      int flags = CLONE_NEWNS | (host.user_namespace ? CLONE_NEWUSER : 0);
      if (::unshare(flags) != 0) ChildFail("unshare");
      if (host.user_namespace) {
        ChildWriteFile("/proc/self/setgroups", "deny");
        if (!ChildWriteFile("/proc/self/uid_map", uid_map.c_str())) ChildFail("uid_map");
        if (!ChildWriteFile("/proc/self/gid_map", gid_map.c_str())) ChildFail("gid_map");
      }
      if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ChildFail("private /");
      // The sources of the bind mounts, opened in the new namespace (a bind mount's source
      // must be in it) and before anything is mounted over their paths.
      int code_fd = ::open(spec.code_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      int runtime_fd = ::open(spec.runtime_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      int opt_fd = spec.opt_dir.empty() ? -1 : ::open(spec.opt_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (code_fd < 0 || runtime_fd < 0 || (!spec.opt_dir.empty() && opt_fd < 0)) ChildFail("open code");
      if (hide) ::mount("tmpfs", spec.hidden_dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=700");
      if (::mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, tmp_options.c_str()) != 0) {
        ChildFail("/tmp");
      }
      if (::mount("tmpfs", "/var", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755") != 0) {
        ChildFail("/var");
      }
      if (::mkdir("/var/task", 0755) != 0 || ::mkdir("/var/runtime", 0755) != 0 ||
          ::mkdir("/var/tmp", 01777) != 0) {
        ChildFail("mkdir /var/task");
      }
      ChildBindReadOnly(code_fd, "/var/task");
      ChildBindReadOnly(runtime_fd, "/var/runtime");
      if (opt_fd >= 0) {
        ChildBindReadOnly(opt_fd, "/opt");
      } else if (have_opt) {
        ::mount("tmpfs", "/opt", "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=1m,mode=755");
      }
    }
    if (::chdir(spec.working_dir.c_str()) != 0) ChildFail("chdir");
    struct rlimit files = {1024, 1024};
    ::setrlimit(RLIMIT_NOFILE, &files);
    struct rlimit core = {0, 0};
    ::setrlimit(RLIMIT_CORE, &core);
    if (procs.empty()) {
      rlim_t bytes = static_cast<rlim_t>(limit_bytes);
      struct rlimit data = {bytes, bytes};
      ::setrlimit(RLIMIT_DATA, &data);
    }
    // Nothing of the server's leaks into the sandbox.
    ::syscall(SYS_close_range, 3U, ~0U, 0U);
    ::execve(argv[0], argv.data(), envp.data());
    ChildFail("exec of the runtime");
  }

  ::close(out[1]);
  ::close(err[1]);
  p.pid_ = pid;
  p.out_ = out[0];
  p.err_ = err[0];
  ::fcntl(p.out_, F_SETFL, O_NONBLOCK);
  ::fcntl(p.err_, F_SETFL, O_NONBLOCK);
  if (!p.cgroup_dir_.empty()) {
    std::string file = p.cgroup_version_ == 1 ? "/memory.max_usage_in_bytes" : "/memory.peak";
    p.cgroup_peak_fd_ = ::open((p.cgroup_dir_ + file).c_str(), O_RDONLY | O_CLOEXEC);
  }
  p.status_fd_ = ::open(("/proc/" + std::to_string(pid) + "/status").c_str(), O_RDONLY | O_CLOEXEC);
  p.pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (p.pidfd_ < 0) {
    p.Kill();
    return MakeError("ServiceException", std::string("pidfd_open: ") + std::strerror(errno));
  }
  return p;
}

void Process::Kill() {
  if (pid_ <= 0 || wait_status_ >= 0) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  if (!cgroup_dir_.empty()) {
    // Whatever left the session is still in the cgroup.
    std::istringstream in(ReadSmallFile(cgroup_dir_ + "/cgroup.procs"));
    pid_t member;
    while (in >> member) ::kill(member, SIGKILL);
  }
}

int Process::Reap() {
  if (wait_status_ >= 0) return wait_status_;
  if (pid_ <= 0) return -1;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    last_peak_ = PeakMemoryBytes();
    wait_status_ = status;
    // Children it left behind go with it.
    ::kill(-pid_, SIGKILL);
  }
  return wait_status_;
}

int64_t Process::PeakMemoryBytes() const {
  if (wait_status_ >= 0) return last_peak_;
  int64_t peak = last_peak_;
  char buf[4096];
  if (cgroup_peak_fd_ >= 0) {
    ssize_t n = ::pread(cgroup_peak_fd_, buf, sizeof buf - 1, 0);
    if (n > 0) {
      buf[n] = '\0';
      peak = std::max<int64_t>(peak, std::strtoll(buf, nullptr, 10));
    }
  }
  if (status_fd_ >= 0) {
    ssize_t n = ::pread(status_fd_, buf, sizeof buf - 1, 0);
    if (n > 0) {
      buf[n] = '\0';
      if (const char* hwm = std::strstr(buf, "VmHWM:")) {
        peak = std::max<int64_t>(peak, std::strtoll(hwm + 6, nullptr, 10) * 1024);  // kB
      }
    }
  }
  last_peak_ = peak;
  return peak;
}

bool Process::OutOfMemory() const {
  if (!cgroup_dir_.empty()) {
    if (cgroup_version_ == 1) {
      std::string control = ReadSmallFile(cgroup_dir_ + "/memory.oom_control");
      if (KeyedValue(control, "oom_kill") > 0) return true;
      // Kernels without the oom_kill counter: a SIGKILL at the limit.
      return WIFSIGNALED(wait_status_) && WTERMSIG(wait_status_) == SIGKILL &&
             std::strtoll(ReadSmallFile(cgroup_dir_ + "/memory.failcnt").c_str(), nullptr, 10) > 0;
    }
    return KeyedValue(ReadSmallFile(cgroup_dir_ + "/memory.events"), "oom_kill") > 0;
  }
  // Under rlimits the runtime fails an allocation instead; a peak at the limit says why.
  return last_peak_ >= int64_t{memory_mb_} * 1024 * 1024 * 9 / 10;
}

}  // namespace evoke::exec
