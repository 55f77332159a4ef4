#include "zasgen/sim/scheduler.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "zasgen/model/workload.h"
#include "zasgen/util.h"

namespace zasgen::sim {

namespace {

struct Sizes {
  size_t entries = 0, table = 0;
};

// The input span [i0, i0 + n) of outputs [o0, o0 + on) along one axis, clipped to the map; at
// least one element, so the decoder has a block to walk even when the tile sees only padding
// (its products then fall outside the tile). `off` is the RUN_YOFF / RUN_PAD of the span.
struct Span {
  int i0 = 0, n = 1, off = 0;
  bool padding_only = false;
};

Span input_span(int o0, int on, int stride, int pad, int k, int size) {
  Span s;
  const int lo = o0 * stride - pad;
  const int hi = (o0 + on - 1) * stride - pad + k - 1;
  s.i0 = std::max(0, lo);
  s.n = std::max(1, std::min(size - 1, hi) - s.i0 + 1);
  s.off = s.i0 + pad - o0 * stride;
  s.padding_only = s.i0 > size - 1;
  return s;
}

Band make_band(const model::LayerSpec& l, int oy0, int oh, int ox0, int ow) {
  Band b;
  b.oy0 = oy0;
  b.oh = oh;
  b.ox0 = ox0;
  b.ow = ow;
  const Span y = input_span(oy0, oh, l.stride, l.pad, l.r, l.h);
  const Span x = input_span(ox0, ow, l.stride, l.pad, l.s, l.w);
  b.iy0 = y.i0;
  b.rows = y.n;
  b.yoff = y.off;
  b.ix0 = x.i0;
  b.cols = x.n;
  b.xoff = x.off;
  if (y.padding_only || x.padding_only) {  // only padding below or right of the map
    b.padding_only = true;
    b.iy0 = b.ix0 = 0;
    b.rows = b.cols = 1;
    b.yoff = b.xoff = 0;
  }
  return b;
}

// Worst-case (no zeros) output of one channel of a band, in entries and table words.
Sizes output_worst(const ArchParams& p, const model::LayerSpec& l, int oh, int ow) {
  const int rows = l.pool ? oh / 2 : oh;
  const int w = l.pool ? ow / 2 : ow;
  Sizes s;
  s.entries = size_t(rows) * size_t(w);
  switch (p.format) {
    case Format::Dense:
      s.table = 0;
      break;
    case Format::Coord:
      s.table = size_t(rows);
      break;
    case Format::Rle:
      s.table = 1;
      break;
    case Format::Bitmap:
      s.table = size_t(rows) * size_t(ceil_div(w, p.index_bits));
      break;
  }
  return s;
}

bool output_fits(const ArchParams& p, const Sizes& per_channel, int channels_per_bank) {
  return per_channel.entries * size_t(channels_per_bank) <= size_t(p.act_out.depth) &&
         per_channel.table * size_t(channels_per_bank) <=
             size_t(std::max(0, p.act_out_table.depth));
}

// The output rows or columns the tiles compute along an axis of `size`: 2x2 pooling drops the
// last of an odd size, so no tile computes it (a tile of that row or column alone would pool to
// nothing).
int computed(int size, bool pool) {
  return pool && size >= 2 ? size - size % 2 : size;
}

// Output rows [oy0, oy0 + oh) of each row band, at most `band_max` rows each (even heights
// with pooling).
std::vector<std::pair<int, int>> split_rows(const model::LayerSpec& l, int band_max) {
  const int oh_total = computed(l.out_h(), l.pool);
  int nb = int(ceil_div(oh_total, band_max));
  int b = 0;
  for (;; ++nb) {
    b = int(ceil_div(oh_total, nb));
    if (l.pool && b % 2 && b < oh_total) ++b;
    if (b <= band_max) break;
  }
  std::vector<std::pair<int, int>> rows;
  for (int oy0 = 0; oy0 < oh_total; oy0 += b) rows.push_back({oy0, std::min(b, oh_total - oy0)});
  // Rather than give a last band of padding only a row of zeros, move rows into it.
  auto padding_only = [&](std::pair<int, int> r) {
    return input_span(r.first, r.second, l.stride, l.pad, l.r, l.h).padding_only;
  };
  while (rows.size() > 1 && padding_only(rows.back())) {
    const int step = l.pool ? 2 : 1;
    std::pair<int, int>& prev = rows[rows.size() - 2];
    if (prev.second <= step) break;
    prev.second -= step;
    rows.back() = {rows.back().first - step, rows.back().second + step};
  }
  return rows;
}

// The tiles: column strips of `strip_w` output columns (the last takes the rest), each cut
// into row bands of at most `band_max` rows; strip by strip.
std::vector<Band> split_tiles(const model::LayerSpec& l, int band_max, int strip_w) {
  const std::vector<std::pair<int, int>> rows = split_rows(l, band_max);
  const int ow_total = computed(l.out_w(), l.pool);
  std::vector<Band> tiles;
  for (int ox0 = 0; ox0 < ow_total; ox0 += strip_w)
    for (const auto& [oy0, oh] : rows)
      tiles.push_back(make_band(l, oy0, oh, ox0, std::min(strip_w, ow_total - ox0)));
  return tiles;
}

}  // namespace

model::Tensor3 band_input(const model::Tensor3& act, const Band& b, int c0, int c1) {
  model::Tensor3 t(c1 - c0, b.rows, b.cols);
  for (int c = c0; c < c1; ++c)
    for (int y = 0; y < b.rows && !b.padding_only; ++y)
      std::copy_n(act.channel(c) + size_t(b.iy0 + y) * act.width() + size_t(b.ix0), b.cols,
                  t.channel(c - c0) + size_t(y) * b.cols);
  return t;
}

model::FormatSpec sizing_spec(const ArchParams& p) {
  int table = -1;  // the widest the format allows
  if (p.format == Format::Coord || p.format == Format::Rle) table = 32;
  return model::FormatSpec::make(p.format, p.act_bits, p.index_bits, table);
}

std::string Plan::describe() const {
  return fmt::format("{} tile(s) in {} column strip(s), {} run(s), up to {} input-channel chunk(s)",
                     bands.size(), strips, runs.size(), chunks_max);
}

namespace {

// The tallest output band of a strip `strip_w` columns wide that the partial sums and the
// output buffer hold (even with pooling); 0 when not even the smallest band fits.
int largest_band(const model::LayerSpec& l, const ArchParams& p, int pitch, int strip_w) {
  const int min_band = l.pool ? 2 : 1;
  int band_max = (p.psum.depth / pitch) * p.max_r;
  if (l.pool) band_max -= band_max % 2;
  band_max = std::min(band_max, l.out_h());
  while (band_max >= min_band && !output_fits(p, output_worst(p, l, band_max, strip_w), 1))
    band_max -= min_band;
  return band_max < min_band ? 0 : band_max;
}

// Greedy input-channel chunks [c0, c1) of one band: per bank, the channels' entries and table
// words must fit the input buffer; per lane, their weights (one K-group) the weight SRAM. Empty
// when a single channel does not fit.
std::vector<std::pair<int, int>> channel_chunks(const model::LayerSpec& l, const ArchParams& p,
                                                const model::Tensor3& act, const Band& b,
                                                int lane_channels_max) {
  const int P = p.pes, L = p.lanes;
  // Exact encoded size of every channel's block in this band.
  const model::FormatSpec spec = sizing_spec(p);
  std::vector<Sizes> sz(size_t(l.c));
  const model::Tensor3 in = band_input(act, b, 0, l.c);
  for (int c = 0; c < l.c; ++c) {
    const model::Block blk = model::encode_block(spec, in.channel(c), b.rows, b.cols);
    sz[size_t(c)] = {blk.entries.size(), blk.table.size()};
  }
  std::vector<std::pair<int, int>> chunks;
  for (int c0 = 0; c0 < l.c;) {
    std::vector<Sizes> bank(static_cast<size_t>(P));
    int c1 = c0;
    while (c1 < l.c) {
      const int local = c1 - c0;
      Sizes& s = bank[size_t(local % P)];
      const Sizes add = sz[size_t(c1)];
      const int lane_ch = local / L + 1;
      if (s.entries + add.entries > size_t(p.act_in.depth) ||
          s.table + add.table > size_t(std::max(0, p.act_in_table.depth)) ||
          lane_ch > lane_channels_max)
        break;
      s.entries += add.entries;
      s.table += add.table;
      ++c1;
    }
    if (c1 == c0) return {};
    chunks.push_back({c0, c1});
    c0 = c1;
  }
  return chunks;
}

// The runs of band `bi`. All its channels in one chunk: runs of as many K-groups as the
// weights, the biases and the output buffer take. Several chunks: one K-group a run, the
// chunks in turn, partial sums carried from the first chunk to the last.
void add_band_runs(Plan& plan, const model::LayerSpec& l, const ArchParams& p, int bi,
                   const std::vector<std::pair<int, int>>& chunks, int lane_channels_max) {
  const int P = p.pes, G = int(ceil_div(l.k, P));
  auto kvalid_of = [&](int g_last) { return std::min(P, l.k - g_last * P); };
  if (chunks.size() == 1) {
    const int lane_ch = int(ceil_div(l.c, p.lanes));
    int gpr = std::min({G, lane_channels_max / lane_ch, p.bias.depth});
    const Band& b = plan.bands[size_t(bi)];
    const Sizes out = output_worst(p, l, b.oh, b.ow);
    while (gpr > 1 && !output_fits(p, out, gpr)) --gpr;
    gpr = std::max(gpr, 1);
    for (int g0 = 0; g0 < G; g0 += gpr) {
      Run r;
      r.band = bi;
      r.c0 = 0;
      r.c1 = l.c;
      r.g0 = g0;
      r.groups = std::min(gpr, G - g0);
      r.kvalid = kvalid_of(g0 + r.groups - 1);
      plan.runs.push_back(r);
    }
    return;
  }
  for (int g = 0; g < G; ++g)
    for (size_t ci = 0; ci < chunks.size(); ++ci) {
      Run r;
      r.band = bi;
      r.c0 = chunks[ci].first;
      r.c1 = chunks[ci].second;
      r.g0 = g;
      r.groups = 1;
      r.kvalid = kvalid_of(g);
      r.first = ci == 0;
      r.last = ci + 1 == chunks.size();
      plan.runs.push_back(r);
    }
}

// What each run must reload: inputs when the band or channels change, weights when the
// channels or groups change (the first run loads both).
void mark_reloads(Plan& plan) {
  for (size_t i = 1; i < plan.runs.size(); ++i) {
    Run& r = plan.runs[i];
    const Run& q = plan.runs[i - 1];
    r.load_input = !(r.band == q.band && r.c0 == q.c0 && r.c1 == q.c1);
    r.load_weights = !(r.c0 == q.c0 && r.c1 == q.c1 && r.g0 == q.g0 && r.groups == q.groups);
  }
}

// Output columns of each of `n` column strips: the whole row for one; otherwise a multiple of
// max_s, so no bank word is left unused, and even with pooling (the drain pools column pairs).
int strip_width(const model::LayerSpec& l, const ArchParams& p, int n) {
  if (n <= 1) return l.out_w();
  const int unit = l.pool ? std::lcm(p.max_s, 2) : p.max_s;
  return int(std::min<int64_t>(l.out_w(), ceil_div(ceil_div(l.out_w(), n), unit) * unit));
}

// The decoder cycles of a tiling, estimated from the input's density: each tile streams its
// input rows, halo included; a sparse row costs its non-zeros, and an empty row (probability q)
// a cycle of its own, except in coord format, whose parser pays only for the second of two
// empty rows in a row (about q^2 a row).
double tiling_cost(const std::vector<Band>& tiles, const ArchParams& p, double density) {
  double cost = 0;
  for (const Band& t : tiles) {
    const double q = std::pow(1.0 - density, double(t.cols));
    cost += t.rows * (p.format == Format::Dense   ? double(t.cols)
                      : p.format == Format::Coord ? density * t.cols + q * q
                                                  : density * t.cols + q);
  }
  return cost;
}

struct Tiling {
  int strip_w = 0, pitch = 0, band_max = 0;
  double cost = 0;
};

// Every strip width whose rows fit the partial sums and the output buffer, cheapest first
// (fewer strips first among equals). Narrower strips hold taller bands, so they stream less
// of the row halo but more of the column halo; a map wider than the banks needs several.
std::vector<Tiling> tilings(const model::LayerSpec& l, const ArchParams& p,
                            const model::Tensor3& act) {
  const double density = 1.0 - model::measure_activations(act).zero_fraction();
  std::vector<Tiling> out;
  int last_w = 0;
  for (int n = 1; n <= l.out_w(); ++n) {
    Tiling t;
    t.strip_w = strip_width(l, p, n);
    if (t.strip_w == last_w) continue;
    last_w = t.strip_w;
    t.pitch = int(ceil_div(t.strip_w, p.max_s));
    if (t.pitch > p.psum.depth) continue;
    t.band_max = largest_band(l, p, t.pitch, t.strip_w);
    if (t.band_max == 0) continue;
    t.cost = tiling_cost(split_tiles(l, t.band_max, t.strip_w), p, density);
    out.push_back(t);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Tiling& a, const Tiling& b) { return a.cost < b.cost; });
  return out;
}

// The runs of a tiling, its bands shrunk until every band's input can be chunked into the
// input buffer; false when even the smallest band's channel does not fit.
bool plan_tiling(Plan& plan, const model::LayerSpec& l, const ArchParams& p,
                 const model::Tensor3& act, const Tiling& t, int lane_channels_max) {
  const int min_band = l.pool ? 2 : 1;
  plan.pitch = t.pitch;
  plan.strips = int(ceil_div(computed(l.out_w(), l.pool), t.strip_w));
  for (int band_max = t.band_max;;) {
    plan.bands = split_tiles(l, band_max, t.strip_w);
    plan.runs.clear();
    plan.chunks_max = 1;
    bool ok = true;
    for (size_t bi = 0; bi < plan.bands.size() && ok; ++bi) {
      const Band& b = plan.bands[bi];
      for (const auto& [off, what] : {std::pair{b.yoff, "yoff"}, std::pair{b.xoff, "xoff"}})
        if (off < 0 || off > p.max_pad)
          throw ScheduleError(
              fmt::format("tile at output row {}, column {} cannot be placed ({} {})", b.oy0, b.ox0,
                          what, off));
      const auto chunks = channel_chunks(l, p, act, b, lane_channels_max);
      ok = !chunks.empty();
      if (!ok) break;
      plan.chunks_max = std::max(plan.chunks_max, int(chunks.size()));
      add_band_runs(plan, l, p, int(bi), chunks, lane_channels_max);
    }
    if (ok) return true;
    if (band_max <= min_band) return false;
    band_max = std::max(min_band, band_max / 2);
    if (l.pool) band_max -= band_max % 2;
  }
}

}  // namespace

Plan plan_layer(const model::LayerSpec& l, const ArchParams& p, const model::Tensor3& act) {
  Plan plan;
  plan.wrows = p.weight_rows_per_channel(l.r, l.s);
  // How many channels a lane can hold: the weight rows of one channel of one K-group.
  const int lane_channels_max = p.weights.depth / plan.wrows;
  if (lane_channels_max < 1)
    throw ScheduleError("one channel's weights do not fit the weight SRAM");
  const std::vector<Tiling> candidates = tilings(l, p, act);
  if (candidates.empty()) {
    const int narrowest = strip_width(l, p, l.out_w());
    if (ceil_div(narrowest, p.max_s) > p.psum.depth)
      throw ScheduleError(
          fmt::format("a column strip of {} output columns needs {} partial-sum words a "
                      "bank; the banks hold {}",
                      narrowest, ceil_div(narrowest, p.max_s), p.psum.depth));
    throw ScheduleError("one output row band does not fit the output buffer (act_out)");
  }
  for (const Tiling& t : candidates)
    if (plan_tiling(plan, l, p, act, t, lane_channels_max)) {
      mark_reloads(plan);
      return plan;
    }
  throw ScheduleError(
      "one input channel of the smallest tile does not fit the input buffer (act_in): the "
      "layer is too wide for this configuration");
}

}  // namespace zasgen::sim
