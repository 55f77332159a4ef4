// Scatter + partial-sum harness (harness/scatter_psum_tb.v around <name>_scatter and
// <name>_psum). A sequence of random layers (kernel R x S up to the maximum, every supported
// stride, padding, odd map sizes, a few input channels, random sparsity including fully dense
// streams, which update one address back to back) is computed into alternating partial-sum
// sets, like a run of tiles:
//   - both sets are cleared first through the clear port (the SRAM models start random);
//   - each activation (value, y, x) of a band (the whole map, or a band of output rows in the
//     middle, with its yoff) goes through the scatter; its bank enables, addresses and taps are
//     checked against ARCH 4, and the harness feeds back the PEs' products one cycle later;
//   - while a layer computes, the previous layer's set is drained through the drain port at
//     random moments and cleared behind the drain;
//   - every drained word (every address of every bank, every PE) must equal
//     model::conv_accumulate at its output position, and zero where no output maps.
#include <algorithm>
#include <vector>

#include "Vdut.h"
#include "harness_util.h"
#include "zasgen/model/golden.h"
#include "zasgen/model/tensor.h"
#include "zasgen/rtl/dims.h"
#include "zasgen/util.h"

namespace {

using zasgen::model::Rng;

struct Layer {
  zasgen::model::LayerSpec spec;
  zasgen::model::Tensor3 act;
  zasgen::model::Tensor4 w;
  zasgen::model::AccTensor3 acc;  // whole map
  int oy0 = 0, ohb = 0;           // the band: output rows oy0 .. oy0 + ohb - 1
  int iy0 = 0, iy1 = 0;           // its input rows
  int yoff = 0, pitch = 0;
  int set = 0;
  bool dense_stream = false;
};

struct BankTarget {
  bool en = false;
  uint64_t addr = 0, tap = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const zt::Args args = zt::parse_args(argc, argv);
  const zasgen::ArchParams p = zt::load_params(args.config);
  const zasgen::rtl::Dims d(p);
  const int T = d.taps, P = d.pes, ACC = d.acc, PW = d.act + d.wgt, PA = d.p_addr, TI = d.tap_idx,
            MR = p.max_r, MS = p.max_s;
  const int depth = p.psum.depth;
  const long layers = args.iters ? args.iters : 40;

  zt::Sim<Vdut> sim(args);
  Rng rng(args.seed);

  // Quiet inputs and reset.
  sim->rst_n = 0;
  sim->i_valid = 0;
  sim->c_set = 0;
  sim->d_set = 0;
  zt::put(sim->d_en, 0, T, 0);
  zt::put(sim->d_sel, 0, d.d_pos * d.p_bank, 0);
  zt::put(sim->z_en, 0, T, 0);
  sim->z_mask = 0;
  sim.settle();
  sim.edge();
  sim->rst_n = 1;

  // Clear both sets, every address of every bank.
  for (int a = 0; a < depth; ++a) {
    sim->z_mask = 3;
    zt::put(sim->z_en, 0, T, zt::mask(T));
    for (int b = 0; b < T; ++b) zt::put(sim->z_addr, b * PA, PA, uint64_t(a));
    sim.settle();
    sim.edge();
  }
  sim->z_mask = 0;
  zt::put(sim->z_en, 0, T, 0);

  // ---- layer generation
  auto make_layer = [&](long index) {
    Layer L;
    zasgen::model::LayerSpec& s = L.spec;
    for (int attempt = 0;; ++attempt) {
      if (attempt > 10000) zt::mismatch(sim.cycle(), "harness: no layer fits");
      s.c = int(rng.uniform_int(1, std::min(p.max_c, 3)));
      s.k = P;
      s.r = int(rng.uniform_int(1, MR));
      s.s = int(rng.uniform_int(1, MS));
      s.stride = p.strides[size_t(rng.uniform_int(0, int64_t(p.strides.size()) - 1))];
      s.pad = int(rng.uniform_int(0, p.max_pad));
      s.h = int(rng.uniform_int(1, p.max_h));
      s.w = int(rng.uniform_int(1, p.max_w));
      s.pool = false;
      const int oh = s.out_h(), ow = s.out_w();
      if (oh < 1 || ow < 1 || oh > p.max_h || ow > p.max_w) continue;
      L.pitch = int(zasgen::ceil_div(ow, MS));
      const int max_rows = depth / L.pitch * MR;  // output rows the set holds
      if (max_rows < 1) continue;
      // The whole map when it fits (and half of the time), else a band of output rows.
      if (oh <= max_rows && zt::chance(rng, 0.5)) {
        L.oy0 = 0;
        L.ohb = oh;
      } else {
        L.oy0 = int(rng.uniform_int(0, oh - 1));
        L.ohb = int(rng.uniform_int(1, std::min(oh - L.oy0, max_rows)));
      }
      L.iy0 = std::max(0, L.oy0 * s.stride - s.pad);
      L.iy1 = std::min(s.h - 1, (L.oy0 + L.ohb - 1) * s.stride - s.pad + s.r - 1);
      L.yoff = L.iy0 + s.pad - L.oy0 * s.stride;
      if (L.iy1 < L.iy0 || L.yoff < 0 || L.yoff > p.max_pad) continue;
      break;
    }
    const double fracs[] = {0.0, 0.0, 0.5, 0.8, 0.95};
    const double zf = fracs[rng.uniform_int(0, 4)];
    L.dense_stream = zt::chance(rng, 0.25);
    L.act = zasgen::model::Tensor3(s.c, s.h, s.w);
    for (int32_t& v : L.act.values())
      v = zt::chance(rng, zf) ? 0 : int32_t(zt::nonzero_value(rng, p.act_bits));
    L.w = zasgen::model::Tensor4(s.k, s.c, s.r, s.s);
    for (int32_t& v : L.w.values()) v = int32_t(zt::signed_value(rng, p.weight_bits));
    L.acc = zasgen::model::conv_accumulate(L.act, L.w, s);
    L.set = int(index & 1);
    if (args.inject_error && index == 0) L.acc(0, L.oy0, 0) += 1;
    return L;
  };

  // Where ARCH 4 puts output (oy, ox) of a band (band-local oy).
  auto bank_of = [&](int oy, int ox) { return (oy % MR) * MS + (ox % MS); };
  auto addr_of = [&](const Layer& L, int oy, int ox) { return (oy / MR) * L.pitch + ox / MS; };

  // The scatter targets of activation (y, x) (band-local y), per bank.
  auto targets = [&](const Layer& L, int y, int x) {
    std::vector<BankTarget> t(static_cast<size_t>(T));
    for (int r = 0; r < L.spec.r; ++r)
      for (int s = 0; s < L.spec.s; ++s) {
        const int ny = y + L.yoff - r, nx = x + L.spec.pad - s, st = L.spec.stride;
        if (ny < 0 || nx < 0 || ny % st || nx % st) continue;
        const int oy = ny / st, ox = nx / st;
        if (oy >= L.ohb || ox >= L.spec.out_w()) continue;
        BankTarget& bt = t[size_t(bank_of(oy, ox))];
        if (bt.en) zt::mismatch(sim.cycle(), "harness: two taps of one activation in one bank");
        bt = {true, uint64_t(addr_of(L, oy, ox)), uint64_t(r * MS + s)};
      }
    return t;
  };

  long activations = 0, words_checked = 0;

  auto verify = [&](const Layer& L, const std::vector<std::vector<int64_t>>& got) {
    std::vector<std::vector<bool>> mapped(size_t(T), std::vector<bool>(size_t(depth), false));
    const int ow = L.spec.out_w();
    for (int oy = 0; oy < L.ohb; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        const int b = bank_of(oy, ox), a = addr_of(L, oy, ox);
        mapped[size_t(b)][size_t(a)] = true;
        for (int k = 0; k < P; ++k) {
          const int64_t e = L.acc(k, L.oy0 + oy, ox);
          const int64_t g = got[size_t(b)][size_t(a) * size_t(P) + size_t(k)];
          if (g != e)
            zt::mismatch(sim.cycle(),
                         "set {}: PE {} output (oy {}, ox {}) (band row {}; bank {}, address {}): "
                         "got {}, expected {} (layer {}, band rows {}..{})",
                         L.set, k, L.oy0 + oy, ox, oy, b, a, g, e, L.spec.to_string(), L.oy0,
                         L.oy0 + L.ohb - 1);
          ++words_checked;
        }
      }
    for (int b = 0; b < T; ++b)
      for (int a = 0; a < depth; ++a)
        for (int k = 0; k < P && !mapped[size_t(b)][size_t(a)]; ++k)
          if (got[size_t(b)][size_t(a) * size_t(P) + size_t(k)] != 0)
            zt::mismatch(sim.cycle(),
                         "set {}: bank {} address {} PE {} holds {} but no output "
                         "maps there (layer {})",
                         L.set, b, a, k, got[size_t(b)][size_t(a) * size_t(P) + size_t(k)],
                         L.spec.to_string());
  };

  // One layer computing (when `cur`) while `prev` drains; returns when both are done.
  auto run = [&](const Layer* cur, const Layer* prev) {
    // The activation stream of `cur`: channel by channel, raster order, non-zeros only unless
    // the layer streams densely.
    struct Tok {
      int c, y, x;
    };
    std::vector<Tok> stream;
    if (cur)
      for (int c = 0; c < cur->spec.c; ++c)
        for (int y = cur->iy0; y <= cur->iy1; ++y)
          for (int x = 0; x < cur->spec.w; ++x)
            if (cur->dense_stream || cur->act(c, y, x) != 0) stream.push_back({c, y - cur->iy0, x});
    const double idle_p = cur && !cur->dense_stream && zt::chance(rng, 0.5) ? 0.3 : 0.0;
    const double drain_p = zt::chance(rng, 0.5) ? 1.0 : 0.4;
    std::vector<std::vector<int64_t>> got(size_t(T),
                                          std::vector<int64_t>(size_t(depth) * size_t(P), 0));
    size_t next = 0;
    int drain_next = prev ? 0 : depth, clear = -1;
    std::vector<uint64_t> prod(size_t(P) * size_t(T), 0);  // products for stage A
    std::vector<bool> prod_valid(static_cast<size_t>(T), false);
    // The compute side owns one set, the drain and the clear the other.
    sim->c_set = cur ? cur->set : !prev->set;
    if (prev) sim->d_set = prev->set;
    for (long quiet = 0;;) {
      // Stage M: the next activation, or an idle cycle with garbage coordinates.
      const bool issue = next < stream.size() && !zt::chance(rng, idle_p);
      sim->i_valid = issue;
      if (cur) {
        zt::put(sim->r, 0, d.kr, uint64_t(cur->spec.r));
        zt::put(sim->s, 0, d.ks, uint64_t(cur->spec.s));
        sim->stride = cur->spec.stride == 1 ? 0 : cur->spec.stride == 2 ? 1 : 2;
        zt::put(sim->yoff, 0, d.pad, uint64_t(cur->yoff));
        zt::put(sim->pad, 0, d.pad, uint64_t(cur->spec.pad));
        zt::put(sim->oh, 0, d.cnt_h, uint64_t(cur->ohb));
        zt::put(sim->ow, 0, d.cnt_w, uint64_t(cur->spec.out_w()));
        zt::put(sim->pitch, 0, d.pitch, uint64_t(cur->pitch));
      }
      const Tok tok = issue ? stream[next]
                            : Tok{0, int(rng.uniform_int(0, p.max_h - 1)),
                                  int(rng.uniform_int(0, p.max_w - 1))};
      zt::put(sim->i_y, 0, d.idx_y, uint64_t(tok.y));
      zt::put(sim->i_x, 0, d.idx_x, uint64_t(tok.x));
      // Stage A: last cycle's products (garbage in banks without an update).
      for (int k = 0; k < P; ++k)
        for (int b = 0; b < T; ++b)
          zt::put(sim->a_prod, (k * T + b) * PW, PW,
                  prod_valid[size_t(b)] ? prod[size_t(k) * size_t(T) + size_t(b)] : rng.next());
      // Drain: read the next address of every bank; clear the one read last cycle.
      const bool dread = drain_next < depth && zt::chance(rng, drain_p);
      zt::put(sim->d_en, 0, T, dread ? zt::mask(T) : 0);
      zt::put(sim->z_en, 0, T, clear >= 0 ? zt::mask(T) : 0);
      sim->z_mask = clear >= 0 && prev ? uint8_t(1u << prev->set) : 0;
      for (int b = 0; b < T; ++b) {
        zt::put(sim->d_addr, b * PA, PA, uint64_t(dread ? drain_next : 0));
        zt::put(sim->z_addr, b * PA, PA, uint64_t(clear >= 0 ? clear : 0));
      }
      sim.settle();

      // The scatter's answer for this activation.
      std::fill(prod_valid.begin(), prod_valid.end(), false);
      if (issue) {
        const std::vector<BankTarget> t = targets(*cur, tok.y, tok.x);
        for (int b = 0; b < T; ++b) {
          const bool en = zt::get(sim->o_en, b, 1);
          const uint64_t addr = zt::get(sim->o_addr, b * PA, PA),
                         tap = zt::get(sim->o_tap, b * TI, TI);
          const BankTarget& e = t[size_t(b)];
          if (en != e.en || (en && (addr != e.addr || tap != e.tap)))
            zt::mismatch(
                sim.cycle(),
                "scatter, layer {} (band rows {}..{}, yoff {}): activation (y {}, x {}) of "
                "channel {}, bank {}: got en {} addr {} tap {}, expected en {} addr {} "
                "tap {}",
                cur->spec.to_string(), cur->oy0, cur->oy0 + cur->ohb - 1, cur->yoff, tok.y, tok.x,
                tok.c, b, en, addr, tap, e.en, e.addr, e.tap);
          if (!en) continue;
          // The PEs: the activation times each PE's weight at the bank's tap.
          const int r = int(tap) / MS, s = int(tap) % MS;
          const int64_t a = cur->act(tok.c, tok.y + cur->iy0, tok.x);
          for (int k = 0; k < P; ++k)
            prod[size_t(k) * size_t(T) + size_t(b)] = uint64_t(a * cur->w(k, tok.c, r, s));
          prod_valid[size_t(b)] = true;
        }
        ++next;
        ++activations;
      } else if (zt::get(sim->o_en, 0, T) != 0) {
        zt::mismatch(sim.cycle(), "scatter: bank enables {:#x} without i_valid",
                     zt::get(sim->o_en, 0, T));
      }
      sim.edge();

      // Drain data of the read issued before this edge.
      clear = -1;
      if (dread) {
        // The drain port gives d.d_pos banks' words at once, picked by d_sel: the banks'
        // read data holds, so every bank is picked in turn without a clock edge.
        for (int b0 = 0; b0 < T; b0 += d.d_pos) {
          for (int q = 0; q < d.d_pos; ++q)
            zt::put(sim->d_sel, q * d.p_bank, d.p_bank, uint64_t(std::min(b0 + q, T - 1)));
          sim.settle();
          for (int q = 0; q < d.d_pos && b0 + q < T; ++q)
            for (int k = 0; k < P; ++k)
              got[size_t(b0 + q)][size_t(drain_next) * size_t(P) + size_t(k)] =
                  zt::sext(zt::get(sim->d_word, (q * P + k) * ACC, ACC), ACC);
        }
        clear = drain_next;  // cleared behind the drain, next cycle
        ++drain_next;
      }
      const bool busy = sim->o_busy ||
                        std::any_of(prod_valid.begin(), prod_valid.end(), [](bool v) { return v; });
      if (next >= stream.size() && drain_next >= depth && clear < 0 && !busy) {
        if (++quiet > 2) break;
      } else {
        quiet = 0;
      }
      if (sim.cycle() > 100000000) zt::mismatch(sim.cycle(), "harness: runaway simulation");
    }
    if (prev) verify(*prev, got);
  };

  Layer prev;
  bool have_prev = false;
  for (long i = 0; i < layers; ++i) {
    Layer cur = make_layer(i);
    run(&cur, have_prev ? &prev : nullptr);
    prev = std::move(cur);
    have_prev = true;
  }
  if (have_prev) run(nullptr, &prev);
  zt::pass(
      fmt::format("scatter+psum: {} layers, {} activations, {} partial sums checked "
                  "({}x{} banks, {} PEs, depth {})",
                  layers, activations, words_checked, MR, MS, P, depth));
  return 0;
}
