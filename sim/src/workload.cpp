#include "zasgen/model/workload.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "zasgen/model/error.h"
#include "zasgen/model/rng.h"

namespace zasgen::model {

namespace {

__extension__ typedef __int128 i128;

void require(bool ok, const std::string& where, const std::string& problem,
             const std::string& accepted) {
  if (!ok) throw TensorError(TensorError::Code::BadArgument, where, problem, accepted);
}

void check_dims(std::initializer_list<int> dims) {
  for (int d : dims)
    require(d >= 1, "workload", "dimension " + std::to_string(d) + " is not positive", ">= 1");
}

void check_bits(const char* what, int bits) {
  require(bits >= 2 && bits <= 31, what, "width " + std::to_string(bits) + " is not supported",
          "2 .. 31 bits");
}

// Streams of one seed, so the zero positions and the values do not depend on each other.
enum Stream : uint64_t { kPositions = 1, kValues = 2, kField = 3, kWeights = 4, kBias = 5 };

// Sum of every (2r+1)x(2r+1) window of a (h+2r)x(w+2r) grid: an h x w grid ("valid" box filter),
// through a 2-D prefix sum. Integer arithmetic, so exact everywhere.
std::vector<int64_t> box_filter(const std::vector<int64_t>& in, int h, int w, int r) {
  const int ih = h + 2 * r, iw = w + 2 * r;
  std::vector<int64_t> pre(size_t(ih + 1) * size_t(iw + 1), 0);
  auto P = [&](int y, int x) -> int64_t& { return pre[size_t(y) * size_t(iw + 1) + size_t(x)]; };
  for (int y = 0; y < ih; ++y)
    for (int x = 0; x < iw; ++x)
      P(y + 1, x + 1) = in[size_t(y) * iw + x] + P(y, x + 1) + P(y + 1, x) - P(y, x);
  std::vector<int64_t> out(size_t(h) * size_t(w));
  const int d = 2 * r + 1;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      out[size_t(y) * w + x] = P(y + d, x + d) - P(y, x + d) - P(y + d, x) + P(y, x);
  return out;
}

// The smooth field of one channel (see Pattern::Clustered).
std::vector<int64_t> smooth_field(int h, int w, int r, Rng& rng) {
  std::vector<int64_t> noise(size_t(h + 4 * r) * size_t(w + 4 * r));
  for (int64_t& v : noise) v = rng.uniform_int(0, (1 << 16) - 1);
  return box_filter(box_filter(noise, h + 2 * r, w + 2 * r, r), h, w, r);
}

// Positions (0..n-1) of the `zeros` lowest values of `field`, ties by position.
std::vector<char> lowest_positions(const std::vector<int64_t>& field, int64_t zeros) {
  std::vector<std::pair<int64_t, int64_t>> keyed(field.size());
  for (size_t i = 0; i < field.size(); ++i) keyed[i] = {field[i], int64_t(i)};
  // (value, position) pairs are distinct, so the set of the lowest `zeros` is unique whatever
  // nth_element's implementation does.
  if (zeros > 0 && zeros < int64_t(keyed.size()))
    std::nth_element(keyed.begin(), keyed.begin() + zeros, keyed.end());
  std::vector<char> is_zero(field.size(), 0);
  for (int64_t i = 0; i < zeros; ++i) is_zero[size_t(keyed[size_t(i)].second)] = 1;
  return is_zero;
}

std::vector<char> uniform_zero_mask(int64_t n, int64_t zeros, Rng& rng) {
  // Partial Fisher-Yates: the first `zeros` slots become a uniformly random subset.
  std::vector<int64_t> idx(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) idx[size_t(i)] = i;
  for (int64_t i = 0; i < zeros; ++i)
    std::swap(idx[size_t(i)], idx[size_t(rng.uniform_int(i, n - 1))]);
  std::vector<char> is_zero(size_t(n), 0);
  for (int64_t i = 0; i < zeros; ++i) is_zero[size_t(idx[size_t(i)])] = 1;
  return is_zero;
}

std::vector<char> clustered_zero_mask(int c, int h, int w, int64_t zeros, const Rng& base) {
  const int64_t plane = int64_t(h) * w;
  const int r = cluster_radius(h, w);
  std::vector<char> is_zero;
  is_zero.reserve(size_t(plane * c));
  for (int ch = 0; ch < c; ++ch) {
    const int64_t quota = zeros / c + (ch < zeros % c ? 1 : 0);
    Rng rng = base.fork(kField * 1000003ULL + uint64_t(ch));
    const std::vector<char> m = lowest_positions(smooth_field(h, w, r, rng), quota);
    is_zero.insert(is_zero.end(), m.begin(), m.end());
  }
  return is_zero;
}

}  // namespace

const char* to_string(Pattern p) {
  return p == Pattern::Uniform ? "uniform" : "clustered";
}

int cluster_radius(int h, int w) {
  return std::max(1, std::min(h, w) / 16);
}

int64_t zero_count(int64_t n, double zero_fraction) {
  return std::llround(zero_fraction * double(n));
}

Tensor3 make_activations(int c, int h, int w, double zero_fraction, Pattern pattern, uint64_t seed,
                         int act_bits) {
  check_dims({c, h, w});
  check_bits("act_bits", act_bits);
  require(zero_fraction >= 0.0 && zero_fraction <= 1.0, "zero fraction",
          "value " + std::to_string(zero_fraction) + " is not a fraction", "0 .. 1");
  const Rng base(seed);
  const int64_t n = int64_t(c) * h * w;
  const int64_t zeros = zero_count(n, zero_fraction);
  Rng pos_rng = base.fork(kPositions);
  const std::vector<char> is_zero = pattern == Pattern::Uniform
                                        ? uniform_zero_mask(n, zeros, pos_rng)
                                        : clustered_zero_mask(c, h, w, zeros, base);
  Rng val_rng = base.fork(kValues);
  const int64_t vmax = (int64_t(1) << (act_bits - 1)) - 1;
  Tensor3 t(c, h, w);
  int32_t* d = t.data();
  for (int64_t i = 0; i < n; ++i)
    d[i] = is_zero[size_t(i)] ? 0 : int32_t(val_rng.uniform_int(1, vmax));
  return t;
}

Tensor4 make_weights(int k, int c, int r, int s, uint64_t seed, int weight_bits) {
  check_dims({k, c, r, s});
  check_bits("weight_bits", weight_bits);
  Rng rng = Rng(seed).fork(kWeights);
  const int64_t hi = (int64_t(1) << (weight_bits - 1)) - 1, lo = -hi - 1;
  Tensor4 t(k, c, r, s);
  for (int32_t& v : t.values()) v = int32_t(rng.uniform_int(lo, hi));
  return t;
}

std::vector<int64_t> make_bias(int k, uint64_t seed, int bias_bits, int64_t max_abs) {
  check_dims({k});
  require(bias_bits >= 2 && bias_bits <= 62, "bias_bits",
          "width " + std::to_string(bias_bits) + " is not supported", "2 .. 62 bits");
  require(max_abs >= 0, "bias magnitude", "value " + std::to_string(max_abs) + " is negative",
          ">= 0");
  const int64_t m = std::min(max_abs, (int64_t(1) << (bias_bits - 1)) - 1);
  Rng rng = Rng(seed).fork(kBias);
  std::vector<int64_t> b(static_cast<size_t>(k));
  for (int64_t& v : b) v = rng.uniform_int(-m, m);
  return b;
}

ActStats measure_activations(const Tensor3& act) {
  // Integer sums (exact, order-independent), converted to double once.
  i128 s1 = 0, s2 = 0;
  ActStats st;
  for (int32_t v : act.values()) {
    s1 += v;
    s2 += i128(int64_t(v) * int64_t(v));
    st.nonzeros += v != 0;
  }
  st.count = int64_t(act.size());
  if (st.count) {
    st.mean = double(s1) / double(st.count);
    st.mean_sq = double(s2) / double(st.count);
  }
  return st;
}

double estimate_acc_rms(const Tensor4& weights, const ActStats& stats) {
  if (weights.k() == 0) return 0.0;
  const double var = std::max(0.0, stats.mean_sq - stats.mean * stats.mean);
  double total = 0.0;
  for (int k = 0; k < weights.k(); ++k) {
    int64_t sw = 0, sw2 = 0;
    for (int c = 0; c < weights.c(); ++c)
      for (int r = 0; r < weights.r(); ++r)
        for (int s = 0; s < weights.s(); ++s) {
          const int64_t w = weights(k, c, r, s);
          sw += w;
          sw2 += w * w;
        }
    const double sum_w = double(sw);
    total += var * double(sw2) + stats.mean * stats.mean * sum_w * sum_w;
  }
  return std::sqrt(total / double(weights.k()));
}

Requant choose_requant(const LayerSpec& layer, const Tensor4& weights, const ActStats& stats,
                       const ArchParams& arch) {
  (void)layer;  // the estimate needs only the weights (whose shape is the layer's kernel)
  const double rms = estimate_acc_rms(weights, stats);
  if (!(rms > 0.0)) return Requant{1, 0};
  const double target = std::ldexp(1.0, arch.act_bits - 1) / 4.0;
  const double scale = target / rms;
  const int max_shift = int(std::min<int64_t>((int64_t(1) << arch.shift_bits) - 1, 62));
  const double mult_limit = std::ldexp(1.0, arch.mult_bits);  // mult < 2^mult_bits
  for (int shift = max_shift; shift >= 0; --shift) {
    const double m = std::round(std::ldexp(scale, shift));
    if (m < mult_limit) return Requant{uint32_t(std::max(1.0, m)), shift};
  }
  return Requant{uint32_t(mult_limit - 1), 0};  // even shift 0 needs a larger multiplier
}

}  // namespace zasgen::model
