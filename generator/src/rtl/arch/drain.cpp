// The output stage (ARCH 2, 5): drains a finished tile's partial-sum set through bias,
// requantisation, ReLU, saturation and optional 2x2 max-pool into the per-PE re-encoders, and
// writes zeros behind itself so the set is clean for the next tile. With pooling it reads the
// four accumulators of a window in one cycle (four distinct banks) and pools before
// requantising, which equals pooling after it because requantisation is monotonic. The same
// engine clears whole sets after reset.
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

namespace {

int positions(const ArchParams& p) {
  return p.pool ? 4 : 1;
}

}  // namespace

const Module& build_requant(Elab& e) {
  const Dims& d = e.dims;
  const ArchParams& p = e.p;
  const int L = d.lanes, A = d.acc, NP = positions(p);
  const int VW = A + 1;            // acc + bias
  const int PW = VW + d.mult + 1;  // (acc + bias) * multiplier, signed
  Module& mod = e.module(
      "requant",
      {"Output arithmetic of one output channel: lane sum, 2x2 max, bias, multiply, round half",
       "up, shift, ReLU, saturate. Two pipeline stages."});
  ModuleBuilder m(mod);
  E clk = m.input("clk");
  E i_en = m.input("i_en");
  E i_pool = p.pool ? m.input("i_pool") : E();
  E i_relu = m.input("i_relu");
  E i_mult = m.input("i_mult", d.mult);
  E i_shift = m.input("i_shift", d.shift);
  E i_bias = m.input("i_bias", d.bias_w);
  E i_words = m.input("i_words", L * NP * A);
  E o_val = m.output("o_val", d.act);

  std::vector<E> sums;
  for (int k = 0; k < NP; ++k) {
    E s = i_words.bits(k * A, A);
    for (int l = 1; l < L; ++l) s = s + i_words.bits((l * NP + k) * A, A);
    sums.push_back(m.wire(fmt::format("sum{}", k), s));
  }
  E mx = sums[0];
  if (NP == 4) {
    E lt01 = m.slt("lt01", sums[0], sums[1]);
    E m01 = m.wire("m01", mux(lt01, sums[1], sums[0]));
    E lt23 = m.slt("lt23", sums[2], sums[3]);
    E m23 = m.wire("m23", mux(lt23, sums[3], sums[2]));
    E lt = m.slt("lt", m01, m23);
    E max4 = m.wire("max4", mux(lt, m23, m01));
    mx = m.wire("mx", mux(i_pool, max4, sums[0]));
  }
  E v = m.wire("v", sext(m.wire("mx_w", mx), VW) + sext(i_bias, VW));
  E v_q = m.reg("v_q", VW);
  E en_q = m.reg("en_q", 1);
  // The scaling travels with its value: stage 2 reads local copies, so the drain's descriptor
  // select (one net per field, shared by every output channel) ends at these registers instead
  // of running through the multiplier and the shifter.
  E mult_q = m.reg("mult_q", d.mult);
  E shift_q = m.reg("shift_q", d.shift);
  E relu_q = m.reg("relu_q", 1);
  {
    Body b = m.seq(clk, "stage 1: pooled accumulator plus bias");
    b.set(en_q, i_en);
    b.if_(i_en, [&](Body& t) {
      t.set(v_q, v);
      t.set(mult_q, i_mult);
      t.set(shift_q, i_shift);
      t.set(relu_q, i_relu);
    });
  }
  E prod = m.smul("prod", v_q, zext(mult_q, d.mult + 1));
  E one = lit(PW, 1);
  E rnd = m.wire("rnd", (one << shift_q) >> 1, "half an output step (0 when shift is 0)");
  E rounded = m.wire("rounded", prod + rnd);
  E q = m.sshr("q", rounded, shift_q);
  // Shifts of PW-1 and more leave nothing (the exact result is 0; the rounding term itself
  // would no longer fit PW bits).
  const bool can_be_huge = (int64_t(1) << d.shift) - 1 >= PW - 1;
  E huge = can_be_huge ? m.wire("huge", ge(shift_q, uint64_t(PW - 1))) : zeros(1);
  E neg = q.msb();
  E qr = m.wire("qr", mux((relu_q && neg) || huge, zeros(PW), q));
  const int64_t hi = (int64_t(1) << (d.act - 1)) - 1;
  const int64_t lo = -(int64_t(1) << (d.act - 1));
  auto as_bits = [&](int64_t v) { return uint64_t(v) & (PW >= 64 ? ~0ull : ((1ull << PW) - 1)); };
  E too_big = m.slt("too_big", lit(PW, as_bits(hi)), qr);
  E too_small = m.slt("too_small", qr, lit(PW, as_bits(lo)));
  E sat = m.wire("sat", mux(too_big, lit(d.act, as_bits(hi) & ((1ull << d.act) - 1)),
                            mux(too_small, lit(d.act, as_bits(lo) & ((1ull << d.act) - 1)),
                                qr.bits(0, d.act))));
  E o_q = m.reg("o_q", d.act);
  {
    Body b = m.seq(clk, "stage 2: requantised output");
    b.if_(en_q, [&](Body& t) { t.set(o_q, sat); });
  }
  m.assign(o_val, o_q);
  return mod;
}

namespace {

// One step along an axis of the partial-sum layout: the quotient q and the remainder m (which
// wraps at max_r or max_s) of the next position, and whether m wrapped.
struct Step {
  E wrap, q, m;
};

// A partial-sum position read this cycle: whether it is read, its bank and its address.
struct Pos {
  E valid, bank, addr;
};

// What the drain of a set needs, captured when a tile starts on the set (the run registers may
// change before the drain runs: a deferred drain runs in the next run).
struct Desc {
  E oh, ow, pitch, pool, relu, mult, shift, kvalid, bias;
};

// The drain module, built in steps; the members are the nets the steps share.
struct Drain {
  Drain(Elab& e, const Module& encoder, const Module& clock_gate)
      : d(e.dims),
        p(e.p),
        T(d.taps),
        P(d.pes),
        L(d.lanes),
        A(d.acc),
        PA(d.p_addr),
        NP(positions(p)),
        RM(p.max_r),
        SM(p.max_s),
        has_table(p.format != Format::Dense),
        encoder(encoder),
        clock_gate(clock_gate),
        requant(build_requant(e)),
        bias_mem(e.sram({SramKind::OneRW, p.bias.depth, p.bias.width})),
        mod(e.module("drain",
                     {fmt::format("Output stage: drains a partial-sum set ({} position{} per "
                                  "cycle) through {} requantisers and re-encoders; clears sets.",
                                  NP, NP > 1 ? "s" : "", P)})),
        m(mod) {}

  void ports();
  void registers();
  void descriptors();
  void positions_of_cycle();
  void read_requests();
  void iteration();
  void sequencer();
  void bias_memory();
  void pipeline();
  void bank_words();
  void output_channel(int k);
  void outputs();
  void clock_gating();

  Step advance(const std::string& n, const E& q, const E& mm, int mod_k);
  Pos position(const std::string& n, const E& valid, const E& ym, const E& xm, const E& rb,
               const E& xq);

  const Dims& d;
  const ArchParams& p;
  const int T, P, L, A, PA, NP, RM, SM;
  const bool has_table;
  const int rmw = std::max(1, clog2(RM)), smw = std::max(1, clog2(SM));
  const int rbw = PA + 1;   // row base: address of a row of positions
  const int bw = d.p_bank;  // bank number
  const Module& encoder;
  const Module& clock_gate;
  const Module& requant;
  const Module& bias_mem;
  Module& mod;
  ModuleBuilder m;

  // ports; clk is the gated clock every register here runs on
  E clk_in, clk, rst_n, run_start, t_start, t_set, t_group, t_kvalid;
  E r_oh, r_ow, r_pitch, r_pool, r_relu, r_mult, r_shift;
  E start, s_set, clr_start, clr_mask;
  E d_set, d_en, d_addr, d_sel, d_word, z_en, z_addr, z_mask;
  E b_we, b_addr, b_wdata;
  E ewe, eaddr, edata, lim_e, twe, taddr, tdata, lim_t;
  E cnt_sel, o_ecount, o_tcount, o_busy, o_overflow;
  // state
  E st_idle, st_clear, st_drain, state, set_q, cmask, caddr;
  E oy, oyq, oym, rowbase, ox, oxq, oxm;
  // descriptors, and the drained set's
  std::vector<Desc> desc;
  E bias_word, bias_ld, bias_set;
  E oh, ow, pitch, pool, relu, mult, shift, kvalid_q, bias_q;
  // positions of this cycle
  E draining, clearing, poolv, step;
  Step y1, x1;
  E rowbase1, y_in1, x_in1;
  std::vector<Pos> pos;
  E ren, raddr;
  // iteration
  E ox_next, oy_next, row_wrap, done_pos, emit, row_last, ch_last;
  Step y2, x2;
  E rowbase2, last_caddr;
  // pipeline
  E v1, v2, emit2, emit3, rl3, cl3;
  std::vector<E> bank1;               // the bank of each position, one cycle later
  std::vector<std::vector<E>> words;  // [lane][position] = P*A bits
  // per-PE encoder outputs
  std::vector<E> ewe_v, eaddr_v, edata_v, twe_v, taddr_v, tdata_v, ecount_v, tcount_v, ovf_v;
};

void Drain::ports() {
  clk_in = m.input("clk");
  clk = m.wire("gclk", 1);
  rst_n = m.input("rst_n");
  run_start = m.input("run_start");
  // Tile descriptors (Desc).
  t_start = m.input("t_start");
  t_set = m.input("t_set");
  t_group = m.input("t_group", d.group_idx);
  t_kvalid = m.input("t_kvalid", d.kvalid);
  r_oh = m.input("oh", d.cnt_h);
  r_ow = m.input("ow", d.cnt_w);
  r_pitch = m.input("pitch", d.pitch);
  r_pool = p.pool ? m.input("pool") : E();
  r_relu = m.input("relu");
  r_mult = m.input("mult", d.mult);
  r_shift = m.input("shift", d.shift);
  start = m.input("start");
  s_set = m.input("s_set");
  clr_start = m.input("clr_start");
  clr_mask = m.input("clr_mask", 2);
  d_set = m.output("d_set");
  d_en = m.output("d_en", T);
  d_addr = m.output("d_addr", T * PA);
  d_sel = m.output("d_sel", d.d_pos * d.p_bank);
  d_word = m.input("d_word", L * d.d_pos * P * A);
  z_en = m.output("z_en", T);
  z_addr = m.output("z_addr", T * PA);
  z_mask = m.output("z_mask", 2);
  b_we = m.input("b_we");
  b_addr = m.input("b_addr", d.b_addr);
  b_wdata = m.input("b_wdata", p.bias.width);
  ewe = m.output("o_ewe", P);
  eaddr = m.output("o_eaddr", P * d.ent_addr);
  edata = m.output("o_edata", P * p.entry_bits);
  lim_e = m.input("lim_e", d.ent_count);
  if (has_table) {
    twe = m.output("o_twe", P);
    taddr = m.output("o_taddr", P * d.tab_addr);
    tdata = m.output("o_tdata", P * p.table_bits);
    lim_t = m.input("lim_t", d.tab_count);
  }
  cnt_sel = m.input("cnt_sel", d.bank);
  o_ecount = m.output("o_ecount", d.ent_count);
  o_tcount = m.output("o_tcount", d.tab_count);
  o_busy = m.output("o_busy");
  o_overflow = m.output("o_overflow");
}

void Drain::registers() {
  st_idle = m.localparam("ST_IDLE", 2, 0, "nothing to drain or clear");
  st_clear = m.localparam("ST_CLEAR", 2, 1, "writing zeros into partial-sum sets");
  st_drain = m.localparam("ST_DRAIN", 2, 2, "reading a tile out through the output stage");
  state = m.reg_reset("state", st_idle);
  set_q = m.reg_reset("set_q", 1, 0);
  cmask = m.reg_reset("cmask", 2, 0);
  caddr = m.reg_reset("caddr", PA, 0);
  oy = m.reg_reset("oy", d.cnt_h + 1, 0);
  oyq = m.reg_reset("oyq", d.pq, 0);
  oym = m.reg_reset("oym", rmw, 0);
  rowbase = m.reg_reset("rowbase", rbw, 0);
  ox = m.reg_reset("ox", d.cnt_w + 1, 0);
  oxq = m.reg_reset("oxq", d.pc, 0);
  oxm = m.reg_reset("oxm", smw, 0);
}

// One descriptor per partial-sum set, written when a tile starts on the set; its bias arrives
// from the bias memory a cycle later.
void Drain::descriptors() {
  desc.resize(2);
  bias_word = m.wire("bias_word", p.bias.width);
  bias_ld = m.reg_reset("bias_ld", 1, 0);
  bias_set = m.reg_reset("bias_set", 1, 0);
  for (int s = 0; s < 2; ++s) {
    const std::string n = fmt::format("t{}_", s);
    Desc& q = desc[size_t(s)];
    q.oh = m.reg(n + "oh", d.cnt_h);
    q.ow = m.reg(n + "ow", d.cnt_w);
    q.pitch = m.reg(n + "pitch", d.pitch);
    q.pool = p.pool ? m.reg(n + "pool", 1) : zeros(1);
    q.relu = m.reg(n + "relu", 1);
    q.mult = m.reg(n + "mult", d.mult);
    q.shift = m.reg(n + "shift", d.shift);
    q.kvalid = m.reg(n + "kvalid", d.kvalid);
    q.bias = m.reg(n + "bias", p.bias.width);
    Body b = m.seq(clk, fmt::format("descriptor of the tile computing in set {}", s));
    b.if_(t_start && (s ? t_set : !t_set), [&](Body& t) {
      t.set(q.oh, r_oh);
      t.set(q.ow, r_ow);
      t.set(q.pitch, r_pitch);
      if (p.pool) t.set(q.pool, r_pool);
      t.set(q.relu, r_relu);
      t.set(q.mult, r_mult);
      t.set(q.shift, r_shift);
      t.set(q.kvalid, t_kvalid);
    });
    b.if_(bias_ld && (s ? bias_set : !bias_set), [&](Body& t) { t.set(q.bias, bias_word); });
  }
  {
    Body b = m.seq_reset(clk, rst_n);
    b.set(bias_ld, t_start);
    b.set(bias_set, t_set);
  }
  // The set being drained selects its descriptor.
  oh = m.wire("oh_d", mux(set_q, desc[1].oh, desc[0].oh));
  ow = m.wire("ow_d", mux(set_q, desc[1].ow, desc[0].ow));
  pitch = m.wire("pitch_d", mux(set_q, desc[1].pitch, desc[0].pitch));
  pool = p.pool ? m.wire("pool_d", mux(set_q, desc[1].pool, desc[0].pool)) : E();
  relu = m.wire("relu_d", mux(set_q, desc[1].relu, desc[0].relu));
  mult = m.wire("mult_d", mux(set_q, desc[1].mult, desc[0].mult));
  shift = m.wire("shift_d", mux(set_q, desc[1].shift, desc[0].shift));
  kvalid_q = m.wire("kvalid_d", mux(set_q, desc[1].kvalid, desc[0].kvalid));
  bias_q = m.wire("bias_d", mux(set_q, desc[1].bias, desc[0].bias));
}

// (q, m) + 1 along an axis, with m wrapping at mod_k (max_r or max_s).
Step Drain::advance(const std::string& n, const E& q, const E& mm, int mod_k) {
  E wrap = m.wire(n + "_w", eq(mm, uint64_t(mod_k - 1)));
  E q1 = m.wire(n + "_q", mux(wrap, add(q, 1), q));
  E m1 = m.wire(n + "_m", mux(wrap, zeros(mm.width()), add(mm, 1)));
  return Step{wrap, q1, m1};
}

// The bank and address of the position (ym, xm) in the row at rb, column quotient xq.
Pos Drain::position(const std::string& n, const E& valid, const E& ym, const E& xm, const E& rb,
                    const E& xq) {
  // bank = ym * max_s + xm
  E ymul = m.mul(n + "_ym", ym, lit(clog2(SM + 1), uint64_t(SM)));
  const int w = std::max(ymul.width(), bw) + 1;
  E bsum = m.wire(n + "_bs", zext(ymul, w) + zext(xm, w));
  E bank = fit(m, n + "_bank", bsum, bw);
  E asum = m.wire(n + "_as", rb + zext(xq, rbw));
  E addr = fit(m, n + "_addr", asum, PA);
  return Pos{m.wire(n + "_v", valid), m.wire(n + "_b", bank), m.wire(n + "_a", addr)};
}

// The (up to) four positions of this cycle: A (oy, ox), B (oy, ox+1), C (oy+1, ox),
// D (oy+1, ox+1).
void Drain::positions_of_cycle() {
  draining = m.wire("draining", state == st_drain);
  clearing = m.wire("clearing", state == st_clear);
  poolv = p.pool ? pool : zeros(1);
  step = m.wire("step", mux(poolv, lit(2, 2), lit(2, 1)));
  y1 = advance("y1", oyq, oym, RM);
  x1 = advance("x1", oxq, oxm, SM);
  rowbase1 = m.wire("rowbase1", mux(y1.wrap, rowbase + zext(pitch, rbw), rowbase));
  y_in1 = m.wire("y_in1", add(oy, 1) < zext(oh, d.cnt_h + 1));
  x_in1 = m.wire("x_in1", add(ox, 1) < zext(ow, d.cnt_w + 1));
  pos.push_back(position("pa", draining, oym, oxm, rowbase, oxq));
  if (NP == 4) {
    pos.push_back(position("pb", draining && poolv && x_in1, oym, x1.m, rowbase, x1.q));
    pos.push_back(position("pc", draining && poolv && y_in1, y1.m, oxm, rowbase1, oxq));
    pos.push_back(position("pd", draining && poolv && y_in1 && x_in1, y1.m, x1.m, rowbase1, x1.q));
  } else {
    m.unused(cat({x_in1, y_in1, y1.q, x1.q, rowbase1}));
  }
}

// Read requests per bank.
void Drain::read_requests() {
  std::vector<E> en_bits, addr_bits;
  for (int b = 0; b < T; ++b) {
    E en = zeros(1);
    E ad = zeros(PA);
    for (const Pos& q : pos) {
      E hit = q.valid && eq(q.bank, uint64_t(b));
      en = en | hit;
      ad = mux(hit, q.addr, ad);
    }
    en_bits.push_back(m.wire(fmt::format("ren{}", b), en));
    addr_bits.push_back(m.wire(fmt::format("raddr{}", b), ad));
  }
  ren = m.wire("ren", cat(std::vector<E>(en_bits.rbegin(), en_bits.rend())));
  raddr = m.wire("raddr", cat(std::vector<E>(addr_bits.rbegin(), addr_bits.rend())));
  m.assign(d_en, ren);
  m.assign(d_addr, raddr);
  m.assign(d_set, set_q);
}

// Where the walk goes next, and whether this cycle completes an output.
void Drain::iteration() {
  ox_next = m.wire("ox_next", ox + zext(step, d.cnt_w + 1));
  oy_next = m.wire("oy_next", oy + zext(step, d.cnt_h + 1));
  row_wrap = m.wire("row_wrap", ox_next >= zext(ow, d.cnt_w + 1));
  done_pos = m.wire("done_pos", row_wrap && oy_next >= zext(oh, d.cnt_h + 1));
  emit = m.wire("emit", draining && (!poolv || (y_in1 && x_in1)), "a complete output");
  // Last output of a row / of the channel: the next window would be incomplete.
  E after = m.wire("after", zext(step, d.cnt_w + 1) + zext(poolv, d.cnt_w + 1));
  row_last = m.wire("row_last", ox + after >= zext(ow, d.cnt_w + 1));
  E after_y = m.wire("after_y", zext(step, d.cnt_h + 1) + zext(poolv, d.cnt_h + 1));
  ch_last = m.wire("ch_last", row_last && oy + after_y >= zext(oh, d.cnt_h + 1));
  y2 = advance("y2", y1.q, y1.m, RM);
  x2 = advance("x2", x1.q, x1.m, SM);
  rowbase2 = m.wire("rowbase2", mux(y2.wrap, rowbase1 + zext(pitch, rbw), rowbase1));
  if (NP == 1) m.unused(cat({y2.q, y2.m, x2.q, x2.m, rowbase2}));
  last_caddr = m.wire("last_caddr", eq(caddr, uint64_t(p.psum.depth - 1)));
}

// Idle -> clear (every address of the masked sets) or drain (the walk over the positions).
void Drain::sequencer() {
  Body b = m.seq_reset(clk, rst_n, "sequencing");
  b.switch_(state,
            {
                {{st_idle},
                 [&](Body& t) {
                   t.if_(
                       clr_start,
                       [&](Body& u) {
                         u.set(state, st_clear);
                         u.set(cmask, clr_mask);
                         u.set(caddr, zeros(PA));
                       },
                       [&](Body& u) {
                         u.if_(start, [&](Body& v) {
                           v.set(state, st_drain);
                           v.set(set_q, s_set);
                           v.set(oy, zeros(d.cnt_h + 1));
                           v.set(oyq, zeros(d.pq));
                           v.set(oym, zeros(rmw));
                           v.set(rowbase, zeros(rbw));
                           v.set(ox, zeros(d.cnt_w + 1));
                           v.set(oxq, zeros(d.pc));
                           v.set(oxm, zeros(smw));
                         });
                       });
                 }},
                {{st_clear},
                 [&](Body& t) {
                   t.set(caddr, add(caddr, 1));
                   t.if_(last_caddr, [&](Body& u) { u.set(state, st_idle); });
                 }},
                {{st_drain},
                 [&](Body& t) {
                   t.if_(
                       row_wrap,
                       [&](Body& u) {
                         u.set(ox, zeros(d.cnt_w + 1));
                         u.set(oxq, zeros(d.pc));
                         u.set(oxm, zeros(smw));
                         u.set(oy, oy_next);
                         if (NP == 4) {
                           u.set(oyq, mux(poolv, y2.q, y1.q));
                           u.set(oym, mux(poolv, y2.m, y1.m));
                           u.set(rowbase, mux(poolv, rowbase2, rowbase1));
                         } else {
                           u.set(oyq, y1.q);
                           u.set(oym, y1.m);
                           u.set(rowbase, rowbase1);
                         }
                         u.if_(done_pos, [&](Body& v) { v.set(state, st_idle); });
                       },
                       [&](Body& u) {
                         u.set(ox, ox_next);
                         if (NP == 4) {
                           u.set(oxq, mux(poolv, x2.q, x1.q));
                           u.set(oxm, mux(poolv, x2.m, x1.m));
                         } else {
                           u.set(oxq, x1.q);
                           u.set(oxm, x1.m);
                         }
                       });
                 }},
            },
            nullptr);
}

// Bias of a tile's group: read when the tile starts, kept in its descriptor.
void Drain::bias_memory() {
  m.inst(bias_mem, "u_bias")
      .conn("clk", clk)
      .conn("ce", m.wire("b_ce", b_we || t_start))
      .conn("we", b_we)
      .conn("addr", m.wire("bias_addr", mux(b_we, b_addr, fit(m, "grp", t_group, d.b_addr))))
      .conn("wdata", b_wdata)
      .conn("rdata", bias_word);
}

// D0 -> D1 -> D2 -> D3: position metadata follows the words through the requantiser; the words
// read at D0 are cleared at D1 (or every address while clearing).
void Drain::pipeline() {
  v1 = m.reg_reset("v1", 1, 0);
  E emit1 = m.reg_reset("emit1", 1, 0);
  E rl1 = m.reg("rl1", 1), cl1 = m.reg("cl1", 1);
  E zen_q = m.reg_reset("zen_q", T, 0);
  E zaddr_q = m.reg("zaddr_q", T * PA);
  // With one bank (1x1 kernels) every word comes from bank 0.
  if (T > 1)
    for (size_t k = 0; k < pos.size(); ++k) bank1.push_back(m.reg(fmt::format("bank1_{}", k), bw));
  {
    Body b = m.seq_reset(clk, rst_n);
    b.set(v1, draining);
    b.set(emit1, emit);
    b.set(zen_q, ren);
  }
  {
    Body b = m.seq(clk);
    b.set(rl1, row_last);
    b.set(cl1, ch_last);
    b.set(zaddr_q, raddr);
    for (size_t k = 0; k < bank1.size(); ++k) b.set(bank1[k], pos[k].bank);
  }
  m.assign(z_en, mux(clearing, ones(T), zen_q));
  m.assign(z_addr, mux(clearing, rep(T, caddr), zaddr_q));
  m.assign(z_mask, mux(clearing, cmask, mux(set_q, lit(2, 2), lit(2, 1))));
  emit2 = m.reg_reset("emit2", 1, 0);
  emit3 = m.reg_reset("emit3", 1, 0);
  E rl2 = m.reg("rl2", 1), cl2 = m.reg("cl2", 1);
  rl3 = m.reg("rl3", 1);
  cl3 = m.reg("cl3", 1);
  v2 = m.reg_reset("v2", 1, 0);
  {
    Body b = m.seq_reset(clk, rst_n);
    b.set(emit2, emit1);
    b.set(emit3, emit2);
    b.set(v2, v1);
  }
  {
    Body b = m.seq(clk);
    b.set(rl2, rl1);
    b.set(cl2, cl1);
    b.set(rl3, rl2);
    b.set(cl3, cl2);
  }
}

// Each position's word of each lane: the partial-sum blocks pick it out of their banks by the
// bank numbers registered with the read (d_sel).
void Drain::bank_words() {
  std::vector<E> sel;  // MSB first
  for (int k = d.d_pos - 1; k >= 0; --k)
    sel.push_back(size_t(k) < bank1.size() ? bank1[size_t(k)] : lit(d.p_bank, 0));
  m.assign(d_sel, cat(sel));
  words.resize(size_t(L));
  for (int l = 0; l < L; ++l)
    for (size_t k = 0; k < pos.size(); ++k)
      words[size_t(l)].push_back(d_word.bits((l * d.d_pos + int(k)) * P * A, P * A));
}

// Output channel of PE k: its accumulators through a requantiser into its re-encoder.
void Drain::output_channel(int k) {
  std::vector<E> wparts;  // lane-major, position-minor, MSB first
  for (int l = L - 1; l >= 0; --l)
    for (int q = int(pos.size()) - 1; q >= 0; --q)
      wparts.push_back(words[size_t(l)][size_t(q)].bits(k * A, A));
  E val = m.wire(fmt::format("val{}", k), d.act);
  auto rq = m.inst(requant, fmt::format("u_rq{}", k));
  rq.conn("clk", clk).conn("i_en", v1);
  if (p.pool) rq.conn("i_pool", pool);
  rq.conn("i_relu", relu)
      .conn("i_mult", mult)
      .conn("i_shift", shift)
      .conn("i_bias", bias_q.bits(k * d.bias_w, d.bias_w))
      .conn("i_words", cat(wparts))
      .conn("o_val", val);
  E en = m.wire(fmt::format("pe_en{}", k), lit(d.kvalid, uint64_t(k)) < kvalid_q);
  E we = m.wire(fmt::format("ewe{}", k), 1);
  E ea = m.wire(fmt::format("eaddr{}", k), d.ent_addr);
  E ed = m.wire(fmt::format("edata{}", k), p.entry_bits);
  E ec = m.wire(fmt::format("ecount{}", k), d.ent_count);
  E ov = m.wire(fmt::format("ovf{}", k), 1);
  auto eb = m.inst(encoder, fmt::format("u_enc{}", k));
  eb.conn("clk", clk)
      .conn("rst_n", rst_n)
      .conn("run_start", run_start)
      .conn("en", en)
      .conn("i_valid", emit3)
      .conn("i_val", val)
      .conn("i_row_last", rl3)
      .conn("i_ch_last", cl3)
      .conn("lim_e", lim_e)
      .conn("o_ewe", we)
      .conn("o_eaddr", ea)
      .conn("o_edata", ed)
      .conn("o_ecount", ec)
      .conn("o_overflow", ov);
  ewe_v.push_back(we);
  eaddr_v.push_back(ea);
  edata_v.push_back(ed);
  ecount_v.push_back(ec);
  ovf_v.push_back(ov);
  if (has_table) {
    E tw = m.wire(fmt::format("twe{}", k), 1);
    E ta = m.wire(fmt::format("taddr{}", k), d.tab_addr);
    E td = m.wire(fmt::format("tdata{}", k), p.table_bits);
    E tc = m.wire(fmt::format("tcount{}", k), d.tab_count);
    eb.conn("lim_t", lim_t)
        .conn("o_twe", tw)
        .conn("o_taddr", ta)
        .conn("o_tdata", td)
        .conn("o_tcount", tc);
    twe_v.push_back(tw);
    taddr_v.push_back(ta);
    tdata_v.push_back(td);
    tcount_v.push_back(tc);
  }
}

// The encoders' writes, the selected bank's counts, overflow and busy.
void Drain::outputs() {
  auto msb_first = [](std::vector<E> v) { return cat(std::vector<E>(v.rbegin(), v.rend())); };
  m.assign(ewe, msb_first(ewe_v));
  m.assign(eaddr, msb_first(eaddr_v));
  m.assign(edata, msb_first(edata_v));
  if (has_table) {
    m.assign(twe, msb_first(twe_v));
    m.assign(taddr, msb_first(taddr_v));
    m.assign(tdata, msb_first(tdata_v));
  }
  E esel = ecount_v[0], tsel = has_table ? tcount_v[0] : zeros(d.tab_count);
  for (int k = 1; k < P; ++k) {
    esel = mux(eq(cnt_sel, uint64_t(k)), ecount_v[size_t(k)], esel);
    if (has_table) tsel = mux(eq(cnt_sel, uint64_t(k)), tcount_v[size_t(k)], tsel);
  }
  if (P == 1) m.unused(cnt_sel);
  m.assign(o_ecount, esel);
  m.assign(o_tcount, tsel);
  E any_ovf = zeros(1);
  for (const E& o : ovf_v) any_ovf = any_ovf | o;
  m.assign(o_overflow, any_ovf);
  // Busy until the last encoder write has gone out.
  E tail = m.reg_reset("tail", 1, 0);
  {
    Body b = m.seq_reset(clk, rst_n);
    b.set(tail, emit3);
  }
  m.assign(o_busy, state != st_idle || v1 || v2 || emit2 || emit3 || tail);
}

// The stage idles while the lanes compute (99% of the cycles of a 3x3 layer): it runs on a
// gated clock, with an edge in every cycle where a register here may change. That is while it
// is busy (the pipeline included) and in the cycles of the events that load its registers:
// a drain or clear starting, a tile's descriptor and, a cycle later, its bias, a bias write,
// and a run resetting the encoders' counts. Every other register input is sampled only under
// one of these, so each register sees the same values as with a free-running clock.
void Drain::clock_gating() {
  E en = m.wire("clk_en", o_busy || start || clr_start || t_start || bias_ld || b_we || run_start);
  m.inst(clock_gate, "u_cg")
      .conn("clk", clk_in)
      .conn("rst_n", rst_n)
      .conn("en", en)
      .conn("gclk", clk);
}

}  // namespace

const Module& build_drain(Elab& e, const Module& encoder, const Module& clock_gate) {
  Drain g(e, encoder, clock_gate);
  g.ports();
  g.registers();
  g.descriptors();
  g.positions_of_cycle();
  g.read_requests();
  g.iteration();
  g.sequencer();
  g.bias_memory();
  g.pipeline();
  g.bank_words();
  for (int k = 0; k < g.P; ++k) g.output_channel(k);
  g.outputs();
  g.clock_gating();
  return g.mod;
}

}  // namespace zasgen::rtl::arch
