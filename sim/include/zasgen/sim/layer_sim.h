// Running one convolution layer through a simulated design, the way a host would: plan the
// runs, load inputs, weights and biases through the load/store port, start each run, and drain
// and decode the outputs. The caller compares the result with the golden model.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "zasgen/activity.h"
#include "zasgen/arch_params.h"
#include "zasgen/model/tensor.h"
#include "zasgen/rtl/macros.h"
#include "zasgen/sim/host.h"
#include "zasgen/sim/scheduler.h"

namespace zasgen::sim {

struct LayerInputs {
  model::Tensor3 act;
  model::Tensor4 weights;
  std::vector<int64_t> bias;
  model::Requant requant;
};

struct LayerRun {
  model::Tensor3 out;  // decoded from the output buffer
  PerfCounters perf;   // summed over runs
  // Switching activity over the busy cycles of every run (cycles = perf.cycles): SRAM reads and
  // writes per macro instance (the SRAM models' own counters; none without a manifest) and,
  // with LayerSimOptions::activity, the toggles and high cycles of every register bit.
  SwitchingActivity activity;
  uint64_t total_cycles = 0;  // every simulated clock, transfers included
  uint64_t io_cycles = 0;     // cycles outside runs: register and load/store traffic
  bool through_port = false;  // the memories were loaded and read through the port
  Plan plan;
  double seconds = 0;  // wall time
};

using Progress = std::function<void(size_t run, size_t runs)>;

struct LayerSimOptions {
  Progress progress;
  // The design's SRAM macros (rtl/macros.json): their models count accesses (LayerRun::activity)
  // and misuse (an address past the depth, a read and a write of one address in one cycle),
  // which fails the run with ToolError.
  const rtl::MacroManifest* macros = nullptr;
  // Count register toggles over the busy cycles (the harness's activity counter; it costs a
  // few microseconds per cycle on a large design).
  bool activity = false;
  // A coverage build: the counts of every run's busy window are written here as run_NNN.dat
  // (zeroed before each start).
  std::string coverage_dir;
  // Load the inputs and read the outputs through the load/store port, as a host would (the
  // transfers take cycles), instead of writing and reading the SRAM models directly. The
  // computation and its cycles are the same either way; the regression tests take the port.
  bool through_port = false;
};

LayerRun simulate_layer(RtlModel& model, const ArchParams& p, const model::LayerSpec& layer,
                        const LayerInputs& in, const LayerSimOptions& o = {});

}  // namespace zasgen::sim
