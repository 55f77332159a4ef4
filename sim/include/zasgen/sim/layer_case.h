// The inputs of one simulated layer: its shape, tensors (synthetic and seeded, or read from
// .npy files) and requantisation, checked against a configuration.
#pragma once

#include <cstdint>
#include <string>

#include "zasgen/arch_params.h"
#include "zasgen/model/layer_spec.h"
#include "zasgen/model/workload.h"
#include "zasgen/sim/layer_sim.h"

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

// Resolves the layer, checks that it fits the configuration and makes or reads the tensors
// (range-checked against the configuration). Throws InputError (zasgen/error.h).
LayerCase make_case(const CaseOptions& o, const ArchParams& p);

// A layer every configuration can run that stands for typical work: 3x3 (or the largest
// kernel below it), stride 1, 'same' padding, up to 64 -> 64 channels on up to 56 x 56.
model::LayerSpec representative_layer(const ArchParams& p);

}  // namespace zasgen::sim
