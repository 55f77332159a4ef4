// The clock gate (ARCH 5): a block that idles most of the time runs on a gated copy of the
// clock. Its registers then keep their values without a clock edge, which saves their clock
// power in hardware and their evaluation in a cycle-based simulator. The partial-sum register
// files gate each word with it; simulators see a view of those banks without the gates.
#include "elab.h"

namespace zasgen::rtl::arch {

const Module& build_clock_gate(Elab& e) {
  Module& mod = e.module(
      "clock_gate",
      {"Clock gate: gclk pulses in the cycles whose enable was high at the falling edge before.",
       "The enable is sampled on the falling edge, so it is stable while clk is high and gclk",
       "cannot glitch; a flop, not a latch, so the enable has half a clock period. Reset opens",
       "the gate: the gated registers see every edge until the first enable is sampled."});
  ModuleBuilder m(mod);
  E clk = m.input("clk");
  E rst_n = m.input("rst_n");
  E en = m.input("en");
  E gclk = m.output("gclk");
  E en_q = m.reg_reset("en_q", 1, 1);
  Body b = m.seq_reset_falling(clk, rst_n, "enable, sampled while clk is low");
  b.set(en_q, en);
  m.assign(gclk, clk && en_q);
  mod.clock_gate_enable = "en_q";
  return mod;
}

}  // namespace zasgen::rtl::arch
