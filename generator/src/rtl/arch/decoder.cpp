// The position decoder of one lane (ARCH 3, 4, 5): walks the lane's banks in processing order,
// fetches entries (and position-table words) through small prefetch FIFOs, and turns them into
// at most one token per cycle: an activation (value, y, x) and/or the end of a channel. Formats
// are decoded without bubbles except where the format itself has nothing to give (empty mask
// words, rle fillers and long runs, coord empty rows that share no cycle with a neighbour, bank
// switches).
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

namespace {

// A sequential reader of one memory of the current bank: address pointer, read issue, and a
// FIFO of `depth` words (three sustain one word per cycle with a one-cycle read latency). `pop`
// is how many words the reader takes this cycle: a one-bit net, or two bits for a reader that
// takes up to two words at once (it sees the second word as `next`, valid with `ok2`).
struct Fetch {
  E re, addr;   // to the memory
  E head, ok;   // FIFO head
  E next, ok2;  // the word behind the head (readers that take two words)
};

Fetch fetch(ModuleBuilder& m, const std::string& n, const E& clk, const E& rst_n, const E& rdata,
            int addr_bits, const E& enable, const E& flush, const E& pop, int depth = 3) {
  const int w = rdata.width();
  const int cw = clog2(int64_t(depth) + 1);
  const int pw = pop.width();
  E ptr = m.reg_reset(n + "_ptr", addr_bits, 0);
  E cnt = m.reg_reset(n + "_cnt", cw, 0);
  E inflight = m.reg_reset(n + "_inflight", 1, 0);
  std::vector<E> h;
  for (int i = 0; i < depth; ++i) h.push_back(m.reg(fmt::format("{}_h{}", n, i), w));
  E room = m.wire(n + "_room",
                  zext(cnt, cw + 1) + zext(inflight, cw + 1) <= lit(cw + 1, uint64_t(depth - 1)));
  E issue = m.wire(n + "_issue", enable && !flush && room);
  E push = m.wire(n + "_push", inflight && !flush);
  E popq = m.wire(n + "_pop", pw == 1 ? pop && !flush : mux(flush, zeros(pw), pop));
  {
    Body b = m.seq_reset(clk, rst_n);
    b.set(inflight, issue);
    b.if_(
        flush,
        [&](Body& t) {
          t.set(ptr, zeros(addr_bits));
          t.set(cnt, zeros(cw));
        },
        [&](Body& t) {
          t.if_(issue, [&](Body& u) { u.set(ptr, add(ptr, 1)); });
          t.set(cnt, cnt + zext(push, cw) - zext(popq, cw));
        });
  }
  {
    // Shift out what is popped; the pushed word lands after the words that remain.
    Body b = m.seq(clk);
    for (int i = 0; i < depth; ++i) {
      // Slot i after `k` words are popped: the word k places behind it, else the pushed word.
      auto after = [&](int k) {
        if (i + k > depth) return h[i];  // no word can land there
        E refill = mux(push && eq(cnt, uint64_t(i + k)), rdata, h[i]);
        return k > 0 && i + k < depth ? mux(lit(cw, uint64_t(i + k)) < cnt, h[i + k], refill)
                                      : refill;
      };
      E v = pw == 1 ? mux(popq, after(1), after(0))
                    : mux(eq(popq, 0), after(0), mux(eq(popq, 1), after(1), after(2)));
      b.set(h[i], v);
    }
  }
  const bool two = pw > 1;
  return {issue,
          ptr,
          h[0],
          m.wire(n + "_ok", cnt != zeros(cw)),
          two ? h[1] : E(),
          two ? m.wire(n + "_ok2", ge(cnt, 2)) : E()};
}

Module& decoder_module(Elab& e) {
  return e.module(
      "decoder",
      {fmt::format("Position decoder for the {} format (index_bits {}).", to_string(e.p.format),
                   e.p.index_bits),
       "One token per cycle: activation (value, y, x) and/or end of channel; banks of the lane",
       "in processing order (ARCH 4)."});
}

// The decoder module, built in steps; the members are the nets the steps share.
struct Decoder {
  explicit Decoder(Elab& e)
      : d(e.dims),
        p(e.p),
        f(p.format),
        has_table(f != Format::Dense),
        A(d.act),
        IB(p.index_bits),
        EB(p.entry_bits),
        TB(p.table_bits),
        mod(decoder_module(e)),
        m(mod) {}

  void ports();
  void channel_registers();
  void parser_outputs();
  void sequencing();
  void token_register();
  void fetchers();
  void parser();
  void parse_dense(Body& c, Body& s);
  void parse_coord(Body& c, Body& s);
  void parse_rle(Body& c, Body& s);
  void parse_bitmap(Body& c, Body& s);

  const Dims& d;
  const ArchParams& p;
  const Format f;
  const bool has_table;
  const int A, IB, EB, TB;
  const int bw1 = d.bank + 1;
  // chan counts up to max_c + pes and takes b_next (a bank number, up to 2 x pes) on a switch.
  const int cw = std::max(clog2(int64_t(p.max_c) + p.pes + 1), bw1);
  Module& mod;
  ModuleBuilder m;

  // ports; the token register drives the token outputs directly
  E clk, rst_n, run_start, start, lane_id, c_run, rows, wid;
  E o_bank, o_ent_re, o_ent_addr, i_ent, o_tab_re, o_tab_addr, i_tab;
  E tok_valid, tok_act, tok_last, tok_par, tok_val, tok_y, tok_x, tok_ready;
  E o_active, o_bubble;
  // channel and bank sequencing
  E active, bank, chan, par, go, flush;
  // parser outputs
  E emit, e_act, e_last, e_val, e_y, e_x, pop_e, pop_t;
  // fetch
  Fetch fe, ft;
  // parser state shared by the formats
  E ent_val, ent_idx, y, row_last, y1;
};

void Decoder::ports() {
  clk = m.input("clk");
  rst_n = m.input("rst_n");
  run_start = m.input("run_start");
  start = m.input("start");
  lane_id = m.input("lane_id", d.bank);
  c_run = m.input("c_run", d.cnt_c);
  rows = m.input("rows", d.cnt_h);
  wid = m.input("wid", d.cnt_w);
  o_bank = m.output("o_bank", d.bank);
  o_ent_re = m.output("o_ent_re");
  o_ent_addr = m.output("o_ent_addr", d.ent_addr);
  i_ent = m.input("i_ent_rdata", EB);
  if (has_table) {
    o_tab_re = m.output("o_tab_re");
    o_tab_addr = m.output("o_tab_addr", d.tab_addr);
    i_tab = m.input("i_tab_rdata", TB);
  }
  tok_valid = m.output_reg("tok_valid", 1, 0);
  tok_act = m.output("tok_act");
  tok_last = m.output("tok_last");
  tok_par = m.output("tok_par");
  tok_val = m.output("tok_val", A);
  tok_y = m.output("tok_y", d.idx_y);
  tok_x = m.output("tok_x", d.idx_x);
  tok_ready = m.input("tok_ready");
  o_active = m.output("o_active");
  o_bubble = m.output("o_bubble");
}

void Decoder::channel_registers() {
  active = m.reg_reset("active", 1, 0);
  bank = m.reg_reset("bank", d.bank, 0);
  chan = m.reg_reset("chan", cw, 0);
  par = m.reg_reset("par", 1, 0);
  go = m.wire("go", !tok_valid || tok_ready, "the token register can take a new token");
}

// Driven by the parser's comb process.
void Decoder::parser_outputs() {
  emit = m.wire("emit", 1);
  e_act = m.wire("e_act", 1);
  e_last = m.wire("e_last", 1);
  e_val = m.wire("e_val", A);
  e_y = m.wire("e_y", d.idx_y);
  e_x = m.wire("e_x", d.idx_x);
  pop_e = m.wire("pop_e", 1);
  // The coord parser takes up to two table words a cycle (an empty row beside a full one).
  pop_t = has_table ? m.wire("pop_t", f == Format::Coord ? 2 : 1) : E();
}

// The next channel of the bank, else the lane's next bank, else the lane is done.
void Decoder::sequencing() {
  E ch_end = m.wire("ch_end", go && emit && e_last);
  E c_next = m.wire("c_next", chan + lit(cw, uint64_t(p.pes)));
  E same_bank = m.wire("same_bank", c_next < zext(c_run, cw));
  E b_next = m.wire("b_next", zext(bank, bw1) + lit(bw1, uint64_t(p.lanes)));
  E more_banks = m.wire("more_banks",
                        b_next < lit(bw1, uint64_t(p.pes)) && zext(b_next, cw) < zext(c_run, cw));
  E bank_switch = m.wire("bank_switch", ch_end && !same_bank && more_banks);
  E lane_has = m.wire("lane_has", zext(lane_id, cw) < zext(c_run, cw));
  flush = m.wire("flush", start || bank_switch, "restart fetching at address 0");
  Body b = m.seq_reset(clk, rst_n, "channel and bank sequencing");
  b.if_(
      run_start, [&](Body& t) { t.set(par, zeros(1)); },
      [&](Body& t) { t.if_(ch_end, [&](Body& u) { u.set(par, !par); }); });
  b.if_(
      start,
      [&](Body& t) {
        t.set(active, lane_has);
        t.set(bank, lane_id);
        t.set(chan, zext(lane_id, cw));
      },
      [&](Body& t) {
        t.if_(ch_end, [&](Body& u) {
          u.if_(
              same_bank, [&](Body& v) { v.set(chan, c_next); },
              [&](Body& v) {
                v.if_(
                    more_banks,
                    [&](Body& x) {
                      x.set(bank, b_next.bits(0, d.bank));
                      x.set(chan, zext(b_next, cw));
                    },
                    [&](Body& x) { x.set(active, zeros(1)); });
              });
        });
      });
  b.if_(go, [&](Body& t) { t.set(tok_valid, emit); });
}

void Decoder::token_register() {
  {
    Body b = m.seq(clk, "token register");
    b.if_(go, [&](Body& t) {
      t.set(tok_act, e_act);
      t.set(tok_last, e_last);
      t.set(tok_par, par);
      t.set(tok_val, e_val);
      t.set(tok_y, e_y);
      t.set(tok_x, e_x);
    });
  }
  m.assign(o_active, active || tok_valid);
  m.assign(o_bubble, active && go && !emit);
  m.assign(o_bank, bank);
}

void Decoder::fetchers() {
  fe = fetch(m, "fe", clk, rst_n, i_ent, d.ent_addr, active, flush, pop_e);
  m.assign(o_ent_re, fe.re);
  m.assign(o_ent_addr, fe.addr);
  if (has_table) {
    // Coord: four words, so the FIFO gets ahead while the parser takes a row's entries (it
    // reads one word a cycle), and the parser can then take two at once.
    ft = fetch(m, "ft", clk, rst_n, i_tab, d.tab_addr, active, flush, pop_t,
               f == Format::Coord ? 4 : 3);
    m.assign(o_tab_re, ft.re);
    m.assign(o_tab_addr, ft.addr);
  }
}

// The parser's comb process (defaults: no token) and its state process, then the format's
// own rules in both.
void Decoder::parser() {
  ent_val = m.wire("ent_val", fe.head.bits(0, A));
  ent_idx = EB > A ? m.wire("ent_idx", fe.head.bits(A, EB - A)) : E();
  y = m.reg_reset("y", d.idx_y, 0);
  row_last = m.wire("row_last", add(zext(y, d.cnt_h + 1), 1) == zext(rows, d.cnt_h + 1));
  y1 = m.wire("y1", add(y, 1));
  m.unused(cat({rows, wid}));                // some formats do not need both
  if (f == Format::Rle) m.unused(row_last);  // rle counts entries, not rows
  Body c = m.comb("parser: " + std::string(to_string(f)));
  c.set(emit, zeros(1));
  c.set(e_act, zeros(1));
  c.set(e_last, zeros(1));
  c.set(e_val, ent_val);
  c.set(e_y, y);
  c.set(e_x, zeros(d.idx_x));
  c.set(pop_e, zeros(1));
  if (has_table) c.set(pop_t, zeros(pop_t.width()));
  Body s = m.seq_reset(clk, rst_n, "parser state");
  switch (f) {
    case Format::Dense:
      parse_dense(c, s);
      break;
    case Format::Coord:
      parse_coord(c, s);
      break;
    case Format::Rle:
      parse_rle(c, s);
      break;
    case Format::Bitmap:
      parse_bitmap(c, s);
      break;
  }
}

// Every position of every row, zeros included.
void Decoder::parse_dense(Body& c, Body& s) {
  E x = m.reg_reset("x", d.idx_x, 0);
  E row_end = m.wire("row_end", add(zext(x, d.cnt_w + 1), 1) == zext(wid, d.cnt_w + 1));
  E fire = m.wire("fire", go && fe.ok && active);
  c.if_(fire, [&](Body& t) {
    t.set(emit, ones(1));
    t.set(e_act, ones(1));
    t.set(e_last, row_end && row_last);
    t.set(e_x, x);
    t.set(pop_e, ones(1));
  });
  s.if_(
      start,
      [&](Body& t) {
        t.set(x, zeros(d.idx_x));
        t.set(y, zeros(d.idx_y));
      },
      [&](Body& t) {
        t.if_(fire, [&](Body& u) {
          u.if_(
              row_end,
              [&](Body& v) {
                v.set(x, zeros(d.idx_x));
                v.set(y, mux(row_last, zeros(d.idx_y), y1));
              },
              [&](Body& v) { v.set(x, add(x, 1)); });
        });
      });
}

// Per row a count from the table, then that many (value, x) entries. An empty row shares a
// cycle with a neighbour where it can, so sparse maps do not pay a cycle per empty row:
// - `lead`: the row is empty and the next row's count is at hand, so the cycle works on the
//   next row (its first entry, or it too is empty);
// - `trail`: the cycle takes a row's last entry and the next row is empty, so it ends that row
//   too.
// Neither crosses the channel's last row, and a cycle takes at most two table words.
void Decoder::parse_coord(Body& c, Body& s) {
  E mid = m.reg_reset("mid", 1, 0);
  E left = m.reg_reset("left", TB, 0);
  E row_last2 = m.wire("row_last2", add(zext(y, d.cnt_h + 1), 2) == zext(rows, d.cnt_h + 1),
                       "the next row is the channel's last");
  E lead = m.wire("lead", !mid && ft.ok2 && eq(ft.head, 0) && !row_last,
                  "skip an empty row: work on the next one");
  E cnt = m.wire("cnt", mux(mid, left, mux(lead, ft.next, ft.head)));
  E ry = m.wire("ry", mux(lead, y1, y), "the row this cycle works on");
  E ry_last = m.wire("ry_last", mux(lead, row_last2, row_last));
  E have = m.wire("have", go && active && (mid || ft.ok));
  E empty_row = m.wire("empty_row", have && eq(cnt, 0));
  E take = m.wire("take", have && ne(cnt, 0) && fe.ok);
  E row_done = m.wire("row_done", eq(cnt, 1));
  E after = m.wire("after", mux(mid, ft.head, ft.next), "the next row's count");
  E after_ok = m.wire("after_ok", mux(mid, ft.ok, ft.ok2));
  E trail = m.wire("trail", take && row_done && !lead && !row_last && after_ok && eq(after, 0),
                   "the next row is empty: end it with this entry");
  E fin = m.wire("fin", empty_row || (take && row_done), "the row (and a trailing one) ends");
  E ends = m.wire("ends", ry_last || (trail && row_last2), "... and with it the channel");
  E npop = m.wire("npop", zext(!mid, 2) + zext(lead, 2) + zext(trail, 2), "table words taken");
  E xi = fit(m, "xi", ent_idx, d.idx_x);
  c.if_(empty_row, [&](Body& t) {
    t.set(pop_t, npop);
    t.if_(ends, [&](Body& u) {
      u.set(emit, ones(1));
      u.set(e_last, ones(1));
    });
  });
  c.if_(take, [&](Body& t) {
    t.set(pop_e, ones(1));
    t.set(pop_t, npop);
    t.set(emit, ones(1));
    t.set(e_act, ones(1));
    t.set(e_y, ry);
    t.set(e_x, xi);
    t.set(e_last, fin && ends);
  });
  s.if_(
      start,
      [&](Body& t) {
        t.set(mid, zeros(1));
        t.set(y, zeros(d.idx_y));
      },
      [&](Body& t) {
        t.if_(
            fin,
            [&](Body& u) {
              u.set(mid, zeros(1));
              u.set(y, mux(ends, zeros(d.idx_y), add(ry, 1) + zext(trail, d.idx_y)));
            },
            [&](Body& u) {
              u.if_(take, [&](Body& v) {
                v.set(mid, ones(1));
                v.set(left, sub(cnt, 1));
                v.set(y, ry);
              });
            });
      });
}

// Per channel an entry count from the table; each entry is a zero run, then a value.
void Decoder::parse_rle(Body& c, Body& s) {
  const int xpw = d.cnt_w;
  const int aw = std::max(xpw, IB) + 2;
  E mid = m.reg_reset("mid", 1, 0);
  E left = m.reg_reset("left", TB, 0);
  E xp = m.reg_reset("xp", xpw, 0);
  E wrap = m.reg_reset("wrap", 1, 0);
  E wacc = m.reg_reset("wacc", aw, 0);
  E cnt = m.wire("cnt", mux(mid, left, ft.head));
  E have = m.wire("have", go && active && (mid || ft.ok));
  E empty_ch = m.wire("empty_ch", have && !mid && eq(ft.head, 0));
  E base = m.wire("base", mux(wrap, wacc, zext(xp, aw) + zext(ent_idx, aw)));
  E widx = m.wire("widx", zext(wid, aw));
  E over1 = m.wire("over1", base - widx);
  E over2 = m.wire("over2", over1 - widx);
  E in0 = m.wire("in0", base < widx);
  E in1 = m.wire("in1", over1 < widx);
  E step = m.wire("step", have && !empty_ch && fe.ok);
  E place = m.wire("place", step && (in0 || in1), "the entry lands in this or the next row");
  E tx_full = m.wire("tx_full", mux(in0, base, over1));
  E txv = fit(m, "txv", tx_full, d.idx_x);
  E tyv = m.wire("tyv", mux(in0, y, y1));
  E nz = m.wire("nz", ne(ent_val, 0));
  E is_last = m.wire("is_last", eq(cnt, 1));
  c.if_(empty_ch, [&](Body& t) {
    t.set(pop_t, ones(1));
    t.set(emit, ones(1));
    t.set(e_last, ones(1));
  });
  c.if_(place, [&](Body& t) {
    t.set(pop_e, ones(1));
    t.set(pop_t, !mid);
    t.set(emit, nz || is_last);
    t.set(e_act, nz);
    t.set(e_last, is_last);
    t.set(e_y, tyv);
    t.set(e_x, txv);
  });
  E xp_next = m.wire("xp_next", add(fit(m, "txw", tx_full, xpw), 1));
  s.if_(
      start,
      [&](Body& t) {
        t.set(mid, zeros(1));
        t.set(y, zeros(d.idx_y));
        t.set(xp, zeros(xpw));
        t.set(wrap, zeros(1));
      },
      [&](Body& t) {
        t.if_(step && !(in0 || in1), [&](Body& u) {
          // A run longer than two rows: skip two rows per cycle.
          u.set(wrap, ones(1));
          u.set(wacc, over2);
          u.set(y, add(y, 2));
        });
        t.if_(place, [&](Body& u) {
          u.set(wrap, zeros(1));
          u.if_(
              is_last,
              [&](Body& v) {
                v.set(mid, zeros(1));
                v.set(y, zeros(d.idx_y));
                v.set(xp, zeros(xpw));
              },
              [&](Body& v) {
                v.set(mid, ones(1));
                v.set(left, sub(cnt, 1));
                v.set(y, tyv);
                v.set(xp, xp_next);
              });
        });
      });
}

// Per row mask words from the table; the lowest set bit of the word takes the next value.
void Decoder::parse_bitmap(Body& c, Body& s) {
  const int M = IB;
  const int xbw = clog2(int64_t(p.max_w) + M + 1);
  E loaded = m.reg_reset("loaded", 1, 0);
  E mk = m.reg_reset("mk", M, 0);
  E xb = m.reg_reset("xb", xbw, 0);
  E eff = m.wire("eff", mux(loaded, mk, ft.head));
  E have = m.wire("have", go && active && (loaded || ft.ok));
  E wlast = m.wire("wlast", add(xb, uint64_t(M)) >= zext(wid, xbw), "last word of the row");
  E empty_w = m.wire("empty_w", have && eq(eff, 0));
  E take = m.wire("take", have && ne(eff, 0) && fe.ok);
  E bit = lowest_set(m, "bit", eff);
  E rest = m.wire("rest", eff & sub(eff, 1));
  E word_done = m.wire("word_done", empty_w || (take && eq(rest, 0)));
  E xsum = m.wire("xsum", xb + zext(bit, xbw));
  E xv = fit(m, "xv", xsum, d.idx_x);
  c.if_(empty_w, [&](Body& t) {
    t.set(pop_t, ones(1));
    t.if_(wlast && row_last, [&](Body& u) {
      u.set(emit, ones(1));
      u.set(e_last, ones(1));
    });
  });
  c.if_(take, [&](Body& t) {
    t.set(pop_e, ones(1));
    t.set(pop_t, !loaded);
    t.set(emit, ones(1));
    t.set(e_act, ones(1));
    t.set(e_x, xv);
    t.set(e_last, eq(rest, 0) && wlast && row_last);
  });
  s.if_(
      start,
      [&](Body& t) {
        t.set(loaded, zeros(1));
        t.set(y, zeros(d.idx_y));
        t.set(xb, zeros(xbw));
      },
      [&](Body& t) {
        t.if_(take, [&](Body& u) {
          u.set(loaded, ne(rest, 0));
          u.set(mk, rest);
        });
        t.if_(word_done, [&](Body& u) {
          u.if_(
              wlast,
              [&](Body& v) {
                v.set(xb, zeros(xbw));
                v.set(y, mux(row_last, zeros(d.idx_y), y1));
              },
              [&](Body& v) { v.set(xb, add(xb, uint64_t(M))); });
        });
      });
}

}  // namespace

const Module& build_decoder(Elab& e) {
  Decoder g(e);
  g.ports();
  g.channel_registers();
  g.parser_outputs();
  g.sequencing();
  g.token_register();
  g.fetchers();
  g.parser();
  return g.mod;
}

}  // namespace zasgen::rtl::arch
