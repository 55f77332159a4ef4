// Internal to the accelerator elaboration: the shared context every module elaborator gets.
#pragma once

#include <string>
#include <vector>

#include "zasgen/arch_params.h"
#include "zasgen/rtl/builder.h"
#include "zasgen/rtl/dims.h"
#include "zasgen/rtl/ir.h"
#include "zasgen/rtl/macros.h"
#include "zasgen/rtl/regmap.h"

namespace zasgen::rtl::arch {

class Elab {
 public:
  Elab(Design& d, const ArchParams& p);

  const ArchParams& p;
  const Dims dims;
  const RegMap regs;

  // A new module named <design>_<suffix>, with header comment lines.
  Module& module(const std::string& suffix, std::vector<std::string> comment);
  std::string name(const std::string& suffix) const { return p.name + "_" + suffix; }
  // The geometry-named SRAM macro module (created from templates/ on first use).
  const Module& sram(const SramGeometry& g);

 private:
  Design& d_;
};

// Elaborators, one per module; each returns the module it built. Children first.
const Module& build_clock_gate(Elab& e);
const Module& build_regs(Elab& e);
const Module& build_decoder(Elab& e);
const Module& build_wload(Elab& e, const Module& clock_gate);
const Module& build_pe(Elab& e);
const Module& build_scatter(Elab& e);
const Module& build_psum(Elab& e, const Module& clock_gate);
const Module& build_lane(Elab& e, const Module& decoder, const Module& wload, const Module& scatter,
                         const Module& pe, const Module& psum);
const Module& build_encoder(Elab& e);
const Module& build_drain(Elab& e, const Module& encoder, const Module& clock_gate);
const Module& build_actbuf(Elab& e);
const Module& build_dma(Elab& e);
const Module& build_ctrl(Elab& e);
const Module& build_top(Elab& e);

// The register block's port name of a field (regs.cpp).
std::string field_port(const Register& r, const Field& f);

// Small shared pieces of logic.
// A register that counts up by one when `inc` and resets to 0 when `clr`.
E counter(ModuleBuilder& m, const E& clk, const E& rst_n, const std::string& name, int width,
          const E& clr, const E& inc);
// Population count of a bit vector, `width` bits wide.
E popcount(ModuleBuilder& m, const std::string& name, const E& bits, int width);
// Index of the lowest set bit (0 when none), clog2(width) bits, as a mux chain.
E lowest_set(ModuleBuilder& m, const std::string& name, const E& bits);
// e truncated (dropped bits marked unused: the caller knows they are zero) or zero-extended.
E fit(ModuleBuilder& m, const std::string& name, const E& e, int width);
// x div k (quot_width bits) and x mod k (max(1, clog2(k)) bits) for a constant k, exact for
// 0 <= x <= max_x: a multiplication by a reciprocal the generator checks exhaustively.
std::pair<E, E> divmod_const(ModuleBuilder& m, const std::string& name, const E& x, int k,
                             int64_t max_x, int quot_width);

}  // namespace zasgen::rtl::arch
