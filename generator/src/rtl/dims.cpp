#include "zasgen/rtl/dims.h"

#include <algorithm>

#include "zasgen/util.h"

namespace zasgen::rtl {

namespace {
int count_bits(int64_t max_value) {
  return std::max(1, clog2(max_value + 1));
}
int index_bits(int64_t n) {
  return std::max(1, clog2(n));
}
}  // namespace

Dims::Dims(const ArchParams& p) {
  pes = p.pes;
  lanes = p.lanes;
  taps = p.taps();
  act = p.act_bits;
  wgt = p.weight_bits;
  acc = p.acc_bits;
  bias_w = p.bias_bits;
  mult = p.mult_bits;
  shift = p.shift_bits;
  rmax = p.max_r;
  smax = p.max_s;
  cnt_c = count_bits(p.max_c);
  cnt_h = count_bits(p.max_h);
  cnt_w = count_bits(p.max_w);
  // At least 2 bits: the rle decoder skips two rows at a time (y + 2), also when max_h <= 2.
  idx_y = std::max(2, index_bits(p.max_h));
  idx_x = index_bits(p.max_w);
  pad = count_bits(p.max_pad);
  kr = count_bits(p.max_r);
  ks = count_bits(p.max_s);
  tap_idx = index_bits(taps);
  stride = 2;
  const int64_t max_groups = ceil_div(p.max_k, p.pes);
  groups = count_bits(max_groups);
  group_idx = index_bits(max_groups);
  kvalid = count_bits(p.pes);
  // A row group of a column strip is at most as many words as a bank holds (maps wider than
  // that are computed in strips), and so is a band's row-group count.
  const int64_t max_pitch = std::min<int64_t>(ceil_div(p.max_w, p.max_s), p.psum.depth);
  pitch = count_bits(max_pitch);
  wrows = count_bits(ceil_div(taps, p.weights.banks));
  bank = index_bits(p.pes);
  ent_addr = std::max(p.act_in.addr_bits(), p.act_out.addr_bits());
  tab_addr = std::max({1, p.act_in_table.depth ? p.act_in_table.addr_bits() : 1,
                       p.act_out_table.depth ? p.act_out_table.addr_bits() : 1});
  ent_count = count_bits(std::max(p.act_in.depth, p.act_out.depth));
  tab_count = count_bits(std::max(p.act_in_table.depth, p.act_out_table.depth));
  w_addr = p.weights.addr_bits();
  p_addr = p.psum.addr_bits();
  p_bank = std::max(1, clog2(taps));
  d_pos = p.pool ? 4 : 1;
  b_addr = p.bias.addr_bits();
  pq = count_bits(std::min<int64_t>(ceil_div(p.max_h, p.max_r), p.psum.depth));
  pc = count_bits(max_pitch);
  // The DMA word address reaches every word of the deepest memory it loads (at least 24 bits,
  // the width of every shipped design; 29 bits at most for a 64 MiB single-bank memory).
  mem_words = std::max({24, ent_addr, tab_addr, w_addr, b_addr});
}

}  // namespace zasgen::rtl
