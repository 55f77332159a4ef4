// The scatter (ARCH 4, 5): for an activation at band-local input (y, x), which kernel tap feeds
// each partial-sum bank and at which address. Tap (r, s) updates output
// ((y + yoff - r) / stride, (x + pad - s) / stride) when both divide exactly and lie in the band;
// that output lives in bank (oy mod max_r, ox mod max_s) at (oy div max_r) * pitch + ox div max_s.
// Valid taps hit consecutive outputs, so at most one tap per bank: the update is conflict-free.
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

namespace {

struct Axis {
  std::vector<E> valid;  // per tap index along the axis
  std::vector<E> quot;   // output index div max
  std::vector<E> rem;    // output index mod max
};

// Along one axis: input position `pos` plus offset, minus tap k, divided by the stride.
Axis axis(ModuleBuilder& m, const std::string& nm, const E& pos, const E& off, const E& ksize,
          const E& stride, const E& limit, int kmax, int64_t max_out, int qwidth) {
  Axis a;
  const int w = std::max(pos.width(), off.width()) + 2;
  E u = m.wire(nm + "_u", zext(pos, w) + zext(off, w));
  for (int k = 0; k < kmax; ++k) {
    const std::string n = fmt::format("{}{}", nm, k);
    E diff = m.wire(n + "_d", sub(u, uint64_t(k)));
    E nonneg = ge(u, uint64_t(k));
    E exact = m.wire(n + "_x", eq(stride, 0) || (eq(stride, 1) && !diff.bit(0)) ||
                                   (eq(stride, 2) && eq(diff.bits(0, 2), 0)));
    E o = m.wire(n + "_o", mux(eq(stride, 0), diff, mux(eq(stride, 1), diff >> 1, diff >> 2)));
    E in_range = zext(o, std::max(w, limit.width())) < zext(limit, std::max(w, limit.width()));
    E tap_ok = lit(ksize.width(), uint64_t(k)) < ksize;
    a.valid.push_back(m.wire(n + "_v", nonneg && exact && in_range && tap_ok));
    auto [q, r] = divmod_const(m, n, o, kmax, max_out, qwidth);
    a.quot.push_back(q);
    a.rem.push_back(r);
  }
  return a;
}

// For bank index i along an axis: which tap (one-hot, at most one: valid taps hit consecutive
// outputs) is mapped there, whether any is, and its quotient. AND-OR rather than a priority chain
// of muxes: the hits are exclusive, and the tree is shallow.
struct BankSel {
  std::vector<E> hit;  // per tap index along the axis
  E valid, quot;
};

BankSel select(ModuleBuilder& m, const std::string& n, const Axis& a, int i) {
  const int kmax = int(a.valid.size());
  BankSel b;
  E v = zeros(1);
  E q = zeros(a.quot[0].width());
  for (int k = 0; k < kmax; ++k) {
    E hit = kmax == 1 ? a.valid[k] : a.valid[k] && eq(a.rem[k], uint64_t(i));
    b.hit.push_back(m.wire(fmt::format("{}_h{}", n, k), hit));
    v = v | b.hit.back();
    q = q | (rep(q.width(), b.hit.back()) & a.quot[k]);
  }
  b.valid = m.wire(n + "_v", v);
  b.quot = m.wire(n + "_q", q);
  return b;
}

// The tap index r * max_s + s of the taps a row and a column select: an OR of constants, one
// per (row tap, column tap) pair, at most one of them hit.
E tap_index(const BankSel& row, const BankSel& col, int max_s, int width) {
  E t = zeros(width);
  for (size_t r = 0; r < row.hit.size(); ++r)
    for (size_t c = 0; c < col.hit.size(); ++c) {
      const uint64_t k = uint64_t(r) * uint64_t(max_s) + c;
      if (k != 0) t = t | (rep(width, row.hit[r] && col.hit[c]) & lit(width, k));
    }
  return t;
}

}  // namespace

const Module& build_scatter(Elab& e) {
  const Dims& d = e.dims;
  const ArchParams& p = e.p;
  const int T = d.taps;
  Module& mod = e.module(
      "scatter",
      {"Scatter: bank enables, addresses and tap selects for one activation (combinational).",
       fmt::format("{} x {} partial-sum banks, bank = (oy mod {}) * {} + (ox mod {}).", p.max_r,
                   p.max_s, p.max_r, p.max_s, p.max_s)});
  ModuleBuilder m(mod);
  E i_valid = m.input("i_valid");
  E i_y = m.input("i_y", d.idx_y);
  E i_x = m.input("i_x", d.idx_x);
  E r = m.input("r", d.kr);
  E s = m.input("s", d.ks);
  E stride = m.input("stride", d.stride);
  E yoff = m.input("yoff", d.pad);
  E pad = m.input("pad", d.pad);
  E oh = m.input("oh", d.cnt_h);
  E ow = m.input("ow", d.cnt_w);
  E pitch = m.input("pitch", d.pitch);
  E o_en = m.output("o_en", T);
  E o_addr = m.output("o_addr", T * d.p_addr);
  E o_tap = m.output("o_tap", T * d.tap_idx);

  Axis ay = axis(m, "ty", i_y, yoff, r, stride, oh, p.max_r, p.max_h + p.max_pad, d.pq);
  Axis ax = axis(m, "tx", i_x, pad, s, stride, ow, p.max_s, p.max_w + p.max_pad, d.pc);
  std::vector<BankSel> rows, cols;
  std::vector<E> rowbase;
  for (int i = 0; i < p.max_r; ++i) {
    rows.push_back(select(m, fmt::format("br{}", i), ay, i));
    rowbase.push_back(m.mul(fmt::format("br{}_base", i), rows[i].quot, pitch));
  }
  for (int j = 0; j < p.max_s; ++j) cols.push_back(select(m, fmt::format("bc{}", j), ax, j));

  std::vector<E> en, addr, tap;
  const int aw = rowbase[0].width() + 1;
  for (int i = 0; i < p.max_r; ++i) {
    for (int j = 0; j < p.max_s; ++j) {
      const std::string n = fmt::format("b{}_{}", i, j);
      en.push_back(i_valid && rows[i].valid && cols[j].valid);
      E a = m.wire(n + "_a", zext(rowbase[i], aw) + zext(cols[j].quot, aw));
      addr.push_back(fit(m, n + "_a", a, d.p_addr));
      tap.push_back(m.wire(n + "_t", tap_index(rows[i], cols[j], p.max_s, d.tap_idx)));
    }
  }
  m.assign(o_en, cat(std::vector<E>(en.rbegin(), en.rend())));
  m.assign(o_addr, cat(std::vector<E>(addr.rbegin(), addr.rend())));
  m.assign(o_tap, cat(std::vector<E>(tap.rbegin(), tap.rend())));
  return mod;
}

}  // namespace zasgen::rtl::arch
