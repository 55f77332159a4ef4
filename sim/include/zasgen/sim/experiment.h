// One layer on one configuration, sparse design and dense twin side by side: the unit of work
// of `zasgen sim`, the benchmarks and the regression tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "zasgen/arch_params.h"
#include "zasgen/model/tensor.h"
#include "zasgen/model/workload.h"
#include "zasgen/sim/activity.h"
#include "zasgen/sim/cycle_model.h"
#include "zasgen/sim/layer_sim.h"
#include "zasgen/sim/rtl_model.h"

namespace zasgen::sim {

// Where the inputs of a layer come from.
struct CaseOptions {
  std::string layer;     // SPEC or network:layer
  double sparsity = -1;  // < 0: the named layer's published sparsity, else 0.5
  model::Pattern pattern = model::Pattern::Uniform;
  uint64_t seed = 1;
  std::string ifmap, weights, bias;  // .npy files (optional)
};

struct LayerCase {
  std::string name;  // "vgg16:conv4_3" or the SPEC text
  model::LayerSpec layer;
  double sparsity = 0;  // requested zero fraction of the synthetic input (or measured)
  LayerInputs in;
  bool synthetic = true;
};

// Resolves the layer, checks it fits both designs (throws InputError with a diagnostic) and
// makes or reads the tensors (range-checked against the configuration).
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
LayerCase make_case(const CaseOptions& o, const ArchParams& p);

// A design ready to simulate: its RTL generated under `dir` and its simulator built.
struct Design {
  ArchParams params;
  std::string rtl_dir;
  std::string library;
  double build_seconds = 0;
  bool build_cached = false;
};
Design prepare_design(const ArchParams& p, const std::string& dir, const std::string& cache_root,
                      bool trace = false);
// Only writes the RTL of `p` under `dir` (atomically); returns the rtl/ directory.
std::string generate_design(const ArchParams& p, const std::string& dir);

// A layer every configuration can run that stands for typical work: 3x3 (or the largest
// kernel below it), stride 1, 'same' padding, up to 64 -> 64 channels on up to 56 x 56.
model::LayerSpec representative_layer(const ArchParams& p);

struct Mismatch {
  int64_t count = 0;
  int k = -1, y = -1, x = -1;  // first differing output element
  int32_t expected = 0, actual = 0;
};
Mismatch compare(const model::Tensor3& expected, const model::Tensor3& actual);

struct DesignResult {
  LayerRun run;
  Mismatch mismatch;
  CycleEstimate model;
  int64_t input_bits = 0;  // the input map in the design's storage format
};

struct CaseResult {
  LayerCase c;
  DesignResult sparse;
  std::optional<DesignResult> dense;
  int64_t input_nonzeros = 0;
  double input_sparsity = 0;  // measured
  int64_t dense_bits = 0;     // the input map stored densely
};

// Simulates the case on a design (fresh model instance, so runs start after a reset).
DesignResult run_design(const Design& d, const LayerCase& c, const model::Tensor3& golden,
                        const TraceOptions& trace = {}, const Progress& progress = nullptr);

// The whole case: golden model, the sparse design, and the dense twin when given.
struct RunOptions {
  TraceOptions trace;  // for the sparse design
  Progress progress;   // called with (run, runs) for the sparse design, then dense
  bool quiet = true;
};
CaseResult run_case(const Design& sparse, const Design* dense, const LayerCase& c,
                    const RunOptions& o = {});

nlohmann::ordered_json to_json(const CaseResult& r, const ArchParams& sparse);

// Switching activity of the case on a design (coverage build, outputs checked bit-exact):
// counts over the busy cycles of every run, for power analysis.
struct ActivityRun {
  Activity activity;
  PerfCounters perf;
  Mismatch mismatch;
  double build_seconds = 0, sim_seconds = 0;
};
ActivityRun measure_activity(const Design& d, const LayerCase& c, const std::string& cache_root,
                             const std::string& work_dir);

}  // namespace zasgen::sim
