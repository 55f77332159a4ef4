#include "zasgen/sim/cycle_model.h"

#include <algorithm>
#include <array>

#include "zasgen/model/bank_image.h"
#include "zasgen/model/workload.h"
#include "zasgen/util.h"

namespace zasgen::sim {

namespace {

// Pipeline constants of the RTL (see generator/src/rtl/arch): cycles from a tile's start pulse
// to the decoder's first token, from the last token's acceptance to the lane going idle, the
// bubbles of a bank switch, and the drain's pipeline tail.
constexpr int64_t kFirstEmit = 3;    // tile start -> first parser emission
constexpr int64_t kIdleAfter = 2;    // last acceptance -> lane idle (1 without an activation)
constexpr int64_t kBankSwitch = 2;   // refetch bubbles when the decoder moves to a new bank
constexpr int64_t kDrainTail = 5;    // drain start + positions -> drain free
constexpr int64_t kLoadLatency = 2;  // weight load start + rows -> buffer ready

// Decoder cycles of one channel block: tokens plus the format's bubbles, and its activations.
struct BlockCost {
  uint64_t cycles = 0, activations = 0;
  uint64_t first_emit = 0;  // cycles before the one that emits the channel's first token
  bool last_act = true;     // the channel's last token carries an activation
  std::vector<int> counts;  // coord: non-zeros per row (its timing needs the table FIFO)
};

struct Channel {
  const BlockCost* cost = nullptr;
  bool bank_end = false;  // the last channel of its bank (a bank switch follows, if any)
};

// The coord decoder's table FIFO (decoder.cpp): four words, one read issued a cycle while fewer
// than four are held or in flight, one cycle of read latency. Its state is all the parser's
// timing depends on besides the map: the parser takes two words at once only when it holds two.
constexpr int kTableDepth = 4;
struct TableFifo {
  int cnt = 1, inflight = 1;  // the state at the first emission after a flush

  void cycle(int pops) {
    const bool issue = cnt + inflight <= kTableDepth - 1;
    cnt += inflight - pops;
    inflight = issue;
  }
};

// When a channel's last token is emitted (the decoder moves on to the next bank from there)
// and when it is accepted (the next channel of the bank starts there).
struct ChannelEnd {
  int64_t emit = 0, accept = 0;
  bool act = true;  // the last token carries an activation
};

// One channel of coord format through the parser (decoder.cpp parse_coord), cycle by cycle,
// from the FIFO state at cycle `x`; the channel's first token waits in the token register until
// its weights are ready (accepted from cycle `ready` on) and stalls the parser meanwhile.
// Adds the parser's working cycles to `steps`.
ChannelEnd walk_coord(const std::vector<int>& counts, TableFifo& f, int64_t x, int64_t ready,
                      uint64_t& steps) {
  const int rows = int(counts.size());
  int y = 0, t = 0, left = 0;  // t: the table word at the FIFO's head
  bool mid = false, emitted = false;
  for (int64_t cyc = x;; ++cyc) {
    const bool ok = f.cnt >= 1, ok2 = f.cnt >= 2;
    if (!mid && !ok) {  // nothing to parse: a bubble
      f.cycle(0);
      ++steps;
      continue;
    }
    auto word = [&](int i) { return t + i < rows ? counts[size_t(t + i)] : -1; };
    const bool row_last = y + 1 == rows, row_last2 = y + 2 == rows;
    const bool lead = !mid && ok2 && word(0) == 0 && !row_last;
    const int cnt = mid ? left : word(lead ? 1 : 0);
    const bool ry_last = lead ? row_last2 : row_last;
    const int ry = y + lead;
    const bool done_row = cnt <= 1;
    const bool trail = cnt == 1 && !lead && !row_last && (mid ? ok : ok2) && word(mid ? 0 : 1) == 0;
    const bool ends = done_row && (ry_last || (trail && row_last2));
    const bool emit = cnt > 0 || ends;
    const int pops = !mid + lead + trail;
    t += pops;
    f.cycle(pops);
    ++steps;
    if (done_row) {
      mid = false;
      y = ry + 1 + trail;
    } else {
      mid = true;
      left = cnt - 1;
      y = ry;
    }
    const int64_t emitted_at = cyc;
    if (emit && !emitted) {  // the first token: held until its weights are ready
      emitted = true;
      for (const int64_t accept = std::max(cyc + 1, ready); cyc + 1 < accept; ++cyc) f.cycle(0);
    }
    if (ends) return {emitted_at, cyc + 1, cnt > 0};
  }
}

// The cost of a channel block in a format (see cycle_model.h). Coord blocks keep their row
// counts instead of cycles: their cycles depend on the table FIFO (walk_coord).
BlockCost block_cost(const model::FormatSpec& spec, const int32_t* v, int rows, int w) {
  BlockCost c;
  auto nz = [&](int y, int x) { return v[size_t(y) * w + x] != 0; };
  switch (spec.format) {
    case Format::Dense:
      c.cycles = uint64_t(rows) * w;
      c.activations = c.cycles;
      break;
    case Format::Coord:
      for (int y = 0; y < rows; ++y) {
        int n = 0;
        for (int x = 0; x < w; ++x) n += nz(y, x);
        c.counts.push_back(n);
        c.activations += uint64_t(n);
      }
      break;
    case Format::Bitmap: {
      const int m = spec.index_bits;
      for (int y = 0; y < rows; ++y)
        for (int x0 = 0; x0 < w; x0 += m) {
          uint64_t n = 0;
          for (int x = x0; x < std::min(w, x0 + m); ++x) n += nz(y, x);
          if (c.activations == 0 && n == 0) ++c.first_emit;  // an empty word, no token
          c.cycles += std::max<uint64_t>(n, 1);
          c.activations += n;
          c.last_act = n > 0;  // the channel ends with its last mask word
        }
      if (c.activations == 0) c.first_emit = c.cycles - 1;  // the last word ends the channel
      break;
    }
    case Format::Rle: {
      const model::Block b = model::encode_block(spec, v, rows, w);
      if (b.entries.empty()) {
        c.cycles = 1;
        c.last_act = false;
        break;
      }
      // Walk the entries as the decoder does: base = next column + run; a base of two rows or
      // more costs one extra cycle per two rows skipped.
      int64_t xp = 0;
      for (uint64_t e : b.entries) {
        int64_t base = xp + int64_t(model::entry_index(spec, e));
        const int64_t wraps = base / (2 * int64_t(w));
        base -= wraps * 2 * int64_t(w);
        const int64_t col = base < w ? base : base - w;
        const bool value = model::entry_value(spec, e) != 0;
        // A filler emits nothing (the last entry is a value); wraps come before the entry.
        if (c.activations == 0) c.first_emit += uint64_t(wraps) + (value ? 0 : 1);
        c.cycles += 1 + uint64_t(wraps);
        c.activations += value;
        xp = col + 1;
      }
      break;
    }
  }
  return c;
}

}  // namespace

CycleEstimate estimate_layer(const model::LayerSpec& l, const ArchParams& p,
                             const model::Tensor3& act, const Plan& plan, bool psum_dirty) {
  const model::FormatSpec spec = sizing_spec(p);
  const int P = p.pes, L = p.lanes;
  const int64_t wrows = plan.wrows;
  CycleEstimate est;
  bool dirty = psum_dirty;
  // Per-band, per-channel decoder costs (computed once per band and channel range).
  std::vector<std::vector<BlockCost>> cost(plan.bands.size());
  for (size_t b = 0; b < plan.bands.size(); ++b) {
    const Band& band = plan.bands[b];
    cost[b].resize(size_t(l.c));
    const model::Tensor3 in = band_input(act, band, 0, l.c);
    for (int c = 0; c < l.c; ++c)
      cost[b][size_t(c)] = block_cost(spec, in.channel(c), band.rows, band.cols);
  }
  // The drain of each last run's final tile is deferred to the next run (as the host driver
  // does); `held` is its number of drain positions, 0 when none is held.
  int64_t held = 0;
  for (size_t ri = 0; ri <= plan.runs.size(); ++ri) {
    if (ri == plan.runs.size()) {  // flush run: PREP, then the held drain
      if (held == 0) break;
      const int64_t done = std::max<int64_t>(1, 1 + held + kDrainTail);
      est.drain_exposed += uint64_t(held + kDrainTail);
      est.cycles += uint64_t(done + 1);
      break;
    }
    const Run& r = plan.runs[ri];
    const Band& band = plan.bands[size_t(r.band)];
    const int n = r.c1 - r.c0;
    const int64_t positions =
        l.pool ? ceil_div(band.oh, 2) * ceil_div(band.ow, 2) : int64_t(band.oh) * band.ow;
    // Channel sequences per lane (bank-major), the same for every tile of the run.
    std::vector<std::vector<Channel>> lanes(static_cast<size_t>(L));
    const std::vector<std::vector<int>> order = model::processing_order(n, P, L);
    for (int lane = 0; lane < L; ++lane) {
      const std::vector<int>& ord = order[size_t(lane)];
      for (size_t i = 0; i < ord.size(); ++i) {
        Channel ch;
        ch.cost = &cost[size_t(r.band)][size_t(r.c0 + ord[i])];
        ch.bank_end = i + 1 < ord.size() && ord[i + 1] % P != ord[i] % P;
        lanes[size_t(lane)].push_back(ch);
        est.activations += ch.cost->activations * uint64_t(r.groups);
      }
    }
    int64_t t = 0;  // PREP
    int64_t clear = 0;
    if (dirty) {
      clear = p.psum.depth + 1;
      dirty = false;
    }
    est.clear += uint64_t(clear);
    int64_t wait = 1 + clear;  // first WAIT cycle
    // Weight loader state per lane: when the next load may start, when each buffer frees.
    std::vector<int64_t> load_free(size_t(L), t + 1);
    std::vector<std::array<int64_t, 2>> buf_free(size_t(L), {t + 1, t + 1});
    std::vector<int64_t> lane_next(size_t(L), 0);  // sequence number of the next channel
    int64_t drain_free = 0;                        // the drain engine is free from this cycle
    int64_t set_free[2] = {0, 0};  // a partial-sum set is free (drained) from this cycle
    int cset = 0;
    if (held) {  // the previous run's deferred drain, on the set the first tile does not use
      drain_free = 1 + clear + held + kDrainTail;
      set_free[1] = drain_free;
      held = 0;
    }
    int64_t last_end = 0;
    for (int g = 0; g < r.groups; ++g) {
      const int64_t s = std::max(wait, set_free[cset]);  // go_tile
      int64_t tile_end = s + 1;
      for (int lane = 0; lane < L; ++lane) {
        const std::vector<Channel>& chans = lanes[size_t(lane)];
        if (chans.empty()) continue;
        int64_t x = s + kFirstEmit;  // next emission cycle
        TableFifo fifo;              // flushed at the tile's start
        for (const Channel& ch : chans) {
          const int64_t seq = lane_next[size_t(lane)]++;
          // The loader: starts when the previous load is done and this buffer is free.
          const int64_t start = std::max(load_free[size_t(lane)], buf_free[size_t(lane)][seq % 2]);
          load_free[size_t(lane)] = start + wrows + 1;
          // Its first token is accepted from `ready` on.
          const int64_t ready = start + wrows + kLoadLatency;
          uint64_t steps = 0;  // the decoder's working cycles
          ChannelEnd end;
          if (spec.format == Format::Coord) {
            end = walk_coord(ch.cost->counts, fifo, x, ready, steps);
          } else {
            // The cycles up to the first token, its wait for the weights, the rest.
            steps = ch.cost->cycles;
            const int64_t first = x + int64_t(ch.cost->first_emit);
            const int64_t rest = int64_t(steps - ch.cost->first_emit) - 1;
            end.accept = std::max(first + 1, ready) + rest;
            end.emit = rest == 0 ? first : end.accept - 1;
            end.act = ch.cost->last_act;
          }
          const int64_t last_accept = end.accept;
          est.decode_cycles += steps;
          est.weight_wait += uint64_t(last_accept - x) - steps;
          buf_free[size_t(lane)][seq % 2] = last_accept + 1;
          x = last_accept;
          if (ch.bank_end) {
            // The fetchers restart at the last emission, while that token may still wait for
            // its weights; the next bank's first token comes when both are done.
            const int64_t refilled = end.emit + 1 + kBankSwitch;
            x = std::max(refilled, last_accept);
            fifo = TableFifo();
            for (int64_t c = refilled; c < x; ++c) fifo.cycle(0);
          }
          est.bubbles += uint64_t(ch.bank_end ? kBankSwitch : 0);
          tile_end = std::max(tile_end, last_accept + kIdleAfter - (end.act ? 0 : 1));
        }
      }
      if (r.last) {
        if (g + 1 == r.groups) {
          held = positions;  // deferred
        } else {
          const int64_t d0 = std::max(tile_end, drain_free);
          drain_free = d0 + positions + kDrainTail;
          set_free[cset] = drain_free;
        }
        cset ^= 1;
      }
      wait = tile_end + 1;
      last_end = tile_end;
    }
    const int64_t done = std::max(r.groups ? last_end + 1 : int64_t(1), drain_free);
    est.drain_exposed += uint64_t(std::max<int64_t>(0, drain_free - (last_end + 1)));
    est.cycles += uint64_t(done + 1);
    ++est.runs;
  }
  est.bubbles += est.decode_cycles - est.activations;  // decoder cycles without an activation
  return est;
}

CycleEstimate estimate_layer(const model::LayerSpec& l, const ArchParams& p, double sparsity,
                             uint64_t seed) {
  const model::Tensor3 act =
      model::make_activations(l.c, l.h, l.w, sparsity, model::Pattern::Uniform, seed, p.act_bits);
  return estimate_layer(l, p, act, plan_layer(l, p, act), true);
}

}  // namespace zasgen::sim
