#include "elab.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "zasgen/rtl/templates.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

Elab::Elab(Design& d, const ArchParams& params)
    : p(params), dims(params), regs(make_regmap(params)), d_(d) {}

Module& Elab::module(const std::string& suffix, std::vector<std::string> comment) {
  auto m = std::make_unique<Module>();
  m->name = name(suffix);
  m->comment = std::move(comment);
  Module& ref = *m;
  d_.modules.push_back(std::move(m));
  return ref;
}

const Module& Elab::sram(const SramGeometry& geometry) {
  // A memory of one word (a bias SRAM with a single K-group) is built as a two-word macro: the
  // smallest a memory compiler makes; its address is one bit either way.
  SramGeometry g = geometry;
  g.depth = std::max(g.depth, 2);
  const std::string name = g.module_name();
  if (const Module* m = d_.find(name)) return *m;
  if (g.width < 1) throw std::logic_error("SRAM of zero width: " + name);
  const bool one = g.kind == SramKind::OneRW;
  const int abits = g.addr_bits();
  auto m = std::make_unique<Module>();
  m->name = name;
  m->macro = g;
  ModuleBuilder b(*m);
  b.input("clk");
  if (one) {
    b.input("ce");
    b.input("we");
    b.input("addr", abits);
  } else {
    b.input("re");
    b.input("raddr", abits);
    b.input("we");
    b.input("waddr", abits);
  }
  b.input("wdata", g.width);
  b.output("rdata", g.width).ptr()->net->driver = Driver::Instance;
  m->verbatim = fill_template(template_text(one ? "sram_1rw" : "sram_1r1w"),
                              {{"MODULE", name},
                               {"DEPTH", std::to_string(g.depth)},
                               {"WIDTH", std::to_string(g.width)},
                               {"ADDR_MSB", std::to_string(abits - 1)},
                               {"DATA_MSB", std::to_string(g.width - 1)},
                               {"DEPTH_MSB", std::to_string(g.depth - 1)},
                               {"DEPTH_BITS", fmt::format("{}'d{}", abits + 1, g.depth)}});
  // Macros go first in the file list: they are leaves.
  d_.modules.insert(d_.modules.begin(), std::move(m));
  return *d_.find(name);
}

E counter(ModuleBuilder& m, const E& clk, const E& rst_n, const std::string& name, int width,
          const E& clr, const E& inc) {
  E q = m.reg_reset(name, width, 0);
  Body b = m.seq_reset(clk, rst_n);
  b.if_(
      clr, [&](Body& t) { t.set(q, zeros(width)); },
      [&](Body& e) { e.if_(inc, [&](Body& t) { t.set(q, add(q, 1)); }); });
  return q;
}

E popcount(ModuleBuilder& m, const std::string& name, const E& bits, int width) {
  const int n = bits.width();
  E sum = zeros(width);
  for (int i = 0; i < n; ++i) sum = sum + zext(bits.bit(i), width);
  return m.wire(name, sum);
}

E lowest_set(ModuleBuilder& m, const std::string& name, const E& bits) {
  const int n = bits.width();
  const int w = std::max(1, clog2(n));
  // Priority from the top down, so the lowest set bit wins.
  E idx = zeros(w);
  for (int i = n - 1; i >= 0; --i) idx = mux(bits.bit(i), lit(w, uint64_t(i)), idx);
  return m.wire(name, idx);
}

E fit(ModuleBuilder& m, const std::string& name, const E& e, int width) {
  if (e.width() == width) return e;
  if (e.width() < width) return zext(e, width);
  E w = e.is_net() ? e : m.wire(name + "_full", e);
  m.unused(w.bits(width, w.width() - width));
  return w.bits(0, width);
}

std::pair<E, E> divmod_const(ModuleBuilder& m, const std::string& name, const E& x, int k,
                             int64_t max_x, int quot_width) {
  const int xw = x.width();
  const int rw = std::max(1, clog2(k));
  if (k == 1) return {m.wire(name + "_q", fit(m, name + "_q", x, quot_width)), zeros(1)};
  const int kb = clog2(k);
  if ((1 << kb) == k) {
    E q = kb >= xw ? zeros(quot_width) : fit(m, name + "_q", x.bits(kb, xw - kb), quot_width);
    E r = kb >= xw ? zext(x, rw) : x.bits(0, kb);
    return {m.wire(name + "_q", q), m.wire(name + "_r", r)};
  }
  // q = (x * M) >> s with M = ceil(2^s / k): the smallest s that is exact on 0..max_x.
  for (int s = 1; s < 40; ++s) {
    const int64_t M = ((int64_t(1) << s) + k - 1) / k;
    bool exact = true;
    for (int64_t v = 0; v <= max_x && exact; ++v) exact = (v * M) >> s == v / k;
    if (!exact) continue;
    E prod = m.mul(name + "_prod", x, lit(clog2(M + 1), uint64_t(M)));
    prod.ptr()->net->comment = fmt::format(
        "x / {0} = (x * {1}) >> {2}: {1} = ceil(2^{2} / {0}), exact for x <= {3}", k, M, s, max_x);
    m.unused(prod.bits(0, s));
    E q = m.wire(name + "_q", fit(m, name + "_qf", prod.bits(s, prod.width() - s), quot_width),
                 fmt::format("x / {}", k));
    // r = x - q*k at x's width (exact, r < k).
    E qk = m.mul(name + "_qk", q, lit(clog2(k + 1), uint64_t(k)));
    E diff = m.wire(name + "_diff", x - fit(m, name + "_qkx", qk, xw));
    return {q, m.wire(name + "_r", fit(m, name + "_rf", diff, rw), fmt::format("x mod {}", k))};
  }
  throw std::logic_error("no reciprocal for division by " + std::to_string(k));
}

}  // namespace zasgen::rtl::arch
