// The local executor (sweep_exec.h): a pool of run-point processes.
//
// Signals are not handled by a handler (that would need a global flag): SIGCHLD, SIGINT and
// SIGTERM are blocked in this thread while the pool runs and taken synchronously with
// sigtimedwait, which also paces the once-a-second progress. Children start with the default
// mask and dispositions, each in a process group of its own so that stopping a point also
// stops the tools it runs (Verilator's make, Yosys).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>  // also declares environ (_GNU_SOURCE, set by g++ and clang++)

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "sweep_util.h"
#include "zasgen/app/sweep_exec.h"
#include "zasgen/error.h"

namespace zasgen::app {

namespace fs = std::filesystem;
using sweep_util::now_seconds;

namespace {

struct Child {
  pid_t pid = -1;
  std::size_t task = 0;
  double start = 0;
};

pid_t spawn_point(const LocalOptions& o, const PointTask& t) {
  const std::string log = (fs::path(t.dir) / "log.txt").string();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGPIPE}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  std::vector<std::string> args = {o.exe, "sweep", "run-point", t.dir};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, o.exe.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    throw ToolError(
        fmt::format("cannot start {} for the point in {}: {}", o.exe, t.dir, std::strerror(rc)));
  return pid;
}

}  // namespace

std::vector<TaskEnd> run_local(const std::vector<PointTask>& tasks, const LocalOptions& o,
                               const ExecCallbacks& cb, bool* interrupted) {
  const std::size_t jobs = std::size_t(std::max(1, o.jobs));
  sigset_t wanted, old;
  sigemptyset(&wanted);
  for (int s : {SIGCHLD, SIGINT, SIGTERM}) sigaddset(&wanted, s);
  pthread_sigmask(SIG_BLOCK, &wanted, &old);

  std::vector<TaskEnd> ends;
  std::vector<Child> running;
  std::size_t next = 0, failed = 0;
  double finished_seconds = 0;  // of the tasks that ended with a result
  std::size_t finished_count = 0;
  bool stop = false;
  double kill_at = 0;  // when stopping: SIGKILL whatever still runs after this
  const double t0 = now_seconds();

  auto progress = [&] {
    if (!cb.progress) return;
    ExecProgress p;
    p.total = tasks.size();
    p.done = ends.size();
    p.running = running.size();
    p.failed = failed;
    p.elapsed = now_seconds() - t0;
    if (finished_count > 0) {
      const double mean = finished_seconds / double(finished_count);
      double left = double(tasks.size() - next) * mean;
      for (const Child& c : running) left += std::max(0.0, mean - (now_seconds() - c.start));
      p.eta = left / double(std::min(jobs, std::max<std::size_t>(1, tasks.size() - ends.size())));
    }
    cb.progress(p);
  };

  try {
    while ((next < tasks.size() && !stop) || !running.empty()) {
      while (!stop && running.size() < jobs && next < tasks.size()) {
        running.push_back({spawn_point(o, tasks[next]), next, now_seconds()});
        ++next;
      }
      progress();
      const timespec tick{1, 0};
      const int sig = sigtimedwait(&wanted, nullptr, &tick);
      if ((sig == SIGINT || sig == SIGTERM) && !stop) {
        stop = true;
        kill_at = now_seconds() + 10;
        if (cb.log)
          cb.log(fmt::format("stopping: {} running point(s) terminated, {} not started",
                             running.size(), tasks.size() - next));
        for (const Child& c : running) kill(-c.pid, SIGTERM);
      }
      if (stop && now_seconds() > kill_at)
        for (const Child& c : running) kill(-c.pid, SIGKILL);
      for (auto it = running.begin(); it != running.end();) {
        int status = 0;
        const pid_t r = waitpid(it->pid, &status, WNOHANG);
        if (r == 0 || (r < 0 && errno == EINTR)) {
          ++it;
          continue;
        }
        TaskEnd e;
        e.task = it->task;
        e.hash = tasks[it->task].hash;
        e.seconds = now_seconds() - it->start;
        if (r > 0 && WIFEXITED(status)) {
          e.exit_status = WEXITSTATUS(status);
          e.state = "exited";
        } else if (r > 0 && WIFSIGNALED(status)) {
          e.state = fmt::format("signal {}", WTERMSIG(status));
        } else {
          e.state = "lost";
        }
        const PointTask& t = tasks[it->task];
        const PointState st = read_point(t.dir, t.hash);
        if (st.status == PointStatus::Failed || st.status == PointStatus::Pending) ++failed;
        if (st.status != PointStatus::Pending) {
          finished_seconds += e.seconds;
          ++finished_count;
        }
        ends.push_back(e);
        if (cb.finished) cb.finished(e, st);
        it = running.erase(it);
      }
    }
  } catch (...) {
    for (const Child& c : running) {
      kill(-c.pid, SIGKILL);
      waitpid(c.pid, nullptr, 0);
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    throw;
  }
  progress();
  // Drop a SIGCHLD of ours still pending, so it is not delivered to a default-ignoring caller
  // after the mask is restored (harmless either way).
  const timespec zero{0, 0};
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  while (sigtimedwait(&chld, nullptr, &zero) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (interrupted) *interrupted = stop;
  return ends;
}

}  // namespace zasgen::app
