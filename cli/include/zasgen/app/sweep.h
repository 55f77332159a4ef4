// `zasgen sweep SWEEP.yaml`: a design-space sweep from start to report.
//
//   parse the sweep file (sweep_file.h) -> plan the grid (sweep_plan.h) -> write each point's
//   folder (sweep_point.h) -> run the points not done yet with the local process pool or a
//   Slurm job array (sweep_exec.h) -> collect sweep.json, sweep.csv and the report
//   (sweep_report.h)
//
// Running the same command again resumes: points whose result is there are not redone, failed
// ones are retried, and the report is rewritten from every point's result. Only one sweep runs
// in a folder at a time (a lock file).
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "zasgen/app/sweep_exec.h"
#include "zasgen/app/sweep_file.h"
#include "zasgen/app/sweep_plan.h"
#include "zasgen/app/sweep_point.h"

namespace zasgen::app {

struct SweepOptions {
  std::string sweep_file;
  std::string out_dir;                              // empty: out/sweeps/<sweep file stem>/
  std::string json;                                 // also write sweep.json here (optional)
  std::string cache_root = "out/.cache/verilator";  // simulator builds, shared by all points
  int jobs = 0;                                     // local pool size; 0: the number of cores
  bool slurm = false;                               // run the points as a Slurm job array
  SlurmOptions slurm_options;                       // (exe is filled from `exe`)
  std::string exe;       // the zasgen executable the points run (`zasgen sweep run-point`)
  bool redo = false;     // recompute every point, even those with results
  bool dry_run = false;  // plan and write the points' folders, run nothing
  // Progress: free-form lines, executor progress, and each point as it ends.
  std::function<void(const std::string&)> log;
  std::function<void(const ExecProgress&)> progress;
  std::function<void(const PlannedPoint&, const PointState&, const TaskEnd&)> finished;
};

struct SweepOutcome {
  int exit_status = 0;  // 0 done; 3 a point had a mismatch; 4 a point failed; 130 interrupted
  nlohmann::ordered_json sweep;  // what sweep.json holds
  std::string dir;               // the sweep folder
  SweepPlan plan;
  std::size_t ran = 0;  // points run by this invocation
};

// Throws ConfigError (exit 1) with the diagnostics of an invalid sweep file, UsageError when
// another sweep holds the folder, ToolError when an executor cannot run at all.
SweepOutcome run_sweep(const SweepOptions& o);

// The tools whose version a point's results depend on: zasgen's, and Verilator's and Yosys's
// (and OpenSTA's) when the sweep measures with them. Part of every point's hash.
std::string tool_version(const SweepSpec& s);

// The order in which to run points. When synthesizing, the largest designs first (PEs x lanes
// x kernel taps x data widths stand for the synthesis time), so that a pool does not end on one
// long point while its other workers idle. When simulating, points that share their dense
// twin's simulator are spread apart (every twin's first point, then every twin's second, ...),
// so the first points build different simulators in parallel and the later ones find them in
// the cache. Otherwise grid order.
std::vector<const PlannedPoint*> run_order(const std::vector<const PlannedPoint*>& points, bool sim,
                                           bool synth);

}  // namespace zasgen::app
