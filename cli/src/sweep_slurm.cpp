// The Slurm executor (sweep_exec.h): one job array, submitted with sbatch and followed with
// squeue. Slurm's clients are run as commands (their paths are options, so tests can stand in
// for a cluster); nothing here needs the Slurm libraries.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sweep_util.h"
#include "zasgen/app/sweep_exec.h"
#include "zasgen/error.h"
#include "zasgen/fs_util.h"

namespace zasgen::app {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;
using sweep_util::now_seconds;

namespace {

struct Output {
  int status = -1;
  std::string text;  // stdout and stderr
};

Output run_command(const std::string& cmd) {
  Output o;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return o;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) o.text.append(buf, n);
  const int st = pclose(p);
  o.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return o;
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Slurm job states in which a task has not ended yet.
bool active(const std::string& state) {
  static const char* const states[] = {"PENDING",      "RUNNING",   "CONFIGURING", "COMPLETING",
                                       "SUSPENDED",    "REQUEUED",  "REQUEUE_FED", "REQUEUE_HOLD",
                                       "RESIZING",     "SIGNALING", "STAGE_OUT",   "STOPPED",
                                       "RESV_DEL_HOLD"};
  for (const char* s : states)
    if (state == s) return true;
  return false;
}

struct TaskState {
  std::string state;
  int exit_status = -1;  // from the task's wait status
  std::string exit_text;
};

// The job's tasks as squeue sees them: task id -> state. `gone` when squeue no longer knows
// the job (ended longer ago than MinJobAge). Throws ToolError when squeue fails otherwise.
std::map<int, TaskState> query(const SlurmOptions& o, const std::string& job, bool& gone) {
  gone = false;
  const Output out = run_command(
      fmt::format("{} -h -r -t all -j {} -O ArrayTaskID:16,State:24,exit_code:16", o.squeue, job));
  std::map<int, TaskState> tasks;
  if (out.status != 0) {
    if (out.text.find("Invalid job id") != std::string::npos) {
      gone = true;
      return tasks;
    }
    throw ToolError(fmt::format("squeue failed (status {}): {}", out.status, out.text));
  }
  std::istringstream in(out.text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string id, state, code;
    if (!(f >> id >> state)) continue;
    f >> code;
    TaskState t;
    t.state = state;
    try {
      const int raw = std::stoi(code);
      if (raw & 0x7f) {
        t.exit_text = fmt::format("signal {}", raw & 0x7f);
      } else {
        t.exit_status = raw >> 8;
        t.exit_text = fmt::format("exit {}", t.exit_status);
      }
    } catch (const std::logic_error&) {
    }
    try {
      tasks[std::stoi(id)] = t;
    } catch (const std::logic_error&) {
      // a pending array's not yet expanded range ("3-9%2"): those tasks have not started
      const auto dash = id.find('-');
      if (dash == std::string::npos) continue;
      try {
        const int a = std::stoi(id.substr(0, dash));
        const int b = std::stoi(id.substr(dash + 1));
        for (int i = a; i <= b; ++i) tasks[i] = t;
      } catch (const std::logic_error&) {
      }
    }
  }
  if (tasks.empty()) gone = true;
  return tasks;
}

// Follows `job` until none of its tasks is active; reports ends as they happen. Returns false
// when a signal stopped it (after cancelling the job).
bool follow(const std::string& job, const std::vector<PointTask>& tasks, const SlurmOptions& o,
            const ExecCallbacks& cb, std::vector<TaskEnd>& ends, ojson& states) {
  sigset_t wanted, old;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGINT);
  sigaddset(&wanted, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &wanted, &old);
  const double t0 = now_seconds();
  std::vector<bool> ended(tasks.size(), false);
  std::map<int, double> started;  // task -> when first seen running
  std::size_t failed = 0, max_running = 1;
  double finished_seconds = 0;
  std::size_t finished_count = 0;
  bool stopped = false;
  int squeue_failures = 0;
  while (true) {
    bool gone = false;
    std::map<int, TaskState> q;
    try {
      q = query(o, job, gone);
      squeue_failures = 0;
    } catch (const ToolError&) {
      if (++squeue_failures >= 30) {
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
        throw;
      }
    }
    std::size_t running = 0, pending = 0;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      if (ended[i]) continue;
      const auto it = q.find(int(i));
      const bool known = it != q.end();
      if (known && it->second.state == "RUNNING" && !started.count(int(i)))
        started[int(i)] = now_seconds();
      if (known && active(it->second.state)) {
        it->second.state == "PENDING" ? ++pending : ++running;
        continue;
      }
      if (!known && !gone) continue;  // not listed yet
      ended[i] = true;
      TaskEnd e;
      e.task = i;
      e.hash = tasks[i].hash;
      e.state = known ? it->second.state : "ENDED";
      e.exit_status = known ? it->second.exit_status : -1;
      const PointState st = read_point(tasks[i].dir, tasks[i].hash);
      e.seconds = st.result.contains("seconds") ? st.result["seconds"].value("total", 0.0)
                  : started.count(int(i))       ? now_seconds() - started[int(i)]
                                                : 0.0;
      if (st.status == PointStatus::Failed || st.status == PointStatus::Pending) ++failed;
      if (st.status != PointStatus::Pending) {
        finished_seconds += e.seconds;
        ++finished_count;
      }
      states.push_back({{"task", i},
                        {"point", tasks[i].hash},
                        {"state", e.state},
                        {"exit", known ? it->second.exit_text : ""}});
      ends.push_back(e);
      if (cb.finished) cb.finished(e, st);
    }
    max_running = std::max(max_running, running);
    const std::size_t done = std::size_t(std::count(ended.begin(), ended.end(), true));
    if (cb.progress) {
      ExecProgress p;
      p.total = tasks.size();
      p.done = done;
      p.running = running;
      p.failed = failed;
      p.elapsed = now_seconds() - t0;
      if (finished_count)
        p.eta = double(tasks.size() - done) * finished_seconds / double(finished_count) /
                double(max_running);
      cb.progress(p);
    }
    if (done == tasks.size()) break;
    const long ns = long(o.poll_seconds * 1e9);
    const timespec tick{ns / 1000000000L, ns % 1000000000L};
    const int sig = sigtimedwait(&wanted, nullptr, &tick);
    if ((sig == SIGINT || sig == SIGTERM) && !stopped) {
      stopped = true;
      if (cb.log) cb.log(fmt::format("stopping: cancelling Slurm job {}", job));
      run_command(fmt::format("{} {}", o.scancel, job));
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return !stopped;
}

}  // namespace

std::string slurm_script(const std::string& sweep_dir, const std::string& sweep_file,
                         const std::vector<PointTask>& tasks, const SlurmOptions& o) {
  const std::string name = fs::path(sweep_file).stem().string();
  std::string s = "#!/bin/bash\n";
  s += fmt::format(
      "# zasgen sweep {0}: one Slurm array task per point left to run; each runs\n"
      "# `zasgen sweep run-point` on its point's folder, which writes the point's result.json.\n"
      "# `zasgen sweep {0} --slurm` wrote, submitted and followed this script; to resubmit\n"
      "# it by hand, from the directory zasgen ran in (a task whose point is done exits at once):\n"
      "#   sbatch {1}/sweep.sbatch\n"
      "# then rerun the zasgen sweep command (without --slurm it runs nothing that is done) to\n"
      "# collect sweep.json, sweep.csv and the report.\n",
      sweep_file, sweep_dir);
  s += fmt::format("#SBATCH --job-name=zasgen-sweep-{}\n", name);
  s += fmt::format("#SBATCH --array=0-{}{}\n", tasks.size() - 1,
                   o.array_limit > 0 ? fmt::format("%{}", o.array_limit) : "");
  s += fmt::format("#SBATCH --output={}/slurm/%A_%a.out\n", sweep_dir);
  s += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  if (!o.partition.empty()) s += fmt::format("#SBATCH --partition={}\n", o.partition);
  if (!o.time.empty()) s += fmt::format("#SBATCH --time={}\n", o.time);
  s += "set -euo pipefail\n";
  s += fmt::format("zasgen={}\n", quote(o.exe));
  s += fmt::format("sweep={}\n", quote(sweep_dir));
  s += "points=(\n";
  for (std::size_t i = 0; i < tasks.size(); ++i)
    s += fmt::format("  {}  # {}: {}\n", tasks[i].hash, i, tasks[i].label);
  s += ")\n";
  s += "point=\"$sweep/points/${points[$SLURM_ARRAY_TASK_ID]}\"\n";
  s += "exec \"$zasgen\" sweep run-point \"$point\" >>\"$point/log.txt\" 2>&1\n";
  return s;
}

std::vector<TaskEnd> run_slurm(const std::string& sweep_dir, const std::string& sweep_file,
                               const std::vector<PointTask>& all, const SlurmOptions& o,
                               const ExecCallbacks& cb, bool* interrupted) {
  if (interrupted) *interrupted = false;
  const fs::path dir(sweep_dir);
  const fs::path record = dir / "slurm.json";
  std::vector<TaskEnd> ends;
  ojson rec;
  {
    const std::string text = sweep_util::slurp(record.string());
    if (!text.empty()) try {
        rec = ojson::parse(text);
      } catch (const nlohmann::json::exception&) {
        rec = ojson();
      }
  }
  std::vector<PointTask> tasks = all;
  // A job of an earlier run still queued or running: follow it rather than run its points
  // twice, then submit what is left.
  if (rec.is_object() && rec.contains("job") && rec.contains("points") &&
      !rec.value("ended", true)) {
    const std::string job = rec["job"].get<std::string>();
    bool gone = false;
    std::map<int, TaskState> q;
    try {
      q = query(o, job, gone);
    } catch (const ToolError&) {
      gone = true;
    }
    bool any_active = false;
    for (const auto& [id, t] : q) any_active = any_active || active(t.state);
    if (any_active) {
      std::vector<PointTask> theirs;
      for (const auto& h : rec["points"]) {
        const std::string hash = h.get<std::string>();
        const auto it = std::find_if(all.begin(), all.end(),
                                     [&](const PointTask& t) { return t.hash == hash; });
        PointTask t =
            it != all.end() ? *it : PointTask{(dir / "points" / hash).string(), hash, hash};
        theirs.push_back(t);
      }
      if (cb.log)
        cb.log(
            fmt::format("following Slurm job {} of an earlier run ({} tasks)", job, theirs.size()));
      ojson states = ojson::array();
      std::vector<TaskEnd> prev;
      const bool ok = follow(job, theirs, o, cb, prev, states);
      rec["ended"] = true;
      rec["tasks"] = states;
      write_file_atomically(record.string(), rec.dump(2) + "\n");
      if (!ok) {
        if (interrupted) *interrupted = true;
        return ends;
      }
      tasks.clear();
      for (const PointTask& t : all) {
        const PointStatus st = read_point(t.dir, t.hash).status;
        if (st != PointStatus::Ok && st != PointStatus::Invalid) tasks.push_back(t);
      }
      ends.clear();
    }
  }
  if (tasks.empty()) return ends;
  fs::create_directories(dir / "slurm");
  const std::string script = (dir / "sweep.sbatch").string();
  write_file_atomically(script, slurm_script(sweep_dir, sweep_file, tasks, o));
  ::chmod(script.c_str(), 0755);
  const Output sub = run_command(fmt::format("{} --parsable {}", o.sbatch, quote(script)));
  std::string job = sub.text;
  while (!job.empty() && (job.back() == '\n' || job.back() == ' ')) job.pop_back();
  if (const auto nl = job.rfind('\n'); nl != std::string::npos) job = job.substr(nl + 1);
  if (const auto semi = job.find(';'); semi != std::string::npos) job = job.substr(0, semi);
  if (sub.status != 0 || job.empty() || job.find_first_not_of("0123456789") != std::string::npos)
    throw ToolError(fmt::format("sbatch failed (status {}): {}", sub.status, sub.text), script);
  ojson earlier = rec.is_object() ? rec.value("earlier", ojson::array()) : ojson::array();
  if (rec.is_object() && rec.contains("job")) {
    ojson old = rec;
    old.erase("earlier");
    earlier.push_back(old);
  }
  rec = ojson::object();
  rec["job"] = job;
  rec["script"] = "sweep.sbatch";
  rec["points"] = ojson::array();
  for (const PointTask& t : tasks) rec["points"].push_back(t.hash);
  rec["ended"] = false;
  rec["earlier"] = earlier;  // the jobs of earlier invocations, most recent last
  write_file_atomically(record.string(), rec.dump(2) + "\n");
  if (cb.log)
    cb.log(fmt::format("submitted Slurm job {}: {} array task(s) (script {})", job, tasks.size(),
                       script));
  if (!o.wait) return ends;
  ojson states = ojson::array();
  const bool ok = follow(job, tasks, o, cb, ends, states);
  rec["ended"] = true;
  rec["tasks"] = states;
  write_file_atomically(record.string(), rec.dump(2) + "\n");
  if (!ok && interrupted) *interrupted = true;
  return ends;
}

}  // namespace zasgen::app
