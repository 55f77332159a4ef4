// One point of a sweep, the unit of work both executors run: `zasgen sweep run-point DIR`
// measures the point whose folder is DIR and writes DIR/result.json atomically.
//
// The folder (points/<hash>/ under the sweep folder) holds, before the run:
//   config.yaml   the point's configuration (the base with its overrides), to rerun by hand
//   point.json    what to measure: params, workloads, measures, the simulator cache, the hash
// and after it:
//   result.json   status ok | invalid | failed, the results, timings, exit status
//   log.txt       the run's output (the executors append to it)
//   rtl/, dense/, synth/, ...   the generated designs and tool runs
//
// Measurements go through the adapters below, one place each, so that a change in what the
// simulation or the PPA pipeline reports reaches the sweep's results by editing one function.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "zasgen/app/experiment.h"
#include "zasgen/app/ppa.h"
#include "zasgen/app/sweep_file.h"
#include "zasgen/app/sweep_plan.h"
#include "zasgen/arch_params.h"

namespace zasgen::app {

// The name a point's configuration has in its folder, and the name it is read under: every
// point's RTL then names the same source, and identical designs of different points are
// identical files (one simulator build, one synthesis result).
constexpr const char* kPointConfig = "config.yaml";

// Writes points/<hash>/config.yaml and point.json under `sweep_dir` (unchanged files are not
// rewritten), and for a point that cannot run, result.json with status invalid and its
// diagnostics (plus diagnostics.txt). `cache_root`: the Verilator build cache the point uses.
void write_point(const std::string& sweep_dir, const PlannedPoint& p, const SweepSpec& s,
                 const SweepPlan& plan, const std::string& cache_root);

enum class PointStatus { Pending, Ok, Invalid, Failed };
const char* to_string(PointStatus s);

// The point's result.json (null when absent or unreadable) and its status (Pending when there
// is no result for this hash).
struct PointState {
  PointStatus status = PointStatus::Pending;
  nlohmann::ordered_json result;
};
PointState read_point(const std::string& point_dir, const std::string& hash);

struct PointRunOptions {
  std::function<void(const std::string&)> log;  // progress lines (stdout in the CLI)
};

// Runs the point in `point_dir` unless its result is already there (then returns at once), and
// writes result.json. Returns the exit status of `zasgen sweep run-point`: 0 for ok and invalid
// (an invalid point is a result), 3 for a mismatch against the golden model, 4 for a failed
// tool, 5 for an internal error. Points are locked while they run: two runs of one point (a
// by-hand rerun during a sweep, a resubmitted Slurm array) never overlap.
int run_point(const std::string& point_dir, const PointRunOptions& o = {});

// ---- measurement adapters ----

// A workload's result from a simulation of the design and its dense twin (the `zasgen sim`
// JSON of the case): layer, cycles, dense_cycles, speedup, mismatches, model cycles, ...
nlohmann::ordered_json sim_measurement(const CaseResult& r, const ArchParams& p);

// A workload's result from the analytic cycle model alone (design and dense twin on the same
// tensors): cycles, dense_cycles and speedup are the model's; mismatches is null (not simulated).
nlohmann::ordered_json model_measurement(const sim::LayerCase& c, const ArchParams& p);

// A point's area (and, with power, fmax, power, energy and TOPS/W) from the PPA pipeline's
// JSON. Energy and TOPS/W are kept as the pipeline gives them: a number, or a band
// {low, central, high}.
nlohmann::ordered_json ppa_measurement(const PpaResult& r, bool power);

// A figure that is a number or a band {low, central, high}: the number, or the central value.
// NaN for anything else (absent, null).
double central(const nlohmann::ordered_json& v);

}  // namespace zasgen::app
