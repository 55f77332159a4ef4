// The weight loader of one lane (ARCH 4, 5): the lane's weight SRAM banks and the logic that
// fills the PEs' idle weight buffer with the next channel's taps while the current channel
// streams. Channels are stored in processing order, so the loader just walks the SRAM: each
// channel is RUN_WROWS rows, row k bank j holding tap k*banks + j of the R x S kernel (runtime
// R, S), every PE's weight side by side.
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

namespace {

Module& wload_module(Elab& e, const Module& macro) {
  const int Bw = e.p.weights.banks;
  return e.module(
      "wload",
      {fmt::format("Weight loader: {} banks of {}; loads {} taps per cycle into the PEs' idle "
                   "weight buffer.",
                   Bw, macro.name, Bw)});
}

// The weight loader module, built in steps; the members are the nets the steps share.
struct Wload {
  Wload(Elab& e, const Module& clock_gate)
      : d(e.dims),
        p(e.p),
        T(d.taps),
        P(d.pes),
        Bw(p.weights.banks),
        selw(std::max(1, clog2(Bw))),
        WW(P * d.wgt),
        macro(e.sram({SramKind::OneRW, p.weights.depth, WW})),
        clock_gate(clock_gate),
        mod(wload_module(e, macro)),
        m(mod) {}

  void ports();
  void registers();
  void tap_positions();
  void read_sequencer();
  void data_stage();
  void ready_flags();
  void write_strobes();
  void banks();
  void clock_gating();

  const Dims& d;
  const ArchParams& p;
  const int T, P, Bw, selw;
  const int WW;  // a bank word: every PE's weight of one tap
  const Module& macro;
  const Module& clock_gate;
  Module& mod;
  ModuleBuilder m;

  // ports; clk is the gated clock every register here runs on
  E clk_in, clk, rst_n, run_start, run_busy, kr, ks, wrows, rel, rel_par;
  E o_ready, w_we, w_buf, w_sel, w_data, dma_we, dma_bank, dma_addr, dma_wdata;
  // read side
  E ready, loading, lbuf, next_par, row, addr, r0, s0;
  std::vector<E> tr, ts, tv;  // per bank: the tap (r, s) it holds in the row being read, valid
  E next_r, next_s;           // the first tap of the next row
  E start_load, issue, last_row;
  // data stage, one cycle after the read
  E dv, dlast, dbuf;
  std::vector<E> dr, ds, dtv;
};

void Wload::ports() {
  clk_in = m.input("clk");
  clk = m.wire("gclk", 1);
  rst_n = m.input("rst_n");
  run_start = m.input("run_start");
  run_busy = m.input("run_busy");
  kr = m.input("r", d.kr);
  ks = m.input("s", d.ks);
  wrows = m.input("wrows", d.wrows);
  rel = m.input("rel", 1);
  rel_par = m.input("rel_par", 1);
  o_ready = m.output("o_ready", 2);
  w_we = m.output("w_we", T);
  w_buf = m.output("w_buf");
  w_sel = m.output("w_sel", T * selw);
  w_data = m.output("w_data", Bw * WW);
  dma_we = m.input("dma_we");
  dma_bank = m.input("dma_bank", selw);
  dma_addr = m.input("dma_addr", d.w_addr);
  dma_wdata = m.input("dma_wdata", WW);
  if (Bw == 1) m.unused(dma_bank);
}

// The loader's state: which buffers hold a loaded channel, and where the read walk stands.
void Wload::registers() {
  ready = m.reg_reset("ready", 2, 0);
  loading = m.reg_reset("loading", 1, 0);
  lbuf = m.reg_reset("lbuf", 1, 0);          // buffer being loaded
  next_par = m.reg_reset("next_par", 1, 0);  // buffer the next channel goes to
  row = m.reg_reset("row", d.wrows, 0);      // row of the channel being read
  addr = m.reg_reset("addr", d.w_addr, 0);
  r0 = m.reg_reset("r0", d.kr, 0);  // tap of bank 0 in the row being read
  s0 = m.reg_reset("s0", d.ks, 0);
  m.assign(o_ready, ready);
}

// Tap positions of the Bw banks of the row being read: consecutive taps in R x S order.
void Wload::tap_positions() {
  E rr = r0, ss = s0;
  for (int j = 0; j < Bw; ++j) {
    tr.push_back(m.wire(fmt::format("tr{}", j), rr));
    ts.push_back(m.wire(fmt::format("ts{}", j), ss));
    tv.push_back(rr < kr);
    // Past the last tap (zero padding of the last row) rr stays at R: never wraps back in.
    E wrap = m.wire(fmt::format("wrap{}", j), add(ss, 1) == ks && tv.back());
    rr = m.wire(fmt::format("rn{}", j), mux(wrap, add(rr, 1), rr));
    ss = m.wire(fmt::format("sn{}", j), mux(wrap, zeros(d.ks), add(ss, 1)));
  }
  next_r = rr;
  next_s = ss;
}

// Starts loading the next channel into the free buffer and reads its rows, one per cycle.
void Wload::read_sequencer() {
  start_load =
      m.wire("start_load", run_busy && !loading && !(mux(next_par, ready.bit(1), ready.bit(0))));
  issue = m.wire("issue", loading);
  last_row = m.wire("last_row", add(row, 1) == wrows);
  Body b = m.seq_reset(clk, rst_n, "read the next channel's rows into the free buffer");
  b.if_(
      run_start,
      [&](Body& t) {
        t.set(loading, zeros(1));
        t.set(next_par, zeros(1));
        t.set(addr, zeros(d.w_addr));
        t.set(row, zeros(d.wrows));
      },
      [&](Body& t) {
        t.if_(
            start_load,
            [&](Body& u) {
              u.set(loading, ones(1));
              u.set(lbuf, next_par);
              u.set(row, zeros(d.wrows));
              u.set(r0, zeros(d.kr));
              u.set(s0, zeros(d.ks));
            },
            [&](Body& u) {
              u.if_(issue, [&](Body& v) {
                v.set(addr, add(addr, 1));
                v.set(row, add(row, 1));
                v.set(r0, next_r);
                v.set(s0, next_s);
                v.if_(last_row, [&](Body& x) {
                  x.set(loading, zeros(1));
                  x.set(next_par, !next_par);
                });
              });
            });
      });
}

// Data stage: the read row's taps and buffer, one cycle after the read, with the data.
void Wload::data_stage() {
  dv = m.reg_reset("dv", 1, 0);
  dlast = m.reg_reset("dlast", 1, 0);
  dbuf = m.reg_reset("dbuf", 1, 0);
  for (int j = 0; j < Bw; ++j) {
    dr.push_back(m.reg(fmt::format("dr{}", j), d.kr));
    ds.push_back(m.reg(fmt::format("ds{}", j), d.ks));
    dtv.push_back(m.reg_reset(fmt::format("dtv{}", j), 1, 0));
  }
  {
    Body s = m.seq_reset(clk, rst_n);
    s.set(dv, issue && !run_start);
    s.set(dlast, issue && last_row);
    s.set(dbuf, lbuf);
    for (int j = 0; j < Bw; ++j) s.set(dtv[j], tv[j]);
  }
  Body s = m.seq(clk);
  for (int j = 0; j < Bw; ++j) {
    s.set(dr[j], tr[j]);
    s.set(ds[j], ts[j]);
  }
}

// ready[b]: set when the last row of a channel lands, cleared when the decoder releases it.
void Wload::ready_flags() {
  std::vector<E> rnext;
  for (int bb = 0; bb < 2; ++bb) {
    E is_b = bb ? dbuf : !dbuf;
    E relb = rel && (bb ? rel_par : !rel_par);
    rnext.push_back((ready.bit(bb) && !relb) || (dv && dlast && is_b));
  }
  Body rb = m.seq_reset(clk, rst_n);
  rb.if_(
      run_start, [&](Body& t) { t.set(ready, zeros(2)); },
      [&](Body& t) {
        t.set(ready, cat({rnext[1], rnext[0]}));
      });
}

// PE write strobes: tap t = r * max_s + s of the buffer dbuf, from the bank that holds it.
void Wload::write_strobes() {
  std::vector<E> we_bits, sel_bits;
  for (int t = 0; t < T; ++t) {
    const int tr_c = t / p.max_s, ts_c = t % p.max_s;
    E hit_any = zeros(1);
    E sel = zeros(selw);
    for (int j = 0; j < Bw; ++j) {
      E hit = dtv[j] && eq(dr[j], uint64_t(tr_c)) && eq(ds[j], uint64_t(ts_c));
      hit_any = hit_any | hit;
      sel = mux(hit, lit(selw, uint64_t(j)), sel);
    }
    we_bits.push_back(m.wire(fmt::format("we{}", t), dv && hit_any));
    sel_bits.push_back(m.wire(fmt::format("sel{}", t), sel));
  }
  m.assign(w_we, cat(std::vector<E>(we_bits.rbegin(), we_bits.rend())));
  m.assign(w_sel, cat(std::vector<E>(sel_bits.rbegin(), sel_bits.rend())));
  m.assign(w_buf, dbuf);
}

// The banks: the host writes through the DMA port while idle; the loader reads. The loader
// runs ahead of the decoder by one channel, so after the run's last channel it reads a channel
// that is never used; when that reaches past the banks' depth the read is dropped (its data
// would be discarded anyway, and a real macro's behaviour there is undefined).
void Wload::banks() {
  E load_re = loading;
  if (p.weights.depth < (int64_t(1) << d.w_addr))
    load_re = m.wire("load_re", loading && addr < lit(d.w_addr, uint64_t(p.weights.depth)),
                     "reads stay inside the banks");
  std::vector<E> words;
  for (int j = 0; j < Bw; ++j) {
    const std::string n = fmt::format("bank{}", j);
    E rdata = m.wire(n + "_rdata", WW);
    E dsel = Bw == 1 ? dma_we : dma_we && eq(dma_bank, uint64_t(j));
    m.inst(macro, "u_" + n)
        .conn("clk", clk)
        .conn("ce", m.wire(n + "_ce", load_re || dsel))
        .conn("we", m.wire(n + "_we", dsel))
        .conn("addr", m.wire(n + "_addr", mux(dsel, dma_addr, addr)))
        .conn("wdata", dma_wdata)
        .conn("rdata", rdata);
    words.push_back(rdata);
  }
  m.assign(w_data, cat(std::vector<E>(words.rbegin(), words.rend())));
}

// The loader is busy for a few cycles per channel (3 of every 3,000 on a 56 x 56 layer): it
// runs on a gated clock, with an edge in every cycle where a register here may change: while
// it reads and a cycle after (the data stage), when a load starts, when the decoder releases a
// buffer, when a run starts, and when the host writes a bank. Every other input is sampled
// only under one of these, so each register sees the same values as with a free-running clock.
void Wload::clock_gating() {
  E en = m.wire("clk_en", run_start || start_load || loading || dv || rel || dma_we);
  m.inst(clock_gate, "u_cg")
      .conn("clk", clk_in)
      .conn("rst_n", rst_n)
      .conn("en", en)
      .conn("gclk", clk);
}

}  // namespace

const Module& build_wload(Elab& e, const Module& clock_gate) {
  Wload g(e, clock_gate);
  g.ports();
  g.registers();
  g.tap_positions();
  g.read_sequencer();
  g.data_stage();
  g.ready_flags();
  g.write_strobes();
  g.banks();
  g.clock_gating();
  return g.mod;
}

}  // namespace zasgen::rtl::arch
