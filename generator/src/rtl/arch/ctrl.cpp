// The controller (ARCH 5, 6): runs the tiles of a run, owns the two partial-sum sets (which
// one computes, which is being drained, which hold data), starts drains and clears, and keeps
// the performance counters, classifying every busy cycle by what held it up.
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

const Module& build_ctrl(Elab& e) {
  const Dims& d = e.dims;
  const int L = d.lanes, T = d.taps;
  const int tapw = clog2(T + 1);
  Module& mod =
      e.module("ctrl", {"Controller: run and tile sequencing, partial-sum sets, counters."});
  ModuleBuilder m(mod);
  E clk = m.input("clk");
  E rst_n = m.input("rst_n");
  E start = m.input("start");
  E groups = m.input("groups", d.groups);
  E kvalid = m.input("kvalid", d.kvalid);
  E first = m.input("first");
  E last = m.input("last");
  E defer = m.input("defer");
  E lane_idle = m.input("lane_idle", L);
  E lane_issue = m.input("lane_issue", L);
  E lane_wstall = m.input("lane_wstall", L);
  E lane_bubble = m.input("lane_bubble", L);
  E lane_taps = m.input("lane_taps", L * tapw);
  E d_busy = m.input("d_busy");
  E d_start = m.output("d_start");
  E d_set = m.output("d_set");
  E t_start = m.output("t_start");
  E t_set = m.output("t_set");
  E t_group = m.output("t_group", d.group_idx);
  E t_kvalid = m.output("t_kvalid", d.kvalid);
  E clr_start = m.output("clr_start");
  E clr_mask = m.output("clr_mask", 2);
  E run_start = m.output("run_start");
  E busy = m.output("busy");
  E tile_start = m.output("tile_start");
  E c_set = m.output("c_set");
  E done = m.output("done");
  // Counters.
  E p_cycles = m.output_reg("perf_cycles", 64, 0);
  E p_nnz = m.output_reg("perf_nnz", 32, 0);
  E p_macs = m.output_reg("perf_macs", 64, 0);
  E p_active = m.output_reg("perf_active", 32, 0);
  E p_weight = m.output_reg("perf_weight", 32, 0);
  E p_decode = m.output_reg("perf_decode", 32, 0);
  E p_drain = m.output_reg("perf_drain", 32, 0);
  E p_clear = m.output_reg("perf_clear", 32, 0);
  E p_lane = m.output_reg("perf_lane", 32, 0);
  E p_tail = m.output_reg("perf_tail", 32, 0);
  E p_dcyc = m.output_reg("perf_drain_cycles", 32, 0);

  const E st_idle = m.localparam("ST_IDLE", 3, 0, "waiting for CTRL.start");
  const E st_prep = m.localparam("ST_PREP", 3, 1, "latch the run, choose the sets to clear");
  const E st_clear = m.localparam("ST_CLEAR", 3, 2, "clearing partial-sum sets");
  const E st_wait = m.localparam("ST_WAIT", 3, 3, "a tile waits for its partial-sum set");
  const E st_run = m.localparam("ST_RUN", 3, 4, "a tile computes");
  const E st_finish = m.localparam("ST_FINISH", 3, 5, "drains finish, then DONE");
  E state = m.reg_reset("state", st_idle);
  E cset = m.reg_reset("cset", 1, 0);
  E dirty = m.reg_reset("dirty", 2, 3);  // after reset the SRAMs hold anything
  E g = m.reg_reset("g", d.groups, 0);
  E pend = m.reg_reset("pend", 1, 0);
  E pend_set = m.reg_reset("pend_set", 1, 0);
  E held = m.reg_reset("held", 1, 0);  // a deferred drain waits for the next run
  E held_set = m.reg_reset("held_set", 1, 0);
  E dset_q = m.reg_reset("dset_q", 1, 0);
  E cmask_q = m.reg_reset("cmask_q", 2, 0);

  E s_idle = m.wire("s_idle", state == st_idle);
  E s_prep = m.wire("s_prep", state == st_prep);
  E s_clear = m.wire("s_clear", state == st_clear);
  E s_wait = m.wire("s_wait", state == st_wait);
  E s_run = m.wire("s_run", state == st_run);
  E s_finish = m.wire("s_finish", state == st_finish);

  E all_idle = m.wire("all_idle", red_and(lane_idle));
  E any_idle = m.wire("any_idle", red_or(lane_idle));
  E g_last = m.wire("g_last", add(g, 1) == groups);
  E kv_full = lit(d.kvalid, uint64_t(d.pes));
  E kv_cur = m.wire("kv_cur", mux(g_last, kvalid, kv_full), "valid PEs of the current group");
  E cset_1h = m.wire("cset_1h", mux(cset, lit(2, 2), lit(2, 1)));
  E held_1h = m.wire("held_1h", mux(held, mux(held_set, lit(2, 2), lit(2, 1)), zeros(2)));
  E pend_1h = m.wire("pend_1h", mux(pend, mux(pend_set, lit(2, 2), lit(2, 1)), zeros(2)));
  // Sets to clear before the run: dirty ones, except data a drain still needs and, when the run
  // continues a carried tile, the carry.
  E need_clear =
      m.wire("need_clear", dirty & ~held_1h & ~pend_1h & mux(first, lit(2, 3), ~cset_1h));
  E no_tiles = m.wire("no_tiles", eq(groups, 0), "a flush run: only the deferred drain");
  // A tile may start on cset once no drain of cset is running or waiting.
  E set_free = m.wire("set_free", !(pend && pend_set == cset) && !(d_busy && dset_q == cset));
  E go_tile = m.wire("go_tile", s_wait && set_free);
  E tile_end = m.wire("tile_end", s_run && all_idle);
  E hold_now = m.wire("hold_now", tile_end && last && defer && g_last,
                      "the run's last drain is deferred to the next run");
  E drain_now = m.wire("drain_now", tile_end && last && !hold_now && !d_busy && !pend);
  E drain_pend = m.wire("drain_pend", !tile_end && pend && !d_busy);
  E g_idx = fit(m, "g_idx", g, d.group_idx);

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
  E finish_ok = m.wire("finish_ok", s_finish && !pend && !d_busy);
  m.assign(done, finish_ok);

  {
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
  {
    // A set gets dirty when a tile starts on it and clean when its drain or a clear starts
    // (nothing can use it before that drain or clear has finished).
    E set_1h = mux(go_tile, cset_1h, zeros(2));
    E drained = mux(drain_now, cset_1h, zeros(2)) |
                mux(drain_pend, mux(pend_set, lit(2, 2), lit(2, 1)), zeros(2));
    E cleared = mux(s_clear && !d_busy, cmask_q, zeros(2));
    Body b = m.seq_reset(clk, rst_n, "partial-sum sets holding data");
    b.set(dirty, (dirty | set_1h) & ~(drained | cleared));
  }

  // ---- counters (cleared by start)
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
  return mod;
}

}  // namespace zasgen::rtl::arch
