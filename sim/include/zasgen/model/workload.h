// Synthetic, seeded workloads: activations with an exact zero count, weights, biases, and a
// requantisation that keeps a layer's outputs inside the activation range.
//
// Everything is a pure function of its arguments (seed included) and uses only Rng and
// integer arithmetic for the tensors, so the same call gives the same tensor everywhere.
#pragma once

#include <cstdint>
#include <vector>

#include "zasgen/arch_params.h"
#include "zasgen/model/tensor.h"

namespace zasgen::model {

enum class Pattern {
  // Zeros at uniformly random positions (every subset of the right size equally likely).
  Uniform,
  // Zeros in spatial clusters, like real post-ReLU maps: per channel, a smooth random field
  // (white integer noise box-filtered twice with a (2R+1)x(2R+1) window, R = cluster_radius)
  // is thresholded at the quantile that gives the channel its zero quota; the lowest field
  // values become zeros (ties broken by raster position). The tensor's zeros are shared among
  // channels as evenly as possible (the first Z mod C channels get one more).
  Clustered,
};
const char* to_string(Pattern p);

// Box-filter radius of the clustered pattern: max(1, min(h, w) / 16), so clusters scale with
// the map (a 224x224 map gets radius 14, a 14x14 map radius 1).
int cluster_radius(int h, int w);

// Number of zeros make_activations puts in n values: round(zero_fraction * n), halves away
// from zero.
int64_t zero_count(int64_t n, double zero_fraction);

// A C x H x W activation tensor with exactly zero_count(C*H*W, zero_fraction) zeros; the
// non-zeros are uniform in 1 .. 2^(act_bits-1) - 1 (post-ReLU activations are
// non-negative). Throws TensorError::BadArgument for zero_fraction outside [0, 1],
// act_bits outside 2..31 or non-positive dimensions.
Tensor3 make_activations(int c, int h, int w, double zero_fraction, Pattern pattern, uint64_t seed,
                         int act_bits);

// K x C x R x S weights uniform over the signed range of weight_bits (2..31).
Tensor4 make_weights(int k, int c, int r, int s, uint64_t seed, int weight_bits);

// k biases uniform in [-m, m], m = min(max_abs, 2^(bias_bits-1) - 1). A max_abs about the
// accumulator's standard deviation (see estimate_acc_rms) gives a realistic spread.
std::vector<int64_t> make_bias(int k, uint64_t seed, int bias_bits, int64_t max_abs);

// What choose_requant needs to know about the input activations.
struct ActStats {
  int64_t count = 0;  // values
  int64_t nonzeros = 0;
  double mean = 0.0;     // E[a]
  double mean_sq = 0.0;  // E[a^2]
  double zero_fraction() const { return count ? 1.0 - double(nonzeros) / double(count) : 0.0; }
};
ActStats measure_activations(const Tensor3& act);

// Root-mean-square accumulator of the layer, estimated by treating the activations as
// independent draws with the measured mean and variance: for output channel k,
// E[acc_k^2] = Var(a) * sum(w_k^2) + E[a]^2 * (sum w_k)^2 (sums over c, r, s); the result is
// sqrt of the mean over k. Padding is ignored (it only lowers border outputs).
double estimate_acc_rms(const Tensor4& weights, const ActStats& stats);

// Picks mult/shift so that the estimated accumulator RMS maps to a quarter of the positive
// output range (2^(act_bits-1) / 4): a Gaussian-like output saturates beyond 4 sigma, i.e.
// almost never, while typical outputs still use several bits. Among the (mult, shift) pairs
// with mult < 2^mult_bits, it takes the largest shift (most precise multiplier), shift at most
// min(2^shift_bits - 1, 62). A zero RMS gives mult 1, shift 0. Uses plain double arithmetic
// (no transcendental functions), so it is reproducible across IEEE platforms.
Requant choose_requant(const LayerSpec& layer, const Tensor4& weights, const ActStats& stats,
                       const ArchParams& arch);

}  // namespace zasgen::model
