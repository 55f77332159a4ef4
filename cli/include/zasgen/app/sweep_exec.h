// The two executors of a sweep. Both run the same unit of work, one `zasgen sweep run-point
// DIR` command per point (sweep_point.h), and learn its outcome only from the point's
// result.json, so results never depend on the executor or on the number of parallel jobs.
//
//  - Local: a process pool of `jobs` commands at a time, each in its own process group with its
//    output appended to the point's log.txt. SIGINT/SIGTERM stop the pool: running points are
//    terminated (their folders keep no result, so a rerun redoes them).
//  - Slurm: one job-array script (sweep.sbatch, readable and resubmittable by hand) with one
//    task per point, submitted with sbatch and followed with squeue until every task has
//    ended; per-task states and exit codes are kept in slurm.json.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "zasgen/app/sweep_point.h"

namespace zasgen::app {

// A point to run: its folder (where run-point reads point.json and writes result.json and
// log.txt) and its hash.
struct PointTask {
  std::string dir;
  std::string hash;
  std::string label;  // for progress lines and the job script
};

// How the executor ended a task.
struct TaskEnd {
  std::size_t task = 0;  // index into the task list the executor was given
  std::string hash;      // the point's
  int exit_status = -1;  // of run-point; -1 when it did not exit (killed, cancelled)
  std::string state;     // "exited", "signal 9", a Slurm state (COMPLETED, FAILED, CANCELLED...)
  double seconds = 0;    // wall time as the executor saw it
};

// What the executors report as they go.
struct ExecProgress {
  std::size_t total = 0, done = 0, running = 0, failed = 0;  // failed: among done
  double elapsed = 0;                                        // seconds since the executor started
  double eta = -1;  // seconds left, estimated (-1: not yet known)
};

struct ExecCallbacks {
  std::function<void(const ExecProgress&)> progress;  // on every change, and once a second
  std::function<void(const TaskEnd&, const PointState&)> finished;  // each task as it ends
  std::function<void(const std::string&)> log;  // notes (submission, cancellation)
};

struct LocalOptions {
  int jobs = 1;     // commands at a time
  std::string exe;  // the zasgen executable
};

// Runs the tasks; returns one TaskEnd per task that was started, and sets *interrupted when
// SIGINT or SIGTERM stopped the pool (tasks not started then have no TaskEnd).
std::vector<TaskEnd> run_local(const std::vector<PointTask>& tasks, const LocalOptions& o,
                               const ExecCallbacks& cb, bool* interrupted = nullptr);

struct SlurmOptions {
  std::string partition;  // empty: the cluster's default
  std::string time;       // per task, sbatch --time (e.g. 30, 1:00:00); empty: the default
  int array_limit = 0;    // most tasks running at once (the %K of --array); 0: no limit
  std::string exe;        // the zasgen executable the tasks run (an absolute path)
  std::string sbatch = "sbatch", squeue = "squeue", scancel = "scancel";  // the commands
  double poll_seconds = 1.0;  // how often squeue is asked
  bool wait = true;           // follow the job until it ends (false: submit and return)
};

// The job-array script of `tasks` for a sweep folder `sweep_dir` (as the submitting
// process's working directory sees it), named in its comments after the sweep file.
std::string slurm_script(const std::string& sweep_dir, const std::string& sweep_file,
                         const std::vector<PointTask>& tasks, const SlurmOptions& o);

// Writes <sweep_dir>/sweep.sbatch, submits it, and (with o.wait) follows the job until every
// task ended; then writes <sweep_dir>/slurm.json. A job of an earlier run that is still
// queued or running (slurm.json names it) is followed first instead of submitting again
// points it will run. Throws ToolError when sbatch or squeue fail. SIGINT/SIGTERM cancel the
// job (scancel) and return with *interrupted set.
std::vector<TaskEnd> run_slurm(const std::string& sweep_dir, const std::string& sweep_file,
                               const std::vector<PointTask>& tasks, const SlurmOptions& o,
                               const ExecCallbacks& cb, bool* interrupted = nullptr);

}  // namespace zasgen::app
