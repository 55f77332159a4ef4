#include "zasgen/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>  // also declares environ (_GNU_SOURCE, set by g++ and clang++)

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace zasgen {

namespace {

// Supervisors of the programs running now, for the signal handler (0: a free slot). A signal
// handler can reach nothing but process-wide state; this is the one such table of zasgen.
// Threads start programs at once, so a slot is taken and freed by compare-and-swap (two
// threads never take the same slot); lock-free atomics are safe in a signal handler.
constexpr int kSlots = 64;
std::atomic<pid_t> g_supervisors[kSlots];
static_assert(std::atomic<pid_t>::is_always_lock_free);

void remember(pid_t pid) {
  for (std::atomic<pid_t>& slot : g_supervisors) {
    pid_t free_slot = 0;
    if (slot.compare_exchange_strong(free_slot, pid)) return;
  }
}

void forget(pid_t pid) {
  for (std::atomic<pid_t>& slot : g_supervisors) {
    pid_t mine = pid;
    if (slot.compare_exchange_strong(mine, 0)) return;
  }
}

void on_stop_signal(int sig) {
  for (const std::atomic<pid_t>& slot : g_supervisors)
    if (const pid_t pid = slot.load(); pid > 0) ::kill(pid, SIGTERM);
  // Die of the signal as without this handler (the shell sees 130 for Ctrl-C).
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

double now_s() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

// Everything the two forked processes need, prepared before fork so that they only make
// system calls.
struct Prepared {
  std::string exe, cwd, log;
  std::vector<std::string> args, env;
  std::vector<char*> argv, envp;
  pid_t parent = 0;
  int niceness = 0;
  int out_fd = -1;       // capture: the write end of the pipe, else -1
  bool out_err = false;  // capture: stderr into the pipe too
};

constexpr double kGraceS = 3.0;  // from SIGTERM to SIGKILL

// The program's side: its own process group, plain signal state, fds, directory, exec.
[[noreturn]] void exec_program(const Prepared& x) {
  ::setpgid(0, 0);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD}) ::signal(s, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // Should the supervisor itself be killed outright, nothing would end the group: die with it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  const int in = ::open("/dev/null", O_RDONLY);
  int out = x.out_fd;
  int err = x.out_fd >= 0 && x.out_err ? x.out_fd : -1;
  if (out < 0) {
    out = x.log.empty() ? ::open("/dev/null", O_WRONLY)
                        : ::open(x.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  if (err < 0) err = x.out_fd >= 0 ? ::open("/dev/null", O_WRONLY) : out;
  if (in < 0 || out < 0 || err < 0) ::_exit(126);
  if (!x.cwd.empty() && ::chdir(x.cwd.c_str()) != 0) ::_exit(126);
  // Lower only (relative to zasgen's own); should it fail, the old priority is harmless.
  if (x.niceness > 0)
    ::setpriority(PRIO_PROCESS, 0, std::min(19, ::getpriority(PRIO_PROCESS, 0) + x.niceness));
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  ::execve(x.exe.c_str(), x.argv.data(), x.envp.data());
  ::_exit(127);
}

// The supervisor: starts the program and waits for it, or for a stop signal (from zasgen, or
// from the kernel when zasgen dies), which ends the program's group.
[[noreturn]] void supervise(const Prepared& x) {
  sigset_t stop;
  sigemptyset(&stop);
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&stop, s);
  ::sigprocmask(SIG_BLOCK, &stop, nullptr);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != x.parent) ::_exit(128 + SIGTERM);  // zasgen died before prctl
  const pid_t prog = ::fork();
  if (prog < 0) ::_exit(125);
  if (prog == 0) exec_program(x);
  ::setpgid(prog, prog);  // also here, so the group exists before any kill
  if (x.out_fd >= 0) ::close(x.out_fd);
  int status = 0;
  bool stopping = false;
  double kill_at = 0;
  for (;;) {
    const pid_t r = ::waitpid(prog, &status, WNOHANG);
    if (r == prog) break;
    const timespec tick{0, 100 * 1000 * 1000};
    siginfo_t info;
    const int sig = ::sigtimedwait(&stop, &info, &tick);
    if (!stopping && (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)) {
      stopping = true;
      ::kill(-prog, SIGTERM);
      kill_at = now_s() + kGraceS;
    }
    if (stopping && now_s() > kill_at) ::kill(-prog, SIGKILL);
  }
  ::kill(-prog, SIGKILL);  // whatever the program left running in its group
  if (stopping) ::_exit(128 + SIGTERM);
  ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

Prepared prepare(const ProcessSpec& spec, const std::string& exe) {
  Prepared x;
  x.exe = exe;
  x.cwd = spec.cwd;
  x.log = spec.log_path;
  x.niceness = spec.niceness;
  x.args = spec.argv;
  for (std::string& a : x.args) x.argv.push_back(a.data());
  x.argv.push_back(nullptr);
  for (char** e = environ; e && *e; ++e) {
    const std::string kv = *e;
    bool overridden = false;
    for (const auto& [k, v] : spec.env) overridden = overridden || kv.rfind(k + "=", 0) == 0;
    if (!overridden) x.env.push_back(kv);
  }
  for (const auto& [k, v] : spec.env) x.env.push_back(k + "=" + v);
  for (std::string& e : x.env) x.envp.push_back(e.data());
  x.envp.push_back(nullptr);
  x.parent = ::getpid();
  return x;
}

int status_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status)
                           : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

pid_t start(const Prepared& x) {
  const pid_t pid = ::fork();
  if (pid < 0)
    throw std::runtime_error(std::string("cannot start a process: ") + std::strerror(errno));
  if (pid == 0) supervise(x);
  remember(pid);
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  forget(pid);
  return status;
}

}  // namespace

std::string find_executable(const std::string& exe) {
  auto runnable = [](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (exe.empty()) return "";
  if (exe.find('/') != std::string::npos) return runnable(exe) ? exe : "";
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    const std::string p = dir + "/" + exe;
    if (runnable(p)) return p;
  }
  return "";
}

ProcessResult run_process(const ProcessSpec& spec) {
  ProcessResult r;
  const std::string exe = spec.argv.empty() ? "" : find_executable(spec.argv[0]);
  if (exe.empty()) return r;
  const Prepared x = prepare(spec, exe);
  const double t0 = now_s();
  const pid_t pid = start(x);
  r.started = true;
  int status = 0;
  if (spec.timeout_s > 0) {
    const double deadline = t0 + spec.timeout_s;
    for (;;) {
      const pid_t w = ::waitpid(pid, &status, WNOHANG);
      if (w == pid) {
        forget(pid);
        break;
      }
      if (w < 0 && errno != EINTR) {
        forget(pid);
        throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
      }
      if (now_s() > deadline) {
        r.timed_out = true;
        ::kill(pid, SIGTERM);
        status = wait_for(pid);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  } else {
    status = wait_for(pid);
  }
  r.exit_code = status_code(status);
  r.seconds = now_s() - t0;
  return r;
}

std::string capture_output(const std::vector<std::string>& argv, bool with_stderr) {
  const std::string exe = argv.empty() ? "" : find_executable(argv[0]);
  if (exe.empty()) return "";
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return "";
  ProcessSpec spec;
  spec.argv = argv;
  Prepared x = prepare(spec, exe);
  x.out_fd = fds[1];
  x.out_err = with_stderr;
  pid_t pid = 0;
  try {
    pid = start(x);
  } catch (...) {
    ::close(fds[0]);
    ::close(fds[1]);
    return "";
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, std::size_t(n));
  }
  ::close(fds[0]);
  return status_code(wait_for(pid)) == 0 ? out : "";
}

void install_child_cleanup() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(s, &sa, nullptr);
}

}  // namespace zasgen
