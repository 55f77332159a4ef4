// One layer on one configuration, sparse design and dense twin side by side: the unit of work
// of `zasgen sim`, `zasgen run`, the benchmarks and the regression tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "zasgen/app/progress.h"
#include "zasgen/arch_params.h"
#include "zasgen/sim/design.h"
#include "zasgen/sim/layer_case.h"

namespace zasgen::app {

struct CaseResult {
  sim::LayerCase c;
  sim::DesignResult sparse;
  std::optional<sim::DesignResult> dense;
  int64_t input_nonzeros = 0;
  double input_sparsity = 0;  // measured
  int64_t dense_bits = 0;     // the input map stored densely

  double speedup() const;  // dense over sparse cycles; 0 without the dense twin
  double limit() const;    // the zero-skipping limit of this input (all activations / non-zeros)
  int64_t mismatches() const;
};

// The whole case: golden model, the sparse design, and the dense twin when given.
struct RunOptions {
  sim::TraceOptions trace;             // for the sparse design
  bool activity = false;               // count register toggles on the design (for power) ...
  bool dense_activity = false;         // ... and on its dense twin
  int jobs = 1;                        // the two designs in parallel when 2 or more
  bool through_port = false;           // sim::LayerSimOptions::through_port
  Progress* progress_steps = nullptr;  // a step per design, with its runs as progress
};
CaseResult run_case(const sim::Design& sparse, const sim::Design* dense, const sim::LayerCase& c,
                    const RunOptions& o = {});

// Keeps a failing case replayable: writes its tensors as .npy under <dir>/mismatch/ and returns
// the `zasgen sim` command that reruns it on `config`.
std::string save_replay(const sim::LayerCase& c, const std::string& dir, const std::string& config);

// The CLI contract's `zasgen sim --json` object.
nlohmann::ordered_json to_json(const CaseResult& r, const ArchParams& sparse);

}  // namespace zasgen::app
