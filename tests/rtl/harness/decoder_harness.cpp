// Decoder harness (<name>_decoder): random channels x rows x W maps (random sparsity, all-zero
// rows and channels, corner values) are encoded into bank images with the model
// (encode_image), served from C++ bank memories with the SRAM's one-cycle read latency
// (words outside the image are random, as in a real SRAM), and decoded by the RTL under random
// backpressure. The token stream must be exactly the model's: per channel of the lane's
// processing order (lane_channel_order), the non-zeros (every position in dense format) in
// raster order as (value, y, x), then the end of the channel; the buffer parity alternates per
// channel from run_start; a stalled token holds still. Each run has 1-3 tiles (start pulses)
// over the same buffer.
#include <algorithm>
#include <vector>

#include "Vdut.h"
#include "dut_cfg.h"
#include "harness_util.h"
#include "zasgen/model/bank_image.h"
#include "zasgen/model/formats.h"
#include "zasgen/model/tensor.h"

namespace {

using zasgen::model::Rng;

// One expected event of a tile: an activation, or the end of a channel.
struct Event {
  bool end = false;
  int64_t val = 0;
  int y = 0, x = 0;
  int chan = 0;  // channel (in the buffer) the event belongs to
  int seq = 0;   // position of that channel in the lane's order
};

std::string describe(const Event& e) {
  return e.end
             ? fmt::format("end of channel {}", e.chan)
             : fmt::format("activation {} at (y {}, x {}) of channel {}", e.val, e.y, e.x, e.chan);
}

// One bank's entries and table SRAMs as the decoder sees them: the image, then random words.
struct BankMemory {
  std::vector<uint64_t> ent, tab;
};

uint64_t read_word(const std::vector<uint64_t>& mem, uint64_t addr, Rng& rng, int width) {
  return addr < mem.size() ? mem[size_t(addr)] : rng.next() & zt::mask(width);
}

// A random map: each row is all zeros with probability `zero_row`, otherwise each element is
// zero with probability `zero_frac`.
zasgen::model::Tensor3 random_map(Rng& rng, int c, int h, int w, int act_bits, double zero_frac,
                                  double zero_row) {
  zasgen::model::Tensor3 t(c, h, w);
  for (int ch = 0; ch < c; ++ch)
    for (int y = 0; y < h; ++y) {
      const bool empty = zt::chance(rng, zero_row);
      for (int x = 0; x < w; ++x)
        t(ch, y, x) =
            empty || zt::chance(rng, zero_frac) ? 0 : int32_t(zt::nonzero_value(rng, act_bits));
    }
  return t;
}

// The decoder's token register.
struct Token {
  bool act = false, last = false;
  int par = 0;
  int64_t val = 0;
  int y = 0, x = 0;
  bool operator==(const Token& o) const {
    return act == o.act && last == o.last && par == o.par && val == o.val && y == o.y && x == o.x;
  }
};

Token sample_token(const Vdut& dut, int act_bits) {
  Token t;
  t.act = dut.tok_act;
  t.last = dut.tok_last;
  t.par = dut.tok_par;
  t.val = zt::sext(zt::get(dut.tok_val, 0, act_bits), act_bits);
  t.y = int(dut.tok_y);
  t.x = int(dut.tok_x);
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const zt::Args args = zt::parse_args(argc, argv);
  const zasgen::ArchParams p = zt::load_params(args.config);
  const zasgen::model::FormatSpec spec = zasgen::model::FormatSpec::from(p);
  const bool dense = p.format == zasgen::Format::Dense;
  const long scenarios = args.iters ? args.iters : 300;

  zt::Sim<Vdut> sim(args);
  Rng rng(args.seed);
  Rng garbage = rng.fork(1);  // read data outside the images and of cycles without a read

  // Reset.
  sim->rst_n = 0;
  sim->run_start = 0;
  sim->start = 0;
  sim->tok_ready = 0;
  sim.settle();
  sim.edge();
  sim.edge();
  sim->rst_n = 1;

  uint64_t pend_ent = 0, pend_tab = 0;  // read data for the next cycle
  long tokens = 0, tiles = 0, stalls = 0;
  bool injected = false;

  for (long sc = 0; sc < scenarios; ++sc) {
    // ---- a buffer image that fits the banks
    zasgen::model::Tensor3 map;
    zasgen::model::BufferImage img;
    for (int attempt = 0;; ++attempt) {
      if (attempt > 1000) zt::mismatch(sim.cycle(), "harness: no image fits the banks");
      const bool small = zt::chance(rng, 0.5);
      const int c = int(rng.uniform_int(1, small ? std::min(p.max_c, p.pes + 1) : p.max_c));
      const int h = int(rng.uniform_int(1, small ? std::min(p.max_h, 4) : p.max_h));
      const int w = int(rng.uniform_int(1, p.max_w));
      const double fracs[] = {0.0, 0.3, 0.6, 0.9, 0.97, 1.0};
      const double zf = fracs[rng.uniform_int(0, 5)];
      const double zr = zt::chance(rng, 0.3) ? 0.4 : 0.0;
      map = random_map(rng, c, h, w, p.act_bits, zf, zr);
      try {
        img = zasgen::model::encode_image(spec, map, p.pes);
      } catch (const zasgen::model::FormatError&) {
        continue;  // a block too large for a table word (rle counts): the buffer cannot hold it
      }
      if (img.max_bank_entries() <= size_t(p.act_in.depth) &&
          (dense || img.max_bank_table() <= size_t(p.act_in_table.depth)))
        break;
    }
    const int c_run = map.channels(), rows = map.height(), wid = map.width();
    std::vector<BankMemory> mem(size_t(p.pes));
    for (int b = 0; b < p.pes; ++b) {
      mem[size_t(b)].ent = img.banks[size_t(b)].entries;
      mem[size_t(b)].ent.resize(size_t(p.act_in.depth));
      for (size_t a = img.banks[size_t(b)].entries.size(); a < mem[size_t(b)].ent.size(); ++a)
        mem[size_t(b)].ent[a] = garbage.next() & zt::mask(p.entry_bits);
      if (!dense) {
        mem[size_t(b)].tab = img.banks[size_t(b)].table;
        mem[size_t(b)].tab.resize(size_t(p.act_in_table.depth));
        for (size_t a = img.banks[size_t(b)].table.size(); a < mem[size_t(b)].tab.size(); ++a)
          mem[size_t(b)].tab[a] = garbage.next() & zt::mask(p.table_bits);
      }
    }

    // ---- the expected events of one tile of lane `lane`
    const int lane = int(rng.uniform_int(0, p.lanes - 1));
    std::vector<Event> expect;
    const std::vector<int> order = zasgen::model::lane_channel_order(c_run, p.pes, p.lanes, lane);
    for (size_t j = 0; j < order.size(); ++j) {
      const int c = order[j];
      for (int y = 0; y < rows; ++y)
        for (int x = 0; x < wid; ++x)
          if (dense || map(c, y, x) != 0) expect.push_back({false, map(c, y, x), y, x, c, int(j)});
      expect.push_back({true, 0, 0, 0, c, int(j)});
    }
    const double readys[] = {1.0, 0.85, 0.5, 0.15};
    const double ready_p = readys[rng.uniform_int(0, 3)];

    // ---- one run: run_start, then 1..3 tiles
    sim->lane_id = lane;
    sim->c_run = c_run;
    sim->rows = rows;
    sim->wid = wid;
    sim->run_start = 1;
    sim.settle();
    sim.edge();
    sim->run_start = 0;
    int run_channels = 0;  // channels finished since run_start: the buffer parity
    const int ntiles = int(rng.uniform_int(1, 3));
    for (int tile = 0; tile < ntiles; ++tile, ++tiles) {
      for (int i = int(rng.uniform_int(0, 3)); i > 0; --i) {
        sim.settle();
        sim.edge();
      }
      if (args.inject_error && !injected && sc >= 1) {
        for (Event& e : expect)
          if (!e.end) {
            e.val += 1;  // the harness must now report a mismatch
            injected = true;
            break;
          }
      }
      size_t next = 0;
      long idle = 0, after = 0;
      bool held = false;  // a token was offered and not taken last cycle
      Token held_tok;
      sim->start = 1;
      for (;;) {
        // Drive this cycle's inputs: read data of last cycle's reads, backpressure.
        sim->i_ent_rdata = decltype(sim->i_ent_rdata)(pend_ent);
#if DUT_HAS_TABLE
        sim->i_tab_rdata = decltype(sim->i_tab_rdata)(pend_tab);
#else
        (void)pend_tab;  // dense: no position table
#endif
        const bool ready = zt::chance(rng, ready_p);
        sim->tok_ready = ready;
        sim.settle();

        // Sample the outputs before the edge.
        const bool valid = sim->tok_valid;
        const Token tok = sample_token(sim.dut(), p.act_bits);
        if (held && (!valid || !(tok == held_tok)))
          zt::mismatch(sim.cycle(), "tile {}: a stalled token changed or vanished", tiles);
        const bool ent_re = sim->o_ent_re;
        const uint64_t bank = sim->o_bank, ent_addr = sim->o_ent_addr;
#if DUT_HAS_TABLE
        const bool tab_re = sim->o_tab_re;
        const uint64_t tab_addr = sim->o_tab_addr;
#else
        const bool tab_re = false;
        const uint64_t tab_addr = 0;
#endif
        const bool active = sim->o_active;
        sim.edge();
        sim->start = 0;

        // The memories answer one cycle later (random data when nothing was read).
        if (bank >= uint64_t(p.pes))
          zt::mismatch(sim.cycle(), "o_bank {} is not a bank (pes {})", bank, p.pes);
        pend_ent = ent_re ? read_word(mem[size_t(bank)].ent, ent_addr, garbage, p.entry_bits)
                          : garbage.next() & zt::mask(p.entry_bits);
        pend_tab = tab_re ? read_word(mem[size_t(bank)].tab, tab_addr, garbage, p.table_bits)
                          : garbage.next() & zt::mask(std::max(1, p.table_bits));
        if ((ent_re || tab_re) && int(bank) % p.lanes != lane)
          zt::mismatch(sim.cycle(), "lane {} addresses bank {}, which belongs to lane {}", lane,
                       bank, int(bank) % p.lanes);

        held = valid && !ready;
        held_tok = tok;
        stalls += held;
        if (valid && ready) {
          ++tokens;
          idle = 0;
          const bool act = tok.act, last = tok.last;
          const int64_t val = tok.val;
          const int y = tok.y, x = tok.x;
          if (!act && !last)
            zt::mismatch(sim.cycle(), "tile {}: token with neither an activation nor an end",
                         tiles);
          if (next >= expect.size())
            zt::mismatch(sim.cycle(), "tile {} (lane {}): token after the last channel ended",
                         tiles, lane);
          if (tok.par != (run_channels & 1))
            zt::mismatch(sim.cycle(), "tile {}: tok_par {} for channel #{} of the run", tiles,
                         tok.par, run_channels);
          if (act) {
            const Event& e = expect[next];
            if (e.end || e.val != val || e.y != y || e.x != x)
              zt::mismatch(sim.cycle(),
                           "tile {} (lane {}, {} channels, {}x{}), event {}: expected {}, got "
                           "activation {} at (y {}, x {})",
                           tiles, lane, c_run, rows, wid, next, describe(e), val, y, x);
            ++next;
          }
          if (last) {
            if (next >= expect.size() || !expect[next].end)
              zt::mismatch(sim.cycle(),
                           "tile {} (lane {}), event {}: expected {}, got the end of "
                           "a channel",
                           tiles, lane, next,
                           next < expect.size() ? describe(expect[next]) : "nothing");
            ++next;
            ++run_channels;
          }
        } else if (++idle > 2000) {
          zt::mismatch(sim.cycle(), "tile {} (lane {}): {} for 2000 cycles after event {} of {}",
                       tiles, lane, next < expect.size() ? "no token" : "still active", next,
                       expect.size());
        }
        // Done when every event came out, the decoder went idle, and a few quiet cycles passed.
        if (next == expect.size() && !active && !valid && ++after > 8) break;
      }
    }
  }
  zt::pass(fmt::format("decoder ({}): {} runs, {} tiles, {} tokens, {} stalled cycles, {} cycles",
                       zasgen::to_string(p.format), scenarios, tiles, tokens, stalls, sim.cycle()));
  return 0;
}
