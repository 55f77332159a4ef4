// The host's load/store port: a 32-bit stream in (ld_*) and out (st_*), addressed through the
// MEM_SEL / MEM_ADDR / MEM_RCOUNT registers. Words wider than 32 bits take several beats, least
// significant first; the address increments after every word. The port is closed while a run
// is busy.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

namespace {

// The word widths of the memory classes MEM_SEL selects: entries, tables, weights, bias.
std::array<int, 4> class_widths(const ArchParams& p) {
  return {p.entry_bits, std::max(1, p.table_bits), p.weights.width, p.bias.width};
}

// The DMA module, built in steps; the members are the nets the steps share.
struct Dma {
  explicit Dma(Elab& e)
      : d(e.dims),
        p(e.p),
        widths(class_widths(p)),
        MW(*std::max_element(widths.begin(), widths.end())),
        NB(int(ceil_div(MW, 32))),
        RW(std::max(p.entry_bits, p.table_bits)),
        RNB(int(ceil_div(RW, 32))),
        MA(std::max({d.ent_addr, d.tab_addr, d.w_addr, d.b_addr})),
        bw(std::max(1, clog2(NB))),
        rbw(std::max(1, clog2(RNB))),
        mod(e.module("dma",
                     {fmt::format("Load/store port: 32-bit beats, words up to {} bits ({} beats).",
                                  MW, NB)})),
        m(mod) {}

  void ports();
  void registers();
  void load_stream();
  void write_word();
  void range_check();
  void sequencer();
  void store_stream();
  void memory_port();

  const Dims& d;
  const ArchParams& p;
  const std::array<int, 4> widths;
  const int MW, NB;   // the widest word, its beats
  const int RW, RNB;  // the widest readable word (entries, tables), its beats
  const int MA;       // memory address bits
  const int bw, rbw;  // beat counter bits, load and store
  Module& mod;
  ModuleBuilder m;

  // ports
  E clk, rst_n, busy, sel_class, sel_buf, addr_val, addr_wr, rcount_val, rcount_wr;
  E ld_valid, ld_data, ld_ready, st_valid, st_data, st_ready;
  E m_ce, m_we, m_addr, m_wdata, m_rdata, range_err;
  // state
  E addr, beat, rleft, st_idle, st_wait, st_send, rstate, rword, rbeat;
  // load side: a beat is taken, it is its word's last, a whole word is written
  E take, last_beat, wr;
  // this cycle's access and its range check; the word being read is out of range
  E issue_rd, access, beyond, rbad;
  // the word written to memory, one cycle after its last beat
  E wr_q, waddr_q;
};

void Dma::ports() {
  clk = m.input("clk");
  rst_n = m.input("rst_n");
  busy = m.input("busy");
  sel_class = m.input("sel_class", 2);
  sel_buf = m.input("sel_buf");
  addr_val = m.input("addr_val", d.mem_words);
  addr_wr = m.input("addr_wr");
  rcount_val = m.input("rcount_val", d.mem_words);
  rcount_wr = m.input("rcount_wr");
  ld_valid = m.input("ld_valid");
  ld_data = m.input("ld_data", 32);
  ld_ready = m.output("ld_ready");
  st_valid = m.output("st_valid");
  st_data = m.output("st_data", 32);
  st_ready = m.input("st_ready");
  m_ce = m.output("m_ce");
  m_we = m.output("m_we");
  m_addr = m.output("m_addr", MA);
  m_wdata = m.output("m_wdata", MW);
  m_rdata = m.input("m_rdata", RW);
  range_err = m.output("range_err");
}

// The word address, the load beat, the words left to read and the read state.
void Dma::registers() {
  addr = m.reg_reset("addr", d.mem_words, 0);
  beat = m.reg_reset("beat", bw, 0);
  rleft = m.reg_reset("rleft", d.mem_words, 0);
  st_idle = m.localparam("ST_IDLE", 2, 0, "no read in flight");
  st_wait = m.localparam("ST_WAIT", 2, 1, "the memory word is being read");
  st_send = m.localparam("ST_SEND", 2, 2, "its beats go out on the store stream");
  rstate = m.reg_reset("rstate", st_idle);
  rword = m.reg("rword", RW);
  rbeat = m.reg_reset("rbeat", rbw, 0);
}

// The load stream's handshake: open while idle and not reading; beats per word of the selected
// memory class.
void Dma::load_stream() {
  E nbeats = lit(bw + 1, uint64_t(ceil_div(widths[0], 32)));
  for (int c = 1; c < 4; ++c)
    nbeats =
        mux(eq(sel_class, uint64_t(c)), lit(bw + 1, uint64_t(ceil_div(widths[c], 32))), nbeats);
  E nb = m.wire("nbeats", nbeats);
  E reading = m.wire("reading", ne(rleft, 0) || rstate != st_idle);
  E ready = m.wire("ready", !busy && !reading);
  m.assign(ld_ready, ready);
  take = m.wire("take", ld_valid && ready);
  last_beat = m.wire("last_beat", add(zext(beat, bw + 1), 1) == nb);
  wr = m.wire("wr", take && last_beat, "a whole word arrived");
}

// The written word, assembled from the beats in a shift register: each beat shifts in from the
// top, so a word of n beats is the register's top n*32 bits after its last beat. The memory
// write follows a cycle later (memory_port), from the register: the memories' write ports then
// depend on registers only, not on the stream's inputs (a cycle-based simulator evaluates
// input-driven logic on every evaluation).
void Dma::write_word() {
  E sh = m.reg("shreg", 32 * NB);
  {
    Body b = m.seq(clk);
    b.if_(take, [&](Body& t) {
      t.set(sh, NB > 1 ? cat({ld_data, sh.bits(32, 32 * (NB - 1))}) : ld_data);
    });
  }
  E wdata = zeros(MW);
  for (int c = 0; c < 4; ++c) {
    const int n = int(ceil_div(widths[c], 32));
    E w = sh.bits(32 * (NB - n), 32 * n);
    E wc = m.wire(fmt::format("word{}", c),
                  zext(fit(m, fmt::format("word{}", c), w, std::min(widths[c], 32 * n)), MW));
    wdata = mux(eq(sel_class, uint64_t(c)), wc, wdata);
  }
  m.assign(m_wdata, m.wire("wdata", wdata));
}

// This cycle's memory access (a word written or a read issued) and the range check: an access
// past the words the selected memory holds is dropped (reads return zeros) and reported in
// STATUS.DMA_RANGE, never aliased onto a lower address.
void Dma::range_check() {
  wr_q = m.reg_reset("wr_q", 1, 0, "a word is written to memory this cycle");
  issue_rd = m.wire("issue_rd", rstate == st_idle && ne(rleft, 0) && !busy && !wr_q);
  const int AW = d.mem_words;
  // A memory of exactly 2^AW words needs one more bit for its depth.
  int LW = AW;
  for (const MemGeom* g :
       {&p.act_in, &p.act_out, &p.act_in_table, &p.act_out_table, &p.weights, &p.bias})
    if (g->depth >= (int64_t(1) << AW)) LW = AW + 1;
  auto depth = [&](const char* name, int words, const char* what) {
    return m.localparam(name, LW, uint64_t(words), what);
  };
  const E d_ent_a = depth("DEPTH_ENTRIES_A", p.act_in.depth, "entries per bank, buffer A");
  const E d_ent_b = depth("DEPTH_ENTRIES_B", p.act_out.depth, "entries per bank, buffer B");
  const E d_tab_a = depth("DEPTH_TABLE_A", p.act_in_table.depth, "table words, buffer A");
  const E d_tab_b = depth("DEPTH_TABLE_B", p.act_out_table.depth, "table words, buffer B");
  const E d_wgt = depth("DEPTH_WEIGHTS", p.weights.depth, "rows per weight bank");
  const E d_bias = depth("DEPTH_BIAS", p.bias.depth, "bias words");
  E limit = m.wire("limit", mux(eq(sel_class, 0), mux(sel_buf, d_ent_b, d_ent_a),
                                mux(eq(sel_class, 1), mux(sel_buf, d_tab_b, d_tab_a),
                                    mux(eq(sel_class, 2), d_wgt, d_bias))));
  access = m.wire("access", wr || issue_rd, "a word is written or read this cycle");
  beyond = m.wire("beyond", (LW > AW ? zext(addr, LW) : addr) >= limit,
                  "the address is past the selected memory");
  rbad = m.reg("rbad", 1, "the word being read was past the memory: send zeros");
  m.assign(range_err, access && beyond);
}

// The address (set by the host, incremented after every word), the load beat, the words left
// to read and the read state machine.
void Dma::sequencer() {
  E last_rbeat = m.wire("last_rbeat", add(zext(rbeat, rbw + 1), 1) == lit(rbw + 1, uint64_t(RNB)));
  Body b = m.seq_reset(clk, rst_n, "write path and address");
  b.if_(
      addr_wr, [&](Body& t) { t.set(addr, addr_val); },
      [&](Body& t) { t.if_(wr || issue_rd, [&](Body& u) { u.set(addr, add(addr, 1)); }); });
  b.if_(take, [&](Body& t) { t.set(beat, mux(last_beat, zeros(bw), add(beat, 1))); });
  b.if_(
      rcount_wr && !busy, [&](Body& t) { t.set(rleft, rcount_val); },
      [&](Body& t) { t.if_(issue_rd, [&](Body& u) { u.set(rleft, sub(rleft, 1)); }); });
  b.switch_(
      rstate,
      {
          {{st_idle}, [&](Body& t) { t.if_(issue_rd, [&](Body& u) { u.set(rstate, st_wait); }); }},
          {{st_wait},
           [&](Body& t) {
             t.set(rstate, st_send);
             t.set(rbeat, zeros(rbw));
           }},
          {{st_send},
           [&](Body& t) {
             t.if_(st_ready, [&](Body& u) {
               u.if_(
                   last_rbeat, [&](Body& v) { v.set(rstate, st_idle); },
                   [&](Body& v) { v.set(rbeat, add(rbeat, 1)); });
             });
           }},
      },
      nullptr);
}

// The store stream: the word read (zeros past the memory), sent in beats.
void Dma::store_stream() {
  {
    Body b = m.seq(clk);
    b.if_(issue_rd, [&](Body& t) { t.set(rbad, beyond); });
    b.if_(rstate == st_wait, [&](Body& t) { t.set(rword, mux(rbad, zeros(RW), m_rdata)); });
  }
  E rpad = zext(rword, 32 * RNB);
  E rw_full = m.wire("rword_pad", rpad);
  E beat_data = rw_full.bits(0, 32);
  for (int i = 1; i < RNB; ++i)
    beat_data = mux(eq(rbeat, uint64_t(i)), rw_full.bits(32 * i, 32), beat_data);
  if (RNB == 1) m.unused(rbeat);
  m.assign(st_valid, rstate == st_send);
  m.assign(st_data, beat_data);
}

// The memory port: accesses inside the selected memory only. A word is written the cycle after
// its last beat, at the address it arrived for; a read waits for that write.
void Dma::memory_port() {
  waddr_q = m.reg("waddr_q", MA);
  E maddr = fit(m, "maddr", addr, MA);
  {
    Body b = m.seq_reset(clk, rst_n);
    b.set(wr_q, wr && !beyond);
  }
  {
    Body b = m.seq(clk);
    b.if_(wr, [&](Body& t) { t.set(waddr_q, maddr); });
  }
  m.assign(m_ce, wr_q || (issue_rd && !beyond));
  m.assign(m_we, wr_q);
  m.assign(m_addr, mux(wr_q, waddr_q, maddr));
}

}  // namespace

const Module& build_dma(Elab& e) {
  Dma g(e);
  g.ports();
  g.registers();
  g.load_stream();
  g.write_word();
  g.range_check();
  g.sequencer();
  g.store_stream();
  g.memory_port();
  return g.mod;
}

}  // namespace zasgen::rtl::arch
