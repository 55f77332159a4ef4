// The sparse re-encoder of one output channel (ARCH 3): takes the output stage's values in
// raster order and writes them to its output bank in the buffer format, entries and position
// table, appending after what the run wrote before. Writes are registered.
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

namespace {

Module& encoder_module(Elab& e) {
  return e.module("encoder",
                  {fmt::format("Sparse re-encoder: {} format (index_bits {}), one output bank.",
                               to_string(e.p.format), e.p.index_bits)});
}

// The encoder module, built in steps; the members are the nets the steps share.
struct Encoder {
  explicit Encoder(Elab& e)
      : d(e.dims),
        p(e.p),
        f(p.format),
        has_table(f != Format::Dense),
        A(d.act),
        IB(p.index_bits),
        EB(p.entry_bits),
        TB(p.table_bits),
        mod(encoder_module(e)),
        m(mod) {}

  void ports();
  void write_requests();
  void encode_dense();
  void encode_coord();
  void encode_rle();
  void encode_bitmap();
  void pointers();
  void write_data();

  const Dims& d;
  const ArchParams& p;
  const Format f;
  const bool has_table;
  const int A, IB, EB, TB;
  Module& mod;
  ModuleBuilder m;

  // ports; the write, count and overflow outputs are registers
  E clk, rst_n, run_start, en, i_valid, i_val, i_row_last, i_ch_last, lim_e;
  E o_ewe, o_eaddr, o_edata, o_ecount, lim_t, o_twe, o_taddr, o_tdata, o_tcount, o_overflow;
  // what to write this cycle, driven by the format's rules
  E v, nz, ewr, edata, twr, tdata;
  // the entry and table writes fit in the memory
  E e_ok, t_ok;
};

void Encoder::ports() {
  clk = m.input("clk");
  rst_n = m.input("rst_n");
  run_start = m.input("run_start");
  en = m.input("en");
  i_valid = m.input("i_valid");
  i_val = m.input("i_val", A);
  i_row_last = m.input("i_row_last");
  i_ch_last = m.input("i_ch_last");
  lim_e = m.input("lim_e", d.ent_count);
  o_ewe = m.output_reg("o_ewe", 1, 0);
  o_eaddr = m.output("o_eaddr", d.ent_addr);
  o_edata = m.output("o_edata", EB);
  o_ecount = m.output_reg("o_ecount", d.ent_count, 0);
  if (has_table) {
    lim_t = m.input("lim_t", d.tab_count);
    o_twe = m.output_reg("o_twe", 1, 0);
    o_taddr = m.output("o_taddr", d.tab_addr);
    o_tdata = m.output("o_tdata", TB);
    o_tcount = m.output_reg("o_tcount", d.tab_count, 0);
  }
  o_overflow = m.output_reg("o_overflow", 1, 0);
}

// What to write this cycle (comb), by the format's rules.
void Encoder::write_requests() {
  v = m.wire("v", i_valid && en);
  nz = f == Format::Dense ? E() : m.wire("nz", ne(i_val, 0));
  ewr = m.wire("ewr", 1);
  edata = m.wire("edata", EB);
  twr = has_table ? m.wire("twr", 1) : E();
  tdata = has_table ? m.wire("tdata", TB) : E();
  switch (f) {
    case Format::Dense:
      encode_dense();
      break;
    case Format::Coord:
      encode_coord();
      break;
    case Format::Rle:
      encode_rle();
      break;
    case Format::Bitmap:
      encode_bitmap();
      break;
  }
}

// Every value is an entry; no table.
void Encoder::encode_dense() {
  m.assign(ewr, v);
  m.assign(edata, i_val);
  m.unused(cat({i_row_last, i_ch_last, run_start}));
}

// A (column, value) entry per non-zero; per row a table word with the row's running count.
void Encoder::encode_coord() {
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
}

// A (zero run, value) entry per non-zero and per filler; per channel a table word with the
// entry count.
void Encoder::encode_rle() {
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
}

// A value entry per non-zero; a mask word per index_bits positions (and at the end of a row).
void Encoder::encode_bitmap() {
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

// Pointers (the counts, restarted by each run), overflow checks and the registered write
// enables.
void Encoder::pointers() {
  const E eptr = o_ecount;  // the entry count is the write pointer
  e_ok = m.wire("e_ok", eptr < lim_e);
  E ovf = ewr && !e_ok;
  const E tptr = o_tcount;
  if (has_table) {
    t_ok = m.wire("t_ok", tptr < lim_t);
    ovf = ovf || (twr && !t_ok);
  }
  Body b = m.seq_reset(clk, rst_n, "pointers");
  b.set(o_ewe, ewr && e_ok);
  b.set(o_overflow, ovf);
  b.if_(
      run_start, [&](Body& t) { t.set(eptr, zeros(d.ent_count)); },
      [&](Body& t) { t.if_(ewr && e_ok, [&](Body& u) { u.set(eptr, add(eptr, 1)); }); });
  if (has_table) {
    b.set(o_twe, twr && t_ok);
    b.if_(
        run_start, [&](Body& t) { t.set(tptr, zeros(d.tab_count)); },
        [&](Body& t) { t.if_(twr && t_ok, [&](Body& u) { u.set(tptr, add(tptr, 1)); }); });
  }
}

// The registered write addresses (the pointers) and data, loaded with a write request: they
// matter only beside their write enables, and hold (no toggling) in between.
void Encoder::write_data() {
  Body b = m.seq(clk);
  b.if_(ewr, [&](Body& t) {
    t.set(o_eaddr, fit(m, "eptr_a", o_ecount, d.ent_addr));
    t.set(o_edata, edata);
  });
  if (has_table)
    b.if_(twr, [&](Body& t) {
      t.set(o_taddr, fit(m, "tptr_a", o_tcount, d.tab_addr));
      t.set(o_tdata, tdata);
    });
}

}  // namespace

const Module& build_encoder(Elab& e) {
  Encoder g(e);
  g.ports();
  g.write_requests();
  g.pointers();
  g.write_data();
  return g.mod;
}

}  // namespace zasgen::rtl::arch
