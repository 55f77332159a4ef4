// Field widths of the run registers and datapath counters, derived from ArchParams.
//
// One place decides how wide a row counter or a partial-sum address is; the register map, the
// elaboration and the simulator's host driver all read them from here.
#pragma once

#include "zasgen/arch_params.h"

namespace zasgen::rtl {

struct Dims {
  explicit Dims(const ArchParams& p);

  int pes, lanes, taps, act, wgt, acc, bias_w, mult, shift;
  int rmax, smax;
  int cnt_c;    // channel count 0..max_c
  int cnt_h;    // row count 0..max_h
  int cnt_w;    // column count 0..max_w
  int idx_y;    // row index 0..max_h-1 (at least 2 bits)
  int idx_x;    // column index 0..max_w-1
  int pad;      // 0..max_pad
  int kr, ks;   // kernel size 1..max_r / 1..max_s
  int tap_idx;  // tap index in the max_r x max_s grid
  int stride;   // log2(stride) 0..2
  int groups;   // K-groups in a run 0..ceil(max_k/pes)
  int group_idx;
  int kvalid;     // valid PEs of the last group 0..pes
  int pitch;      // partial-sum row pitch 0..ceil(max_w/max_s)
  int wrows;      // weight rows per channel 0..ceil(taps/banks)
  int bank;       // activation bank index 0..pes-1
  int ent_addr;   // entries address (either buffer)
  int tab_addr;   // table address (either buffer; 1 when there is no table)
  int ent_count;  // entries written to one bank, 0..depth
  int tab_count;
  int w_addr;     // weight SRAM address
  int p_addr;     // partial-sum address
  int p_bank;     // partial-sum bank index 0..taps-1 (at least 1 bit)
  int d_pos;      // positions the drain reads per cycle: 4 with 2x2 pooling, else 1
  int b_addr;     // bias address
  int pq;         // psum address row (oy div max_r) 0..ceil(max_h/max_r)
  int pc;         // psum address column (ox div max_s)
  int mem_words;  // DMA word counter
};

}  // namespace zasgen::rtl
