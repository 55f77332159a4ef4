#include "zasgen/model/tensor.h"

namespace zasgen::model {

namespace detail {

void throw_index_error(const char* what, const int* idx, const int* dims, int rank) {
  std::string s = std::string(what) + ": index (";
  for (int i = 0; i < rank; ++i) s += (i ? ", " : "") + std::to_string(idx[i]);
  s += ") outside shape (";
  for (int i = 0; i < rank; ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  s += ")";
  throw std::out_of_range(s);
}

}  // namespace detail

Tensor4::Tensor4(int k, int c, int r, int s, int32_t fill) : k_(k), c_(c), r_(r), s_(s) {
  if (k < 0 || c < 0 || r < 0 || s < 0) throw std::invalid_argument("Tensor4: negative dimension");
  data_.assign(size_t(k) * size_t(c) * size_t(r) * size_t(s), fill);
}

size_t Tensor4::checked_index(int k, int c, int r, int s) const {
  if (k < 0 || k >= k_ || c < 0 || c >= c_ || r < 0 || r >= r_ || s < 0 || s >= s_) {
    const int idx[4] = {k, c, r, s}, dims[4] = {k_, c_, r_, s_};
    detail::throw_index_error("Tensor4", idx, dims, 4);
  }
  return index(k, c, r, s);
}

std::string LayerSpec::to_string() const {
  std::string t = "c=" + std::to_string(c) + ",k=" + std::to_string(k) + ",h=" + std::to_string(h) +
                  ",w=" + std::to_string(w) + ",r=" + std::to_string(r) +
                  ",s=" + std::to_string(s) + ",stride=" + std::to_string(stride) +
                  ",pad=" + std::to_string(pad);
  if (pool) t += ",pool=2";
  if (!relu) t += ",relu=0";
  return t;
}

}  // namespace zasgen::model
