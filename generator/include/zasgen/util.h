// Small integer helpers shared by every stage.
#pragma once

#include <cstdint>
#include <string>

namespace zasgen {

// Bits needed to represent values 0 .. n-1 (clog2(1) == 0, clog2(5) == 3).
constexpr int clog2(int64_t n) {
  int b = 0;
  while ((int64_t(1) << b) < n) ++b;
  return b;
}

constexpr int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

// Bits of a signed two's-complement number that holds every value in [lo, hi].
constexpr int signed_bits(int64_t lo, int64_t hi) {
  int b = 1;
  while (!(lo >= -(int64_t(1) << (b - 1)) && hi <= (int64_t(1) << (b - 1)) - 1)) ++b;
  return b;
}

// 64-bit FNV-1a of bytes: content hashes for caches and for naming a config in headers.
inline uint64_t fnv1a(const std::string& data, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace zasgen
