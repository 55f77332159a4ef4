// Partial sums in registers (memory.psum.storage: registers, generator/src/rtl/arch/psum.cpp):
// each bank is a register file whose words run on their own gated clocks, with the ports and read
// latency of the two-port macro it replaces. The same layer must give the same outputs, bit for
// bit, in the same cycles as with SRAM macros, and the manifest must list the register files and
// every word's gate (the power estimate charges each bank's wires and credits each gate at its
// duty) and no partial-sum macro.
#include <algorithm>

#include <fmt/format.h>

#include "sim_test_util.h"
#include "zasgen/sim/design.h"

namespace zasgen {

TEST_CASE("partial sums in registers: bit-exact in the cycles of the SRAM banks", "[sim][psum]") {
  const ArchParams sram = test::params_from_file(test::repo_path("configs/tiny.yaml"));
  ArchParams regs = sram;
  regs.name = sram.name + "_regs";
  regs.psum_storage = PsumStorage::Registers;
  const std::string dir = test::scratch("psum_registers");
  const sim::Design ds = sim::prepare_design(sram, dir + "/sram", test::cache_root());
  const sim::Design dr = sim::prepare_design(regs, dir + "/regs", test::cache_root());

  // The manifest lists the register files (2 sets x banks, the geometry of the macros they
  // replace), and every word has a gate under its register file.
  CHECK(ds.macros.register_files.empty());
  REQUIRE(dr.macros.register_files.size() == 1);
  const rtl::MacroEntry& files = dr.macros.register_files[0];
  CHECK(files.geometry.depth == regs.psum.depth);
  CHECK(files.geometry.width == regs.psum.width);
  CHECK(int(files.instances.size()) == 2 * regs.lanes * regs.psum.banks);
  int gates = 0;
  for (const rtl::ClockGateEntry& g : dr.macros.clock_gates)
    for (const std::string& inst : files.instances)
      if (g.instance.rfind(inst + ".", 0) == 0) ++gates;
  CHECK(gates == 2 * regs.lanes * regs.psum.banks * regs.psum.depth);
  for (const rtl::MacroEntry& m : dr.macros.macros)
    for (const std::string& inst : m.instances) CHECK(inst.find("u_psum.") == std::string::npos);

  for (const double sparsity : {0.0, 0.6}) {
    sim::CaseOptions co;
    co.layer = "c=5,k=" + std::to_string(2 * sram.pes) + ",h=12,w=13,r=3,s=3,stride=1,pad=1";
    co.sparsity = sparsity;
    co.seed = 23;
    const sim::LayerCase c = sim::make_case(co, sram);
    const model::Tensor3 golden = sim::golden_output(c, sram);
    const sim::DesignResult a = sim::run_design(ds, c, golden);
    const sim::DesignResult b = sim::run_design(dr, c, golden);
    INFO("sparsity " << sparsity << ": first mismatch at k=" << b.mismatch.k
                     << " y=" << b.mismatch.y << " x=" << b.mismatch.x);
    REQUIRE(a.mismatch.count == 0);
    REQUIRE(b.mismatch.count == 0);
    CHECK(b.run.perf.cycles == a.run.perf.cycles);
    if (sparsity == 0.0) continue;

    // Simulators run the register file's simulation view (its words in one array); the
    // activity counter names that state as the synthesized words' registers, which the power
    // estimate looks up in the netlist: every word gate's enable and every word's bits.
    sim::RunDesignOptions ro;
    ro.activity = true;
    const sim::DesignResult act = sim::run_design(dr, c, golden, ro);
    REQUIRE(act.mismatch.count == 0);
    const SwitchingActivity& sa = act.run.activity;
    uint64_t enabled = 0, word_toggles = 0;
    for (const rtl::ClockGateEntry& g : dr.macros.clock_gates) {
      if (g.block.find(".u_psum.") == std::string::npos) continue;
      INFO(g.enable);
      REQUIRE(sa.nets.count(g.enable) == 1);
      enabled += sa.nets.at(g.enable).high.value_or(0);
      for (const int bit : {0, regs.psum.width - 1}) {
        const std::string q = fmt::format("{}.q[{}]", g.block, bit);
        INFO(q);
        REQUIRE(sa.nets.count(q) == 1);
        word_toggles += sa.nets.at(q).toggles;
      }
    }
    CHECK(enabled > 0);
    CHECK(word_toggles > 0);
    // Nothing under the simulation view's own names (its enable vector, its array's elements).
    const auto raw = std::find_if(sa.nets.begin(), sa.nets.end(), [](const auto& n) {
      return n.first.find(".en_q[") != std::string::npos || n.first.find("][") != std::string::npos;
    });
    CHECK(raw == sa.nets.end());
  }
}

}  // namespace zasgen
