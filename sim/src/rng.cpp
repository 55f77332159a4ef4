#include "zasgen/model/rng.h"

#include <stdexcept>

namespace zasgen::model {

namespace {
uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}
}  // namespace

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Rng::Rng(uint64_t seed) : seed_(seed) {
  uint64_t sm = seed;
  for (uint64_t& w : s_) w = splitmix64(sm);
  // splitmix64 is a bijection on distinct counter values, so the four words are never all
  // zero (the one state xoshiro cannot leave).
}

uint64_t Rng::next() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

int64_t Rng::uniform_int(int64_t lo, int64_t hi) {
  if (lo > hi) throw std::invalid_argument("Rng::uniform_int: lo > hi");
  // Width of the range minus one, computed in unsigned arithmetic (no overflow for the full
  // int64 range).
  const uint64_t span = uint64_t(hi) - uint64_t(lo);
  if (span == UINT64_MAX) return int64_t(next());
  const uint64_t n = span + 1;
  // Accept only x below the largest multiple of n that fits 2^64, so x % n is exactly uniform.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % n + 1) % n;  // inclusive
  uint64_t x;
  do {
    x = next();
  } while (x > limit);
  return int64_t(uint64_t(lo) + x % n);
}

double Rng::uniform01() {
  return double(next() >> 11) * 0x1.0p-53;
}

Rng Rng::fork(uint64_t stream) const {
  // Mix the stream number into the seed through splitmix64 so nearby streams diverge.
  uint64_t sm = seed_ ^ (stream * 0xd1b54a32d192ed03ULL);
  const uint64_t a = splitmix64(sm);
  return Rng(a ^ splitmix64(sm));
}

}  // namespace zasgen::model
