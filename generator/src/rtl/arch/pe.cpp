// The processing element (ARCH 5): a double-buffered weight register of one output channel's
// max_r x max_s kernel and one multiplier per kernel tap. The PE multiplies the broadcast
// activation by every tap's weight; the scatter tells each partial-sum bank which tap's product
// it takes.
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

const Module& build_pe(Elab& e) {
  const Dims& d = e.dims;
  const int T = d.taps;
  const int Bw = e.p.weights.banks;
  const int selw = std::max(1, clog2(Bw));
  const int pw = d.act + d.wgt;
  Module& mod = e.module(
      "pe",
      {"Processing element: one output channel.",
       fmt::format("Weight register: 2 buffers x {} taps x {} bits; {} multipliers ({}x{} bits, "
                   "signed), one per tap; each bank's product registered.",
                   T, d.wgt, T, d.act, d.wgt)});
  ModuleBuilder m(mod);
  E clk = m.input("clk");
  E w_we = m.input("w_we", T);
  E w_buf = m.input("w_buf");
  E w_sel = m.input("w_sel", T * selw);
  E w_data = m.input("w_data", Bw * d.wgt);
  E i_en = m.input("i_en");
  E i_act = m.input("i_act", d.act);
  E i_par = m.input("i_par");
  E i_tap = m.input("i_tap", T * d.tap_idx);
  E o_prod = m.output("o_prod", T * pw);
  if (Bw == 1) m.unused(w_sel);
  if (T == 1) m.unused(i_tap);

  // Weight register file: buffer b, tap t.
  std::vector<std::vector<E>> wreg(2);
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < T; ++t) wreg[b].push_back(m.reg(fmt::format("w{}_{}", b, t), d.wgt));
  {
    Body body = m.seq(clk, "weight loads: tap t of buffer w_buf from weight bank w_sel[t]");
    for (int t = 0; t < T; ++t) {
      E src = w_data.bits(0, d.wgt);
      if (Bw > 1) {
        E sel = w_sel.bits(t * selw, selw);
        for (int j = 1; j < Bw; ++j) src = mux(eq(sel, j), w_data.bits(j * d.wgt, d.wgt), src);
      }
      E wsrc = m.wire(fmt::format("wsrc_{}", t), src);
      for (int b = 0; b < 2; ++b)
        body.if_(w_we.bit(t) && (b ? w_buf : !w_buf), [&](Body& x) { x.set(wreg[b][t], wsrc); });
    }
  }
  // The active buffer; one product per kernel tap; then per bank the product of the tap the
  // scatter selected. Selecting after the multipliers lets them work in parallel with the
  // scatter's tap computation (selecting the weight first put the scatter, the select's fanout
  // and the multiplier on one path, the design's longest).
  std::vector<E> tprods;
  for (int t = 0; t < T; ++t) {
    E wa = m.wire(fmt::format("wa_{}", t), mux(i_par, wreg[1][t], wreg[0][t]));
    tprods.push_back(m.smul(fmt::format("tprod_{}", t), i_act, wa));
  }
  std::vector<E> prods;
  for (int bank = 0; bank < T; ++bank) {
    E pr = tprods[0];
    if (T > 1) {
      E sel = i_tap.bits(bank * d.tap_idx, d.tap_idx);
      for (int t = 1; t < T; ++t) pr = mux(eq(sel, t), tprods[size_t(t)], pr);
    }
    E psel = m.wire(fmt::format("prod_{}", bank), pr);
    E q = m.reg(fmt::format("prod_q_{}", bank), pw);
    Body b = m.seq(clk);
    b.if_(i_en, [&](Body& x) { x.set(q, psel); });
    prods.push_back(q);
  }
  std::vector<E> msb_first(prods.rbegin(), prods.rend());
  m.assign(o_prod, cat(msb_first));
  return mod;
}

}  // namespace zasgen::rtl::arch
