// The results of a sweep: sweep.json (the CLI contract's shape: a `points` array, each with
// `params`, `status` and, when ok, `results` per workload plus the point's figures), sweep.csv
// (one row per point), the Pareto fronts (area vs speedup, energy vs speedup, and area vs cycles:
// a speedup is over a dense twin of the same size, cycles are the absolute performance), what
// each axis does on average, and a Markdown/HTML report with gnuplot plots.
//
// sweep.json and sweep.csv are made from the points' result.json files only and hold no
// timing, host or path outside the sweep folder: the same sweep gives the same bytes whichever
// executor ran it and with how many jobs. Timings go to timings.csv and the report's last
// section.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zasgen/app/sweep_file.h"
#include "zasgen/app/sweep_plan.h"

namespace zasgen::app {

// The sweep's JSON from the plan and the points' results under `sweep_dir`. Points without a
// result have status "pending" (an interrupted sweep).
nlohmann::ordered_json collect_sweep(const SweepSpec& s, const SweepPlan& plan,
                                     const std::string& sweep_dir);

// Which points are on the Pareto front of (cost to minimise, gain to maximise): not dominated
// by any other point (no point at most as costly and at least as good, better in one). Points
// whose cost or gain is not finite take no part (false).
std::vector<bool> pareto_front(const std::vector<double>& cost, const std::vector<double>& gain);

// One row per point: index, id, status, the axis keys, per workload <label>.cycles,
// .dense_cycles, .speedup, .mismatches, then the point's figures that were measured and its
// Pareto marks. RFC 4180 quoting.
std::string sweep_csv(const nlohmann::ordered_json& sweep);

// The mean effect of each axis value over the ok points that have it: for each axis, one row
// per value with the number of points and the mean of each figure (speedup, area_um2,
// energy_uj, tops_per_w, fmax_mhz where measured), and each mean relative to the mean of all ok
// points.
nlohmann::ordered_json axis_effects(const nlohmann::ordered_json& sweep);

// What this invocation did, for the report's last section (not in sweep.json).
struct SweepRunInfo {
  std::string executor;   // "local" or "slurm"
  int jobs = 0;           // local: the pool size
  std::size_t ran = 0;    // points run now (the others were done before, or invalid)
  double seconds = 0;     // wall time of this invocation
  std::string slurm_job;  // the job followed, if any
  bool interrupted = false;
};

// The Markdown report (plots referenced as plots/<name>.png, or .svg without pngcairo).
std::string sweep_markdown(const nlohmann::ordered_json& sweep, const SweepRunInfo& run, bool png);

// Writes sweep.json, sweep.csv, timings.csv, plots/, report.md and report.html into `sweep_dir`.
void write_sweep_report(const std::string& sweep_dir, const nlohmann::ordered_json& sweep,
                        const SweepRunInfo& run);

}  // namespace zasgen::app
