#include "zasgen/rtl/builder.h"

#include <stdexcept>

#include <fmt/format.h>

namespace zasgen::rtl {

namespace {

[[noreturn]] void bug(const std::string& what) {
  throw std::logic_error("rtl builder: " + what);
}

ExprP node(Op op, int width, std::vector<ExprP> args = {}) {
  auto e = std::make_shared<Expr>();
  e->op = op;
  e->width = width;
  e->args = std::move(args);
  return e;
}

const char* op_name(Op op) {
  switch (op) {
    case Op::Add:
      return "+";
    case Op::Sub:
      return "-";
    case Op::And:
      return "&";
    case Op::Or:
      return "|";
    case Op::Xor:
      return "^";
    case Op::Eq:
      return "==";
    case Op::Ne:
      return "!=";
    case Op::Lt:
      return "<";
    case Op::Le:
      return "<=";
    case Op::Gt:
      return ">";
    case Op::Ge:
      return ">=";
    default:
      return "op";
  }
}

void need(const E& e, const char* what) {
  if (!e.valid()) bug(std::string("empty expression in ") + what);
}

E binary_same(Op op, const E& a, const E& b, int result_width) {
  need(a, op_name(op));
  need(b, op_name(op));
  if (a.width() != b.width())
    bug(fmt::format("operator {} on widths {} and {}", op_name(op), a.width(), b.width()));
  return E(node(op, result_width < 0 ? a.width() : result_width, {a.ptr(), b.ptr()}));
}

E logical(Op op, const E& a, const E& b) {
  need(a, "logical op");
  need(b, "logical op");
  if (a.width() != 1 || b.width() != 1)
    bug(fmt::format("logical operator on widths {} and {} (conditions are 1 bit)", a.width(),
                    b.width()));
  return E(node(op, 1, {a.ptr(), b.ptr()}));
}

void check_lhs(const E& lhs) {
  need(lhs, "assignment");
  if (!lhs.is_net()) bug("assignment target is not a net or a slice of one");
}

Lhs to_lhs(const E& e) {
  const Expr& x = *e.ptr();
  if (x.op == Op::Net) return {x.net, 0, x.width};
  return {x.args[0]->net, x.lo, x.width};
}

void mark_driver(Net* n, Driver d) {
  if (n->kind == NetKind::Input) bug("assignment to input " + n->name);
  if (n->driver == Driver::None) {
    n->driver = d;
  } else if (n->driver != d) {
    bug("net " + n->name + " driven both by a process and by assign/instance");
  }
}

}  // namespace

// ---------------------------------------------------------------- E

int E::width() const {
  if (!p_) bug("width of empty expression");
  return p_->width;
}

bool E::is_net() const {
  if (!p_) return false;
  return p_->op == Op::Net || (p_->op == Op::Slice && p_->args[0]->op == Op::Net);
}

E E::bits(int lo, int width) const {
  need(*this, "bits()");
  if (!is_net()) bug("part select of an expression; put it in a wire first");
  if (lo < 0 || width < 1 || lo + width > p_->width)
    bug(fmt::format("part select [{}+:{}] of a {}-bit value", lo, width, p_->width));
  if (lo == 0 && width == p_->width) return *this;
  const ExprP& base = p_->op == Op::Net ? p_ : p_->args[0];
  const int base_lo = p_->op == Op::Net ? 0 : p_->lo;
  auto e = std::make_shared<Expr>();
  e->op = Op::Slice;
  e->width = width;
  e->lo = base_lo + lo;
  e->args = {base};
  return E(e);
}

E lit(int width, uint64_t value) {
  if (width < 1) bug("literal of width < 1");
  if (width < 64 && (value >> width) != 0)
    bug(fmt::format("literal {} does not fit {} bits", value, width));
  auto e = std::make_shared<Expr>();
  e->op = Op::Const;
  e->width = width;
  e->value = value;
  return E(e);
}

E zeros(int width) {
  return lit(width, 0);
}

E ones(int width) {
  if (width <= 64) return lit(width, width == 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1);
  return rep(width, lit(1, 1));
}

E cat(const std::vector<E>& parts) {
  if (parts.empty()) bug("empty concatenation");
  if (parts.size() == 1) return parts[0];
  std::vector<ExprP> args;
  int w = 0;
  for (const E& p : parts) {
    need(p, "concatenation");
    args.push_back(p.ptr());
    w += p.width();
  }
  return E(node(Op::Concat, w, std::move(args)));
}

E cat(std::initializer_list<E> parts) {
  return cat(std::vector<E>(parts));
}

E rep(int count, const E& e) {
  need(e, "replication");
  if (count < 1) bug("replication count < 1");
  if (count == 1) return e;
  auto n = node(Op::Repeat, count * e.width(), {e.ptr()});
  std::const_pointer_cast<Expr>(n)->lo = count;
  return E(n);
}

E zext(const E& e, int width) {
  need(e, "zext");
  if (width < e.width()) bug(fmt::format("zext of {} bits to {}", e.width(), width));
  if (width == e.width()) return e;
  return cat({zeros(width - e.width()), e});
}

E sext(const E& e, int width) {
  need(e, "sext");
  if (width < e.width()) bug(fmt::format("sext of {} bits to {}", e.width(), width));
  if (width == e.width()) return e;
  return cat({rep(width - e.width(), e.msb()), e});
}

E mux(const E& sel, const E& a, const E& b) {
  need(sel, "mux");
  if (sel.width() != 1) bug("mux select is not 1 bit");
  need(a, "mux");
  need(b, "mux");
  if (a.width() != b.width())
    bug(fmt::format("mux arms of widths {} and {}", a.width(), b.width()));
  return E(node(Op::Mux, a.width(), {sel.ptr(), a.ptr(), b.ptr()}));
}

E red_or(const E& e) {
  need(e, "reduction");
  return e.width() == 1 ? e : E(node(Op::RedOr, 1, {e.ptr()}));
}
E red_and(const E& e) {
  need(e, "reduction");
  return e.width() == 1 ? e : E(node(Op::RedAnd, 1, {e.ptr()}));
}
E red_xor(const E& e) {
  need(e, "reduction");
  return e.width() == 1 ? e : E(node(Op::RedXor, 1, {e.ptr()}));
}

// Comparisons with constants fold when the answer does not depend on e (Verilator warns about
// constant comparisons, and they read badly).
E add(const E& e, uint64_t k) {
  return k == 0 ? e : e + lit(e.width(), k);
}
E sub(const E& e, uint64_t k) {
  return k == 0 ? e : e - lit(e.width(), k);
}
E eq(const E& e, uint64_t k) {
  return e == lit(e.width(), k);
}
E ne(const E& e, uint64_t k) {
  return e != lit(e.width(), k);
}
E lt(const E& e, uint64_t k) {
  return k == 0 ? lit(1, 0) : e < lit(e.width(), k);
}
E ge(const E& e, uint64_t k) {
  return k == 0 ? lit(1, 1) : e >= lit(e.width(), k);
}

E operator~(const E& a) {
  need(a, "~");
  return E(node(Op::Not, a.width(), {a.ptr()}));
}
E operator!(const E& a) {
  need(a, "!");
  if (a.width() != 1) bug("! of a multi-bit value; use == 0");
  return E(node(Op::LNot, 1, {a.ptr()}));
}
E operator+(const E& a, const E& b) {
  return binary_same(Op::Add, a, b, -1);
}
E operator-(const E& a, const E& b) {
  return binary_same(Op::Sub, a, b, -1);
}
E operator&(const E& a, const E& b) {
  return binary_same(Op::And, a, b, -1);
}
E operator|(const E& a, const E& b) {
  return binary_same(Op::Or, a, b, -1);
}
E operator^(const E& a, const E& b) {
  return binary_same(Op::Xor, a, b, -1);
}
E operator&&(const E& a, const E& b) {
  return logical(Op::LAnd, a, b);
}
E operator||(const E& a, const E& b) {
  return logical(Op::LOr, a, b);
}
E operator==(const E& a, const E& b) {
  return binary_same(Op::Eq, a, b, 1);
}
E operator!=(const E& a, const E& b) {
  return binary_same(Op::Ne, a, b, 1);
}
E operator<(const E& a, const E& b) {
  return binary_same(Op::Lt, a, b, 1);
}
E operator<=(const E& a, const E& b) {
  return binary_same(Op::Le, a, b, 1);
}
E operator>(const E& a, const E& b) {
  return binary_same(Op::Gt, a, b, 1);
}
E operator>=(const E& a, const E& b) {
  return binary_same(Op::Ge, a, b, 1);
}

E operator<<(const E& a, const E& amount) {
  need(a, "<<");
  need(amount, "<<");
  return E(node(Op::Shl, a.width(), {a.ptr(), amount.ptr()}));
}
E operator>>(const E& a, const E& amount) {
  need(a, ">>");
  need(amount, ">>");
  return E(node(Op::Shr, a.width(), {a.ptr(), amount.ptr()}));
}
E operator<<(const E& a, int amount) {
  if (amount == 0) return a;
  return a << lit(std::max(1, 32 - __builtin_clz(unsigned(amount))), uint64_t(amount));
}
E operator>>(const E& a, int amount) {
  if (amount == 0) return a;
  return a >> lit(std::max(1, 32 - __builtin_clz(unsigned(amount))), uint64_t(amount));
}

// ---------------------------------------------------------------- Body

void Body::set(const E& lhs, const E& rhs) {
  check_lhs(lhs);
  need(rhs, "assignment");
  if (lhs.width() != rhs.width())
    bug(fmt::format("assignment of {} bits to {}-bit {}", rhs.width(), lhs.width(),
                    to_lhs(lhs).net->name));
  Lhs l = to_lhs(lhs);
  mark_driver(l.net, Driver::Process);
  Stmt s;
  s.kind = Stmt::Kind::Assign;
  s.lhs = l;
  s.rhs = rhs.ptr();
  block_->push_back(std::move(s));
}

void Body::if_(const E& cond, const Fn& then_fn, const Fn& else_fn) {
  need(cond, "if");
  if (cond.width() != 1) bug("if condition is not 1 bit");
  Stmt s;
  s.kind = Stmt::Kind::If;
  s.cond = cond.ptr();
  Body t(s.then_body, kind_);
  if (then_fn) then_fn(t);
  if (else_fn) {
    Body e(s.else_body, kind_);
    else_fn(e);
  }
  block_->push_back(std::move(s));
}

void Body::switch_(const E& subject, const std::vector<std::pair<std::vector<E>, Fn>>& items,
                   const Fn& default_fn) {
  need(subject, "case");
  Stmt s;
  s.kind = Stmt::Kind::Case;
  s.cond = subject.ptr();
  for (const auto& [labels, fn] : items) {
    CaseItem item;
    for (const E& l : labels) {
      need(l, "case label");
      if (!is_constant(*l.ptr())) bug("case label is not a constant");
      if (l.width() != subject.width())
        bug(fmt::format("case label of {} bits on a {}-bit subject", l.width(), subject.width()));
      item.labels.push_back(l.ptr());
    }
    Body b(item.body, kind_);
    if (fn) fn(b);
    s.items.push_back(std::move(item));
  }
  Body d(s.default_body, kind_);
  if (default_fn) default_fn(d);
  block_->push_back(std::move(s));
}

// ---------------------------------------------------------------- InstBuilder

InstBuilder::InstBuilder(Module& parent, const Module& target, Instance& inst)
    : parent_(&parent), target_(&target), inst_(&inst) {}

InstBuilder& InstBuilder::conn(const std::string& port, const E& e) {
  need(e, "port connection");
  const Net* p = target_->port(port);
  if (!p) bug(fmt::format("module {} has no port {}", target_->name, port));
  if (p->width != e.width())
    bug(fmt::format("port {}.{} is {} bits, connected to {} bits", target_->name, port, p->width,
                    e.width()));
  for (const Connection& c : inst_->conns)
    if (c.port == port) bug("port " + port + " connected twice");
  if (p->kind == NetKind::Output) {
    if (!e.is_net()) bug("output port " + port + " connected to an expression");
    mark_driver(to_lhs(e).net, Driver::Instance);
  }
  inst_->conns.push_back({port, e.ptr()});
  (void)parent_;
  return *this;
}

// ---------------------------------------------------------------- ModuleBuilder

Net& ModuleBuilder::new_net(const std::string& name, int width, NetKind kind) {
  if (width < 1) bug(fmt::format("net {} of width {}", name, width));
  auto n = std::make_unique<Net>();
  n->name = name;
  n->width = width;
  n->kind = kind;
  Net& ref = *n;
  m_->nets.push_back(std::move(n));
  return ref;
}

static E net_expr(Net& n) {
  auto e = std::make_shared<Expr>();
  e->op = Op::Net;
  e->width = n.width;
  e->net = &n;
  return E(e);
}

E ModuleBuilder::input(const std::string& name, int width) {
  Net& n = new_net(name, width, NetKind::Input);
  n.driver = Driver::Port;
  m_->ports.push_back(&n);
  return net_expr(n);
}

E ModuleBuilder::output(const std::string& name, int width) {
  Net& n = new_net(name, width, NetKind::Output);
  m_->ports.push_back(&n);
  return net_expr(n);
}

E ModuleBuilder::output_reg(const std::string& name, int width, uint64_t reset_value) {
  E r = output(name, width);
  Net* n = r.ptr()->net;
  n->has_reset = true;
  n->reset_value = reset_value;
  if (width < 64 && (reset_value >> width) != 0) bug("reset value does not fit " + name);
  return r;
}

E ModuleBuilder::wire(const std::string& name, int width, const std::string& comment) {
  Net& n = new_net(name, width, NetKind::Wire);
  n.comment = comment;
  return net_expr(n);
}

E ModuleBuilder::wire(const std::string& name, const E& value, const std::string& comment) {
  need(value, "wire");
  E w = wire(name, value.width(), comment);
  assign(w, value);
  return w;
}

E ModuleBuilder::reg(const std::string& name, int width, const std::string& comment) {
  return wire(name, width, comment);
}

E ModuleBuilder::reg_reset(const std::string& name, int width, uint64_t reset_value,
                           const std::string& comment) {
  E r = wire(name, width, comment);
  Net* n = r.ptr()->net;
  n->has_reset = true;
  n->reset_value = reset_value;
  if (width < 64 && (reset_value >> width) != 0) bug("reset value does not fit " + name);
  return r;
}

E ModuleBuilder::localparam(const std::string& name, int width, uint64_t value,
                            const std::string& comment, bool hex) {
  if (width < 1 || width > 64) bug(fmt::format("localparam {} of width {}", name, width));
  if (width < 64 && (value >> width) != 0)
    bug(fmt::format("localparam {} = {} does not fit {} bits", name, value, width));
  for (const LocalParam& p : m_->params)
    if (p.name == name) bug("localparam " + name + " declared twice");
  m_->params.push_back({name, width, value, hex, comment});
  auto e = std::make_shared<Expr>();
  e->op = Op::Param;
  e->width = width;
  e->value = value;
  e->param = &m_->params.back();
  return E(e);
}

E ModuleBuilder::reg_reset(const std::string& name, const E& reset_value,
                           const std::string& comment) {
  need(reset_value, "reset value");
  const Expr& c = *reset_value.ptr();
  if (!is_constant(c)) bug("reset value of " + name + " is not a constant");
  E r = reg_reset(name, c.width, c.value, comment);
  r.ptr()->net->reset_param = c.param;
  return r;
}

void ModuleBuilder::assign(const E& lhs, const E& rhs) {
  check_lhs(lhs);
  need(rhs, "assign");
  if (lhs.width() != rhs.width())
    bug(fmt::format("assign of {} bits to {}-bit {}", rhs.width(), lhs.width(),
                    to_lhs(lhs).net->name));
  Lhs l = to_lhs(lhs);
  mark_driver(l.net, Driver::Assign);
  m_->assigns.push_back({l, rhs.ptr()});
}

void ModuleBuilder::unused(const E& bits) {
  need(bits, "unused");
  m_->unused.push_back(bits.ptr());
}

E ModuleBuilder::mul(const std::string& name, const E& a, const E& b) {
  need(a, "mul");
  need(b, "mul");
  E out = wire(name, a.width() + b.width());
  Lhs l = to_lhs(out);
  mark_driver(l.net, Driver::Assign);
  m_->assigns.push_back({l, node(Op::Mul, out.width(), {a.ptr(), b.ptr()})});
  return out;
}

E ModuleBuilder::smul(const std::string& name, const E& a, const E& b) {
  need(a, "smul");
  need(b, "smul");
  E out = wire(name, a.width() + b.width());
  Lhs l = to_lhs(out);
  mark_driver(l.net, Driver::Assign);
  m_->assigns.push_back({l, node(Op::SMul, out.width(), {a.ptr(), b.ptr()})});
  return out;
}

E ModuleBuilder::sshr(const std::string& name, const E& a, const E& amount) {
  need(a, "sshr");
  need(amount, "sshr");
  E out = wire(name, a.width());
  Lhs l = to_lhs(out);
  mark_driver(l.net, Driver::Assign);
  m_->assigns.push_back({l, node(Op::SShr, out.width(), {a.ptr(), amount.ptr()})});
  return out;
}

E ModuleBuilder::slt(const std::string& name, const E& a, const E& b) {
  need(a, "slt");
  need(b, "slt");
  if (a.width() != b.width()) bug("slt on different widths");
  E out = wire(name, 1);
  Lhs l = to_lhs(out);
  mark_driver(l.net, Driver::Assign);
  m_->assigns.push_back({l, node(Op::SLt, 1, {a.ptr(), b.ptr()})});
  return out;
}

Body ModuleBuilder::comb(const std::string& comment) {
  Process p;
  p.kind = Process::Kind::Comb;
  p.comment = comment;
  m_->processes.push_back(std::move(p));
  return Body(m_->processes.back().body, Process::Kind::Comb);
}

Body ModuleBuilder::seq(const E& clock, const std::string& comment) {
  if (!clock.valid() || clock.ptr()->op != Op::Net || clock.width() != 1)
    bug("clock is not a 1-bit net");
  Process p;
  p.kind = Process::Kind::Seq;
  p.clock = clock.ptr()->net;
  p.comment = comment;
  m_->processes.push_back(std::move(p));
  return Body(m_->processes.back().body, Process::Kind::Seq);
}

Body ModuleBuilder::seq_reset(const E& clock, const E& reset_n, const std::string& comment) {
  Body b = seq(clock, comment);
  if (!reset_n.valid() || reset_n.ptr()->op != Op::Net || reset_n.width() != 1)
    bug("reset is not a 1-bit net");
  m_->processes.back().reset_n = reset_n.ptr()->net;
  return b;
}

Body ModuleBuilder::seq_reset_falling(const E& clock, const E& reset_n,
                                      const std::string& comment) {
  Body b = seq_reset(clock, reset_n, comment);
  m_->processes.back().falling = true;
  return b;
}

InstBuilder ModuleBuilder::inst(const Module& target, const std::string& name,
                                const std::string& comment) {
  Instance i;
  i.module = target.name;
  i.name = name;
  i.comment = comment;
  m_->instances.push_back(std::move(i));
  return InstBuilder(*m_, target, m_->instances.back());
}

}  // namespace zasgen::rtl
