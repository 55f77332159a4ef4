// Shared pieces of the module-level Verilator harnesses (tests/rtl/harness/*_harness.cpp).
//
// A harness is built by the Catch2 test with `verilator --cc --exe --prefix Vdut` against one
// generated module (or a test wrapper), links the software model, and is run as
//   <exe> --config <yaml> --seed <n> [--iters <n>] [--inject-error]
// It drives the module cycle by cycle from a seeded Rng, checks every output against the
// model, prints "MISMATCH ..." with the coordinates of the first difference and exits 1, or
// prints one "PASS ..." line and exits 0. --inject-error corrupts one expectation on purpose:
// the harness must then fail (the tests prove with it that the checker can fail).
#pragma once

#include <fmt/format.h>
#include <verilated.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "zasgen/arch_params.h"
#include "zasgen/config.h"
#include "zasgen/model/rng.h"

namespace zt {

struct Args {
  std::string config;  // the YAML the module was generated from
  uint64_t seed = 1;
  long iters = 0;  // harness-specific amount of stimulus; 0: the harness default
  bool inject_error = false;
};

inline Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    const bool has_value = i + 1 < argc;
    if (k == "--config" && has_value) {
      a.config = argv[++i];
    } else if (k == "--seed" && has_value) {
      a.seed = std::strtoull(argv[++i], nullptr, 0);
    } else if (k == "--iters" && has_value) {
      a.iters = std::strtol(argv[++i], nullptr, 0);
    } else if (k == "--inject-error") {
      a.inject_error = true;
    } else if (k.rfind("+verilator", 0) != 0) {
      std::fprintf(stderr, "usage: %s --config FILE [--seed N] [--iters N] [--inject-error]\n",
                   argv[0]);
      std::exit(2);
    }
  }
  if (a.config.empty()) {
    std::fprintf(stderr, "%s: --config is required\n", argv[0]);
    std::exit(2);
  }
  return a;
}

inline zasgen::ArchParams load_params(const std::string& path) {
  zasgen::ValidateResult r = zasgen::load_config(path);
  if (!r.params) {
    std::fprintf(stderr, "%s: invalid configuration (%zu diagnostics)\n", path.c_str(),
                 r.diags.size());
    std::exit(2);
  }
  return *r.params;
}

// ---- bit fields of Verilator port storage (CData/SData/IData/QData or VlWide<N>) ----

inline uint64_t mask(int w) {
  return w >= 64 ? ~uint64_t(0) : (uint64_t(1) << w) - 1;
}

inline int64_t sext(uint64_t v, int w) {
  v &= mask(w);
  if (w < 64 && (v >> (w - 1)) & 1) v |= ~mask(w);
  return int64_t(v);
}

template <typename S>
uint64_t get(const S& s, int lo, int w) {
  static_assert(std::is_integral<S>::value, "integral port storage");
  return lo >= 64 ? 0 : (uint64_t(s) >> lo) & mask(w);
}
template <std::size_t N>
uint64_t get(const VlWide<N>& s, int lo, int w) {
  uint64_t v = 0;
  for (int i = 0; i < w; ++i) {
    const int b = lo + i;
    v |= uint64_t((s.at(size_t(b / 32)) >> (b % 32)) & 1u) << i;
  }
  return v;
}

template <typename S>
void put(S& s, int lo, int w, uint64_t v) {
  static_assert(std::is_integral<S>::value, "integral port storage");
  const uint64_t m = mask(w) << lo;
  s = S((uint64_t(s) & ~m) | ((v << lo) & m));
}
template <std::size_t N>
void put(VlWide<N>& s, int lo, int w, uint64_t v) {
  for (int i = 0; i < w; ++i) {
    const int b = lo + i;
    const uint32_t bit = uint32_t(1) << (b % 32);
    if ((v >> i) & 1)
      s.at(size_t(b / 32)) |= bit;
    else
      s.at(size_t(b / 32)) &= ~bit;
  }
}

// ---- stimulus helpers ----

// A signed value of `bits` bits, biased towards the corners (min, max, -1, 0, 1), where
// width bugs show.
inline int64_t signed_value(zasgen::model::Rng& rng, int bits) {
  const int64_t lo = -(int64_t(1) << (bits - 1)), hi = (int64_t(1) << (bits - 1)) - 1;
  switch (rng.uniform_int(0, 9)) {
    case 0:
      return lo;
    case 1:
      return hi;
    case 2:
      return rng.uniform_int(-1, 1);
    default:
      return rng.uniform_int(lo, hi);
  }
}
inline int64_t nonzero_value(zasgen::model::Rng& rng, int bits) {
  for (;;) {
    const int64_t v = signed_value(rng, bits);
    if (v != 0) return v;
  }
}
inline bool chance(zasgen::model::Rng& rng, double p) {
  return rng.uniform01() < p;
}

// ---- the clocked design ----

// Owns the Verilator context and model. Registers and memories start random (the test builds
// with --x-assign unique --x-initial unique), seeded from the harness seed.
template <typename M>
class Sim {
 public:
  explicit Sim(const Args& a) : ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->randReset(2);
    ctx_->randSeed(int(a.seed & 0x7fffffff));
    dut_ = std::make_unique<M>(ctx_.get());
    dut_->clk = 0;
    dut_->eval();
  }
  ~Sim() { dut_->final(); }
  M* operator->() { return dut_.get(); }
  M& dut() { return *dut_; }

  // Settles the combinational logic for the inputs set so far (clock low).
  void settle() {
    dut_->clk = 0;
    dut_->eval();
  }
  // One rising edge; afterwards the registered outputs show the new state.
  void edge() {
    dut_->clk = 1;
    dut_->eval();
    dut_->clk = 0;
    dut_->eval();
    ++cycle_;
  }
  long cycle() const { return cycle_; }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<M> dut_;
  long cycle_ = 0;
};

// The first mismatch ends the run.
template <typename... T>
[[noreturn]] void mismatch(long cycle, fmt::format_string<T...> f, T&&... args) {
  std::printf("MISMATCH at cycle %ld: %s\n", cycle,
              fmt::format(f, std::forward<T>(args)...).c_str());
  std::fflush(stdout);
  std::exit(1);
}

inline void pass(const std::string& what) {
  std::printf("PASS %s\n", what.c_str());
  std::fflush(stdout);
}

}  // namespace zt
