// Named network layers (`--layer vgg16:conv3_2`) and the resolution of a --layer argument.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "zasgen/model/layer_spec.h"
#include "zasgen/model/tensor.h"

namespace zasgen::model {

struct NamedLayer {
  std::string network;  // "vgg16"
  std::string name;     // "conv3_2"
  LayerSpec spec;
  // Fraction of zero activations in this layer's input as published (see network.cpp for the
  // source); the default synthetic sparsity when the user gives none.
  double input_zero_fraction = 0.0;
  std::string full_name() const { return network + ":" + name; }
};

// Networks known by name, sorted: {"vgg16"}.
std::vector<std::string> network_names();

// All layers of a network in execution order. Throws LayerSpecError::UnknownNetwork.
std::vector<NamedLayer> network_layers(const std::string& network);

// `net:layer` -> one layer; `net:all` -> every layer of the network. Throws
// LayerSpecError::UnknownNetwork / UnknownLayer, listing the valid names.
std::vector<NamedLayer> lookup_layers(const std::string& ref);

// A --layer argument: either `net:layer` (one layer; `net:all` is rejected here, use
// lookup_layers) or a key=value SPEC. zero_fraction is set only for named layers.
struct ResolvedLayer {
  std::string name;  // "vgg16:conv3_2", or the canonical SPEC text
  LayerSpec spec;
  std::optional<double> input_zero_fraction;
};
ResolvedLayer resolve_layer(const std::string& text);

}  // namespace zasgen::model
