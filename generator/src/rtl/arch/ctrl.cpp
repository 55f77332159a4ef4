// The controller (ARCH 5, 6): runs the tiles of a run, owns the two partial-sum sets (which
// one computes, which is being drained, which hold data), starts drains and clears, and keeps
// the performance counters, classifying every busy cycle by what held it up.
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

namespace {

// The controller module, built in steps; the members are the nets the steps share.
struct Ctrl {
  explicit Ctrl(Elab& e)
      : d(e.dims),
        L(d.lanes),
        T(d.taps),
        tapw(clog2(T + 1)),
        mod(e.module("ctrl", {"Controller: run and tile sequencing, partial-sum sets, counters."})),
        m(mod) {}

  void ports();
  void registers();
  void decisions();
  void outputs();
  void sequencer();
  void dirty_sets();
  void counters();

  const Dims& d;
  const int L, T, tapw;
  Module& mod;
  ModuleBuilder m;

  // ports
  E clk, rst_n, start, groups, kvalid, first, last, defer;
  E lane_idle, lane_issue, lane_wstall, lane_bubble, lane_taps;
  E d_busy, d_start, d_set, t_start, t_set, t_group, t_kvalid, clr_start, clr_mask;
  E run_start, busy, tile_start, c_set, done;
  E p_cycles, p_nnz, p_macs, p_active, p_weight, p_decode, p_drain, p_clear, p_lane, p_tail, p_dcyc;
  // registers
  E st_idle, st_prep, st_clear, st_wait, st_run, st_finish, state;
  E cset, dirty, g, pend, pend_set, held, held_set, dset_q, cmask_q;
  // decisions
  E s_idle, s_prep, s_clear, s_wait, s_run, s_finish, all_idle, any_idle, g_last, kv_full, kv_cur;
  E cset_1h, held_1h, pend_1h, need_clear, no_tiles, set_free, go_tile, tile_end, hold_now;
  E drain_now, drain_pend, g_idx, finish_ok;
};

void Ctrl::ports() {
  clk = m.input("clk");
  rst_n = m.input("rst_n");
  start = m.input("start");
  groups = m.input("groups", d.groups);
  kvalid = m.input("kvalid", d.kvalid);
  first = m.input("first");
  last = m.input("last");
  defer = m.input("defer");
  lane_idle = m.input("lane_idle", L);
  lane_issue = m.input("lane_issue", L);
  lane_wstall = m.input("lane_wstall", L);
  lane_bubble = m.input("lane_bubble", L);
  lane_taps = m.input("lane_taps", L * tapw);
  d_busy = m.input("d_busy");
  d_start = m.output("d_start");
  d_set = m.output("d_set");
  t_start = m.output("t_start");
  t_set = m.output("t_set");
  t_group = m.output("t_group", d.group_idx);
  t_kvalid = m.output("t_kvalid", d.kvalid);
  clr_start = m.output("clr_start");
  clr_mask = m.output("clr_mask", 2);
  run_start = m.output("run_start");
  busy = m.output("busy");
  tile_start = m.output("tile_start");
  c_set = m.output("c_set");
  done = m.output("done");
  // Counters.
  p_cycles = m.output_reg("perf_cycles", 64, 0);
  p_nnz = m.output_reg("perf_nnz", 32, 0);
  p_macs = m.output_reg("perf_macs", 64, 0);
  p_active = m.output_reg("perf_active", 32, 0);
  p_weight = m.output_reg("perf_weight", 32, 0);
  p_decode = m.output_reg("perf_decode", 32, 0);
  p_drain = m.output_reg("perf_drain", 32, 0);
  p_clear = m.output_reg("perf_clear", 32, 0);
  p_lane = m.output_reg("perf_lane", 32, 0);
  p_tail = m.output_reg("perf_tail", 32, 0);
  p_dcyc = m.output_reg("perf_drain_cycles", 32, 0);
}

// The run and tile state, and the partial-sum sets: which computes, which are dirty, which
// wait for a drain.
void Ctrl::registers() {
  st_idle = m.localparam("ST_IDLE", 3, 0, "waiting for CTRL.start");
  st_prep = m.localparam("ST_PREP", 3, 1, "latch the run, choose the sets to clear");
  st_clear = m.localparam("ST_CLEAR", 3, 2, "clearing partial-sum sets");
  st_wait = m.localparam("ST_WAIT", 3, 3, "a tile waits for its partial-sum set");
  st_run = m.localparam("ST_RUN", 3, 4, "a tile computes");
  st_finish = m.localparam("ST_FINISH", 3, 5, "drains finish, then DONE");
  state = m.reg_reset("state", st_idle);
  cset = m.reg_reset("cset", 1, 0);
  dirty = m.reg_reset("dirty", 2, 3);  // after reset the SRAMs hold anything
  g = m.reg_reset("g", d.groups, 0);
  pend = m.reg_reset("pend", 1, 0);
  pend_set = m.reg_reset("pend_set", 1, 0);
  held = m.reg_reset("held", 1, 0);  // a deferred drain waits for the next run
  held_set = m.reg_reset("held_set", 1, 0);
  dset_q = m.reg_reset("dset_q", 1, 0);
  cmask_q = m.reg_reset("cmask_q", 2, 0);
}

// What the state and the lanes and drain decide this cycle.
void Ctrl::decisions() {
  s_idle = m.wire("s_idle", state == st_idle);
  s_prep = m.wire("s_prep", state == st_prep);
  s_clear = m.wire("s_clear", state == st_clear);
  s_wait = m.wire("s_wait", state == st_wait);
  s_run = m.wire("s_run", state == st_run);
  s_finish = m.wire("s_finish", state == st_finish);

  all_idle = m.wire("all_idle", red_and(lane_idle));
  any_idle = m.wire("any_idle", red_or(lane_idle));
  g_last = m.wire("g_last", add(g, 1) == groups);
  kv_full = lit(d.kvalid, uint64_t(d.pes));
  kv_cur = m.wire("kv_cur", mux(g_last, kvalid, kv_full), "valid PEs of the current group");
  cset_1h = m.wire("cset_1h", mux(cset, lit(2, 2), lit(2, 1)));
  held_1h = m.wire("held_1h", mux(held, mux(held_set, lit(2, 2), lit(2, 1)), zeros(2)));
  pend_1h = m.wire("pend_1h", mux(pend, mux(pend_set, lit(2, 2), lit(2, 1)), zeros(2)));
  // Sets to clear before the run: dirty ones, except data a drain still needs and, when the run
  // continues a carried tile, the carry.
  need_clear = m.wire("need_clear", dirty & ~held_1h & ~pend_1h & mux(first, lit(2, 3), ~cset_1h));
  no_tiles = m.wire("no_tiles", eq(groups, 0), "a flush run: only the deferred drain");
  // A tile may start on cset once no drain of cset is running or waiting.
  set_free = m.wire("set_free", !(pend && pend_set == cset) && !(d_busy && dset_q == cset));
  go_tile = m.wire("go_tile", s_wait && set_free);
  tile_end = m.wire("tile_end", s_run && all_idle);
  hold_now = m.wire("hold_now", tile_end && last && defer && g_last,
                    "the run's last drain is deferred to the next run");
  drain_now = m.wire("drain_now", tile_end && last && !hold_now && !d_busy && !pend);
  drain_pend = m.wire("drain_pend", !tile_end && pend && !d_busy);
  g_idx = fit(m, "g_idx", g, d.group_idx);
}

void Ctrl::outputs() {
  m.assign(run_start, s_prep);
  m.assign(busy, !s_idle);
  m.assign(tile_start, go_tile);
  m.assign(c_set, cset);
  m.assign(clr_start, s_prep && ne(need_clear, 0));
  m.assign(clr_mask, need_clear);
  m.assign(d_start, drain_now || drain_pend);
  m.assign(d_set, mux(drain_now, cset, pend_set));
  m.assign(t_start, go_tile);
  m.assign(t_set, cset);
  m.assign(t_group, g_idx);
  m.assign(t_kvalid, kv_cur);
  finish_ok = m.wire("finish_ok", s_finish && !pend && !d_busy);
  m.assign(done, finish_ok);
}

void Ctrl::sequencer() {
  Body b = m.seq_reset(clk, rst_n, "run and tile sequencing");
  b.switch_(
      state,
      {
          {{st_idle},
           [&](Body& t) {
             t.if_(start, [&](Body& u) {
               u.set(state, st_prep);
               u.set(g, zeros(d.groups));
             });
           }},
          {{st_prep},
           [&](Body& t) {
             t.set(cmask_q, need_clear);
             t.set(state, mux(ne(need_clear, 0), st_clear, mux(no_tiles, st_finish, st_wait)));
             // The previous run's deferred drain goes first.
             t.if_(held, [&](Body& u) {
               u.set(held, zeros(1));
               u.set(pend, ones(1));
               u.set(pend_set, held_set);
             });
           }},
          {{st_clear},
           [&](Body& t) {
             t.if_(!d_busy, [&](Body& u) { u.set(state, mux(no_tiles, st_finish, st_wait)); });
           }},
          {{st_wait}, [&](Body& t) { t.if_(set_free, [&](Body& u) { u.set(state, st_run); }); }},
          {{st_run},
           [&](Body& t) {
             t.if_(all_idle, [&](Body& u) {
               u.set(g, add(g, 1));
               u.if_(last, [&](Body& v) {
                 v.set(cset, !cset);
                 v.if_(
                     hold_now,
                     [&](Body& w) {
                       w.set(held, ones(1));
                       w.set(held_set, cset);
                     },
                     [&](Body& w) {
                       w.if_(
                           drain_now, [&](Body& x) { x.set(dset_q, cset); },
                           [&](Body& x) {
                             x.set(pend, ones(1));
                             x.set(pend_set, cset);
                           });
                     });
               });
               u.set(state, mux(g_last, st_finish, st_wait));
             });
           }},
          {{st_finish},
           [&](Body& t) { t.if_(finish_ok, [&](Body& u) { u.set(state, st_idle); }); }},
      },
      nullptr);
  b.if_(drain_pend, [&](Body& t) {
    t.set(pend, zeros(1));
    t.set(dset_q, pend_set);
  });
}

void Ctrl::dirty_sets() {
  // A set gets dirty when a tile starts on it and clean when its drain or a clear starts
  // (nothing can use it before that drain or clear has finished).
  E set_1h = mux(go_tile, cset_1h, zeros(2));
  E drained = mux(drain_now, cset_1h, zeros(2)) |
              mux(drain_pend, mux(pend_set, lit(2, 2), lit(2, 1)), zeros(2));
  E cleared = mux(s_clear && !d_busy, cmask_q, zeros(2));
  Body b = m.seq_reset(clk, rst_n, "partial-sum sets holding data");
  b.set(dirty, (dirty | set_1h) & ~(drained | cleared));
}

// Performance counters, cleared by start; every busy cycle is classified by what held it up.
void Ctrl::counters() {
  E issues = popcount(m, "issues", lane_issue, clog2(L + 1));
  E taps = zeros(clog2(L * T + 1));
  for (int l = 0; l < L; ++l) taps = taps + zext(lane_taps.bits(l * tapw, tapw), clog2(L * T + 1));
  E taps_w = m.wire("taps", taps);
  E macs_now = m.mul("macs_now", taps_w, kv_cur);
  E any_issue = m.wire("any_issue", red_or(lane_issue));
  E any_wstall = m.wire("any_wstall", red_or(lane_wstall));
  E any_bubble = m.wire("any_bubble", red_or(lane_bubble));
  E c_active = m.wire("c_active", s_run && any_issue);
  E c_weight = m.wire("c_weight", s_run && !any_issue && any_wstall);
  E c_lane =
      m.wire("c_lane", s_run && !any_issue && !any_wstall && any_idle && !all_idle && !any_bubble);
  E c_decode =
      m.wire("c_decode", s_prep || go_tile || (s_run && !any_issue && !any_wstall && !c_lane));
  E c_drain = m.wire("c_drain", s_wait && !set_free);
  E c_clear = m.wire("c_clear", s_clear);
  E c_tail = m.wire("c_tail", s_finish);
  // The counter outputs are the counters themselves.
  auto count = [&](const E& q, const E& inc) {
    Body b = m.seq_reset(clk, rst_n);
    b.if_(
        s_idle && start, [&](Body& t) { t.set(q, zeros(q.width())); },
        [&](Body& t) { t.if_(!s_idle, [&](Body& u) { u.set(q, q + zext(inc, q.width())); }); });
  };
  count(p_cycles, lit(1, 1));
  count(p_nnz, issues);
  count(p_macs, macs_now);
  count(p_active, c_active);
  count(p_weight, c_weight);
  count(p_decode, c_decode);
  count(p_drain, c_drain);
  count(p_clear, c_clear);
  count(p_lane, c_lane);
  count(p_tail, c_tail);
  count(p_dcyc, d_busy);
}

}  // namespace

const Module& build_ctrl(Elab& e) {
  Ctrl g(e);
  g.ports();
  g.registers();
  g.decisions();
  g.outputs();
  g.sequencer();
  g.dirty_sets();
  g.counters();
  return g.mod;
}

}  // namespace zasgen::rtl::arch
