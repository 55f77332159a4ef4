// One activation lane (ARCH 5): decoder -> (weights ready?) -> scatter + PEs (stage M) ->
// partial-sum read-modify-write (stage A). The lane runs a tile on its own; the controller
// starts tiles and waits for every lane to go idle.
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {
namespace {

Module& lane_module(Elab& e) {
  return e.module(
      "lane",
      {fmt::format("Activation lane: decoder, weight loader, scatter, {} PEs, partial sums.",
                   e.dims.pes)});
}

// The lane module, built in steps; the members are the nets the steps share.
struct Lane {
  Lane(Elab& e, const Module& decoder, const Module& wload, const Module& scatter, const Module& pe,
       const Module& psum)
      : d(e.dims),
        p(e.p),
        T(d.taps),
        P(d.pes),
        Bw(p.weights.banks),
        selw(std::max(1, clog2(Bw))),
        has_table(p.format != Format::Dense),
        pw(d.act + d.wgt),
        tapw(clog2(T + 1)),
        decoder(decoder),
        wload(wload),
        scatter(scatter),
        pe(pe),
        psum(psum),
        mod(lane_module(e)),
        m(mod) {}

  void ports();
  void position_decoder();
  void weights();
  void scatter_and_pes();
  void partial_sums();
  void status();

  const Dims& d;
  const ArchParams& p;
  const int T, P, Bw, selw;
  const bool has_table;
  const int pw;    // an activation times a weight
  const int tapw;  // a count of taps
  const Module& decoder;
  const Module& wload;
  const Module& scatter;
  const Module& pe;
  const Module& psum;
  Module& mod;
  ModuleBuilder m;

  // ports
  E clk, rst_n, lane_id, run_start, run_busy, tile_start, c_set;
  E c_run, rows, wid, kr, ks, stride, yoff, pad, oh, ow, pitch, wrows;
  E o_bank, o_ent_re, o_ent_addr, i_ent, o_tab_re, o_tab_addr, i_tab;
  E dma_we, dma_bank, dma_addr, dma_wdata;
  E d_set, d_en, d_addr, d_sel, d_word, z_mask, z_en, z_addr;
  E o_idle, o_issue, o_wstall, o_bubble, o_taps;
  // tokens
  E tok_valid, tok_act, tok_last, tok_par, tok_val, tok_y, tok_x;
  E wready, tok_ready, dec_active, accept, act_valid;
  // weights, scatter, partial sums
  E w_we, w_buf, w_sel, w_data, bk_en, bk_addr, bk_tap, ps_busy;
  std::vector<E> prods;  // per PE, its products of all taps
};

void Lane::ports() {
  clk = m.input("clk");
  rst_n = m.input("rst_n");
  lane_id = m.input("lane_id", d.bank);
  run_start = m.input("run_start");
  run_busy = m.input("run_busy");
  tile_start = m.input("tile_start");
  c_set = m.input("c_set");
  c_run = m.input("c_run", d.cnt_c);
  rows = m.input("rows", d.cnt_h);
  wid = m.input("wid", d.cnt_w);
  kr = m.input("r", d.kr);
  ks = m.input("s", d.ks);
  stride = m.input("stride", d.stride);
  yoff = m.input("yoff", d.pad);
  pad = m.input("pad", d.pad);
  oh = m.input("oh", d.cnt_h);
  ow = m.input("ow", d.cnt_w);
  pitch = m.input("pitch", d.pitch);
  wrows = m.input("wrows", d.wrows);
  o_bank = m.output("o_bank", d.bank);
  o_ent_re = m.output("o_ent_re");
  o_ent_addr = m.output("o_ent_addr", d.ent_addr);
  i_ent = m.input("i_ent_rdata", p.entry_bits);
  if (has_table) {
    o_tab_re = m.output("o_tab_re");
    o_tab_addr = m.output("o_tab_addr", d.tab_addr);
    i_tab = m.input("i_tab_rdata", p.table_bits);
  }
  dma_we = m.input("dma_we");
  dma_bank = m.input("dma_bank", selw);
  dma_addr = m.input("dma_addr", d.w_addr);
  dma_wdata = m.input("dma_wdata", P * d.wgt);
  d_set = m.input("d_set");
  d_en = m.input("d_en", T);
  d_addr = m.input("d_addr", T * d.p_addr);
  d_sel = m.input("d_sel", d.d_pos * d.p_bank);
  d_word = m.output("d_word", d.d_pos * P * d.acc);
  z_mask = m.input("z_mask", 2);
  z_en = m.input("z_en", T);
  z_addr = m.input("z_addr", T * d.p_addr);
  o_idle = m.output("o_idle");
  o_issue = m.output("o_issue");
  o_wstall = m.output("o_wstall");
  o_bubble = m.output("o_bubble");
  o_taps = m.output("o_taps", tapw);
}

// Tokens from the decoder; one is taken once its channel's weights are loaded.
void Lane::position_decoder() {
  tok_valid = m.wire("tok_valid", 1);
  tok_act = m.wire("tok_act", 1);
  tok_last = m.wire("tok_last", 1);
  tok_par = m.wire("tok_par", 1);
  tok_val = m.wire("tok_val", d.act);
  tok_y = m.wire("tok_y", d.idx_y);
  tok_x = m.wire("tok_x", d.idx_x);
  wready = m.wire("wready", 2);
  tok_ready = m.wire("tok_ready", mux(tok_par, wready.bit(1), wready.bit(0)),
                     "the token's weights are loaded");
  dec_active = m.wire("dec_active", 1);
  {
    auto ib = m.inst(decoder, "u_decoder");
    ib.conn("clk", clk)
        .conn("rst_n", rst_n)
        .conn("run_start", run_start)
        .conn("start", tile_start)
        .conn("lane_id", lane_id)
        .conn("c_run", c_run)
        .conn("rows", rows)
        .conn("wid", wid)
        .conn("o_bank", o_bank)
        .conn("o_ent_re", o_ent_re)
        .conn("o_ent_addr", o_ent_addr)
        .conn("i_ent_rdata", i_ent);
    if (has_table)
      ib.conn("o_tab_re", o_tab_re).conn("o_tab_addr", o_tab_addr).conn("i_tab_rdata", i_tab);
    ib.conn("tok_valid", tok_valid)
        .conn("tok_act", tok_act)
        .conn("tok_last", tok_last)
        .conn("tok_par", tok_par)
        .conn("tok_val", tok_val)
        .conn("tok_y", tok_y)
        .conn("tok_x", tok_x)
        .conn("tok_ready", tok_ready)
        .conn("o_active", dec_active)
        .conn("o_bubble", o_bubble);
  }
  accept = m.wire("accept", tok_valid && tok_ready);
  act_valid = m.wire("act_valid", accept && tok_act, "stage M: an activation is issued");
}

// The weight loader fills the idle half of every PE's weight register.
void Lane::weights() {
  w_we = m.wire("w_we", T);
  w_buf = m.wire("w_buf", 1);
  w_sel = m.wire("w_sel", T * selw);
  w_data = m.wire("w_data", Bw * P * d.wgt);
  m.inst(wload, "u_wload")
      .conn("clk", clk)
      .conn("rst_n", rst_n)
      .conn("run_start", run_start)
      .conn("run_busy", run_busy)
      .conn("r", kr)
      .conn("s", ks)
      .conn("wrows", wrows)
      .conn("rel", m.wire("rel", accept && tok_last))
      .conn("rel_par", tok_par)
      .conn("o_ready", wready)
      .conn("w_we", w_we)
      .conn("w_buf", w_buf)
      .conn("w_sel", w_sel)
      .conn("w_data", w_data)
      .conn("dma_we", dma_we)
      .conn("dma_bank", dma_bank)
      .conn("dma_addr", dma_addr)
      .conn("dma_wdata", dma_wdata);
}

// Stage M: the scatter maps each tap to a partial-sum bank and address; every PE multiplies.
void Lane::scatter_and_pes() {
  bk_en = m.wire("bk_en", T);
  bk_addr = m.wire("bk_addr", T * d.p_addr);
  bk_tap = m.wire("bk_tap", T * d.tap_idx);
  m.inst(scatter, "u_scatter")
      .conn("i_valid", act_valid)
      .conn("i_y", tok_y)
      .conn("i_x", tok_x)
      .conn("r", kr)
      .conn("s", ks)
      .conn("stride", stride)
      .conn("yoff", yoff)
      .conn("pad", pad)
      .conn("oh", oh)
      .conn("ow", ow)
      .conn("pitch", pitch)
      .conn("o_en", bk_en)
      .conn("o_addr", bk_addr)
      .conn("o_tap", bk_tap);
  for (int k = 0; k < P; ++k) {
    std::vector<E> wparts;
    for (int j = Bw - 1; j >= 0; --j)
      wparts.push_back(w_data.bits(j * P * d.wgt + k * d.wgt, d.wgt));
    E prod = m.wire(fmt::format("prod{}", k), T * pw);
    m.inst(pe, fmt::format("u_pe{}", k))
        .conn("clk", clk)
        .conn("w_we", w_we)
        .conn("w_buf", w_buf)
        .conn("w_sel", w_sel)
        .conn("w_data", cat(wparts))
        .conn("i_en", act_valid)
        .conn("i_act", tok_val)
        .conn("i_par", tok_par)
        .conn("i_tap", bk_tap)
        .conn("o_prod", prod);
    prods.push_back(prod);
  }
}

// Stage A: read-modify-write of the partial-sum banks.
void Lane::partial_sums() {
  ps_busy = m.wire("ps_busy", 1);
  m.inst(psum, "u_psum")
      .conn("clk", clk)
      .conn("rst_n", rst_n)
      .conn("c_set", c_set)
      .conn("m_en", bk_en)
      .conn("m_addr", bk_addr)
      .conn("a_prod", cat(std::vector<E>(prods.rbegin(), prods.rend())))
      .conn("d_set", d_set)
      .conn("d_en", d_en)
      .conn("d_addr", d_addr)
      .conn("d_sel", d_sel)
      .conn("d_word", d_word)
      .conn("z_mask", z_mask)
      .conn("z_en", z_en)
      .conn("z_addr", z_addr)
      .conn("o_busy", ps_busy);
}

void Lane::status() {
  m.assign(o_idle, !dec_active && !ps_busy && !act_valid);
  m.assign(o_issue, act_valid);
  m.assign(o_wstall, tok_valid && !tok_ready);
  m.assign(o_taps, popcount(m, "taps", bk_en, tapw));
}

}  // namespace

const Module& build_lane(Elab& e, const Module& decoder, const Module& wload, const Module& scatter,
                         const Module& pe, const Module& psum) {
  Lane g(e, decoder, wload, scatter, pe, psum);
  g.ports();
  g.position_decoder();
  g.weights();
  g.scatter_and_pes();
  g.partial_sums();
  g.status();
  return g.mod;
}

}  // namespace zasgen::rtl::arch
