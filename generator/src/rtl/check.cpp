#include "zasgen/rtl/check.h"

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace zasgen::rtl {

namespace {

// Per-net bit masks: how many drivers each bit has, whether it is read.
struct Usage {
  std::map<const Net*, std::vector<int>> drivers;
  std::map<const Net*, std::vector<bool>> read;

  void drive(const Lhs& l) {
    auto& v = drivers[l.net];
    v.resize(l.net->width, 0);
    for (int b = l.lo; b < l.lo + l.width; ++b) v[b]++;
  }
  void read_bits(const Net* n, int lo, int width) {
    auto& v = read[n];
    v.resize(n->width, false);
    for (int b = lo; b < lo + width; ++b) v[b] = true;
  }
  void read_expr(const Expr& e) {
    if (e.op == Op::Net) {
      read_bits(e.net, 0, e.width);
      return;
    }
    if (e.op == Op::Slice && e.args[0]->op == Op::Net) {
      read_bits(e.args[0]->net, e.lo, e.width);
      return;
    }
    for (const ExprP& a : e.args) read_expr(*a);
  }
};

void collect_block(const Block& b, Usage& u, std::map<const Net*, std::vector<bool>>& assigned) {
  for (const Stmt& s : b) {
    switch (s.kind) {
      case Stmt::Kind::Assign: {
        u.read_expr(*s.rhs);
        auto& v = assigned[s.lhs.net];
        v.resize(s.lhs.net->width, false);
        for (int i = s.lhs.lo; i < s.lhs.lo + s.lhs.width; ++i) v[i] = true;
        break;
      }
      case Stmt::Kind::If:
        u.read_expr(*s.cond);
        collect_block(s.then_body, u, assigned);
        collect_block(s.else_body, u, assigned);
        break;
      case Stmt::Kind::Case:
        u.read_expr(*s.cond);
        for (const CaseItem& i : s.items) collect_block(i.body, u, assigned);
        collect_block(s.default_body, u, assigned);
        break;
    }
  }
}

std::string ranges(const std::vector<int>& bits) {
  std::string out;
  for (size_t i = 0; i < bits.size();) {
    size_t j = i;
    while (j + 1 < bits.size() && bits[j + 1] == bits[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += i == j ? fmt::format("{}", bits[i]) : fmt::format("{}:{}", bits[j], bits[i]);
    i = j + 1;
  }
  return out;
}

void check_module(const Module& m, const Design& d, std::vector<std::string>& problems) {
  if (m.is_verbatim()) return;
  Usage u;
  for (const ContAssign& a : m.assigns) {
    u.drive(a.lhs);
    u.read_expr(*a.rhs);
  }
  for (const Process& p : m.processes) {
    std::map<const Net*, std::vector<bool>> assigned;
    if (p.clock) u.read_bits(p.clock, 0, 1);
    if (p.reset_n) u.read_bits(p.reset_n, 0, 1);
    collect_block(p.body, u, assigned);
    for (const auto& [net, bits] : assigned) {
      Lhs whole{const_cast<Net*>(net), 0, 0};
      for (int b = 0; b < net->width; ++b)
        if (bits[b]) {
          whole.lo = b;
          whole.width = 1;
          u.drive(whole);
        }
      if (p.kind == Process::Kind::Seq && (net->has_reset != (p.reset_n != nullptr)))
        problems.push_back(fmt::format("{}: register {} {} a reset value but its process {}",
                                       m.name, net->name, net->has_reset ? "has" : "lacks",
                                       p.reset_n ? "resets" : "does not reset"));
    }
    if (p.kind == Process::Kind::Comb) {
      // Defaults first: every bit the process assigns anywhere must be assigned by a top-level
      // (unconditional) statement, or a latch would be inferred.
      std::map<const Net*, std::vector<bool>> top;
      for (const Stmt& s : p.body) {
        if (s.kind != Stmt::Kind::Assign) continue;
        auto& v = top[s.lhs.net];
        v.resize(s.lhs.net->width, false);
        for (int i = s.lhs.lo; i < s.lhs.lo + s.lhs.width; ++i) v[i] = true;
      }
      for (const auto& [net, bits] : assigned) {
        std::vector<int> missing;
        auto it = top.find(net);
        for (int b = 0; b < net->width; ++b)
          if (bits[b] && (it == top.end() || !it->second[b])) missing.push_back(b);
        if (!missing.empty())
          problems.push_back(
              fmt::format("{}: combinational process assigns {}[{}] without a "
                          "default (latch)",
                          m.name, net->name, ranges(missing)));
      }
    }
  }
  for (const Instance& i : m.instances) {
    const Module* t = d.find(i.module);
    if (!t) {
      problems.push_back(
          fmt::format("{}: instance {} of unknown module {}", m.name, i.name, i.module));
      continue;
    }
    for (const Net* p : t->ports) {
      const Connection* c = nullptr;
      for (const Connection& cc : i.conns)
        if (cc.port == p->name) c = &cc;
      if (!c) {
        problems.push_back(
            fmt::format("{}: instance {} leaves port {} unconnected", m.name, i.name, p->name));
        continue;
      }
      if (p->kind == NetKind::Output) {
        const Expr& e = *c->expr;
        Lhs l = e.op == Op::Net ? Lhs{e.net, 0, e.width} : Lhs{e.args[0]->net, e.lo, e.width};
        u.drive(l);
      } else {
        u.read_expr(*c->expr);
      }
    }
  }
  for (const auto& n : m.nets) {
    const Net* net = n.get();
    auto dr = u.drivers.find(net);
    std::vector<int> undriven, multi, unread;
    for (int b = 0; b < net->width; ++b) {
      const int count = dr == u.drivers.end() ? 0 : dr->second[b];
      if (net->kind != NetKind::Input && count == 0) undriven.push_back(b);
      if (count > 1) multi.push_back(b);
      auto rd = u.read.find(net);
      const bool is_read = rd != u.read.end() && rd->second[b];
      const bool sink = net->name.rfind("unused_", 0) == 0;
      if (net->kind != NetKind::Output && !is_read && !sink) unread.push_back(b);
    }
    if (!undriven.empty())
      problems.push_back(
          fmt::format("{}: {}[{}] is never driven", m.name, net->name, ranges(undriven)));
    if (!multi.empty())
      problems.push_back(
          fmt::format("{}: {}[{}] has several drivers", m.name, net->name, ranges(multi)));
    if (!unread.empty())
      problems.push_back(
          fmt::format("{}: {}[{}] is never read", m.name, net->name, ranges(unread)));
  }
}

}  // namespace

void check_design(const Design& design) {
  std::vector<std::string> problems;
  for (const auto& m : design.modules) check_module(*m, design, problems);
  if (design.top.empty() || !design.find(design.top)) problems.push_back("no top module");
  if (!problems.empty()) {
    std::string msg = "elaborated design fails structural checks:";
    for (const std::string& p : problems) msg += "\n  " + p;
    throw std::logic_error(msg);
  }
}

}  // namespace zasgen::rtl
