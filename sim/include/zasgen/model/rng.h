// The project's one random number generator (TEAM.md: never std::*_distribution, whose
// output differs between standard libraries).
//
// xoshiro256** (Blackman & Vigna, 2018) seeded by expanding the 64-bit seed with splitmix64,
// as its authors recommend. Everything below uses only integer arithmetic and exact IEEE
// operations, so a seed gives the same stream on every platform and compiler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace zasgen::model {

// One step of splitmix64: advances `state` and returns the next output.
uint64_t splitmix64(uint64_t& state);

class Rng {
 public:
  explicit Rng(uint64_t seed);

  uint64_t next();  // 64 uniform bits

  // Uniform integer in [lo, hi] (inclusive) by rejection sampling, so there is no modulo
  // bias. Requires lo <= hi (std::invalid_argument otherwise); the full int64 range works.
  int64_t uniform_int(int64_t lo, int64_t hi);

  // Uniform double in [0, 1): the top 53 bits of next() scaled by 2^-53 (exact).
  double uniform01();

  // An independent generator derived from this one's seed and `stream` (e.g. one per channel),
  // without consuming from this one.
  Rng fork(uint64_t stream) const;

  // Fisher-Yates shuffle of v using uniform_int.
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) {
      const size_t j = size_t(uniform_int(0, int64_t(i) - 1));
      T t = v[i - 1];
      v[i - 1] = v[j];
      v[j] = t;
    }
  }

 private:
  uint64_t seed_;
  uint64_t s_[4];
};

}  // namespace zasgen::model
