// The analytic cycle model of the sparse and the dense dataflow (ARCH 5, 6).
//
// It predicts the accelerator's busy cycles for a layer without simulating any RTL: per run,
// per tile and per lane it walks the channels in processing order with the number of cycles
// each channel's encoded block costs the decoder (one per token, plus the format's bubbles:
// empty mask words, rle fillers and long-run wraps, bank switches; coord blocks are walked
// cycle by cycle with the decoder's table FIFO, on which their empty rows' cost depends), the
// weight double-buffer recurrence (a channel cannot start before its weights are loaded), the tile
// and run start-up latencies, and the drains (overlapped with the next tile, exposed after the
// last one). The constants are the RTL's pipeline depths; simulation validates the model.
#pragma once

#include <cstdint>
#include <vector>

#include "zasgen/arch_params.h"
#include "zasgen/model/formats.h"
#include "zasgen/model/tensor.h"
#include "zasgen/sim/scheduler.h"

namespace zasgen::sim {

struct CycleEstimate {
  uint64_t cycles = 0;         // busy cycles, all runs
  uint64_t decode_cycles = 0;  // decoder cycles spent on channel blocks (tokens and bubbles)
  uint64_t activations = 0;    // activations issued
  uint64_t bubbles = 0;        // decoder bubbles (format + bank switches)
  uint64_t weight_wait = 0;    // cycles channels waited for their weights
  uint64_t drain_exposed = 0;  // drain cycles after the last tile of runs
  uint64_t clear = 0;          // clearing partial sums after reset
  int runs = 0;
};

// Busy cycles of a planned layer on a design. `psum_dirty`: the partial-sum sets hold
// unknown data (a freshly reset design), so the first run clears them.
CycleEstimate estimate_layer(const model::LayerSpec& layer, const ArchParams& p,
                             const model::Tensor3& act, const Plan& plan, bool psum_dirty = true);

// The same for a layer described only by its input sparsity: a uniform random map of that
// sparsity stands in for the data (seeded, so the estimate is reproducible).
CycleEstimate estimate_layer(const model::LayerSpec& layer, const ArchParams& p,
                             double input_sparsity, uint64_t seed = 1);

}  // namespace zasgen::sim
