// Re-encoder harness (<name>_encoder): runs of random channel blocks (random sizes and
// sparsity, all-zero rows, long zero runs, corner values) fed in raster order with random idle
// cycles (i_valid low, or i_valid high with en low: both carry garbage that must be ignored).
// Every entries and table write must be the model's encode_block of the blocks, back to back
// from address 0 of the run, word for word; the counts must match; a run given smaller limits
// (lim_e / lim_t) must write exactly the words that fit and raise o_overflow.
#include <algorithm>
#include <vector>

#include "Vdut.h"
#include "dut_cfg.h"
#include "harness_util.h"
#include "zasgen/model/formats.h"
#include "zasgen/rtl/dims.h"

namespace {

using zasgen::model::Rng;

// The writes of one memory in a run, as captured from the registered write port.
struct Written {
  std::vector<uint64_t> words;
};

void check_write(long cycle, const char* mem, Written& w, uint64_t addr, uint64_t data,
                 const std::vector<uint64_t>& expect, const std::vector<std::string>& where,
                 long run) {
  const size_t i = w.words.size();
  if (addr != i)
    zt::mismatch(cycle, "run {}: {} write #{} at address {} (expected address {})", run, mem, i,
                 addr, i);
  if (i >= expect.size())
    zt::mismatch(cycle, "run {}: {} write #{} (data {:#x}) beyond the {} words of the model", run,
                 mem, i, data, expect.size());
  if (data != expect[i])
    zt::mismatch(cycle, "run {}: {} word {} ({}): got {:#x}, expected {:#x}", run, mem, i, where[i],
                 data, expect[i]);
  w.words.push_back(data);
}

}  // namespace

int main(int argc, char** argv) {
  const zt::Args args = zt::parse_args(argc, argv);
  const zasgen::ArchParams p = zt::load_params(args.config);
  const zasgen::rtl::Dims d(p);
  const zasgen::model::FormatSpec spec = zasgen::model::FormatSpec::from(p);
  const bool has_table = p.format != zasgen::Format::Dense;
  const long runs = args.iters ? args.iters : 200;
  const uint64_t max_lim_e = std::min<uint64_t>(zt::mask(d.ent_count), uint64_t(p.act_out.depth));
  const uint64_t max_lim_t =
      std::min<uint64_t>(zt::mask(d.tab_count), uint64_t(std::max(1, p.act_out_table.depth)));

  zt::Sim<Vdut> sim(args);
  Rng rng(args.seed);
  sim->rst_n = 0;
  sim->run_start = 0;
  sim->en = 0;
  sim->i_valid = 0;
  sim.settle();
  sim.edge();
  sim->rst_n = 1;

  long values = 0, total_entries = 0, total_table = 0, overflow_runs = 0;
  for (long run = 0; run < runs; ++run) {
    // ---- the run's channel blocks and what the model makes of them
    const int nch = int(rng.uniform_int(1, 6));
    std::vector<std::vector<int32_t>> blocks;
    std::vector<std::pair<int, int>> shapes;  // rows, w
    zasgen::model::Block expect;
    std::vector<std::string> e_where, t_where;  // block of each expected word, for messages
    const double fracs[] = {0.0, 0.5, 0.8, 0.95, 1.0};
    for (int c = 0; c < nch; ++c) {
      for (int attempt = 0;; ++attempt) {
        const int rows = int(rng.uniform_int(1, std::min(p.max_h, 6)));
        const int w = int(rng.uniform_int(1, p.max_w));
        const double zf = fracs[rng.uniform_int(0, 4)];
        std::vector<int32_t> v(size_t(rows) * size_t(w));
        for (int32_t& x : v)
          x = zt::chance(rng, zf) ? 0 : int32_t(zt::nonzero_value(rng, p.act_bits));
        if (zt::chance(rng, 0.2))  // a whole zero row
          std::fill_n(v.begin() + rng.uniform_int(0, rows - 1) * w, w, 0);
        zasgen::model::Block b;
        try {
          zasgen::model::encode_block_into(spec, v.data(), rows, w, b);
        } catch (const zasgen::model::FormatError&) {
          if (attempt > 100) zt::mismatch(0, "harness: no block fits the table words");
          continue;  // e.g. an rle count too large for table_bits: not a block the buffer holds
        }
        for (size_t i = 0; i < b.entries.size(); ++i)
          e_where.push_back(fmt::format("channel {} of the run, entry {}", c, i));
        for (size_t i = 0; i < b.table.size(); ++i)
          t_where.push_back(fmt::format("channel {} of the run, table word {}", c, i));
        expect.entries.insert(expect.entries.end(), b.entries.begin(), b.entries.end());
        expect.table.insert(expect.table.end(), b.table.begin(), b.table.end());
        blocks.push_back(std::move(v));
        shapes.push_back({rows, w});
        break;
      }
    }
    // Limits: usually the whole bank; sometimes fewer words than the run needs.
    uint64_t lim_e = max_lim_e, lim_t = max_lim_t;
    if (zt::chance(rng, 0.2) && !expect.entries.empty())
      lim_e = uint64_t(rng.uniform_int(0, int64_t(expect.entries.size()) - 1));
    if (has_table && zt::chance(rng, 0.2) && !expect.table.empty())
      lim_t = uint64_t(rng.uniform_int(0, int64_t(expect.table.size()) - 1));
    const size_t fit_e = std::min<size_t>(expect.entries.size(), size_t(lim_e));
    const size_t fit_t = has_table ? std::min<size_t>(expect.table.size(), size_t(lim_t)) : 0;
    const bool should_overflow =
        fit_e < expect.entries.size() || (has_table && fit_t < expect.table.size());
    if (args.inject_error && run == 1 && !expect.entries.empty()) expect.entries[0] ^= 1;

    // ---- drive the run
    Written we, wt;
    bool overflow = false;
    auto cycle = [&]() {
      sim.settle();
      sim.edge();
      // Registered writes: visible after the edge that follows the value.
      if (sim->o_ewe)
        check_write(sim.cycle(), "entries", we, sim->o_eaddr,
                    zt::get(sim->o_edata, 0, p.entry_bits), expect.entries, e_where, run);
#if DUT_HAS_TABLE
      if (sim->o_twe)
        check_write(sim.cycle(), "table", wt, sim->o_taddr, zt::get(sim->o_tdata, 0, p.table_bits),
                    expect.table, t_where, run);
#endif
      overflow |= bool(sim->o_overflow);
    };
    zt::put(sim->lim_e, 0, d.ent_count, lim_e);
#if DUT_HAS_TABLE
    zt::put(sim->lim_t, 0, d.tab_count, lim_t);
#endif
    sim->run_start = 1;
    sim->i_valid = 0;
    cycle();
    sim->run_start = 0;
    const double idle_p = zt::chance(rng, 0.3) ? 0.0 : 0.3;
    for (size_t c = 0; c < blocks.size(); ++c) {
      const int rows = shapes[c].first, w = shapes[c].second;
      for (int y = 0; y < rows; ++y)
        for (int x = 0; x < w; ++x) {
          while (zt::chance(rng, idle_p)) {  // an idle cycle with garbage on the inputs
            const bool valid_without_en = zt::chance(rng, 0.5);
            sim->i_valid = valid_without_en;
            sim->en = !valid_without_en;
            zt::put(sim->i_val, 0, p.act_bits, rng.next());
            sim->i_row_last = rng.uniform_int(0, 1);
            sim->i_ch_last = rng.uniform_int(0, 1);
            cycle();
          }
          sim->i_valid = 1;
          sim->en = 1;
          zt::put(sim->i_val, 0, p.act_bits,
                  uint64_t(blocks[c][size_t(y) * size_t(w) + size_t(x)]));
          sim->i_row_last = x == w - 1;
          sim->i_ch_last = x == w - 1 && y == rows - 1;
          cycle();
          ++values;
        }
    }
    sim->i_valid = 0;
    for (int i = 0; i < 3; ++i) cycle();  // the last registered writes

    // ---- the run's totals
    if (we.words.size() != fit_e)
      zt::mismatch(sim.cycle(), "run {}: {} entries written, expected {} (model {}, lim_e {})", run,
                   we.words.size(), fit_e, expect.entries.size(), lim_e);
    if (zt::get(sim->o_ecount, 0, d.ent_count) != fit_e)
      zt::mismatch(sim.cycle(), "run {}: o_ecount {}, expected {}", run,
                   zt::get(sim->o_ecount, 0, d.ent_count), fit_e);
#if DUT_HAS_TABLE
    if (wt.words.size() != fit_t)
      zt::mismatch(sim.cycle(), "run {}: {} table words written, expected {} (model {}, lim_t {})",
                   run, wt.words.size(), fit_t, expect.table.size(), lim_t);
    if (zt::get(sim->o_tcount, 0, d.tab_count) != fit_t)
      zt::mismatch(sim.cycle(), "run {}: o_tcount {}, expected {}", run,
                   zt::get(sim->o_tcount, 0, d.tab_count), fit_t);
#endif
    if (overflow != should_overflow)
      zt::mismatch(sim.cycle(), "run {}: o_overflow {} but the run {} its limits", run, overflow,
                   should_overflow ? "exceeds" : "fits");
    total_entries += long(we.words.size());
    total_table += long(wt.words.size());
    overflow_runs += should_overflow;
  }
  zt::pass(fmt::format(
      "encoder ({}): {} runs, {} values, {} entries and {} table words checked, "
      "{} runs over their limits",
      zasgen::to_string(p.format), runs, values, total_entries, total_table, overflow_runs));
  return 0;
}
