#include "zasgen/sim/scheduler.h"

#include <algorithm>

#include <fmt/format.h>

#include "zasgen/util.h"

namespace zasgen::sim {

namespace {

struct Sizes {
  size_t entries = 0, table = 0;
};

// Input rows a band needs, clipped to the map; at least one row, so the decoder has a block to
// walk even when the band sees only padding (its products then fall outside the band).
Band make_band(const model::LayerSpec& l, int oy0, int oh) {
  Band b;
  b.oy0 = oy0;
  b.oh = oh;
  const int lo = oy0 * l.stride - l.pad;
  const int hi = (oy0 + oh - 1) * l.stride - l.pad + l.r - 1;
  b.iy0 = std::max(0, lo);
  const int iy1 = std::min(l.h - 1, hi);
  b.rows = std::max(1, iy1 - b.iy0 + 1);
  b.yoff = b.iy0 + l.pad - oy0 * l.stride;
  if (b.iy0 > l.h - 1) {  // only padding below the map
    b.padding_only = true;
    b.iy0 = 0;
    b.rows = 1;
    b.yoff = 0;
  }
  return b;
}

// Worst-case (no zeros) output of one channel of a band, in entries and table words.
Sizes output_worst(const ArchParams& p, const model::LayerSpec& l, int oh) {
  const int rows = l.pool ? oh / 2 : oh;
  const int w = l.pool ? l.out_w() / 2 : l.out_w();
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

std::vector<Band> split_bands(const model::LayerSpec& l, int band_max) {
  // 2x2 pooling drops the last row of an odd output height: no band computes it, so every
  // band has an even height (a band of that row alone would pool to nothing).
  const int oh_total = l.pool && l.out_h() >= 2 ? l.out_h() - l.out_h() % 2 : l.out_h();
  int nb = int(ceil_div(oh_total, band_max));
  int b = 0;
  for (;; ++nb) {
    b = int(ceil_div(oh_total, nb));
    if (l.pool && b % 2 && b < oh_total) ++b;
    if (b <= band_max) break;
  }
  std::vector<Band> bands;
  for (int oy0 = 0; oy0 < oh_total; oy0 += b)
    bands.push_back(make_band(l, oy0, std::min(b, oh_total - oy0)));
  // Rather than give a last band of padding only a row of zeros, move rows into it.
  while (bands.size() > 1 && bands.back().padding_only) {
    const int step = l.pool ? 2 : 1;
    Band& prev = bands[bands.size() - 2];
    if (prev.oh <= step) break;
    prev = make_band(l, prev.oy0, prev.oh - step);
    bands.back() = make_band(l, bands.back().oy0 - step, bands.back().oh + step);
  }
  return bands;
}

}  // namespace

model::Tensor3 band_input(const model::Tensor3& act, const Band& b, int c0, int c1) {
  model::Tensor3 t(c1 - c0, b.rows, act.width());
  for (int c = c0; c < c1; ++c)
    for (int y = 0; y < b.rows && !b.padding_only; ++y)
      std::copy_n(act.channel(c) + size_t(b.iy0 + y) * act.width(), act.width(),
                  t.channel(c - c0) + size_t(y) * act.width());
  return t;
}

model::FormatSpec sizing_spec(const ArchParams& p) {
  int table = -1;  // the widest the format allows
  if (p.format == Format::Coord || p.format == Format::Rle) table = 32;
  return model::FormatSpec::make(p.format, p.act_bits, p.index_bits, table);
}

std::string Plan::describe() const {
  return fmt::format("{} band(s), {} run(s), up to {} input-channel chunk(s)", bands.size(),
                     runs.size(), chunks_max);
}

namespace {

// The tallest output band the partial sums and the output buffer hold (even with pooling).
int largest_band(const model::LayerSpec& l, const ArchParams& p, int pitch) {
  const int min_band = l.pool ? 2 : 1;
  int band_max = (p.psum.depth / pitch) * p.max_r;
  if (l.pool) band_max -= band_max % 2;
  band_max = std::min(band_max, l.out_h());
  while (band_max >= min_band && !output_fits(p, output_worst(p, l, band_max), 1))
    band_max -= min_band;
  if (band_max < min_band)
    throw ScheduleError("one output row band does not fit the output buffer (act_out)");
  return band_max;
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
    const model::Block blk = model::encode_block(spec, in.channel(c), b.rows, l.w);
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
    const Sizes out = output_worst(p, l, plan.bands[size_t(bi)].oh);
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

}  // namespace

Plan plan_layer(const model::LayerSpec& l, const ArchParams& p, const model::Tensor3& act) {
  Plan plan;
  plan.pitch = int(ceil_div(l.out_w(), p.max_s));
  plan.wrows = p.weight_rows_per_channel(l.r, l.s);
  if (plan.pitch > p.psum.depth)
    throw ScheduleError(
        fmt::format("an output row of {} columns needs {} partial-sum words; the "
                    "banks hold {}",
                    l.out_w(), plan.pitch, p.psum.depth));
  const int min_band = l.pool ? 2 : 1;
  int band_max = largest_band(l, p, plan.pitch);
  // How many channels a lane can hold: the weight rows of one channel of one K-group.
  const int lane_channels_max = p.weights.depth / plan.wrows;
  if (lane_channels_max < 1)
    throw ScheduleError("one channel's weights do not fit the weight SRAM");

  for (;;) {  // shrink the band until every band's input can be chunked into the buffer
    plan.bands = split_bands(l, band_max);
    plan.runs.clear();
    plan.chunks_max = 1;
    bool ok = true;
    for (size_t bi = 0; bi < plan.bands.size() && ok; ++bi) {
      const Band& b = plan.bands[bi];
      if (b.yoff < 0 || b.yoff > p.max_pad) {
        throw ScheduleError(
            fmt::format("band at output row {} cannot be placed (yoff {})", b.oy0, b.yoff));
      }
      const auto chunks = channel_chunks(l, p, act, b, lane_channels_max);
      ok = !chunks.empty();
      if (!ok) break;
      plan.chunks_max = std::max(plan.chunks_max, int(chunks.size()));
      add_band_runs(plan, l, p, int(bi), chunks, lane_channels_max);
    }
    if (ok) break;
    if (band_max <= min_band)
      throw ScheduleError(
          "one input channel of the smallest band does not fit the input buffer "
          "(act_in): the layer is too wide for this configuration");
    band_max = std::max(min_band, band_max / 2);
    if (l.pool) band_max -= band_max % 2;
  }
  mark_reloads(plan);
  return plan;
}

}  // namespace zasgen::sim
