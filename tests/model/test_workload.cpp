#include <catch2/catch.hpp>

#include <algorithm>

#include "test_util.h"
#include "zasgen/model/error.h"
#include "zasgen/model/golden.h"
#include "zasgen/model/workload.h"

using namespace zasgen::model;

namespace {

int64_t zeros_of(const Tensor3& t) {
  return std::count(t.values().begin(), t.values().end(), 0);
}

// Probability that a zero's right or lower neighbour (inside the channel) is also zero.
double zero_neighbour_rate(const Tensor3& t) {
  int64_t pairs = 0, both = 0;
  for (int c = 0; c < t.channels(); ++c)
    for (int y = 0; y < t.height(); ++y)
      for (int x = 0; x < t.width(); ++x) {
        if (t(c, y, x) != 0) continue;
        if (x + 1 < t.width()) ++pairs, both += t(c, y, x + 1) == 0;
        if (y + 1 < t.height()) ++pairs, both += t(c, y + 1, x) == 0;
      }
  return pairs ? double(both) / double(pairs) : 0.0;
}

}  // namespace

TEST_CASE("make_activations puts exactly round(f * N) zeros", "[workload]") {
  const uint64_t seed = test::base_seed() + 40;
  INFO("seed " << seed);
  struct Shape {
    int c, h, w;
  };
  for (Shape s :
       {Shape{1, 1, 1}, Shape{3, 13, 17}, Shape{7, 5, 9}, Shape{16, 14, 14}, Shape{2, 1, 31}})
    for (double f : {0.0, 0.01, 0.3, 0.5, 0.47, 0.9, 0.999, 1.0})
      for (Pattern p : {Pattern::Uniform, Pattern::Clustered}) {
        INFO(s.c << "x" << s.h << "x" << s.w << " f=" << f << " " << to_string(p));
        const Tensor3 t = make_activations(s.c, s.h, s.w, f, p, seed, 8);
        const int64_t n = int64_t(s.c) * s.h * s.w;
        CHECK(zeros_of(t) == zero_count(n, f));
        for (int32_t v : t.values()) {
          REQUIRE(v >= 0);
          REQUIRE(v <= 127);
        }
      }
  CHECK(zero_count(10, 0.25) == 3);  // 2.5 rounds away from zero
  CHECK(zero_count(10, 0.24) == 2);
  CHECK(zero_count(802816, 0.47) == 377324);
}

TEST_CASE("non-zero activations cover 1 .. 2^(act_bits-1)-1", "[workload]") {
  for (int bits : {2, 3, 4, 8}) {
    const Tensor3 t = make_activations(4, 16, 16, 0.2, Pattern::Uniform, 3, bits);
    const int32_t vmax = (1 << (bits - 1)) - 1;
    CHECK(*std::max_element(t.values().begin(), t.values().end()) == vmax);
    int32_t min_nz = vmax;
    for (int32_t v : t.values())
      if (v) min_nz = std::min(min_nz, v);
    CHECK(min_nz == 1);
  }
}

TEST_CASE("workloads are deterministic functions of the seed", "[workload]") {
  for (Pattern p : {Pattern::Uniform, Pattern::Clustered}) {
    const Tensor3 a = make_activations(5, 12, 10, 0.6, p, 99, 8);
    CHECK(a == make_activations(5, 12, 10, 0.6, p, 99, 8));
    CHECK(a != make_activations(5, 12, 10, 0.6, p, 100, 8));
  }
  CHECK(make_weights(4, 3, 3, 3, 5, 8) == make_weights(4, 3, 3, 3, 5, 8));
  CHECK(make_weights(4, 3, 3, 3, 5, 8) != make_weights(4, 3, 3, 3, 6, 8));
  CHECK(make_bias(8, 5, 16, 100) == make_bias(8, 5, 16, 100));
  // Pinned values: benchmark inputs must not change silently between versions, so a change
  // in the generators (or the Rng) must show here and be made on purpose.
  CHECK(make_activations(1, 3, 4, 0.5, Pattern::Uniform, 1, 8).values() ==
        std::vector<int32_t>{103, 0, 59, 0, 0, 13, 58, 1, 81, 0, 0, 0});
  CHECK(make_activations(1, 3, 4, 0.5, Pattern::Clustered, 1, 8).values() ==
        std::vector<int32_t>{0, 0, 103, 0, 0, 59, 13, 58, 0, 1, 81, 0});
  CHECK(make_weights(1, 1, 2, 2, 1, 8).values() == std::vector<int32_t>{116, 59, 88, 9});
  CHECK(make_bias(3, 1, 16, 1000) == std::vector<int64_t>{604, 97, -371});
}

TEST_CASE("clustered zeros form spatial clusters, uniform ones do not", "[workload]") {
  const uint64_t seed = test::base_seed() + 41;
  INFO("seed " << seed);
  for (double f : {0.3, 0.5, 0.7}) {
    INFO("f=" << f);
    const Tensor3 u = make_activations(8, 56, 56, f, Pattern::Uniform, seed, 8);
    const Tensor3 c = make_activations(8, 56, 56, f, Pattern::Clustered, seed, 8);
    const double ru = zero_neighbour_rate(u), rc = zero_neighbour_rate(c);
    // Uniform: a neighbour of a zero is zero with probability ~f. Clustered: much more often.
    CHECK(ru == Approx(f).margin(0.03));
    CHECK(rc > f + 0.5 * (1.0 - f));
    // Zeros are spread evenly over channels in the clustered pattern.
    for (int ch = 0; ch < 8; ++ch) {
      int64_t z = 0;
      for (size_t i = 0; i < c.plane(); ++i) z += c.channel(ch)[i] == 0;
      CHECK(std::abs(double(z) / double(c.plane()) - f) < 0.001);
    }
  }
}

TEST_CASE("weights and biases cover their signed ranges", "[workload]") {
  const Tensor4 w = make_weights(8, 8, 3, 3, 11, 4);
  CHECK(*std::min_element(w.values().begin(), w.values().end()) == -8);
  CHECK(*std::max_element(w.values().begin(), w.values().end()) == 7);
  const std::vector<int64_t> b = make_bias(200, 11, 8, 1000);  // clamped to 127
  CHECK(*std::min_element(b.begin(), b.end()) >= -127);
  CHECK(*std::max_element(b.begin(), b.end()) <= 127);
  CHECK(*std::max_element(b.begin(), b.end()) > 100);
  const std::vector<int64_t> small = make_bias(200, 11, 16, 3);
  CHECK(*std::min_element(small.begin(), small.end()) == -3);
  CHECK(*std::max_element(small.begin(), small.end()) == 3);
}

TEST_CASE("bad workload arguments are TensorError::BadArgument", "[workload]") {
  auto code = [](auto f) {
    try {
      f();
    } catch (const TensorError& e) {
      return e.code();
    }
    return TensorError::Code::ShapeMismatch;
  };
  using C = TensorError::Code;
  CHECK(code([] { make_activations(1, 4, 4, 1.5, Pattern::Uniform, 1, 8); }) == C::BadArgument);
  CHECK(code([] { make_activations(1, 4, 4, -0.1, Pattern::Uniform, 1, 8); }) == C::BadArgument);
  CHECK(code([] { make_activations(1, 4, 4, 0.5, Pattern::Uniform, 1, 1); }) == C::BadArgument);
  CHECK(code([] { make_activations(0, 4, 4, 0.5, Pattern::Uniform, 1, 8); }) == C::BadArgument);
  CHECK(code([] { make_weights(1, 1, 3, 3, 1, 40); }) == C::BadArgument);
  CHECK(code([] { make_bias(4, 1, 16, -1); }) == C::BadArgument);
}

TEST_CASE("measure_activations computes exact moments", "[workload]") {
  Tensor3 t(1, 1, 4);
  t.values() = {0, 2, 4, 0};
  const ActStats s = measure_activations(t);
  CHECK(s.count == 4);
  CHECK(s.nonzeros == 2);
  CHECK(s.mean == 1.5);
  CHECK(s.mean_sq == 5.0);
  CHECK(s.zero_fraction() == 0.5);
}

TEST_CASE("choose_requant keeps outputs in range without saturating them", "[workload]") {
  const uint64_t seed = test::base_seed() + 42;
  INFO("seed " << seed);
  zasgen::ArchParams arch;  // 8-bit activations and weights, 16-bit multiplier
  struct Case {
    int c, k, h;
    double zeros;
    bool relu;
    int act_bits;
  };
  for (Case cs : {Case{64, 16, 28, 0.5, false, 8}, Case{3, 16, 32, 0.0, false, 8},
                  Case{128, 8, 14, 0.9, false, 8}, Case{32, 16, 20, 0.3, true, 8},
                  Case{32, 8, 16, 0.5, false, 4}, Case{16, 8, 16, 0.5, false, 12}}) {
    INFO("c=" << cs.c << " zeros " << cs.zeros << " act_bits " << cs.act_bits);
    arch.act_bits = cs.act_bits;
    LayerSpec l;
    l.c = cs.c, l.k = cs.k, l.h = l.w = cs.h, l.relu = cs.relu;
    const Tensor3 act =
        make_activations(l.c, l.h, l.w, cs.zeros, Pattern::Clustered, seed, arch.act_bits);
    const Tensor4 w = make_weights(l.k, l.c, 3, 3, seed, arch.weight_bits);
    const ActStats st = measure_activations(act);
    const Requant rq = choose_requant(l, w, st, arch);
    CHECK(rq.mult >= (1u << (arch.mult_bits - 1)));  // the most precise multiplier
    CHECK(rq.mult < (1u << arch.mult_bits));
    const std::vector<int64_t> bias(size_t(l.k), 0);
    const Tensor3 out = conv_layer(act, w, bias, rq, l, arch);
    const int32_t hi = (1 << (arch.act_bits - 1)) - 1;
    int64_t sat = 0, big = 0;
    for (int32_t v : out.values()) {
      sat += v == hi || v == -hi - 1;
      big += std::abs(v) >= std::max(1, (hi + 1) / 16);
    }
    const double n = double(out.size());
    CHECK(double(sat) / n < 0.01);                   // almost nothing saturates
    CHECK(double(big) / n > (cs.relu ? 0.2 : 0.4));  // but the outputs use the range
  }
  // All-zero input: identity requantisation.
  LayerSpec l;
  l.c = 2, l.k = 2, l.h = l.w = 4;
  const Tensor3 zeros(2, 4, 4);
  CHECK(choose_requant(l, make_weights(2, 2, 3, 3, 1, 8), measure_activations(zeros), arch) ==
        Requant{1, 0});
}
