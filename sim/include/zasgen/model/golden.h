// The golden model: ARCH 2 arithmetic, exactly as the hardware computes it.
//
// Every simulation result is compared with conv_layer() bit for bit, so this file favours
// plain, checkable arithmetic: exact int64 accumulators, the requantisation written as the
// numbered steps of ARCH 2, and explicit range checks on every input (a value the hardware
// could not even hold is an error here, not silently wrapped).
#pragma once

#include <cstdint>
#include <vector>

#include "zasgen/arch_params.h"
#include "zasgen/model/tensor.h"

namespace zasgen::model {

// acc[k][oy][ox] = sum_{c,r,s} a[c][oy*stride-pad+r][ox*stride-pad+s] * w[k][c][r][s], padding
// zero, exact in int64. Shapes must match the layer (TensorError::ShapeMismatch) and the
// layer must be well formed (LayerSpecError from check_layer_shape). No range checks: this
// is the pure arithmetic, usable for any integers whose sums fit int64.
AccTensor3 conv_accumulate(const Tensor3& act, const Tensor4& weights, const LayerSpec& layer);

// ARCH 2 steps 1-5 for one accumulator: bias, multiply, round-half-up shift, ReLU, saturate
// to signed act_bits. No range checks (conv_layer does them once for the whole layer).
int32_t requantize(int64_t acc, int64_t bias, const Requant& rq, bool relu, int act_bits);

// The whole layer as the hardware computes it: accumulate, then (when layer.pool) the 2x2/2
// floor max over the four accumulators, then requantise once per output (ARCH 2 notes this
// equals pooling the requantised values because steps 1-5 are monotonic). Result:
// K x pooled_h() x pooled_w().
// Throws TensorError when an activation, weight, bias, multiplier or shift is outside its
// configured width, or when an accumulator does not fit acc_bits.
Tensor3 conv_layer(const Tensor3& act, const Tensor4& weights, const std::vector<int64_t>& bias,
                   const Requant& rq, const LayerSpec& layer, const ArchParams& arch);

// The range checks of conv_layer, usable on their own (e.g. on a tensor loaded from .npy).
// `what` names the tensor in the message ("ifmap", "weights", ...).
void check_activations(const Tensor3& act, int act_bits, const char* what = "activation");
void check_weights(const Tensor4& weights, int weight_bits);
void check_bias(const std::vector<int64_t>& bias, int bias_bits);
void check_requant(const Requant& rq, const ArchParams& arch);

// Signed two's-complement range of `bits` bits: [-2^(bits-1), 2^(bits-1) - 1].
int64_t signed_min(int bits);
int64_t signed_max(int bits);

}  // namespace zasgen::model
