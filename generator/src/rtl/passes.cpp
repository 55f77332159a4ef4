#include "zasgen/rtl/passes.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

namespace zasgen::rtl {

namespace {

// ---------------------------------------------------------------- expression helpers

uint64_t mask(int width) {
  return width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
}

ExprP make(Op op, int width, std::vector<ExprP> args = {}) {
  auto e = std::make_shared<Expr>();
  e->op = op;
  e->width = width;
  e->args = std::move(args);
  return e;
}

ExprP constant(int width, uint64_t value) {
  auto e = std::make_shared<Expr>();
  e->op = Op::Const;
  e->width = width;
  e->value = value & mask(width);
  return e;
}

ExprP net_ref(Net* n) {
  auto e = std::make_shared<Expr>();
  e->op = Op::Net;
  e->width = n->width;
  e->net = n;
  return e;
}

ExprP slice_of(Net* n, int lo, int width) {
  if (lo == 0 && width == n->width) return net_ref(n);
  auto e = std::make_shared<Expr>();
  e->op = Op::Slice;
  e->width = width;
  e->lo = lo;
  e->args = {net_ref(n)};
  return e;
}

// Unnamed constants only: named constants (localparams) stay by name in the output.
std::optional<uint64_t> const_value(const Expr& e) {
  if (e.op == Op::Const && e.width <= 64) return e.value;
  return std::nullopt;
}

bool is_const(const Expr& e, uint64_t v) {
  const auto c = const_value(e);
  return c && *c == (v & mask(e.width));
}

// The net and bit range a Net or Slice expression reads.
struct Bits {
  Net* net = nullptr;
  int lo = 0, width = 0;
};
std::optional<Bits> bits_of(const Expr& e) {
  if (e.op == Op::Net) return Bits{e.net, 0, e.width};
  if (e.op == Op::Slice && e.args[0]->op == Op::Net) return Bits{e.args[0]->net, e.lo, e.width};
  return std::nullopt;
}

ExprP fold_concat(const Expr& e, const std::vector<ExprP>& args) {
  // Flatten, then merge neighbours (msb first): constants into one constant, adjacent slices
  // of one net into one slice.
  std::vector<ExprP> flat;
  for (const ExprP& a : args) {
    if (a->op == Op::Concat)
      flat.insert(flat.end(), a->args.begin(), a->args.end());
    else
      flat.push_back(a);
  }
  std::vector<ExprP> out;
  for (const ExprP& a : flat) {
    if (!out.empty()) {
      const ExprP& prev = out.back();
      const auto pv = const_value(*prev), av = const_value(*a);
      if (pv && av && prev->width + a->width <= 64) {
        out.back() = constant(prev->width + a->width, (*pv << a->width) | *av);
        continue;
      }
      const auto pb = bits_of(*prev), ab = bits_of(*a);
      if (pb && ab && pb->net == ab->net && ab->lo + ab->width == pb->lo) {
        out.back() = slice_of(pb->net, ab->lo, ab->width + pb->width);
        continue;
      }
    }
    out.push_back(a);
  }
  if (out.size() == 1) return out[0];
  if (out.size() == e.args.size() && std::equal(out.begin(), out.end(), e.args.begin()))
    return nullptr;  // unchanged
  return make(Op::Concat, e.width, out);
}

// The operands of a chain of one operator (a && b && c ...).
void chain_operands(const ExprP& e, Op op, std::vector<const Expr*>& out) {
  if (e->op == op) {
    for (const ExprP& a : e->args) chain_operands(a, op, out);
    return;
  }
  out.push_back(e.get());
}

// x && ... && !x (or x & ... & ~x on one bit): always 0.
bool contradiction(Op op, const std::vector<ExprP>& args) {
  std::vector<const Expr*> ops;
  for (const ExprP& a : args) chain_operands(a, op, ops);
  for (const Expr* x : ops)
    for (const Expr* y : ops)
      if ((y->op == Op::LNot || y->op == Op::Not) && same_expr(*y->args[0], *x)) return true;
  return false;
}

ExprP fold_node(const Expr& e, const std::vector<ExprP>& a) {
  const int w = e.width;
  auto c0 = a.size() > 0 ? const_value(*a[0]) : std::nullopt;
  auto c1 = a.size() > 1 ? const_value(*a[1]) : std::nullopt;
  switch (e.op) {
    case Op::Not:
      if (c0) return constant(w, ~*c0);
      break;
    case Op::LNot:
      if (c0) return constant(1, *c0 == 0);
      if (a[0]->op == Op::LNot) return a[0]->args[0];
      break;
    case Op::RedOr:
      if (c0) return constant(1, *c0 != 0);
      break;
    case Op::RedAnd:
      if (c0) return constant(1, *c0 == mask(a[0]->width));
      break;
    case Op::RedXor:
      if (c0) return constant(1, __builtin_popcountll(*c0) & 1);
      break;
    case Op::And:
    case Op::LAnd:
      if (is_const(*a[0], 0) || is_const(*a[1], 0)) return constant(w, 0);
      if (w == 1 && contradiction(e.op, a)) return constant(1, 0);
      if (is_const(*a[0], mask(w))) return a[1];
      if (is_const(*a[1], mask(w))) return a[0];
      if (same_expr(*a[0], *a[1])) return a[0];
      break;
    case Op::Or:
    case Op::LOr:
      if (is_const(*a[0], mask(w)) || is_const(*a[1], mask(w))) return constant(w, mask(w));
      if (is_const(*a[0], 0)) return a[1];
      if (is_const(*a[1], 0)) return a[0];
      if (same_expr(*a[0], *a[1])) return a[0];
      break;
    case Op::Xor:
      if (c0 && c1) return constant(w, *c0 ^ *c1);
      if (is_const(*a[0], 0)) return a[1];
      if (is_const(*a[1], 0)) return a[0];
      break;
    case Op::Add:
      if (c0 && c1) return constant(w, *c0 + *c1);
      if (is_const(*a[0], 0)) return a[1];
      if (is_const(*a[1], 0)) return a[0];
      break;
    case Op::Sub:
      if (c0 && c1) return constant(w, *c0 - *c1);
      if (is_const(*a[1], 0)) return a[0];
      break;
    case Op::Eq:
      if (c0 && c1) return constant(1, *c0 == *c1);
      break;
    case Op::Ne:
      if (c0 && c1) return constant(1, *c0 != *c1);
      break;
    case Op::Lt:
      if (c0 && c1) return constant(1, *c0 < *c1);
      break;
    case Op::Le:
      if (c0 && c1) return constant(1, *c0 <= *c1);
      break;
    case Op::Gt:
      if (c0 && c1) return constant(1, *c0 > *c1);
      break;
    case Op::Ge:
      if (c0 && c1) return constant(1, *c0 >= *c1);
      break;
    case Op::Shl:
    case Op::Shr:
      if (is_const(*a[1], 0)) return a[0];
      break;
    case Op::Mux:
      if (c0) return *c0 ? a[1] : a[2];
      if (same_expr(*a[1], *a[2])) return a[1];
      if (w == 1 && is_const(*a[1], 1) && is_const(*a[2], 0)) return a[0];
      if (w == 1 && is_const(*a[1], 0) && is_const(*a[2], 1)) return make(Op::LNot, 1, {a[0]});
      break;
    case Op::Concat:
      return fold_concat(e, a);
    case Op::Repeat:
      if (c0 && w <= 64) {
        uint64_t v = 0;
        for (int i = 0; i < e.lo; ++i) v = (v << a[0]->width) | *c0;
        return constant(w, v);
      }
      break;
    default:
      break;
  }
  return nullptr;
}

// Rebuilds expression trees bottom-up with `leaf` applied to every Net reference (it returns
// nullptr to keep the reference), or with the folding rules when there is no `leaf`, sharing
// one memo across a module so shared subtrees are rebuilt once.
class Rewriter {
 public:
  explicit Rewriter(std::function<ExprP(const Expr&)> leaf = nullptr) : leaf_(std::move(leaf)) {}

  ExprP operator()(const ExprP& e) {
    if (!e) return e;
    if (auto it = memo_.find(e.get()); it != memo_.end()) return it->second.second;
    ExprP out = rewrite(e);
    memo_[e.get()] = {e, out};  // the key stays alive, so its address cannot be reused
    return out;
  }

 private:
  ExprP rewrite(const ExprP& e) {
    if (e->op == Op::Net) {
      if (leaf_)
        if (ExprP r = leaf_(*e)) return r;
      return e;
    }
    if (e->op == Op::Slice) {
      const ExprP base = (*this)(e->args[0]);
      if (base == e->args[0]) return e;
      // The base net became another net or a slice of one: re-slice it.
      const auto b = bits_of(*base);
      if (b) return slice_of(b->net, b->lo + e->lo, e->width);
      return e;  // a slice of a non-net cannot happen (the builder forbids it)
    }
    std::vector<ExprP> args;
    bool changed = false;
    for (const ExprP& a : e->args) {
      args.push_back((*this)(a));
      changed = changed || args.back() != a;
    }
    if (!leaf_)
      if (ExprP f = fold_node(*e, args)) return f;
    if (!changed) return e;
    auto n = std::make_shared<Expr>(*e);
    n->args = std::move(args);
    return n;
  }

  std::function<ExprP(const Expr&)> leaf_;
  std::unordered_map<const Expr*, std::pair<ExprP, ExprP>> memo_;
};

void rewrite_block(Block& b, Rewriter& rw) {
  Block out;
  for (Stmt& s : b) {
    if (s.rhs) s.rhs = rw(s.rhs);
    if (s.cond) s.cond = rw(s.cond);
    for (CaseItem& i : s.items) rewrite_block(i.body, rw);
    rewrite_block(s.then_body, rw);
    rewrite_block(s.else_body, rw);
    rewrite_block(s.default_body, rw);
    // An if on a constant is its taken branch.
    if (s.kind == Stmt::Kind::If) {
      if (const auto c = const_value(*s.cond)) {
        Block& taken = *c ? s.then_body : s.else_body;
        for (Stmt& t : taken) out.push_back(std::move(t));
        continue;
      }
    }
    out.push_back(std::move(s));
  }
  b = std::move(out);
}

void rewrite_module(Module& m, Rewriter& rw) {
  for (ContAssign& a : m.assigns) a.rhs = rw(a.rhs);
  for (Process& p : m.processes) rewrite_block(p.body, rw);
  for (Instance& i : m.instances)
    for (Connection& c : i.conns) c.expr = rw(c.expr);
  for (ExprP& u : m.unused) u = rw(u);
}

// ---------------------------------------------------------------- reads

using ReadBits = std::map<const Net*, std::vector<bool>>;

void reads_of(const Expr& e, ReadBits& r) {
  if (e.op == Op::Net || (e.op == Op::Slice && e.args[0]->op == Op::Net)) {
    const Net* n = e.op == Op::Net ? e.net : e.args[0]->net;
    auto& v = r[n];
    v.resize(size_t(n->width), false);
    for (int b = 0; b < e.width; ++b) v[size_t((e.op == Op::Net ? 0 : e.lo) + b)] = true;
    return;
  }
  for (const ExprP& a : e.args) reads_of(*a, r);
}

void reads_of(const Block& b, ReadBits& r) {
  for (const Stmt& s : b) {
    if (s.rhs) reads_of(*s.rhs, r);
    if (s.cond) reads_of(*s.cond, r);
    reads_of(s.then_body, r);
    reads_of(s.else_body, r);
    for (const CaseItem& i : s.items) reads_of(i.body, r);
    reads_of(s.default_body, r);
  }
}

// Every net bit the module reads (instance outputs drive nets: they are not reads).
ReadBits reads_of(const Module& m, const Design& d) {
  ReadBits r;
  for (const ContAssign& a : m.assigns) reads_of(*a.rhs, r);
  for (const Process& p : m.processes) reads_of(p.body, r);
  for (const Instance& i : m.instances) {
    const Module* t = d.find(i.module);
    for (const Connection& c : i.conns) {
      const Net* port = t ? t->port(c.port) : nullptr;
      if (!port || port->kind == NetKind::Input) reads_of(*c.expr, r);
    }
  }
  for (const ExprP& u : m.unused) reads_of(*u, r);
  return r;
}

// Bits that folding stopped reading (x && !x, a constant select) were needed by no output:
// they join the module's deliberately unused bits.
void keep_folded_reads(Module& m, const ReadBits& before, const ReadBits& after) {
  for (const auto& [net, bits] : before) {
    auto it = after.find(net);
    for (int b = 0; b < int(bits.size()); ++b) {
      const bool still = it != after.end() && it->second[size_t(b)];
      if (bits[size_t(b)] && !still) m.unused.push_back(slice_of(const_cast<Net*>(net), b, 1));
    }
  }
}

// ---------------------------------------------------------------- alias inlining

bool used_as_clock(const Module& m, const Net* n) {
  for (const Process& p : m.processes)
    if (p.clock == n || p.reset_n == n) return true;
  return false;
}

// `assign a = b;` (or a slice of b) where `a` is an internal wire driven only by that assign:
// every read of `a` becomes a read of `b`, and `a` goes. Ports and registers are never removed.
// Returns whether anything changed.
bool inline_aliases(Module& m) {
  std::map<const Net*, ExprP> alias;
  std::vector<ContAssign> kept;
  for (ContAssign& a : m.assigns) {
    Net* n = a.lhs.net;
    const bool whole = a.lhs.lo == 0 && a.lhs.width == n->width;
    const auto src = bits_of(*a.rhs);
    if (whole && src && n->kind == NetKind::Wire && n->driver == Driver::Assign && src->net != n &&
        !(a.rhs->op == Op::Slice && used_as_clock(m, n))) {
      alias[n] = a.rhs;
      continue;
    }
    kept.push_back(std::move(a));
  }
  m.assigns = std::move(kept);
  if (alias.empty()) return false;
  // Resolve chains (a = b, b = c) to their end.
  std::function<ExprP(const ExprP&)> resolve = [&](const ExprP& e) -> ExprP {
    const auto b = bits_of(*e);
    if (!b) return e;
    auto it = alias.find(b->net);
    if (it == alias.end()) return e;
    const ExprP target = resolve(it->second);
    const auto t = bits_of(*target);
    return slice_of(t->net, t->lo + b->lo, b->width);
  };
  for (auto& [net, e] : alias) e = resolve(e);
  Rewriter rw([&](const Expr& ref) -> ExprP {
    auto it = alias.find(ref.net);
    return it == alias.end() ? nullptr : it->second;
  });
  rewrite_module(m, rw);
  for (Process& p : m.processes) {
    if (auto it = alias.find(p.clock); it != alias.end()) p.clock = it->second->net;
    if (auto it = alias.find(p.reset_n); it != alias.end()) p.reset_n = it->second->net;
  }
  // Comments of removed wires move to the net they named, when it has none.
  for (auto& [net, e] : alias) {
    Net* target = bits_of(*e)->net;
    if (target->comment.empty() && !net->comment.empty() && target->kind == NetKind::Wire)
      target->comment = net->comment;
  }
  m.nets.erase(std::remove_if(m.nets.begin(), m.nets.end(),
                              [&](const std::unique_ptr<Net>& n) { return alias.count(n.get()); }),
               m.nets.end());
  return true;
}

// `assign port = w;` where `w` is an internal wire (not a register) driven by one continuous
// assignment or one instance output: the port takes over that driver and every read of `w`
// becomes a read of the port. The port keeps its name; only the wire's goes. Returns whether
// anything changed.
bool drive_ports_directly(Module& m) {
  std::map<const Net*, int> assign_of;  // whole-net continuous assignments by target
  for (size_t i = 0; i < m.assigns.size(); ++i) {
    const ContAssign& a = m.assigns[i];
    if (a.lhs.lo == 0 && a.lhs.width == a.lhs.net->width) assign_of[a.lhs.net] = int(i);
  }
  std::map<const Net*, Net*> merged;  // wire -> port
  std::set<size_t> dropped;
  for (size_t i = 0; i < m.assigns.size(); ++i) {
    const ContAssign& a = m.assigns[i];
    Net* port = a.lhs.net;
    if (port->kind != NetKind::Output || a.lhs.lo != 0 || a.lhs.width != port->width) continue;
    if (a.rhs->op != Op::Net) continue;
    Net* w = a.rhs->net;
    if (w->kind != NetKind::Wire || w->has_reset || merged.count(w) || used_as_clock(m, w))
      continue;
    if (w->driver == Driver::Assign) {
      auto it = assign_of.find(w);
      if (it == assign_of.end()) continue;  // driven bit by bit: leave it
      m.assigns[size_t(it->second)].lhs.net = port;
    } else if (w->driver == Driver::Instance) {
      bool whole = false;
      for (Instance& inst : m.instances)
        for (Connection& c : inst.conns)
          if (c.expr->op == Op::Net && c.expr->net == w) {
            c.expr = net_ref(port);
            whole = true;
          }
      if (!whole) continue;
    } else {
      continue;  // a register keeps its name
    }
    port->driver = w->driver;
    merged[w] = port;
    dropped.insert(i);
  }
  if (merged.empty()) return false;
  std::vector<ContAssign> kept;
  for (size_t i = 0; i < m.assigns.size(); ++i)
    if (!dropped.count(i)) kept.push_back(std::move(m.assigns[i]));
  m.assigns = std::move(kept);
  Rewriter rw([&](const Expr& ref) -> ExprP {
    auto it = merged.find(ref.net);
    return it == merged.end() ? nullptr : net_ref(it->second);
  });
  rewrite_module(m, rw);
  m.nets.erase(std::remove_if(m.nets.begin(), m.nets.end(),
                              [&](const std::unique_ptr<Net>& n) { return merged.count(n.get()); }),
               m.nets.end());
  return true;
}

// One sink for the bits a module deliberately leaves unread.
void sink_unused(Module& m) {
  if (m.unused.empty()) return;
  std::vector<ExprP> bits;
  int width = 0;
  for (const ExprP& u : m.unused) {
    if (is_constant(*u)) continue;
    bits.push_back(u);
    width += u->width;
  }
  m.unused.clear();
  if (bits.empty()) return;
  auto n = std::make_unique<Net>();
  n->name = "unused_bits";
  n->driver = Driver::Assign;
  n->comment = "computed or received but deliberately not used";
  Net* net = n.get();
  m.nets.push_back(std::move(n));
  std::reverse(bits.begin(), bits.end());  // first marked lowest
  const ExprP all = bits.size() == 1 ? bits[0] : make(Op::Concat, width, bits);
  m.assigns.push_back({{net, 0, 1}, make(Op::RedXor, 1, {all})});
}

// ---------------------------------------------------------------- select lowering

int count_muxes(const Expr& e) {
  int n = e.op == Op::Mux ? 1 : 0;
  for (const ExprP& a : e.args) n += count_muxes(*a);
  return n;
}

// A chain c1 ? v1 : c2 ? v2 : ... : d, following the else arms.
struct Chain {
  std::vector<std::pair<ExprP, ExprP>> arms;  // (condition, value)
  ExprP otherwise;
};
Chain chain_of(const ExprP& e) {
  Chain c;
  ExprP cur = e;
  while (cur->op == Op::Mux) {
    c.arms.push_back({cur->args[0], cur->args[1]});
    cur = cur->args[2];
  }
  c.otherwise = cur;
  return c;
}

// The subject when every arm of the chain compares one expression with a constant.
const Expr* case_subject(const Chain& c) {
  const Expr* subject = nullptr;
  for (const auto& [cond, value] : c.arms) {
    if (cond->op != Op::Eq || !is_constant(*cond->args[1])) return nullptr;
    if (!subject) subject = cond->args[0].get();
    if (!same_expr(*subject, *cond->args[0])) return nullptr;
  }
  return subject;
}

// A select of more than two inputs that compares one subject with constants becomes a case;
// any chain of more than three inputs becomes an if/else-if chain.
bool lowered(const ExprP& e) {
  if (e->op != Op::Mux) return false;
  const Chain c = chain_of(e);
  return c.arms.size() >= 3 || (c.arms.size() == 2 && case_subject(c));
}

Stmt assign_stmt(const Lhs& lhs, const ExprP& rhs) {
  Stmt s;
  s.kind = Stmt::Kind::Assign;
  s.lhs = lhs;
  s.rhs = rhs;
  return s;
}

// The statement that gives `lhs` the value of the chain: a case when every condition compares
// one subject with a constant, else an if/else-if chain.
Stmt select_stmt(const Lhs& lhs, const Chain& c) {
  Stmt s;
  if (case_subject(c)) {
    s.kind = Stmt::Kind::Case;
    s.cond = c.arms[0].first->args[0];
    std::set<uint64_t> seen;  // a later arm with an earlier label never wins
    for (const auto& [cond, value] : c.arms) {
      if (!seen.insert(cond->args[1]->value).second) continue;
      CaseItem item;
      item.labels = {cond->args[1]};
      item.body.push_back(assign_stmt(lhs, value));
      s.items.push_back(std::move(item));
    }
    s.default_body.push_back(assign_stmt(lhs, c.otherwise));
    return s;
  }
  // if / else if / else, built from the last arm outwards.
  Block tail = {assign_stmt(lhs, c.otherwise)};
  for (auto it = c.arms.rbegin(); it != c.arms.rend(); ++it) {
    Stmt i;
    i.kind = Stmt::Kind::If;
    i.cond = it->first;
    i.then_body.push_back(assign_stmt(lhs, it->second));
    i.else_body = std::move(tail);
    tail = {std::move(i)};
  }
  return std::move(tail[0]);
}

class SelectLowering {
 public:
  explicit SelectLowering(Module& m) : m_(m) {}

  void run() {
    // Continuous assignments: a long chain at the root of a whole-net assign becomes an always
    // block; everything else with more than two ?: is split into wires first.
    std::vector<ContAssign> work = std::move(m_.assigns);
    m_.assigns.clear();
    while (!work.empty()) {
      std::vector<ContAssign> next;
      for (ContAssign& a : work) lower_assign(a, next);
      work = std::move(next);
    }
    for (Process& p : m_.processes) lower_block(p.body);
    for (Process& p : added_) m_.processes.push_back(std::move(p));
  }

 private:
  void lower_assign(ContAssign& a, std::vector<ContAssign>& more) {
    a.rhs = hoist(a.rhs, a.lhs.net->name, more);
    const bool whole = a.lhs.lo == 0 && a.lhs.width == a.lhs.net->width;
    if (lowered(a.rhs) && whole) {
      Process p;
      p.kind = Process::Kind::Comb;
      p.body.push_back(select_stmt(a.lhs, chain_of(a.rhs)));
      a.lhs.net->driver = Driver::Process;
      added_.push_back(std::move(p));
      return;
    }
    if (lowered(a.rhs)) {
      // A slice of a net: the select goes to a wire of its own.
      Net* t = new_wire(a.lhs.net->name + "_sel", a.rhs->width);
      more.push_back({{t, 0, t->width}, a.rhs});
      a.rhs = net_ref(t);
    }
    m_.assigns.push_back(std::move(a));
  }

  void lower_block(Block& b) {
    for (Stmt& s : b) {
      if (s.kind == Stmt::Kind::Assign) {
        std::vector<ContAssign> more;
        s.rhs = hoist(s.rhs, s.lhs.net->name, more);
        for (ContAssign& a : more) lower_assign(a, more_assigns_);
        flush_more();
        if (lowered(s.rhs)) s = select_stmt(s.lhs, chain_of(s.rhs));
        continue;
      }
      if (s.cond && count_muxes(*s.cond) > 0) {
        std::vector<ContAssign> more;
        Net* t = new_wire("cond", 1);
        more.push_back({{t, 0, 1}, s.cond});
        s.cond = net_ref(t);
        for (ContAssign& a : more) lower_assign(a, more_assigns_);
        flush_more();
      }
      lower_block(s.then_body);
      lower_block(s.else_body);
      for (CaseItem& i : s.items) lower_block(i.body);
      lower_block(s.default_body);
    }
  }

  void flush_more() {
    while (!more_assigns_.empty()) {
      std::vector<ContAssign> work = std::move(more_assigns_);
      more_assigns_.clear();
      for (ContAssign& a : work) lower_assign(a, more_assigns_);
    }
  }

  // Keeps at most one select chain in `e`, at its root: every other ?: subtree (and the root
  // chain's values and conditions that hold ?: of their own) moves to a wire.
  ExprP hoist(const ExprP& e, const std::string& base, std::vector<ContAssign>& more) {
    if (count_muxes(*e) <= 2 && !lowered(e)) return e;
    if (e->op == Op::Mux) {
      Chain c = chain_of(e);
      if (c.arms.size() <= 2 && count_muxes(*e) <= 2) return e;
      // Rebuild the chain with its parts free of ?:.
      ExprP out = plain(c.otherwise, base, more);
      for (auto it = c.arms.rbegin(); it != c.arms.rend(); ++it)
        out = make(Op::Mux, e->width,
                   {plain(it->first, base, more), plain(it->second, base, more), out});
      return out;
    }
    return plain(e, base, more);
  }

  // `e` without any ?: inside: each maximal ?: subtree becomes a wire.
  ExprP plain(const ExprP& e, const std::string& base, std::vector<ContAssign>& more) {
    if (count_muxes(*e) == 0) return e;
    if (e->op == Op::Mux) {
      Net* t = new_wire(base + "_sel", e->width);
      more.push_back({{t, 0, t->width}, e});
      return net_ref(t);
    }
    auto n = std::make_shared<Expr>(*e);
    for (ExprP& a : n->args) a = plain(a, base, more);
    return n;
  }

  Net* new_wire(const std::string& name, int width) {
    auto n = std::make_unique<Net>();
    n->name = name;
    n->width = width;
    n->driver = Driver::Assign;
    Net* p = n.get();
    m_.nets.push_back(std::move(n));
    return p;
  }

  Module& m_;
  std::vector<Process> added_;
  std::vector<ContAssign> more_assigns_;
};

}  // namespace

ExprP fold(const ExprP& e) {
  Rewriter rw;
  return rw(e);
}

void simplify(Design& d) {
  for (auto& m : d.modules) {
    if (m->is_verbatim()) continue;
    // Folding can turn wires into copies, and inlining copies can give folding more to do.
    for (int round = 0; round < 8; ++round) {
      const ReadBits before = reads_of(*m, d);
      Rewriter fold_all;
      rewrite_module(*m, fold_all);
      keep_folded_reads(*m, before, reads_of(*m, d));
      const bool inlined = inline_aliases(*m);
      const bool merged = drive_ports_directly(*m);
      if (!inlined && !merged) break;
    }
    sink_unused(*m);
  }
}

void lower_selects(Design& d) {
  for (auto& m : d.modules)
    if (!m->is_verbatim()) SelectLowering(*m).run();
}

}  // namespace zasgen::rtl
