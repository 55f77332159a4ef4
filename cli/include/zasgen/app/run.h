// `zasgen run`, the main job end to end: generate the design and its dense twin, simulate a
// representative layer on both (bit-exact, cycles, speedup), synthesize both with the layer's
// switching activity (area, fmax, power, energy, TOPS/W) and write a report.
#pragma once

#include <optional>
#include <string>

#include "zasgen/app/experiment.h"
#include "zasgen/app/ppa.h"
#include "zasgen/app/progress.h"
#include "zasgen/arch_params.h"

namespace zasgen::app {

struct RunJobOptions {
  std::string config_path;  // named in the report
  std::string out_dir;      // out/<config stem>/
  std::string cache_root;   // simulator builds
  std::string layer;        // empty: sim::representative_layer()
  double sparsity = 0.9;
  bool synth = true;
  // The dense twin is simulated for the speedup; with dense_synth it is synthesized, timed and
  // powered too (its simulation then counts activity).
  bool dense_synth = false;
  int jobs = 0;                  // designs in parallel (0: the number of cores)
  Progress* progress = nullptr;  // step progress and times
};

struct RunJobResult {
  CaseResult sim;
  std::optional<PpaResult> ppa;
  std::string report;  // <out>/reports/run.md
};

// Runs the job and writes <out>/reports/run.md, run_sim.json and run_synth.json. Throws
// MismatchError when a simulation differs from the golden model.
RunJobResult run_job(const ArchParams& p, const RunJobOptions& o);

// The Markdown report of a run (ppa may be null: simulation only).
std::string run_report(const ArchParams& p, const CaseResult& s, const PpaResult* ppa);

// The report's paragraph on the clock gates' duties (empty without gates). Gates whose instance
// paths differ only in numbers (a register file's words, the lanes' weight loaders) are one
// entry: how many, their flops, their duty on average and its range.
std::string clock_gating_summary(const PpaResult& ppa);

}  // namespace zasgen::app
