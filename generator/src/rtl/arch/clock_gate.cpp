// The clock gate (ARCH 5): a block that idles most of the time runs on a gated copy of the
// clock. Its registers then keep their values without a clock edge, which saves their clock
// power in hardware and their evaluation in a cycle-based simulator.
#include "elab.h"

namespace zasgen::rtl::arch {

namespace {

// The gate's enable register, sampled on the falling edge, is an output port when the gated
// block simulates its registers under it (ModuleBuilder::seq_gated).
const Module& gate(Elab& e, const std::string& suffix, bool enable_port) {
  std::vector<std::string> doc = {
      "Clock gate: gclk pulses in the cycles whose enable was high at the falling edge before.",
      "The enable is sampled on the falling edge, so it is stable while clk is high and gclk",
      "cannot glitch; a flop, not a latch, so the enable has half a clock period. Reset opens",
      "the gate: the gated registers see every edge until the first enable is sampled."};
  if (enable_port)
    doc.push_back("en_q is the enable register, for the gated block's simulation view.");
  Module& mod = e.module(suffix, doc);
  ModuleBuilder m(mod);
  E clk = m.input("clk");
  E rst_n = m.input("rst_n");
  E en = m.input("en");
  E gclk = m.output("gclk");
  E en_q = enable_port ? m.output_reg("en_q", 1, 1) : m.reg_reset("en_q", 1, 1);
  Body b = m.seq_reset_falling(clk, rst_n, "enable, sampled while clk is low");
  b.set(en_q, en);
  m.assign(gclk, clk && en_q);
  mod.clock_gate_enable = "en_q";
  return mod;
}

}  // namespace

const Module& build_clock_gate(Elab& e) {
  return gate(e, "clock_gate", false);
}

const Module& build_word_gate(Elab& e) {
  return gate(e, "word_gate", true);
}

}  // namespace zasgen::rtl::arch
