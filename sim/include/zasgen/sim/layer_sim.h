// Running one convolution layer through a simulated design, the way a host would: plan the
// runs, load inputs, weights and biases through the load/store port, start each run, and drain
// and decode the outputs. The caller compares the result with the golden model.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "zasgen/arch_params.h"
#include "zasgen/model/tensor.h"
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
  model::Tensor3 out;         // decoded from the output buffer
  PerfCounters perf;          // summed over runs
  uint64_t total_cycles = 0;  // every simulated clock, transfers included
  uint64_t io_cycles = 0;     // cycles outside runs: register and load/store traffic
  Plan plan;
  double seconds = 0;  // wall time
};

using Progress = std::function<void(size_t run, size_t runs)>;

// With `coverage_dir` (a coverage build), the counts of every run's busy window are written
// there as run_NNN.dat (zeroed before each start): the activity of a power estimate.
LayerRun simulate_layer(RtlModel& model, const ArchParams& p, const model::LayerSpec& layer,
                        const LayerInputs& in, const Progress& progress = nullptr,
                        const std::string& coverage_dir = "");

}  // namespace zasgen::sim
