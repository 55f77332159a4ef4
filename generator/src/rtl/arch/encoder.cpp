// The sparse re-encoder of one output channel (ARCH 3): takes the output stage's values in
// raster order and writes them to its output bank in the buffer format, entries and position
// table, appending after what the run wrote before. Writes are registered.
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

const Module& build_encoder(Elab& e) {
  const Dims& d = e.dims;
  const ArchParams& p = e.p;
  const Format f = p.format;
  const bool has_table = f != Format::Dense;
  const int A = d.act, IB = p.index_bits, EB = p.entry_bits, TB = p.table_bits;
  Module& mod = e.module(
      "encoder", {fmt::format("Sparse re-encoder: {} format (index_bits {}), one output bank.",
                              to_string(f), IB)});
  ModuleBuilder m(mod);
  E clk = m.input("clk");
  E rst_n = m.input("rst_n");
  E run_start = m.input("run_start");
  E en = m.input("en");
  E i_valid = m.input("i_valid");
  E i_val = m.input("i_val", A);
  E i_row_last = m.input("i_row_last");
  E i_ch_last = m.input("i_ch_last");
  E lim_e = m.input("lim_e", d.ent_count);
  E o_ewe = m.output_reg("o_ewe", 1, 0);
  E o_eaddr = m.output("o_eaddr", d.ent_addr);
  E o_edata = m.output("o_edata", EB);
  E o_ecount = m.output_reg("o_ecount", d.ent_count, 0);
  E lim_t, o_twe, o_taddr, o_tdata, o_tcount;
  if (has_table) {
    lim_t = m.input("lim_t", d.tab_count);
    o_twe = m.output_reg("o_twe", 1, 0);
    o_taddr = m.output("o_taddr", d.tab_addr);
    o_tdata = m.output("o_tdata", TB);
    o_tcount = m.output_reg("o_tcount", d.tab_count, 0);
  }
  E o_overflow = m.output_reg("o_overflow", 1, 0);

  E v = m.wire("v", i_valid && en);
  E nz = f == Format::Dense ? E() : m.wire("nz", ne(i_val, 0));
  // What to write this cycle (comb), per format.
  E ewr = m.wire("ewr", 1);
  E edata = m.wire("edata", EB);
  E twr = has_table ? m.wire("twr", 1) : E();
  E tdata = has_table ? m.wire("tdata", TB) : E();
  if (f == Format::Dense) {
    m.assign(ewr, v);
    m.assign(edata, i_val);
    m.unused(cat({i_row_last, i_ch_last, run_start}));
  } else if (f == Format::Coord) {
    E x = m.reg_reset("x", d.idx_x, 0);
    E rc = m.reg_reset("rc", TB, 0);
    E rc_next = m.wire("rc_next", rc + zext(nz, TB));
    m.assign(ewr, v && nz);
    m.assign(edata, cat({zext(x, IB), i_val}));
    m.assign(twr, v && i_row_last);
    m.assign(tdata, rc_next);
    m.unused(cat({i_ch_last, run_start}));
    Body s = m.seq_reset(clk, rst_n, "format state");
    s.if_(v, [&](Body& t) {
      t.if_(
          i_row_last,
          [&](Body& u) {
            u.set(x, zeros(d.idx_x));
            u.set(rc, zeros(TB));
          },
          [&](Body& u) {
            u.set(x, add(x, 1));
            u.set(rc, rc_next);
          });
    });
  } else if (f == Format::Rle) {
    E z = m.reg_reset("z", IB, 0);
    E n = m.reg_reset("n", TB, 0);
    E full = m.wire("full", z == ones(IB), "a run of 2^index_bits - 1 zeros: emit a filler");
    E w = m.wire("w", v && (nz || full));
    E n_next = m.wire("n_next", n + zext(w, TB));
    m.assign(ewr, w);
    m.assign(edata, cat({z, i_val}));
    m.assign(twr, v && i_ch_last);
    m.assign(tdata, n_next);
    m.unused(cat({i_row_last, run_start}));
    Body s = m.seq_reset(clk, rst_n, "format state");
    s.if_(v, [&](Body& t) {
      t.if_(
          i_ch_last,
          [&](Body& u) {
            u.set(z, zeros(IB));
            u.set(n, zeros(TB));
          },
          [&](Body& u) {
            u.set(z, mux(nz || full, zeros(IB), add(z, 1)));
            u.set(n, n_next);
          });
    });
  } else {  // Bitmap
    const int M = IB;
    const int jw = std::max(1, clog2(M));
    E j = m.reg_reset("j", jw, 0);
    E mask = m.reg_reset("mask", M, 0);
    E mask_next = m.wire("mask_next", mask | (zext(nz, M) << zext(j, std::max(jw, 1))));
    E word_end = m.wire("word_end", eq(j, uint64_t(M - 1)) || i_row_last);
    m.assign(ewr, v && nz);
    m.assign(edata, i_val);
    m.assign(twr, v && word_end);
    m.assign(tdata, mask_next);
    m.unused(cat({i_ch_last, run_start}));
    Body s = m.seq_reset(clk, rst_n, "format state");
    s.if_(v, [&](Body& t) {
      t.if_(
          word_end,
          [&](Body& u) {
            u.set(j, zeros(jw));
            u.set(mask, zeros(M));
          },
          [&](Body& u) {
            u.set(j, add(j, 1));
            u.set(mask, mask_next);
          });
    });
  }

  // Pointers, overflow checks and the registered writes.
  E eptr = o_ecount;  // the entry count is the write pointer
  E e_ok = m.wire("e_ok", eptr < lim_e);
  const E ewe_q = o_ewe, eaddr_q = o_eaddr, edata_q = o_edata;  // registered outputs
  E ovf = ewr && !e_ok;
  E tptr, t_ok, twe_q, taddr_q, tdata_q;
  if (has_table) {
    tptr = o_tcount;
    t_ok = m.wire("t_ok", tptr < lim_t);
    twe_q = o_twe;
    taddr_q = o_taddr;
    tdata_q = o_tdata;
    ovf = ovf || (twr && !t_ok);
  }
  E ovf_q = o_overflow;
  {
    Body b = m.seq_reset(clk, rst_n, "pointers");
    b.set(ewe_q, ewr && e_ok);
    b.set(ovf_q, ovf);
    b.if_(
        run_start, [&](Body& t) { t.set(eptr, zeros(d.ent_count)); },
        [&](Body& t) { t.if_(ewr && e_ok, [&](Body& u) { u.set(eptr, add(eptr, 1)); }); });
    if (has_table) {
      b.set(twe_q, twr && t_ok);
      b.if_(
          run_start, [&](Body& t) { t.set(tptr, zeros(d.tab_count)); },
          [&](Body& t) { t.if_(twr && t_ok, [&](Body& u) { u.set(tptr, add(tptr, 1)); }); });
    }
  }
  {
    Body b = m.seq(clk);
    b.set(eaddr_q, fit(m, "eptr_a", eptr, d.ent_addr));
    b.set(edata_q, edata);
    if (has_table) {
      b.set(taddr_q, fit(m, "tptr_a", tptr, d.tab_addr));
      b.set(tdata_q, tdata);
    }
  }
  return mod;
}

}  // namespace zasgen::rtl::arch
