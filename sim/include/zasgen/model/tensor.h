// Dense integer tensors and the shape of one convolution layer (ARCH 2).
//
// Grid3<T> is a C x H x W array in C order (x fastest); Tensor3 holds activations (int32),
// AccTensor3 exact accumulators (int64). Tensor4 holds weights K x C x R x S in C order.
// at() checks its indices (an out-of-range index is a programming error: std::out_of_range);
// operator() and data() are the unchecked raw access for inner loops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace zasgen::model {

namespace detail {
[[noreturn]] void throw_index_error(const char* what, const int* idx, const int* dims, int rank);
}  // namespace detail

template <typename T>
class Grid3 {
 public:
  Grid3() = default;
  Grid3(int c, int h, int w, T fill = T(0)) : c_(c), h_(h), w_(w) {
    if (c < 0 || h < 0 || w < 0) throw std::invalid_argument("Grid3: negative dimension");
    data_.assign(size_t(c) * size_t(h) * size_t(w), fill);
  }

  int channels() const { return c_; }
  int height() const { return h_; }
  int width() const { return w_; }
  size_t size() const { return data_.size(); }

  T& at(int c, int y, int x) { return data_[checked_index(c, y, x)]; }
  const T& at(int c, int y, int x) const { return data_[checked_index(c, y, x)]; }
  T& operator()(int c, int y, int x) { return data_[index(c, y, x)]; }
  const T& operator()(int c, int y, int x) const { return data_[index(c, y, x)]; }

  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  T* channel(int c) { return data_.data() + size_t(c) * plane(); }
  const T* channel(int c) const { return data_.data() + size_t(c) * plane(); }
  size_t plane() const { return size_t(h_) * size_t(w_); }
  std::vector<T>& values() { return data_; }
  const std::vector<T>& values() const { return data_; }

  bool operator==(const Grid3& o) const {
    return c_ == o.c_ && h_ == o.h_ && w_ == o.w_ && data_ == o.data_;
  }
  bool operator!=(const Grid3& o) const { return !(*this == o); }

 private:
  size_t index(int c, int y, int x) const {
    return (size_t(c) * size_t(h_) + size_t(y)) * size_t(w_) + size_t(x);
  }
  size_t checked_index(int c, int y, int x) const {
    if (c < 0 || c >= c_ || y < 0 || y >= h_ || x < 0 || x >= w_) {
      const int idx[3] = {c, y, x}, dims[3] = {c_, h_, w_};
      detail::throw_index_error("Grid3", idx, dims, 3);
    }
    return index(c, y, x);
  }

  int c_ = 0, h_ = 0, w_ = 0;
  std::vector<T> data_;
};

using Tensor3 = Grid3<int32_t>;     // activations / requantised outputs
using AccTensor3 = Grid3<int64_t>;  // exact accumulators

// Weights, K x C x R x S, C order (s fastest).
class Tensor4 {
 public:
  Tensor4() = default;
  Tensor4(int k, int c, int r, int s, int32_t fill = 0);

  int k() const { return k_; }
  int c() const { return c_; }
  int r() const { return r_; }
  int s() const { return s_; }
  size_t size() const { return data_.size(); }

  int32_t& at(int k, int c, int r, int s) { return data_[checked_index(k, c, r, s)]; }
  int32_t at(int k, int c, int r, int s) const { return data_[checked_index(k, c, r, s)]; }
  int32_t& operator()(int k, int c, int r, int s) { return data_[index(k, c, r, s)]; }
  int32_t operator()(int k, int c, int r, int s) const { return data_[index(k, c, r, s)]; }

  int32_t* data() { return data_.data(); }
  const int32_t* data() const { return data_.data(); }
  // The R x S kernel of output channel k, input channel c (r-major).
  const int32_t* kernel(int k, int c) const { return data_.data() + index(k, c, 0, 0); }
  std::vector<int32_t>& values() { return data_; }
  const std::vector<int32_t>& values() const { return data_; }

  bool operator==(const Tensor4& o) const {
    return k_ == o.k_ && c_ == o.c_ && r_ == o.r_ && s_ == o.s_ && data_ == o.data_;
  }
  bool operator!=(const Tensor4& o) const { return !(*this == o); }

 private:
  size_t index(int k, int c, int r, int s) const {
    return ((size_t(k) * size_t(c_) + size_t(c)) * size_t(r_) + size_t(r)) * size_t(s_) + size_t(s);
  }
  size_t checked_index(int k, int c, int r, int s) const;

  int k_ = 0, c_ = 0, r_ = 0, s_ = 0;
  std::vector<int32_t> data_;
};

// One convolution layer (ARCH 2). Plain data: parse_layer_spec() (layer_spec.h) fills and
// checks it; check_layer_shape() says whether the arithmetic is well defined.
struct LayerSpec {
  int c = 0;          // input channels
  int k = 0;          // output channels
  int h = 0;          // input height
  int w = 0;          // input width
  int r = 3;          // kernel height
  int s = 3;          // kernel width
  int stride = 1;     // same in both directions
  int pad = 1;        // zero padding on every side
  bool pool = false;  // fused 2x2/2 max-pool after requantisation
  bool relu = true;

  // ARCH 2: OH = (H + 2*pad - R) / stride + 1 (floor); <= 0 when the kernel does not fit.
  int out_h() const { return floor_div(h + 2 * pad - r, stride) + 1; }
  int out_w() const { return floor_div(w + 2 * pad - s, stride) + 1; }
  // Size of the layer's result: out_h()/2 (floor) when pooling, else out_h().
  int pooled_h() const { return pool ? out_h() / 2 : out_h(); }
  int pooled_w() const { return pool ? out_w() / 2 : out_w(); }
  // Dense multiply-accumulates (zeros and padding included): K*C*R*S*OH*OW.
  int64_t macs() const { return int64_t(k) * c * r * s * int64_t(out_h()) * int64_t(out_w()); }
  std::string to_string() const;  // canonical SPEC text, parse_layer_spec() reads it back

  bool operator==(const LayerSpec& o) const {
    return c == o.c && k == o.k && h == o.h && w == o.w && r == o.r && s == o.s &&
           stride == o.stride && pad == o.pad && pool == o.pool && relu == o.relu;
  }
  bool operator!=(const LayerSpec& o) const { return !(*this == o); }

 private:
  static int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
};

// Per-layer requantisation constants (ARCH 2 steps 2-3). Bias is per output channel and
// passed separately; ReLU and pooling come from the LayerSpec (they are per-run control bits).
struct Requant {
  uint32_t mult = 1;  // unsigned, < 2^mult_bits
  int shift = 0;      // 0 .. 2^shift_bits - 1
  bool operator==(const Requant& o) const { return mult == o.mult && shift == o.shift; }
};

}  // namespace zasgen::model
