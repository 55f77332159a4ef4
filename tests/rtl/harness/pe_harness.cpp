// PE harness (<name>_pe): random weight loads into both weight buffers through random bank
// selects, random activations, tap selects and buffer choices; every registered product is
// compared with the signed multiplication of the model (ARCH 2: a * w exact in
// act_bits + weight_bits bits).
#include <algorithm>
#include <vector>

#include "Vdut.h"
#include "harness_util.h"
#include "zasgen/rtl/dims.h"
#include "zasgen/util.h"

namespace {

// What the PE holds, as the model sees it.
struct PeModel {
  std::vector<int64_t> w[2];     // weight registers per buffer and tap
  std::vector<bool> w_known[2];  // written since reset (registers start random)
  std::vector<int64_t> prod;     // registered product per partial-sum bank
  std::vector<bool> prod_known;
};

}  // namespace

int main(int argc, char** argv) {
  const zt::Args args = zt::parse_args(argc, argv);
  const zasgen::ArchParams p = zt::load_params(args.config);
  const zasgen::rtl::Dims d(p);
  const int T = d.taps, A = d.act, W = d.wgt, PW = A + W, TI = d.tap_idx;
  const int Bw = p.weights.banks, selw = std::max(1, zasgen::clog2(Bw));
  const long cycles = args.iters ? args.iters : 20000;

  zt::Sim<Vdut> sim(args);
  zasgen::model::Rng rng(args.seed);
  PeModel m;
  for (int b = 0; b < 2; ++b) {
    m.w[b].assign(size_t(T), 0);
    m.w_known[b].assign(size_t(T), false);
  }
  m.prod.assign(size_t(T), 0);
  m.prod_known.assign(size_t(T), false);

  long checked = 0;
  const long inject_at = cycles / 2;
  for (long cyc = 0; cyc < cycles; ++cyc) {
    // Phase 1 (2 cycles): load every tap of buffer 0, then buffer 1. Afterwards, random partial
    // loads (like the weight loader, which fills one buffer while the other is in use).
    const bool boot = cyc < 2;
    const int buf = boot ? int(cyc) : int(rng.uniform_int(0, 1));
    std::vector<int> we(static_cast<size_t>(T)), sel(static_cast<size_t>(T));
    std::vector<int64_t> bank_w(static_cast<size_t>(Bw));
    for (int t = 0; t < T; ++t) {
      we[size_t(t)] = boot ? 1 : zt::chance(rng, 0.3);
      sel[size_t(t)] = int(rng.uniform_int(0, Bw - 1));
    }
    for (int j = 0; j < Bw; ++j) bank_w[size_t(j)] = zt::signed_value(rng, W);
    const bool en = boot ? false : zt::chance(rng, 0.7);
    const int par = int(rng.uniform_int(0, 1));
    const int64_t act = zt::signed_value(rng, A);
    std::vector<int> tap(static_cast<size_t>(T));
    for (int b = 0; b < T; ++b) tap[size_t(b)] = int(rng.uniform_int(0, T - 1));

    for (int t = 0; t < T; ++t) {
      zt::put(sim->w_we, t, 1, uint64_t(we[size_t(t)]));
      zt::put(sim->w_sel, t * selw, selw, uint64_t(sel[size_t(t)]));
      zt::put(sim->i_tap, t * TI, TI, uint64_t(tap[size_t(t)]));
    }
    for (int j = 0; j < Bw; ++j) zt::put(sim->w_data, j * W, W, uint64_t(bank_w[size_t(j)]));
    sim->w_buf = buf;
    sim->i_en = en;
    sim->i_par = par;
    zt::put(sim->i_act, 0, A, uint64_t(act));
    sim.settle();
    sim.edge();

    // The model at the same edge: products use the weights from before the edge.
    if (en) {
      for (int b = 0; b < T; ++b) {
        const size_t t = size_t(tap[size_t(b)]);
        m.prod[size_t(b)] = act * m.w[par][t];
        m.prod_known[size_t(b)] = m.w_known[par][t];
      }
    }
    for (int t = 0; t < T; ++t) {
      if (!we[size_t(t)]) continue;
      m.w[buf][size_t(t)] = bank_w[size_t(sel[size_t(t)])];
      m.w_known[buf][size_t(t)] = true;
    }
    if (args.inject_error && cyc == inject_at) m.prod[0] += 1;

    for (int b = 0; b < T; ++b) {
      if (!m.prod_known[size_t(b)]) continue;
      const int64_t got = zt::sext(zt::get(sim->o_prod, b * PW, PW), PW);
      if (got != m.prod[size_t(b)])
        zt::mismatch(sim.cycle(), "bank {} (tap {}, buffer {}, act {}): o_prod {} expected {}", b,
                     tap[size_t(b)], par, act, got, m.prod[size_t(b)]);
      ++checked;
    }
  }
  zt::pass(fmt::format("pe: {} cycles, {} products checked (T={}, {}x{} bits, {} weight banks)",
                       cycles, checked, T, A, W, Bw));
  return 0;
}
