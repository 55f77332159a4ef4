// The golden model against an independent, deliberately naive implementation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <vector>

#include "test_util.h"
#include "zasgen/model/error.h"
#include "zasgen/model/golden.h"
#include "zasgen/model/layer_spec.h"
#include "zasgen/model/rng.h"
#include "zasgen/model/workload.h"

using namespace zasgen::model;
using zasgen::ArchParams;

namespace {

__extension__ typedef __int128 i128;

// Reference convolution: copy the input into an explicitly zero-padded buffer, then the
// textbook loop nest with output position outermost.
std::vector<int64_t> naive_acc(const Tensor3& act, const Tensor4& w, const LayerSpec& l) {
  const int hp = l.h + 2 * l.pad, wp = l.w + 2 * l.pad;
  std::vector<int64_t> padded(size_t(l.c) * hp * wp, 0);
  for (int c = 0; c < l.c; ++c)
    for (int y = 0; y < l.h; ++y)
      for (int x = 0; x < l.w; ++x)
        padded[(size_t(c) * hp + y + l.pad) * wp + x + l.pad] = act.at(c, y, x);
  const int oh = (hp - l.r) / l.stride + 1, ow = (wp - l.s) / l.stride + 1;
  std::vector<int64_t> out(size_t(l.k) * oh * ow, 0);
  for (int oy = 0; oy < oh; ++oy)
    for (int ox = 0; ox < ow; ++ox)
      for (int k = 0; k < l.k; ++k) {
        int64_t sum = 0;
        for (int c = 0; c < l.c; ++c)
          for (int r = 0; r < l.r; ++r)
            for (int s = 0; s < l.s; ++s)
              sum += padded[(size_t(c) * hp + oy * l.stride + r) * wp + ox * l.stride + s] *
                     int64_t(w.at(k, c, r, s));
        out[(size_t(k) * oh + oy) * ow + ox] = sum;
      }
  return out;
}

// Reference requantisation: floor division with an explicit remainder test for the rounding
// (round half up <=> add one when the remainder is at least half the divisor).
int64_t naive_requant(int64_t acc, int64_t bias, uint32_t mult, int shift, bool relu,
                      int act_bits) {
  const i128 p = (i128(acc) + bias) * mult;
  i128 q = p;
  if (shift > 0) {
    const i128 d = i128(1) << shift;
    q = p / d;
    if (p % d != 0 && p < 0) q -= 1;  // C++ truncates; make it floor
    const i128 rem = p - q * d;       // 0 <= rem < d
    if (2 * rem >= d) q += 1;
  }
  if (relu) q = std::max<i128>(q, 0);
  const i128 lo = -(i128(1) << (act_bits - 1)), hi = (i128(1) << (act_bits - 1)) - 1;
  return int64_t(std::min(hi, std::max(lo, q)));
}

// Reference layer in ARCH 2's literal order: requantise every output, then pool.
Tensor3 naive_layer(const Tensor3& act, const Tensor4& w, const std::vector<int64_t>& bias,
                    const Requant& rq, const LayerSpec& l, int act_bits) {
  const std::vector<int64_t> acc = naive_acc(act, w, l);
  const int oh = l.out_h(), ow = l.out_w();
  std::vector<int64_t> q(acc.size());
  for (int k = 0; k < l.k; ++k)
    for (int i = 0; i < oh * ow; ++i)
      q[size_t(k) * oh * ow + i] =
          naive_requant(acc[size_t(k) * oh * ow + i], bias[k], rq.mult, rq.shift, l.relu, act_bits);
  if (!l.pool) {
    Tensor3 out(l.k, oh, ow);
    for (size_t i = 0; i < q.size(); ++i) out.data()[i] = int32_t(q[i]);
    return out;
  }
  Tensor3 out(l.k, oh / 2, ow / 2);
  for (int k = 0; k < l.k; ++k)
    for (int y = 0; y < oh / 2; ++y)
      for (int x = 0; x < ow / 2; ++x) {
        int64_t m = INT64_MIN;
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx)
            m = std::max(m, q[(size_t(k) * oh + 2 * y + dy) * ow + 2 * x + dx]);
        out.at(k, y, x) = int32_t(m);
      }
  return out;
}

ArchParams wide_arch(int act_bits, int weight_bits, int bias_bits, int mult_bits) {
  ArchParams a;
  a.act_bits = act_bits;
  a.weight_bits = weight_bits;
  a.bias_bits = bias_bits;
  a.mult_bits = mult_bits;
  a.acc_bits = 48;
  a.shift_bits = 6;
  return a;
}

int bit_length(int64_t v) {
  int b = 0;
  for (uint64_t u = uint64_t(v < 0 ? -v : v); u; u >>= 1) ++b;
  return b;
}

struct RandomCase {
  LayerSpec layer;
  ArchParams arch;
  Tensor3 act;
  Tensor4 weights;
  std::vector<int64_t> bias;
  Requant rq;
};

// A random layer that satisfies check_layer_shape, with random values over the full signed
// ranges (zeros mixed in), and a shift chosen near the scale of the accumulators so the
// outputs cover the range (some saturate, some round) instead of all clamping.
RandomCase make_case(Rng& rng) {
  RandomCase t;
  LayerSpec& l = t.layer;
  static const int kStrides[] = {1, 2, 4};
  do {
    l.c = int(rng.uniform_int(1, 4));
    l.k = int(rng.uniform_int(1, 3));
    l.h = int(rng.uniform_int(1, 20));
    l.w = int(rng.uniform_int(1, 20));
    l.r = int(rng.uniform_int(1, 7));
    l.s = int(rng.uniform_int(1, 7));
    l.stride = kStrides[rng.uniform_int(0, 2)];
    l.pad = int(rng.uniform_int(0, 3));
    l.pool = rng.uniform_int(0, 1) == 1;
    l.relu = rng.uniform_int(0, 1) == 1;
  } while (l.out_h() < 1 || l.out_w() < 1 || (l.pool && (l.out_h() < 2 || l.out_w() < 2)));
  t.arch = wide_arch(int(rng.uniform_int(4, 16)), int(rng.uniform_int(4, 16)),
                     int(rng.uniform_int(4, 20)), int(rng.uniform_int(1, 16)));
  const double zeros = rng.uniform01();
  t.act = Tensor3(l.c, l.h, l.w);
  for (int32_t& v : t.act.values())
    v = rng.uniform01() < zeros
            ? 0
            : int32_t(rng.uniform_int(signed_min(t.arch.act_bits), signed_max(t.arch.act_bits)));
  t.weights = Tensor4(l.k, l.c, l.r, l.s);
  for (int32_t& v : t.weights.values())
    v = int32_t(rng.uniform_int(signed_min(t.arch.weight_bits), signed_max(t.arch.weight_bits)));
  t.bias.resize(size_t(l.k));
  for (int64_t& b : t.bias)
    b = rng.uniform_int(signed_min(t.arch.bias_bits), signed_max(t.arch.bias_bits));
  t.rq.mult = uint32_t(rng.uniform_int(0, (int64_t(1) << t.arch.mult_bits) - 1));
  int64_t vmax = 1;
  for (int64_t a : naive_acc(t.act, t.weights, l)) vmax = std::max(vmax, std::abs(a));
  const int shift = bit_length(vmax) + bit_length(t.rq.mult) - (t.arch.act_bits - 1) +
                    int(rng.uniform_int(-2, 2));
  t.rq.shift = std::max(0, shift);
  return t;
}

}  // namespace

TEST_CASE("conv_accumulate equals the naive padded convolution on random shapes", "[golden]") {
  const uint64_t seed = test::base_seed() + 1;
  INFO("seed " << seed);
  Rng rng(seed);
  for (int i = 0; i < 3000; ++i) {
    const RandomCase t = make_case(rng);
    INFO("case " << i << ": " << t.layer.to_string());
    const AccTensor3 acc = conv_accumulate(t.act, t.weights, t.layer);
    REQUIRE(acc.channels() == t.layer.k);
    REQUIRE(acc.height() == t.layer.out_h());
    REQUIRE(acc.width() == t.layer.out_w());
    REQUIRE(acc.values() == naive_acc(t.act, t.weights, t.layer));
  }
}

TEST_CASE("conv_layer equals requantise-then-pool on random layers", "[golden]") {
  const uint64_t seed = test::base_seed() + 2;
  INFO("seed " << seed);
  Rng rng(seed);
  int saturated_hi = 0, saturated_lo = 0, pooled = 0;
  for (int i = 0; i < 4000; ++i) {
    const RandomCase t = make_case(rng);
    INFO("case " << i << ": " << t.layer.to_string() << " act_bits " << t.arch.act_bits << " mult "
                 << t.rq.mult << " shift " << t.rq.shift);
    const Tensor3 got = conv_layer(t.act, t.weights, t.bias, t.rq, t.layer, t.arch);
    const Tensor3 want = naive_layer(t.act, t.weights, t.bias, t.rq, t.layer, t.arch.act_bits);
    REQUIRE(got.channels() == want.channels());
    REQUIRE(got.height() == want.height());
    REQUIRE(got.width() == want.width());
    REQUIRE(got.values() == want.values());
    for (int32_t v : got.values()) {
      saturated_hi += v == signed_max(t.arch.act_bits);
      saturated_lo += v == signed_min(t.arch.act_bits);
    }
    pooled += t.layer.pool;
  }
  // The generator must exercise saturation at both ends and pooling, or the test proves little.
  CHECK(saturated_hi > 0);
  CHECK(saturated_lo > 0);
  CHECK(pooled > 100);
}

TEST_CASE("conv_layer on fixed odd shapes and strides", "[golden]") {
  const uint64_t seed = test::base_seed() + 3;
  INFO("seed " << seed);
  Rng rng(seed);
  struct Shape {
    int h, w, r, s, stride, pad;
    bool pool;
  };
  const Shape shapes[] = {
      {13, 17, 3, 3, 1, 1, true}, {13, 17, 3, 3, 2, 1, false}, {13, 17, 7, 7, 2, 3, true},
      {13, 17, 1, 1, 1, 0, true}, {13, 17, 5, 3, 4, 2, false}, {17, 13, 2, 6, 1, 3, true},
      {1, 1, 1, 1, 1, 0, false},  {1, 9, 1, 3, 1, 1, false},   {9, 1, 3, 1, 2, 1, false},
      {2, 2, 3, 3, 1, 1, true},   {8, 8, 7, 1, 4, 0, false},   {15, 15, 3, 3, 2, 0, true},
  };
  for (const Shape& sh : shapes) {
    LayerSpec l;
    l.c = 3, l.k = 4, l.h = sh.h, l.w = sh.w, l.r = sh.r, l.s = sh.s, l.stride = sh.stride;
    l.pad = sh.pad, l.pool = sh.pool;
    INFO(l.to_string());
    const ArchParams a = wide_arch(8, 8, 16, 16);
    const Tensor3 act = make_activations(l.c, l.h, l.w, 0.5, Pattern::Uniform, seed, 8);
    Tensor4 w = make_weights(l.k, l.c, l.r, l.s, seed, 8);
    const std::vector<int64_t> bias = make_bias(l.k, seed, 16, 2000);
    const Requant rq{uint32_t(rng.uniform_int(1, 65535)), int(rng.uniform_int(14, 22))};
    for (bool relu : {true, false}) {
      l.relu = relu;
      CHECK(conv_layer(act, w, bias, rq, l, a) == naive_layer(act, w, bias, rq, l, 8));
    }
  }
}

TEST_CASE("conv by hand: 3x3 ones kernel with padding counts neighbours", "[golden]") {
  LayerSpec l;
  l.c = 1, l.k = 1, l.h = 3, l.w = 3, l.r = 3, l.s = 3, l.pad = 1;
  Tensor3 act(1, 3, 3, 1);
  Tensor4 w(1, 1, 3, 3, 1);
  const AccTensor3 acc = conv_accumulate(act, w, l);
  const int64_t want[9] = {4, 6, 4, 6, 9, 6, 4, 6, 4};  // in-map neighbours incl. itself
  for (int i = 0; i < 9; ++i) CHECK(acc.data()[i] == want[i]);
  // Stride 2 keeps the corners only.
  l.stride = 2;
  const AccTensor3 s2 = conv_accumulate(act, w, l);
  REQUIRE(s2.height() == 2);
  CHECK(s2.values() == std::vector<int64_t>{4, 4, 4, 4});
}

TEST_CASE("requantize: rounding, shift 0, ReLU and saturation by hand", "[golden]") {
  const Requant id{1, 0};
  CHECK(requantize(5, 0, id, false, 8) == 5);  // shift 0: no rounding constant
  CHECK(requantize(-5, 0, id, false, 8) == -5);
  CHECK(requantize(1, 2, Requant{3, 0}, false, 8) == 9);  // bias before the multiplier
  // Round half up: +1.5 -> 2, -1.5 -> -1, -1.25 -> -1, -1.75 -> -2, -2.5 -> -2, +2.5 -> 3.
  CHECK(requantize(3, 0, Requant{1, 1}, false, 8) == 2);
  CHECK(requantize(-3, 0, Requant{1, 1}, false, 8) == -1);
  CHECK(requantize(-5, 0, Requant{1, 2}, false, 8) == -1);
  CHECK(requantize(-7, 0, Requant{1, 2}, false, 8) == -2);
  CHECK(requantize(-5, 0, Requant{1, 1}, false, 8) == -2);
  CHECK(requantize(5, 0, Requant{1, 1}, false, 8) == 3);
  // Saturation at both ends; ReLU clips the low end to 0.
  CHECK(requantize(1000, 0, id, false, 8) == 127);
  CHECK(requantize(-1000, 0, id, false, 8) == -128);
  CHECK(requantize(-1000, 0, id, true, 8) == 0);
  CHECK(requantize(128, 0, id, false, 8) == 127);
  CHECK(requantize(-129, 0, id, false, 8) == -128);
  CHECK(requantize(-128, 0, id, false, 8) == -128);
  CHECK(requantize(7, 0, id, false, 4) == 7);
  CHECK(requantize(8, 0, id, false, 4) == 7);
  CHECK(requantize(-9, 0, id, false, 4) == -8);
  // Products beyond 64 bits stay exact: (2^47 + 2^47) * 65535 needs 65 bits.
  const int64_t big = int64_t(1) << 47;
  CHECK(requantize(big, big, Requant{65535, 50}, false, 16) ==
        naive_requant(big, big, 65535, 50, false, 16));
  CHECK(requantize(big, big, Requant{65535, 50}, false, 16) == 16384);  // 65535/4 rounded
  // mult 0 zeroes everything.
  CHECK(requantize(12345, 3, Requant{0, 4}, false, 8) == 0);
}

TEST_CASE("pooling takes the max of each 2x2 window and drops an odd edge", "[golden]") {
  LayerSpec l;
  l.c = 1, l.k = 1, l.h = 3, l.w = 5, l.r = 1, l.s = 1, l.pad = 0, l.pool = true, l.relu = false;
  Tensor3 act(1, 3, 5);
  const int32_t v[15] = {1,  -2, 3,  4,  90,  //
                         -5, 6,  -7, 8,  91,  //
                         92, 93, 94, 95, 96};
  std::copy(v, v + 15, act.data());
  const Tensor4 w(1, 1, 1, 1, 1);
  const Tensor3 out = conv_layer(act, w, {0}, Requant{1, 0}, l, wide_arch(8, 8, 16, 16));
  REQUIRE(out.height() == 1);
  REQUIRE(out.width() == 2);
  CHECK(out.at(0, 0, 0) == 6);
  CHECK(out.at(0, 0, 1) == 8);  // column 4 and row 2 are dropped
}

TEST_CASE("conv_layer rejects values outside the configured widths", "[golden]") {
  LayerSpec l;
  l.c = 2, l.k = 2, l.h = 4, l.w = 4;
  ArchParams a = wide_arch(8, 6, 10, 12);
  Tensor3 act(2, 4, 4, 5);
  Tensor4 w(2, 2, 3, 3, 1);
  std::vector<int64_t> bias{0, 0};
  Requant rq{100, 8};
  REQUIRE_NOTHROW(conv_layer(act, w, bias, rq, l, a));

  auto code_of = [&](auto mutate) {
    Tensor3 a2 = act;
    Tensor4 w2 = w;
    std::vector<int64_t> b2 = bias;
    Requant r2 = rq;
    ArchParams arch2 = a;
    LayerSpec l2 = l;
    mutate(a2, w2, b2, r2, arch2, l2);
    try {
      conv_layer(a2, w2, b2, r2, l2, arch2);
    } catch (const TensorError& e) {
      return e.code();
    }
    FAIL("no error");
    return TensorError::Code::BadArgument;
  };
  using C = TensorError::Code;
  CHECK(code_of([](Tensor3& x, auto&, auto&, auto&, auto&, auto&) { x.at(1, 3, 3) = 128; }) ==
        C::ActRange);
  CHECK(code_of([](Tensor3& x, auto&, auto&, auto&, auto&, auto&) { x.at(0, 0, 0) = -129; }) ==
        C::ActRange);
  CHECK(code_of([](auto&, Tensor4& x, auto&, auto&, auto&, auto&) { x.at(1, 1, 2, 2) = 32; }) ==
        C::WeightRange);
  CHECK(code_of([](auto&, Tensor4& x, auto&, auto&, auto&, auto&) { x.at(0, 0, 0, 0) = -33; }) ==
        C::WeightRange);
  CHECK(code_of([](auto&, auto&, std::vector<int64_t>& b, auto&, auto&, auto&) { b[1] = 512; }) ==
        C::BiasRange);
  CHECK(code_of([](auto&, auto&, std::vector<int64_t>& b, auto&, auto&, auto&) { b.pop_back(); }) ==
        C::ShapeMismatch);
  CHECK(code_of([](auto&, auto&, auto&, Requant& r, auto&, auto&) { r.mult = 4096; }) ==
        C::MultRange);
  CHECK(code_of([](auto&, auto&, auto&, Requant& r, auto&, auto&) { r.shift = 64; }) ==
        C::ShiftRange);
  CHECK(code_of([](auto&, auto&, auto&, Requant& r, auto&, auto&) { r.shift = -1; }) ==
        C::ShiftRange);
  CHECK(code_of([](auto&, auto&, auto&, auto&, ArchParams& x, auto&) { x.acc_bits = 6; }) ==
        C::AccOverflow);
  CHECK(code_of([](Tensor3& x, auto&, auto&, auto&, auto&, auto&) { x = Tensor3(2, 4, 5); }) ==
        C::ShapeMismatch);
  CHECK(code_of([](auto&, Tensor4& x, auto&, auto&, auto&, auto&) { x = Tensor4(2, 2, 3, 1); }) ==
        C::ShapeMismatch);
  // Extremes of each range are accepted.
  act.at(0, 0, 0) = -128;
  act.at(0, 0, 1) = 127;
  w.at(0, 0, 0, 0) = -32;
  w.at(0, 0, 0, 1) = 31;
  bias = {-512, 511};
  CHECK_NOTHROW(conv_layer(act, w, bias, Requant{4095, 63}, l, a));
}

TEST_CASE("conv_layer rejects an ill-formed layer", "[golden]") {
  LayerSpec l;
  l.c = 1, l.k = 1, l.h = 2, l.w = 2, l.r = 5, l.s = 5, l.pad = 0;
  const Tensor3 act(1, 2, 2);
  const Tensor4 w(1, 1, 5, 5);
  CHECK_THROWS_AS(conv_accumulate(act, w, l), LayerSpecError);
}

// Hidden (run with "[.perf]"): the golden conv on the largest VGG16 layer, to keep an eye on
// its speed (the simulator calls it once per run).
TEST_CASE("golden conv on VGG16 conv1_2 is fast", "[.perf]") {
  LayerSpec l;
  l.c = 64, l.k = 64, l.h = l.w = 224;
  const Tensor3 act = make_activations(64, 224, 224, 0.47, Pattern::Clustered, 1, 8);
  const Tensor4 w = make_weights(64, 64, 3, 3, 1, 8);
  const auto t0 = std::chrono::steady_clock::now();
  const AccTensor3 acc = conv_accumulate(act, w, l);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN("conv1_2 (" << l.macs() / 1e6 << " MMAC): " << s << " s");
  CHECK(s < 30.0);
  CHECK(acc.size() == size_t(64) * 224 * 224);
}
