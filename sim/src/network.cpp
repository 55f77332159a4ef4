#include "zasgen/model/network.h"

#include "zasgen/text.h"

namespace zasgen::model {

namespace {

struct VggRow {
  const char* name;
  int c, k, hw;
  bool pool;
  double zeros;
};

// VGG16 conv layers (ImageNet, 224x224 input, 3x3, stride 1, pad 1; 2x2/2 max-pool after
// conv1_2, 2_2, 3_3, 4_3, 5_3), from the published shapes (Simonyan and Zisserman, ICLR 2015).
// Input zero fraction = 1 - (non-zero fraction of the previous layer's output) from Han et
// al., "Learning both Weights and Connections for Efficient Neural Networks", NIPS 2015
// (arXiv:1506.02626), Table 5, column Act%. conv1_1 reads the image: ~0% zeros. Han's table
// ignores pooling, so conv2_1/3_1/4_1/5_1 are a little sparser here than after a real pool.
constexpr VggRow kVgg16[] = {
    {"conv1_1", 3, 64, 224, false, 0.00},   {"conv1_2", 64, 64, 224, true, 0.47},
    {"conv2_1", 64, 128, 112, false, 0.11}, {"conv2_2", 128, 128, 112, true, 0.20},
    {"conv3_1", 128, 256, 56, false, 0.19}, {"conv3_2", 256, 256, 56, false, 0.32},
    {"conv3_3", 256, 256, 56, true, 0.30},  {"conv4_1", 256, 512, 28, false, 0.36},
    {"conv4_2", 512, 512, 28, false, 0.49}, {"conv4_3", 512, 512, 28, true, 0.55},
    {"conv5_1", 512, 512, 14, false, 0.66}, {"conv5_2", 512, 512, 14, false, 0.68},
    {"conv5_3", 512, 512, 14, true, 0.71},
};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

std::vector<std::string> network_names() {
  return {"vgg16"};
}

std::vector<NamedLayer> network_layers(const std::string& network) {
  if (network != "vgg16")
    throw LayerSpecError(LayerSpecError::Code::UnknownNetwork, "layer",
                         "unknown network '" + elide(network, 60) + "'", join(network_names()));
  std::vector<NamedLayer> out;
  for (const VggRow& row : kVgg16) {
    NamedLayer l;
    l.network = "vgg16";
    l.name = row.name;
    l.spec.c = row.c;
    l.spec.k = row.k;
    l.spec.h = l.spec.w = row.hw;
    l.spec.r = l.spec.s = 3;
    l.spec.stride = 1;
    l.spec.pad = 1;
    l.spec.pool = row.pool;
    l.spec.relu = true;
    l.input_zero_fraction = row.zeros;
    out.push_back(l);
  }
  return out;
}

std::vector<NamedLayer> lookup_layers(const std::string& ref) {
  const size_t colon = ref.find(':');
  const std::string net = ref.substr(0, colon);
  const std::string name = colon == std::string::npos ? "" : ref.substr(colon + 1);
  std::vector<NamedLayer> layers = network_layers(net);
  if (name == "all") return layers;
  std::vector<std::string> valid;
  for (const NamedLayer& l : layers) {
    if (l.name == name) return {l};
    valid.push_back(l.full_name());
  }
  valid.push_back(net + ":all");
  throw LayerSpecError(
      LayerSpecError::Code::UnknownLayer, "layer",
      "unknown layer '" + elide(name, 60) + "' of network '" + elide(net, 60) + "'", join(valid));
}

ResolvedLayer resolve_layer(const std::string& text) {
  ResolvedLayer r;
  if (text.find(':') != std::string::npos) {
    const std::vector<NamedLayer> found = lookup_layers(text);
    if (found.size() != 1)
      throw LayerSpecError(LayerSpecError::Code::UnknownLayer, "layer",
                           "'" + elide(text, 60) + "' names " + std::to_string(found.size()) +
                               " layers where one is expected",
                           "one layer, e.g. " + found.front().full_name());
    r.name = found[0].full_name();
    r.spec = found[0].spec;
    r.input_zero_fraction = found[0].input_zero_fraction;
    return r;
  }
  r.spec = parse_layer_spec(text);
  r.name = r.spec.to_string();
  return r;
}

}  // namespace zasgen::model
