// Partial sums of one lane (ARCH 4, 5): two sets x max_r*max_s banks, one word holding all PEs'
// sums of one output position. A bank is a two-port SRAM macro, or (memory.psum.storage:
// registers) a register file with the macro's ports and read latency whose words each run on
// their own gated clock, so a cycle clocks only the words it writes. The compute side does a
// read-modify-write per bank and cycle: read in stage M, add the products and write in stage A.
// Back-to-back updates of one address (neighbouring non-zeros of a row share output positions) are
// merged: the second takes the first's sum by forwarding, so the macro sees one read and one write
// for the pair. The set the compute side does not own is read by the output stage (drain), which
// names the bank of each position it drains, and written with zeros (clear).
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/rtl/templates.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

namespace {

// One word of a register-file bank: its register and the clock gate that clocks it only in
// the cycles it is written. Simulators do not see it: they compile the bank's simulation view.
const Module& build_psum_word(Elab& e, const Module& clock_gate, int width) {
  Module& mod = e.module("psum_word", {"One partial-sum word on its own gated clock: an edge only "
                                       "in the cycles the word is written."});
  ModuleBuilder m(mod);
  E clk = m.input("clk");
  E rst_n = m.input("rst_n");
  E we = m.input("we");
  E wdata = m.input("wdata", width);
  E q = m.output("q", width);  // the word register itself
  E gclk = m.wire("gclk", 1);
  m.inst(clock_gate, "u_cg")
      .conn("clk", clk)
      .conn("rst_n", rst_n)
      .conn("en", we)
      .conn("gclk", gclk);
  Body b = m.seq(gclk, "written in every cycle it is clocked");
  b.set(q, wdata);
  return mod;
}

// A register-file bank with the ports and timing of the two-port macro: re latches the read
// address, and rdata is the word there one cycle later. Unlike the macro's output register it
// follows a write to that address; the partial-sum block never reads a word in the cycle after
// writing it without taking the written value by forwarding (compute), and clears a drained
// word only after its read (drain), so the difference is never seen. A word is `fields` partial
// sums, one per PE, each read and written by that PE's adder alone (the manifest says so, and
// the power estimate places each field beside its PE).
const Module& build_psum_regfile(Elab& e, const Module& clock_gate, int depth, int width,
                                 int fields) {
  const Module& word = build_psum_word(e, clock_gate, width);
  const int ab = std::max(1, clog2(depth));
  Module& mod = e.module(
      "psum_regfile",
      {fmt::format("Partial-sum bank in registers: {} words x {} bits, each on a gated clock.",
                   depth, width),
       "The ports and the one-cycle read latency of the two-port macro it replaces."});
  mod.register_file = SramGeometry{SramKind::OneROneW, depth, width};
  mod.register_file_fields = fields;
  ModuleBuilder m(mod);
  E clk = m.input("clk");
  E rst_n = m.input("rst_n");
  E re = m.input("re");
  E raddr = m.input("raddr", ab);
  E we = m.input("we");
  E waddr = m.input("waddr", ab);
  E wdata = m.input("wdata", width);
  E rdata = m.output("rdata", width);
  E raddr_q = m.reg("raddr_q", ab);
  {
    Body b = m.seq(clk, "read address");
    b.if_(re, [&](Body& t) { t.set(raddr_q, raddr); });
  }
  std::vector<E> words;
  for (int i = 0; i < depth; ++i) {
    E q = m.wire(fmt::format("word{}", i), width);
    m.inst(word, fmt::format("u_word{}", i))
        .conn("clk", clk)
        .conn("rst_n", rst_n)
        .conn("we", m.wire(fmt::format("we{}", i), we && eq(waddr, uint64_t(i))))
        .conn("wdata", wdata)
        .conn("q", q);
    words.push_back(q);
  }
  // The read multiplexer: one case item per word (a simulator evaluates only the chosen one).
  std::vector<std::pair<std::vector<E>, Body::Fn>> items;
  for (int i = 0; i < depth; ++i)
    items.push_back({{lit(ab, uint64_t(i))}, [&, i](Body& t) { t.set(rdata, words[size_t(i)]); }});
  Body c = m.comb("read multiplexer");
  c.switch_(raddr_q, items, [&](Body& t) { t.set(rdata, zeros(width)); });
  // Simulators compile a view with the words in one array (templates/regfile_sim.v).
  mod.sim_view =
      fill_template(template_text("regfile_sim"),
                    {{"MODULE", mod.name},
                     {"DEPTH", std::to_string(depth)},
                     {"WIDTH", std::to_string(width)},
                     {"ADDR_MSB", std::to_string(ab - 1)},
                     {"DATA_MSB", std::to_string(width - 1)},
                     {"DEPTH_MSB", std::to_string(depth - 1)},
                     {"ENABLES_ON", fmt::format("{{{}{{1'b1}}}}", depth)},
                     {"ENABLES_OFF", fmt::format("{}'d0", depth)},
                     {"ENABLE_ONE", fmt::format("{}'d1", depth)},
                     {"ADDR_IN_RANGE", fmt::format("{{1'b0, raddr_q}} < {}'d{}", ab + 1, depth)},
                     {"DATA_ZERO", fmt::format("{}'d0", width)}});
  mod.sim_state = {{"q", "u_word{}.q"}, {"en_q", "u_word{}.u_cg.en_q"}};
  return mod;
}

}  // namespace

const Module& build_psum(Elab& e, const Module& clock_gate) {
  const Dims& d = e.dims;
  const ArchParams& p = e.p;
  const int T = d.taps, P = d.pes, A = d.acc, PA = d.p_addr;
  const int pw = d.act + d.wgt;
  const int W = P * A;
  const bool regs = p.psum_storage == PsumStorage::Registers;
  const Module& bank_module = regs ? build_psum_regfile(e, clock_gate, p.psum.depth, W, P)
                                   : e.sram({SramKind::OneROneW, p.psum.depth, W});
  Module& mod = e.module(
      "psum", {"Partial sums of one lane: 2 sets x " + std::to_string(T) + " banks of " +
                   bank_module.name + ".",
               "Compute: read-modify-write with forwarding; drain: read; clear: write zeros."});
  ModuleBuilder m(mod);
  E clk = m.input("clk");
  E rst_n = m.input("rst_n");
  E c_set = m.input("c_set");
  E m_en = m.input("m_en", T);
  E m_addr = m.input("m_addr", T * PA);
  E a_prod = m.input("a_prod", P * T * pw);
  E d_set = m.input("d_set");
  E d_en = m.input("d_en", T);
  E d_addr = m.input("d_addr", T * PA);
  E d_sel = m.input("d_sel", d.d_pos * d.p_bank);
  E d_word = m.output("d_word", d.d_pos * W);
  E z_mask = m.input("z_mask", 2);
  E z_en = m.input("z_en", T);
  E z_addr = m.input("z_addr", T * PA);
  E o_busy = m.output("o_busy");

  // Stage A registers.
  E a_en = m.reg_reset("a_en", T, 0);
  E a_addr = m.reg("a_addr", T * PA);
  E a_set = m.reg_reset("a_set", 1, 0);
  E d_set_q = m.reg_reset("d_set_q", 1, 0);
  E f_set = m.reg_reset("f_set", 1, 0);  // set of the previous cycle's writes
  {
    Body b = m.seq_reset(clk, rst_n);
    b.set(a_en, m_en);
    b.set(a_set, c_set);
    b.set(d_set_q, d_set);
    b.set(f_set, a_set);
  }
  {
    Body b = m.seq(clk);
    b.set(a_addr, m_addr);
  }
  m.assign(o_busy, red_or(a_en));

  std::vector<E> drain_words;
  for (int bank = 0; bank < T; ++bank) {
    const std::string bn = fmt::format("b{}", bank);
    E ma = m_addr.bits(bank * PA, PA);
    E aa = a_addr.bits(bank * PA, PA);
    E da = d_addr.bits(bank * PA, PA);
    E za = z_addr.bits(bank * PA, PA);
    E ae = a_en.bit(bank);
    // Forwarding: the previous cycle's write of this bank.
    E f_valid = m.reg_reset(bn + "_fv", 1, 0);
    E f_addr = m.reg(bn + "_fa", PA);
    E f_data = m.reg(bn + "_fd", W);
    std::vector<E> rdata(2);
    for (int s = 0; s < 2; ++s) rdata[s] = m.wire(fmt::format("{}_rd{}", bn, s), W);
    E rd = m.wire(bn + "_rd", mux(a_set, rdata[1], rdata[0]));
    E fwd = m.wire(bn + "_fwd", f_valid && f_addr == aa && f_set == a_set,
                   "read-after-write on this address");
    // The update in stage M is to the address stage A writes: it takes the sum by forwarding
    // next cycle, so its macro read is not needed and stage A's write is superseded by its own.
    E merge = m.wire(bn + "_merge", ae && m_en.bit(bank) && ma == aa && c_set == a_set,
                     "back-to-back updates of one address: skip the read and the first write");
    E base = m.wire(bn + "_base", mux(fwd, f_data, rd));
    std::vector<E> sums;
    for (int k = P - 1; k >= 0; --k) {
      E prod = a_prod.bits((k * T + bank) * pw, pw);
      sums.push_back(base.bits(k * A, A) + sext(prod, A));
    }
    E next = m.wire(bn + "_next", cat(sums));
    {
      Body b = m.seq_reset(clk, rst_n);
      b.set(f_valid, ae);
    }
    {
      Body b = m.seq(clk);
      b.if_(ae, [&](Body& t) {
        t.set(f_addr, aa);
        t.set(f_data, next);
      });
    }
    for (int s = 0; s < 2; ++s) {
      const std::string n = fmt::format("{}_s{}", bn, s);
      // The compute side has the ports of its set when it uses them; otherwise the drain reads
      // and the clear writes (the controller never points both at one set at once).
      E use_r = m.wire(n + "_cr", (s ? c_set : !c_set) && m_en.bit(bank));
      E use_w = m.wire(n + "_cw", (s ? a_set : !a_set) && ae);
      E re = m.wire(n + "_re", mux(use_r, !merge, d_en.bit(bank) && (s ? d_set : !d_set)));
      E raddr = m.wire(n + "_ra", mux(use_r, ma, da));
      // A register word's write enable is its clock gate's, sampled half a cycle early: it
      // cannot wait for the merge (which compares the scatter's new address), so a merged
      // pair writes its first sum too, and the second write supersedes it.
      // That enable and its address come from a register of their own, the compute side's use
      // of the set a cycle earlier (equal to use_w): use_w gates on a_set, whose thousands of
      // loads (every bank's read select) sit on a long buffer tree, too slow for half a cycle.
      E use_we = use_w;
      if (regs) {
        use_we = m.reg_reset(n + "_cwq", 1, 0);
        Body b = m.seq_reset(clk, rst_n);
        b.set(use_we, use_r);
      }
      E we =
          m.wire(n + "_we", mux(use_we, regs ? ones(1) : !merge, z_en.bit(bank) && z_mask.bit(s)));
      E waddr = m.wire(n + "_wa", mux(use_we, aa, za));
      E wdata = m.wire(n + "_wd", mux(use_w, next, zeros(W)));
      InstBuilder bank_inst = m.inst(bank_module, "u_" + n);
      bank_inst.conn("clk", clk);
      if (regs) bank_inst.conn("rst_n", rst_n);
      bank_inst.conn("re", re)
          .conn("raddr", raddr)
          .conn("we", we)
          .conn("waddr", waddr)
          .conn("wdata", wdata)
          .conn("rdata", rdata[s]);
    }
    drain_words.push_back(
        m.wire(bn + "_dw", mux(d_set_q, rdata[1], rdata[0]), "the drained set's word"));
  }
  // The drain's positions: each picks its bank's word (the drain registered the bank numbers
  // with the read).
  if (T == 1) m.unused(d_sel);
  std::vector<E> picked;  // MSB first
  for (int k = d.d_pos - 1; k >= 0; --k) {
    E sel = d_sel.bits(k * d.p_bank, d.p_bank);
    E w = drain_words[0];
    for (int b = 1; b < T; ++b) w = mux(eq(sel, uint64_t(b)), drain_words[size_t(b)], w);
    picked.push_back(m.wire(fmt::format("d_word{}", k), w));
  }
  m.assign(d_word, cat(picked));
  return mod;
}

}  // namespace zasgen::rtl::arch
