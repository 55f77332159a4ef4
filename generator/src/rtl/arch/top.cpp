// The top level: register block, controller, DMA port, activation buffers, lanes, output stage.
#include <fmt/format.h>

#include <map>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

namespace {

// The modules the top level instantiates, elaborated children first.
struct Children {
  explicit Children(Elab& e)
      : regs(build_regs(e)),
        ctrl(build_ctrl(e)),
        dma(build_dma(e)),
        actbuf(build_actbuf(e)),
        decoder(build_decoder(e)),
        clock_gate(build_clock_gate(e)),
        wload(build_wload(e, clock_gate)),
        scatter(build_scatter(e)),
        pe(build_pe(e)),
        psum(build_psum(e, clock_gate)),
        lane(build_lane(e, decoder, wload, scatter, pe, psum)),
        encoder(build_encoder(e)),
        drain(build_drain(e, encoder, clock_gate)) {}

  const Module& regs;
  const Module& ctrl;
  const Module& dma;
  const Module& actbuf;
  const Module& decoder;
  const Module& clock_gate;
  const Module& wload;
  const Module& scatter;
  const Module& pe;
  const Module& psum;
  const Module& lane;
  const Module& encoder;
  const Module& drain;
};

Module& top_module(Elab& e) {
  const ArchParams& p = e.p;
  return e.module(
      "top",
      {fmt::format("{}: zero-activation-skipping CNN accelerator, {} mode, {} format.", p.name,
                   to_string(p.mode), to_string(p.format)),
       fmt::format("{} PEs x {} taps, {} lane(s); AXI4-Lite registers, 32-bit load/store stream.",
                   e.dims.pes, e.dims.taps, e.dims.lanes)});
}

// The top module, built in steps; the members are the nets the steps share.
struct Top {
  Top(Elab& e, const Children& c)
      : d(e.dims),
        p(e.p),
        c(c),
        P(d.pes),
        L(d.lanes),
        T(d.taps),
        selw(std::max(1, clog2(p.weights.banks))),
        has_table(p.format != Format::Dense),
        tapw(clog2(T + 1)),
        mod(top_module(e)),
        m(mod) {}

  void register_block();
  void host_ports();
  void controller();
  void dma_port();
  void activation_buffers();
  void lanes();
  void output_stage();

  // The wire of a register field port.
  E F(const std::string& n) const {
    auto it = fields.find(n);
    if (it == fields.end()) throw std::logic_error("no register field port " + n);
    return it->second;
  }

  const Dims& d;
  const ArchParams& p;
  const Children& c;
  const int P, L, T, selw;
  const bool has_table;
  const int tapw;
  Module& mod;
  ModuleBuilder m;

  E clk, rst_n;
  std::map<std::string, E> fields;  // register field ports, by name
  E ld_valid, ld_ready, ld_data, st_valid, st_ready, st_data;
  // controller
  E busy, run_start, tile_start, c_set;
  E lane_idle, lane_issue, lane_wstall, lane_bubble, lane_taps;
  E d_busy, d_start, d_sset, clr_start, clr_mask;
  E t_start, t_set, t_group, t_kvalid;
  // DMA port: the memory it reads and writes (class and index of mem_sel)
  E m_ce, m_we, m_addr, m_wdata, m_rdata, cls, index;
  // activation buffers: lane reads, encoder writes
  E l_bank, l_ere, l_eaddr, l_erd, l_tre, l_taddr, l_trd;
  E ewe, eaddr, edata, twe, taddr, tdata;
  // partial sums: drain reads and clears
  E ps_den, ps_daddr, ps_dset, ps_dsel, ps_zen, ps_zaddr, ps_zmask;
  std::vector<E> lane_words;
};

// AXI ports pass through, fields become wires named like the ports.
void Top::register_block() {
  clk = m.input("clk");
  rst_n = m.input("rst_n");
  auto rb = m.inst(c.regs, "u_regs");
  for (const Net* port : c.regs.ports) {
    const std::string& n = port->name;
    if (n == "clk") {
      rb.conn(n, clk);
    } else if (n == "rst_n") {
      rb.conn(n, rst_n);
    } else if (n.rfind("s_axi_", 0) == 0) {
      rb.conn(n, port->kind == NetKind::Input ? m.input(n, port->width) : m.output(n, port->width));
    } else {
      E w = m.wire(n, port->width);
      fields[n] = w;
      rb.conn(n, w);
    }
  }
}

// Interrupt and the load/store stream.
void Top::host_ports() {
  E irq = m.output("irq");
  ld_valid = m.input("ld_valid");
  ld_ready = m.output("ld_ready");
  ld_data = m.input("ld_data", 32);
  st_valid = m.output("st_valid");
  st_ready = m.input("st_ready");
  st_data = m.output("st_data", 32);
  m.assign(irq, F("status_done") && F("ctrl_irq_en"));
  m.unused(
      cat({F("scratch_value"), F("status_overflow"), F("status_dma_range"), F("mem_sel_index")}));
  if (!p.pool) m.unused(F("run_flags_pool"));
}

void Top::controller() {
  busy = m.wire("busy", 1);
  run_start = m.wire("run_start", 1);
  tile_start = m.wire("tile_start", 1);
  c_set = m.wire("c_set", 1);
  lane_idle = m.wire("lane_idle", L);
  lane_issue = m.wire("lane_issue", L);
  lane_wstall = m.wire("lane_wstall", L);
  lane_bubble = m.wire("lane_bubble", L);
  lane_taps = m.wire("lane_taps", L * tapw);
  d_busy = m.wire("d_busy", 1);
  d_start = m.wire("d_start", 1);
  d_sset = m.wire("d_sset", 1);
  clr_start = m.wire("clr_start", 1);
  clr_mask = m.wire("clr_mask", 2);
  t_start = m.wire("t_start", 1);
  t_set = m.wire("t_set", 1);
  t_group = m.wire("t_group", d.group_idx);
  t_kvalid = m.wire("t_kvalid", d.kvalid);
  E done = m.wire("done", 1);
  E pc = m.wire("perf_cycles", 64), pm = m.wire("perf_macs", 64);
  m.inst(c.ctrl, "u_ctrl")
      .conn("clk", clk)
      .conn("rst_n", rst_n)
      .conn("start", F("ctrl_start"))
      .conn("groups", F("run_groups_groups"))
      .conn("kvalid", F("run_groups_kvalid"))
      .conn("first", F("run_flags_first"))
      .conn("last", F("run_flags_last"))
      .conn("defer", F("run_flags_defer"))
      .conn("lane_idle", lane_idle)
      .conn("lane_issue", lane_issue)
      .conn("lane_wstall", lane_wstall)
      .conn("lane_bubble", lane_bubble)
      .conn("lane_taps", lane_taps)
      .conn("d_busy", d_busy)
      .conn("d_start", d_start)
      .conn("d_set", d_sset)
      .conn("t_start", t_start)
      .conn("t_set", t_set)
      .conn("t_group", t_group)
      .conn("t_kvalid", t_kvalid)
      .conn("clr_start", clr_start)
      .conn("clr_mask", clr_mask)
      .conn("run_start", run_start)
      .conn("busy", busy)
      .conn("tile_start", tile_start)
      .conn("c_set", c_set)
      .conn("done", done)
      .conn("perf_cycles", pc)
      .conn("perf_nnz", F("perf_nnz_value"))
      .conn("perf_macs", pm)
      .conn("perf_active", F("perf_active_value"))
      .conn("perf_weight", F("perf_stall_weight_value"))
      .conn("perf_decode", F("perf_stall_decode_value"))
      .conn("perf_drain", F("perf_stall_drain_value"))
      .conn("perf_clear", F("perf_stall_clear_value"))
      .conn("perf_lane", F("perf_stall_lane_value"))
      .conn("perf_tail", F("perf_stall_tail_value"))
      .conn("perf_drain_cycles", F("perf_drain_value"));
  m.assign(F("perf_cycles_lo_value"), pc.bits(0, 32));
  m.assign(F("perf_cycles_hi_value"), pc.bits(32, 32));
  m.assign(F("perf_macs_lo_value"), pm.bits(0, 32));
  m.assign(F("perf_macs_hi_value"), pm.bits(32, 32));
  m.assign(F("status_busy"), busy);
  m.assign(F("status_done_set"), done);
}

// The DMA port drives one memory access path, wide enough for every memory it reaches.
void Top::dma_port() {
  const int MA = std::max({d.ent_addr, d.tab_addr, d.w_addr, d.b_addr});
  const int MW = std::max({p.entry_bits, std::max(1, p.table_bits), p.weights.width, p.bias.width});
  const int RW = std::max(p.entry_bits, p.table_bits);
  m_ce = m.wire("m_ce", 1);
  m_we = m.wire("m_we", 1);
  m_addr = m.wire("m_addr", MA);
  m_wdata = m.wire("m_wdata", MW);
  m_rdata = m.wire("m_rdata", RW);
  cls = F("mem_sel_class");
  m.inst(c.dma, "u_dma")
      .conn("clk", clk)
      .conn("rst_n", rst_n)
      .conn("busy", busy)
      .conn("sel_class", cls)
      .conn("sel_buf", F("mem_sel_buf"))
      .conn("range_err", F("status_dma_range_set"))
      .conn("addr_val", F("mem_addr_addr"))
      .conn("addr_wr", F("mem_addr_wr"))
      .conn("rcount_val", F("mem_rcount_count"))
      .conn("rcount_wr", F("mem_rcount_wr"))
      .conn("ld_valid", ld_valid)
      .conn("ld_data", ld_data)
      .conn("ld_ready", ld_ready)
      .conn("st_valid", st_valid)
      .conn("st_data", st_data)
      .conn("st_ready", st_ready)
      .conn("m_ce", m_ce)
      .conn("m_we", m_we)
      .conn("m_addr", m_addr)
      .conn("m_wdata", m_wdata)
      .conn("m_rdata", m_rdata);
  index = F("mem_sel_index");
}

void Top::activation_buffers() {
  const int DA = std::max(d.ent_addr, d.tab_addr);
  const int DW = std::max(p.entry_bits, p.table_bits);
  l_bank = m.wire("l_bank", L * d.bank);
  l_ere = m.wire("l_ent_re", L);
  l_eaddr = m.wire("l_ent_addr", L * d.ent_addr);
  l_erd = m.wire("l_ent_rdata", L * p.entry_bits);
  if (has_table) {
    l_tre = m.wire("l_tab_re", L);
    l_taddr = m.wire("l_tab_addr", L * d.tab_addr);
    l_trd = m.wire("l_tab_rdata", L * p.table_bits);
  }
  ewe = m.wire("enc_ewe", P);
  eaddr = m.wire("enc_eaddr", P * d.ent_addr);
  edata = m.wire("enc_edata", P * p.entry_bits);
  if (has_table) {
    twe = m.wire("enc_twe", P);
    taddr = m.wire("enc_taddr", P * d.tab_addr);
    tdata = m.wire("enc_tdata", P * p.table_bits);
  }
  auto ab = m.inst(c.actbuf, "u_actbuf");
  ab.conn("clk", clk)
      .conn("in_sel", F("ctrl_in_sel"))
      .conn("busy", busy)
      .conn("lane_bank", l_bank)
      .conn("lane_ent_re", l_ere)
      .conn("lane_ent_addr", l_eaddr)
      .conn("lane_ent_rdata", l_erd);
  if (has_table)
    ab.conn("lane_tab_re", l_tre).conn("lane_tab_addr", l_taddr).conn("lane_tab_rdata", l_trd);
  ab.conn("enc_ewe", ewe).conn("enc_eaddr", eaddr).conn("enc_edata", edata);
  if (has_table) ab.conn("enc_twe", twe).conn("enc_taddr", taddr).conn("enc_tdata", tdata);
  ab.conn("dma_ce", m.wire("ab_ce", m_ce && (eq(cls, 0) || eq(cls, 1))))
      .conn("dma_we", m_we)
      .conn("dma_tab", m.wire("ab_tab", eq(cls, 1)))
      .conn("dma_buf", F("mem_sel_buf"))
      .conn("dma_bank", index.bits(0, d.bank))
      .conn("dma_addr", fit(m, "ab_addr", m_addr, DA))
      .conn("dma_wdata", fit(m, "ab_wdata", m_wdata, DW))
      .conn("dma_rdata", m_rdata);
}

// One instance per lane; each has its own weight memory, written through the DMA port.
void Top::lanes() {
  ps_den = m.wire("ps_den", T);
  ps_daddr = m.wire("ps_daddr", T * d.p_addr);
  ps_dset = m.wire("ps_dset", 1);
  ps_dsel = m.wire("ps_dsel", d.d_pos * d.p_bank);
  ps_zen = m.wire("ps_zen", T);
  ps_zaddr = m.wire("ps_zaddr", T * d.p_addr);
  ps_zmask = m.wire("ps_zmask", 2);
  const int lane_bits = std::max(1, 8 - selw);
  for (int l = 0; l < L; ++l) {
    E rd = m.wire(fmt::format("ps_word{}", l), d.d_pos * P * d.acc);
    lane_words.push_back(rd);
    E wsel = m.wire(fmt::format("w_we{}", l),
                    m_ce && m_we && eq(cls, 2) && eq(index.bits(selw, lane_bits), uint64_t(l)));
    auto lb = m.inst(c.lane, fmt::format("u_lane{}", l));
    lb.conn("clk", clk)
        .conn("rst_n", rst_n)
        .conn("lane_id", lit(d.bank, uint64_t(l)))
        .conn("run_start", run_start)
        .conn("run_busy", busy)
        .conn("tile_start", tile_start)
        .conn("c_set", c_set)
        .conn("c_run", F("run_c_c"))
        .conn("rows", F("run_rows_rows"))
        .conn("wid", F("run_w_w"))
        .conn("r", F("run_kernel_r"))
        .conn("s", F("run_kernel_s"))
        .conn("stride", F("run_kernel_stride"))
        .conn("yoff", F("run_yoff_yoff"))
        .conn("pad", F("run_pad_pad"))
        .conn("oh", F("run_oh_oh"))
        .conn("ow", F("run_ow_ow"))
        .conn("pitch", F("run_pitch_pitch"))
        .conn("wrows", F("run_wrows_wrows"))
        .conn("o_bank", l_bank.bits(l * d.bank, d.bank))
        .conn("o_ent_re", l_ere.bit(l))
        .conn("o_ent_addr", l_eaddr.bits(l * d.ent_addr, d.ent_addr))
        .conn("i_ent_rdata", l_erd.bits(l * p.entry_bits, p.entry_bits));
    if (has_table)
      lb.conn("o_tab_re", l_tre.bit(l))
          .conn("o_tab_addr", l_taddr.bits(l * d.tab_addr, d.tab_addr))
          .conn("i_tab_rdata", l_trd.bits(l * p.table_bits, p.table_bits));
    lb.conn("dma_we", wsel)
        .conn("dma_bank", index.bits(0, selw))
        .conn("dma_addr", fit(m, fmt::format("w_addr{}", l), m_addr, d.w_addr))
        .conn("dma_wdata", fit(m, fmt::format("w_wdata{}", l), m_wdata, P * d.wgt))
        .conn("d_set", ps_dset)
        .conn("d_en", ps_den)
        .conn("d_addr", ps_daddr)
        .conn("d_sel", ps_dsel)
        .conn("d_word", rd)
        .conn("z_mask", ps_zmask)
        .conn("z_en", ps_zen)
        .conn("z_addr", ps_zaddr)
        .conn("o_idle", lane_idle.bit(l))
        .conn("o_issue", lane_issue.bit(l))
        .conn("o_wstall", lane_wstall.bit(l))
        .conn("o_bubble", lane_bubble.bit(l))
        .conn("o_taps", lane_taps.bits(l * tapw, tapw));
  }
}

void Top::output_stage() {
  const int depth_in_e = p.act_in.depth, depth_out_e = p.act_out.depth;
  E lim_e = m.wire("lim_e",
                   mux(F("ctrl_in_sel"), lit(d.ent_count, uint64_t(depth_in_e)),
                       lit(d.ent_count, uint64_t(depth_out_e))),
                   "depth of the output buffer's banks");
  E ovf = m.wire("overflow", 1);
  E ecount = m.wire("ecount", d.ent_count), tcount = m.wire("tcount", d.tab_count);
  {
    auto db = m.inst(c.drain, "u_drain");
    db.conn("clk", clk)
        .conn("rst_n", rst_n)
        .conn("run_start", run_start)
        .conn("t_start", t_start)
        .conn("t_set", t_set)
        .conn("t_group", t_group)
        .conn("t_kvalid", t_kvalid)
        .conn("start", d_start)
        .conn("s_set", d_sset)
        .conn("clr_start", clr_start)
        .conn("clr_mask", clr_mask)
        .conn("oh", F("run_oh_oh"))
        .conn("ow", F("run_ow_ow"))
        .conn("pitch", F("run_pitch_pitch"));
    if (p.pool) db.conn("pool", F("run_flags_pool"));
    db.conn("relu", F("run_flags_relu"))
        .conn("mult", F("run_mult_mult"))
        .conn("shift", F("run_shift_shift"))
        .conn("d_set", ps_dset)
        .conn("d_en", ps_den)
        .conn("d_addr", ps_daddr)
        .conn("d_sel", ps_dsel)
        .conn("d_word", cat(std::vector<E>(lane_words.rbegin(), lane_words.rend())))
        .conn("z_en", ps_zen)
        .conn("z_addr", ps_zaddr)
        .conn("z_mask", ps_zmask)
        .conn("b_we", m.wire("b_we", m_ce && m_we && eq(cls, 3)))
        .conn("b_addr", fit(m, "b_addr", m_addr, d.b_addr))
        .conn("b_wdata", fit(m, "b_wdata", m_wdata, p.bias.width))
        .conn("o_ewe", ewe)
        .conn("o_eaddr", eaddr)
        .conn("o_edata", edata)
        .conn("lim_e", lim_e);
    if (has_table) {
      E lim_t =
          m.wire("lim_t", mux(F("ctrl_in_sel"), lit(d.tab_count, uint64_t(p.act_in_table.depth)),
                              lit(d.tab_count, uint64_t(p.act_out_table.depth))));
      db.conn("o_twe", twe).conn("o_taddr", taddr).conn("o_tdata", tdata).conn("lim_t", lim_t);
    }
    db.conn("cnt_sel", F("out_bank_bank"))
        .conn("o_ecount", ecount)
        .conn("o_tcount", tcount)
        .conn("o_busy", d_busy)
        .conn("o_overflow", ovf);
  }
  m.assign(F("status_overflow_set"), ovf);
  m.assign(F("out_entries_count"), ecount);
  m.assign(F("out_table_count"), tcount);
}

}  // namespace

const Module& build_top(Elab& e) {
  const Children children(e);
  Top g(e, children);
  g.register_block();
  g.host_ports();
  g.controller();
  g.dma_port();
  g.activation_buffers();
  g.lanes();
  g.output_stage();
  return g.mod;
}

}  // namespace zasgen::rtl::arch
