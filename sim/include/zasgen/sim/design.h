// One generated design on one layer: the unit of work of the simulation library. A Design is
// the RTL of a configuration with its simulator built; run_design() runs a LayerCase on it the
// way a host would and compares every output with the golden model.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "zasgen/arch_params.h"
#include "zasgen/model/tensor.h"
#include "zasgen/rtl/macros.h"
#include "zasgen/sim/activity.h"
#include "zasgen/sim/cycle_model.h"
#include "zasgen/sim/layer_case.h"
#include "zasgen/sim/layer_sim.h"
#include "zasgen/sim/rtl_model.h"

namespace zasgen::sim {

// A design ready to simulate: its RTL generated under `dir` and its simulator built.
struct Design {
  ArchParams params;
  std::string rtl_dir;
  rtl::MacroManifest macros;  // rtl/macros.json
  std::string library;
  double build_seconds = 0;
  bool build_cached = false;
};
// `trained`: build a profile-guided simulator if none is cached (BuildRequest::build_trained),
// for long workloads; a cached one is used in any case.
Design prepare_design(const ArchParams& p, const std::string& dir, const std::string& cache_root,
                      bool trace = false, bool trained = false);
// Only writes the RTL of `p` under `dir` (atomically); returns the rtl/ directory.
std::string generate_design(const ArchParams& p, const std::string& dir);
// A design whose RTL is written (params, rtl_dir and macros set; the RTL of `p`) ...
Design generated_design(const ArchParams& p, const std::string& dir);
// ... gets its simulator, the RTL left as it is (another tool may be reading it): prepare_design
// is generated_design, then build_design.
void build_design(Design& d, const std::string& cache_root, bool trace = false,
                  bool trained = false, int niceness = 0);

struct Mismatch {
  int64_t count = 0;
  int k = -1, y = -1, x = -1;  // first differing output element
  int32_t expected = 0, actual = 0;
};
Mismatch compare(const model::Tensor3& expected, const model::Tensor3& actual);

// Whether prepare_design uses profile-guided simulators (the default; ZASGEN_PGO=0 turns them
// off).
bool profile_guided_builds();

// The golden model's output of a case on a configuration.
model::Tensor3 golden_output(const LayerCase& c, const ArchParams& p);

struct DesignResult {
  LayerRun run;
  Mismatch mismatch;
  CycleEstimate model;
  int64_t input_bits = 0;  // the input map in the design's storage format
};

struct RunDesignOptions {
  TraceOptions trace;
  Progress progress;
  bool activity = false;      // count register toggles (LayerRun::activity): for power
  bool through_port = false;  // LayerSimOptions::through_port
};

// Simulates the case on a design (fresh model instance, so runs start after a reset).
DesignResult run_design(const Design& d, const LayerCase& c, const model::Tensor3& golden,
                        const RunDesignOptions& o = {});
// The same, with the golden output asked for only when the simulation has finished (so that
// it can be computed beside it).
DesignResult run_design(const Design& d, const LayerCase& c,
                        const std::function<const model::Tensor3&()>& golden,
                        const RunDesignOptions& o = {});

// Switching activity of the case on a design (coverage build, outputs checked bit-exact):
// counts over the busy cycles of every run, for power analysis.
struct ActivityRun {
  SwitchingActivity activity;
  uint64_t impossible = 0;  // toggle counts dropped (drop_impossible_toggles)
  PerfCounters perf;
  Mismatch mismatch;
  double build_seconds = 0, sim_seconds = 0;
};
ActivityRun measure_activity(const Design& d, const LayerCase& c, const std::string& cache_root,
                             const std::string& work_dir);

}  // namespace zasgen::sim
