// The weight loader of one lane (ARCH 4, 5): the lane's weight SRAM banks and the logic that
// fills the PEs' idle weight buffer with the next channel's taps while the current channel
// streams. Channels are stored in processing order, so the loader just walks the SRAM: each
// channel is RUN_WROWS rows, row k bank j holding tap k*banks + j of the R x S kernel (runtime
// R, S), every PE's weight side by side.
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

const Module& build_wload(Elab& e) {
  const Dims& d = e.dims;
  const ArchParams& p = e.p;
  const int T = d.taps, P = d.pes, Bw = p.weights.banks;
  const int selw = std::max(1, clog2(Bw));
  const int WW = P * d.wgt;
  const Module& macro = e.sram({SramKind::OneRW, p.weights.depth, WW});
  Module& mod = e.module(
      "wload",
      {fmt::format("Weight loader: {} banks of {}; loads {} taps per cycle into the PEs' idle "
                   "weight buffer.",
                   Bw, macro.name, Bw)});
  ModuleBuilder m(mod);
  E clk = m.input("clk");
  E rst_n = m.input("rst_n");
  E run_start = m.input("run_start");
  E run_busy = m.input("run_busy");
  E kr = m.input("r", d.kr);
  E ks = m.input("s", d.ks);
  E wrows = m.input("wrows", d.wrows);
  E rel = m.input("rel", 1);
  E rel_par = m.input("rel_par", 1);
  E o_ready = m.output("o_ready", 2);
  E w_we = m.output("w_we", T);
  E w_buf = m.output("w_buf");
  E w_sel = m.output("w_sel", T * selw);
  E w_data = m.output("w_data", Bw * WW);
  E dma_we = m.input("dma_we");
  E dma_bank = m.input("dma_bank", selw);
  E dma_addr = m.input("dma_addr", d.w_addr);
  E dma_wdata = m.input("dma_wdata", WW);
  if (Bw == 1) m.unused(dma_bank);

  E ready = m.reg_reset("ready", 2, 0);
  E loading = m.reg_reset("loading", 1, 0);
  E lbuf = m.reg_reset("lbuf", 1, 0);          // buffer being loaded
  E next_par = m.reg_reset("next_par", 1, 0);  // buffer the next channel goes to
  E row = m.reg_reset("row", d.wrows, 0);      // row of the channel being read
  E addr = m.reg_reset("addr", d.w_addr, 0);
  E r0 = m.reg_reset("r0", d.kr, 0);  // tap of bank 0 in the row being read
  E s0 = m.reg_reset("s0", d.ks, 0);
  m.assign(o_ready, ready);

  // Tap positions of the Bw banks of the row being read: consecutive taps in R x S order.
  std::vector<E> tr, ts, tv;
  {
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
    // rr/ss now hold the first tap of the next row.
    E start_load =
        m.wire("start_load", run_busy && !loading && !(mux(next_par, ready.bit(1), ready.bit(0))));
    E issue = m.wire("issue", loading);
    E last_row = m.wire("last_row", add(row, 1) == wrows);
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
                  v.set(r0, rr);
                  v.set(s0, ss);
                  v.if_(last_row, [&](Body& x) {
                    x.set(loading, zeros(1));
                    x.set(next_par, !next_par);
                  });
                });
              });
        });
    // Data stage: one cycle after the read.
    E dv = m.reg_reset("dv", 1, 0);
    E dlast = m.reg_reset("dlast", 1, 0);
    E dbuf = m.reg_reset("dbuf", 1, 0);
    std::vector<E> dr, ds, dtv;
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
    {
      Body s = m.seq(clk);
      for (int j = 0; j < Bw; ++j) {
        s.set(dr[j], tr[j]);
        s.set(ds[j], ts[j]);
      }
    }
    // ready[b]: set when the last row of a channel lands, cleared when the decoder releases it.
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

    // PE write strobes: tap t = r * max_s + s of the buffer dbuf.
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
  return mod;
}

}  // namespace zasgen::rtl::arch
