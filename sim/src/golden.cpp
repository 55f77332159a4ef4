#include "zasgen/model/golden.h"

#include <algorithm>
#include <string>

#include "zasgen/model/error.h"
#include "zasgen/model/layer_spec.h"

namespace zasgen::model {

namespace {

// The requantisation product (acc + bias) * mult needs acc_bits + 1 + mult_bits bits, which
// can exceed 64 for wide configurations; 128 bits keeps ARCH 2 exact for every legal config.
__extension__ typedef __int128 i128;

std::string shape_str(int a, int b, int c) {
  return std::to_string(a) + "x" + std::to_string(b) + "x" + std::to_string(c);
}

void check_shapes(const Tensor3& act, const Tensor4& weights, const LayerSpec& layer) {
  if (act.channels() != layer.c || act.height() != layer.h || act.width() != layer.w)
    throw TensorError(TensorError::Code::ShapeMismatch, "activations",
                      "shape " + shape_str(act.channels(), act.height(), act.width()) +
                          " does not match the layer",
                      "C x H x W = " + shape_str(layer.c, layer.h, layer.w));
  if (weights.k() != layer.k || weights.c() != layer.c || weights.r() != layer.r ||
      weights.s() != layer.s)
    throw TensorError(
        TensorError::Code::ShapeMismatch, "weights",
        "shape " + std::to_string(weights.k()) + "x" +
            shape_str(weights.c(), weights.r(), weights.s()) + " does not match the layer",
        "K x C x R x S = " + std::to_string(layer.k) + "x" + shape_str(layer.c, layer.r, layer.s));
}

std::string range_str(int64_t lo, int64_t hi) {
  return std::to_string(lo) + " .. " + std::to_string(hi);
}

// Output columns ox whose input column ox*stride - pad + s lies inside 0..W-1, as [lo, hi).
void valid_range(int s, int pad, int stride, int in_size, int out_size, int* lo, int* hi) {
  const int first = pad - s;  // ox*stride >= pad - s
  *lo = first <= 0 ? 0 : (first + stride - 1) / stride;
  const int last = in_size - 1 + pad - s;  // ox*stride <= W - 1 + pad - s
  *hi = last < 0 ? 0 : std::min(out_size, last / stride + 1);
  if (*hi < *lo) *hi = *lo;
}

}  // namespace

int64_t signed_min(int bits) {
  return -(int64_t(1) << (bits - 1));
}
int64_t signed_max(int bits) {
  return (int64_t(1) << (bits - 1)) - 1;
}

AccTensor3 conv_accumulate(const Tensor3& act, const Tensor4& weights, const LayerSpec& layer) {
  check_layer_shape(layer);
  check_shapes(act, weights, layer);
  const int H = layer.h, W = layer.w, R = layer.r, S = layer.s;
  const int OH = layer.out_h(), OW = layer.out_w(), stride = layer.stride, pad = layer.pad;
  AccTensor3 acc(layer.k, OH, OW);

  std::vector<int> ox_lo(S), ox_hi(S);
  for (int s = 0; s < S; ++s) valid_range(s, pad, stride, W, OW, &ox_lo[s], &ox_hi[s]);

  // Loop order k, oy, c, r, s, ox: one output row (a few KiB of int64) stays in L1 while every
  // input row that touches it streams past; the innermost loop is contiguous (vectorisable
  // for stride 1). Padding is never materialised: each tap only visits the output columns
  // whose input column exists, and rows outside the map are skipped.
  for (int k = 0; k < layer.k; ++k) {
    for (int oy = 0; oy < OH; ++oy) {
      int64_t* out_row = &acc(k, oy, 0);
      for (int c = 0; c < layer.c; ++c) {
        const int32_t* kern = weights.kernel(k, c);
        for (int r = 0; r < R; ++r) {
          const int iy = oy * stride - pad + r;
          if (iy < 0 || iy >= H) continue;
          const int32_t* in_row = act.channel(c) + size_t(iy) * W;
          for (int s = 0; s < S; ++s) {
            const int64_t wv = kern[r * S + s];
            if (wv == 0) continue;  // exact either way; saves time on pruned weights
            const int base = s - pad;
            const int lo = ox_lo[s], hi = ox_hi[s];
            if (stride == 1) {
              for (int ox = lo; ox < hi; ++ox) out_row[ox] += wv * in_row[ox + base];
            } else {
              for (int ox = lo; ox < hi; ++ox) out_row[ox] += wv * in_row[ox * stride + base];
            }
          }
        }
      }
    }
  }
  return acc;
}

int32_t requantize(int64_t acc, int64_t bias, const Requant& rq, bool relu, int act_bits) {
  const i128 v = i128(acc) + bias;   // 1. bias
  const i128 p = v * i128(rq.mult);  // 2. multiply
  // 3. round half up: add half an output LSB, then an arithmetic (flooring) shift. GCC and
  // Clang define >> on negative integers as arithmetic.
  const i128 q0 = rq.shift == 0 ? p : (p + (i128(1) << (rq.shift - 1))) >> rq.shift;
  const i128 q1 = relu && q0 < 0 ? i128(0) : q0;                    // 4. ReLU
  const i128 lo = signed_min(act_bits), hi = signed_max(act_bits);  // 5. saturate
  return int32_t(q1 < lo ? lo : (q1 > hi ? hi : q1));
}

void check_activations(const Tensor3& act, int act_bits, const char* what) {
  const int64_t lo = signed_min(act_bits), hi = signed_max(act_bits);
  for (int c = 0; c < act.channels(); ++c)
    for (int y = 0; y < act.height(); ++y)
      for (int x = 0; x < act.width(); ++x) {
        const int64_t v = act(c, y, x);
        if (v < lo || v > hi)
          throw TensorError(TensorError::Code::ActRange,
                            std::string(what) + "[c=" + std::to_string(c) +
                                ",y=" + std::to_string(y) + ",x=" + std::to_string(x) + "]",
                            "value " + std::to_string(v) +
                                " does not fit signed act_bits = " + std::to_string(act_bits),
                            range_str(lo, hi));
      }
}

void check_weights(const Tensor4& weights, int weight_bits) {
  const int64_t lo = signed_min(weight_bits), hi = signed_max(weight_bits);
  for (int k = 0; k < weights.k(); ++k)
    for (int c = 0; c < weights.c(); ++c)
      for (int r = 0; r < weights.r(); ++r)
        for (int s = 0; s < weights.s(); ++s) {
          const int64_t v = weights(k, c, r, s);
          if (v < lo || v > hi)
            throw TensorError(TensorError::Code::WeightRange,
                              "weights[k=" + std::to_string(k) + ",c=" + std::to_string(c) +
                                  ",r=" + std::to_string(r) + ",s=" + std::to_string(s) + "]",
                              "value " + std::to_string(v) + " does not fit signed weight_bits = " +
                                  std::to_string(weight_bits),
                              range_str(lo, hi));
        }
}

void check_bias(const std::vector<int64_t>& bias, int bias_bits) {
  const int64_t lo = signed_min(bias_bits), hi = signed_max(bias_bits);
  for (size_t k = 0; k < bias.size(); ++k)
    if (bias[k] < lo || bias[k] > hi)
      throw TensorError(TensorError::Code::BiasRange, "bias[" + std::to_string(k) + "]",
                        "value " + std::to_string(bias[k]) +
                            " does not fit signed bias_bits = " + std::to_string(bias_bits),
                        range_str(lo, hi));
}

void check_requant(const Requant& rq, const ArchParams& arch) {
  const uint64_t mult_max = (uint64_t(1) << arch.mult_bits) - 1;
  if (rq.mult > mult_max)
    throw TensorError(TensorError::Code::MultRange, "requant multiplier",
                      "value " + std::to_string(rq.mult) +
                          " does not fit unsigned mult_bits = " + std::to_string(arch.mult_bits),
                      "0 .. " + std::to_string(mult_max));
  // 120 keeps the 128-bit rounding constant exact; shift_bits never allows more in practice.
  const int64_t shift_max = std::min<int64_t>((int64_t(1) << arch.shift_bits) - 1, 120);
  if (rq.shift < 0 || rq.shift > shift_max)
    throw TensorError(TensorError::Code::ShiftRange, "requant shift",
                      "value " + std::to_string(rq.shift) +
                          " does not fit shift_bits = " + std::to_string(arch.shift_bits),
                      "0 .. " + std::to_string(shift_max));
}

Tensor3 conv_layer(const Tensor3& act, const Tensor4& weights, const std::vector<int64_t>& bias,
                   const Requant& rq, const LayerSpec& layer, const ArchParams& arch) {
  check_layer_shape(layer);
  check_shapes(act, weights, layer);
  if (int64_t(bias.size()) != layer.k)
    throw TensorError(TensorError::Code::ShapeMismatch, "bias",
                      "has " + std::to_string(bias.size()) + " values",
                      "one per output channel: " + std::to_string(layer.k));
  check_activations(act, arch.act_bits);
  check_weights(weights, arch.weight_bits);
  check_bias(bias, arch.bias_bits);
  check_requant(rq, arch);

  const AccTensor3 acc = conv_accumulate(act, weights, layer);
  const int64_t acc_lo = signed_min(arch.acc_bits), acc_hi = signed_max(arch.acc_bits);
  for (int k = 0; k < acc.channels(); ++k)
    for (int y = 0; y < acc.height(); ++y)
      for (int x = 0; x < acc.width(); ++x)
        if (acc(k, y, x) < acc_lo || acc(k, y, x) > acc_hi)
          throw TensorError(TensorError::Code::AccOverflow,
                            "accumulator[k=" + std::to_string(k) + ",y=" + std::to_string(y) +
                                ",x=" + std::to_string(x) + "]",
                            "value " + std::to_string(acc(k, y, x)) +
                                " does not fit acc_bits = " + std::to_string(arch.acc_bits) +
                                " (layer deeper than the configuration allows?)",
                            range_str(acc_lo, acc_hi));

  // The hardware order: pool the four accumulators, then requantise once (ARCH 2 note).
  const int PH = layer.pooled_h(), PW = layer.pooled_w();
  Tensor3 out(layer.k, PH, PW);
  for (int k = 0; k < layer.k; ++k)
    for (int y = 0; y < PH; ++y)
      for (int x = 0; x < PW; ++x) {
        int64_t a;
        if (layer.pool) {
          a = std::max(std::max(acc(k, 2 * y, 2 * x), acc(k, 2 * y, 2 * x + 1)),
                       std::max(acc(k, 2 * y + 1, 2 * x), acc(k, 2 * y + 1, 2 * x + 1)));
        } else {
          a = acc(k, y, x);
        }
        out(k, y, x) = requantize(a, bias[k], rq, layer.relu, arch.act_bits);
      }
  return out;
}

}  // namespace zasgen::model
