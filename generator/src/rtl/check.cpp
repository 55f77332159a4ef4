#include "zasgen/rtl/check.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
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

using BitMap = std::map<const Net*, std::vector<bool>>;

void mark(BitMap& m, const Lhs& l) {
  auto& v = m[l.net];
  v.resize(l.net->width, false);
  for (int i = l.lo; i < l.lo + l.width; ++i) v[i] = true;
}

BitMap intersect(const BitMap& a, const BitMap& b) {
  BitMap out;
  for (const auto& [net, bits] : a) {
    auto it = b.find(net);
    if (it == b.end()) continue;
    std::vector<bool> both(bits.size());
    for (size_t i = 0; i < bits.size(); ++i) both[i] = bits[i] && it->second[i];
    out[net] = both;
  }
  return out;
}

void merge(BitMap& into, const BitMap& from) {
  for (const auto& [net, bits] : from) {
    auto& v = into[net];
    v.resize(bits.size(), false);
    for (size_t i = 0; i < bits.size(); ++i) v[i] = v[i] || bits[i];
  }
}

// The bits a block assigns on every path through it.
void complete_block(const Block& b, BitMap& out) {
  for (const Stmt& s : b) {
    switch (s.kind) {
      case Stmt::Kind::Assign:
        mark(out, s.lhs);
        break;
      case Stmt::Kind::If: {
        BitMap t, e;
        complete_block(s.then_body, t);
        complete_block(s.else_body, e);
        merge(out, intersect(t, e));
        break;
      }
      case Stmt::Kind::Case: {
        BitMap all;
        complete_block(s.default_body, all);
        for (const CaseItem& i : s.items) {
          BitMap one;
          complete_block(i.body, one);
          all = intersect(all, one);
        }
        merge(out, all);
        break;
      }
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
      // Every bit the process assigns anywhere must be assigned on every path through it (a
      // default first, or every branch of an if/else or a case with a default), or a latch
      // would be inferred.
      std::map<const Net*, std::vector<bool>> always;
      complete_block(p.body, always);
      for (const auto& [net, bits] : assigned) {
        std::vector<int> missing;
        auto it = always.find(net);
        for (int b = 0; b < net->width; ++b)
          if (bits[b] && (it == always.end() || !it->second[b])) missing.push_back(b);
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

// ---------------------------------------------------------------- combinational loops
//
// A graph of net bits: an edge from every bit a continuous assignment, a combinational process
// or an instance's combinational port-to-port path reads to every bit it drives. Registers and
// SRAM models (registered read data) cut it. Bit-precise through nets, slices, concatenations
// and replications; any other operator makes each result bit depend on every operand bit, and
// an instance's output port on every bit of each input port it depends on.

// The same graph with one node per net (every operator joining whole nets) is a coarse
// over-approximation: a loop among bits is a loop among their nets, so a module whose net graph
// has no loop needs no bit graph. Designs are checked coarsely first, bit by bit only where the
// net graph finds a loop (a bus whose bits feed each other is not one).

// Input ports each output port of a module depends on combinationally.
using PortPaths = std::map<std::string, std::set<std::string>>;

enum class Grain { Bit, Net };

class CombGraph {
 public:
  CombGraph(const Module& m, const std::map<std::string, PortPaths>& summaries, Grain grain)
      : m_(m), per_bit_(grain == Grain::Bit) {
    int next = 0;
    for (const auto& n : m.nets) {
      base_[n.get()] = next;
      starts_.push_back({next, n.get()});
      next += per_bit_ ? n->width : 1;
    }
    net_bits_ = next;
    edges_.resize(size_t(next));
    for (const ContAssign& a : m.assigns) {
      const Deps d = deps(*a.rhs);
      for (int b = 0; b < bits(a.lhs.width); ++b)
        edges_[size_t(id(a.lhs.net, a.lhs.lo + b))].push_back(d[size_t(b)]);
    }
    for (const Process& p : m.processes) {
      if (p.kind != Process::Kind::Comb) continue;
      std::vector<int> reads;
      std::vector<Lhs> writes;
      collect(p.body, reads, writes);
      const int h = hub(std::move(reads));
      for (const Lhs& l : writes)
        for (int b = 0; b < bits(l.width); ++b) edges_[size_t(id(l.net, l.lo + b))].push_back(h);
    }
    for (const Instance& i : m.instances) {
      auto sum = summaries.find(i.module);
      if (sum == summaries.end() || sum->second.empty()) continue;
      std::map<std::string, const Connection*> conn;
      for (const Connection& c : i.conns) conn[c.port] = &c;
      for (const auto& [out, ins] : sum->second) {
        auto oc = conn.find(out);
        if (oc == conn.end()) continue;
        std::vector<int> srcs;
        for (const std::string& in : ins)
          if (auto ic = conn.find(in); ic != conn.end()) all_bits(*ic->second->expr, srcs);
        const int h = hub(std::move(srcs));
        std::vector<int> outs;
        all_bits(*oc->second->expr, outs);
        for (int o : outs) edges_[size_t(o)].push_back(h);
      }
    }
  }

  // A loop, as the net bits along it ("a[0] -> b[3] -> a[0]"), or "" when there is none.
  std::string find_loop() const {
    std::vector<char> state(edges_.size(), 0);  // 1 on the stack, 2 done
    for (size_t start = 0; start < edges_.size(); ++start) {
      if (state[start]) continue;
      // Iterative DFS: deep logic would overflow the call stack.
      std::vector<std::pair<int, size_t>> frames = {{int(start), 0}};
      state[start] = 1;
      while (!frames.empty()) {
        auto& [node, next] = frames.back();
        const auto& out = edges_[size_t(node)];
        if (next >= out.size()) {
          state[size_t(node)] = 2;
          frames.pop_back();
          continue;
        }
        const int n = out[next++];
        if (state[size_t(n)] == 1) {
          std::string loop;
          bool on = false;
          for (const auto& f : frames) {
            on = on || f.first == n;
            if (on) loop += name(f.first) + " -> ";
          }
          return loop + name(n);
        }
        if (state[size_t(n)] == 0) {
          state[size_t(n)] = 1;
          frames.push_back({n, 0});
        }
      }
    }
    return "";
  }

  PortPaths port_paths() const {
    PortPaths out;
    for (const Net* p : m_.ports) {
      if (p->kind != NetKind::Output) continue;
      std::vector<char> seen(edges_.size(), 0);
      std::vector<int> todo;
      for (int b = 0; b < bits(p->width); ++b) todo.push_back(id(p, b));
      while (!todo.empty()) {
        const int cur = todo.back();
        todo.pop_back();
        if (seen[size_t(cur)]) continue;
        seen[size_t(cur)] = 1;
        const Net* n = net_of(cur);
        if (n && n->kind == NetKind::Input) out[p->name].insert(n->name);
        for (int src : edges_[size_t(cur)]) todo.push_back(src);
      }
    }
    return out;
  }

 private:
  // Edges point from a driven bit to the bits it reads (the DFS walks against the data flow).
  // Per result bit, the one node it reads: a net bit, or a hub for any other operator.
  using Deps = std::vector<int>;

  int id(const Net* n, int bit) const { return base_.at(n) + (per_bit_ ? bit : 0); }
  // The nodes of a bit range: one per bit, or the net's single node.
  int bits(int width) const { return per_bit_ ? width : std::min(width, 1); }
  // The net of a node; nullptr for a hub (an operator joining its operands' bits).
  const Net* net_of(int node) const {
    if (node >= net_bits_) return nullptr;
    // The last net starting at or before the node (zero-width nets start where the next one does).
    auto it =
        std::upper_bound(starts_.begin(), starts_.end(), node,
                         [](int v, const std::pair<int, const Net*>& s) { return v < s.first; });
    return std::prev(it)->second;
  }
  std::string name(int node) const {
    const Net* n = net_of(node);
    if (!n) return "(logic)";
    return per_bit_ ? fmt::format("{}[{}]", n->name, node - base_.at(n)) : n->name;
  }
  int hub(std::vector<int> from) {
    dedup(from);
    edges_.push_back(std::move(from));
    return int(edges_.size()) - 1;
  }
  // Drops repeated nodes, keeping first occurrences in order: linear, with a stamp per node
  // (operand lists of wide selects and comb processes repeat the same bits many times).
  void dedup(std::vector<int>& v) {
    if (stamp_.size() < edges_.size() + 1) stamp_.resize(edges_.size() + 1, 0);
    ++round_;
    size_t kept = 0;
    for (int x : v)
      if (stamp_[size_t(x)] != round_) {
        stamp_[size_t(x)] = round_;
        v[kept++] = x;
      }
    v.resize(kept);
  }

  void all_bits(const Expr& e, std::vector<int>& out) const {
    if (e.op == Op::Net) {
      for (int b = 0; b < bits(e.width); ++b) out.push_back(id(e.net, b));
      return;
    }
    if (e.op == Op::Slice) {
      for (int b = 0; b < bits(e.width); ++b) out.push_back(id(e.args[0]->net, e.lo + b));
      return;
    }
    for (const ExprP& a : e.args) all_bits(*a, out);
  }

  Deps deps(const Expr& e) {
    Deps d;
    if (!per_bit_) {  // one node for the whole right-hand side
      std::vector<int> all;
      all_bits(e, all);
      d.push_back(hub(std::move(all)));
      return d;
    }
    switch (e.op) {
      case Op::Net:
      case Op::Slice: {
        const Net* n = e.op == Op::Net ? e.net : e.args[0]->net;
        const int lo = e.op == Op::Net ? 0 : e.lo;
        for (int b = 0; b < e.width; ++b) d.push_back(id(n, lo + b));
        return d;
      }
      case Op::Concat:
        for (auto it = e.args.rbegin(); it != e.args.rend(); ++it) {
          Deps part = deps(**it);
          d.insert(d.end(), part.begin(), part.end());
        }
        return d;
      case Op::Repeat: {
        const Deps part = deps(*e.args[0]);
        for (int i = 0; i < e.lo; ++i) d.insert(d.end(), part.begin(), part.end());
        return d;
      }
      default: {
        std::vector<int> all;
        all_bits(e, all);
        d.assign(size_t(e.width), hub(std::move(all)));
        return d;
      }
    }
  }

  void collect(const Block& b, std::vector<int>& reads, std::vector<Lhs>& writes) const {
    for (const Stmt& s : b) {
      if (s.rhs) all_bits(*s.rhs, reads);
      if (s.cond) all_bits(*s.cond, reads);
      if (s.kind == Stmt::Kind::Assign) writes.push_back(s.lhs);
      collect(s.then_body, reads, writes);
      collect(s.else_body, reads, writes);
      for (const CaseItem& i : s.items) collect(i.body, reads, writes);
      collect(s.default_body, reads, writes);
    }
  }

  const Module& m_;
  const bool per_bit_;
  std::unordered_map<const Net*, int> base_;
  std::vector<std::pair<int, const Net*>> starts_;  // first node of each net, ascending
  int net_bits_ = 0;                                // nodes below this are net bits, above hubs
  std::vector<std::vector<int>> edges_;
  std::vector<unsigned> stamp_;  // for dedup: the round that last saw each node
  unsigned round_ = 0;
};

}  // namespace

void check_design(const Design& design) {
  std::vector<std::string> problems;
  // Port paths of each module: coarse ones (a superset) for the net graphs; exact ones, computed
  // on demand, for the bit graphs. Modules come leaves first.
  std::map<std::string, PortPaths> coarse, exact;
  // The bit graph of a module, once the exact port paths of the modules it instantiates are known.
  std::function<CombGraph(const Module&)> bit_graph = [&](const Module& m) {
    for (const Instance& i : m.instances)
      if (const Module* t = design.find(i.module); t && !t->is_verbatim() && !exact.count(t->name))
        exact[t->name] = bit_graph(*t).port_paths();
    return CombGraph(m, exact, Grain::Bit);
  };
  for (const auto& m : design.modules) {
    check_module(*m, design, problems);
    if (m->is_verbatim()) continue;  // SRAM models: registered outputs, no combinational path
    const CombGraph nets(*m, coarse, Grain::Net);
    coarse[m->name] = nets.port_paths();
    if (nets.find_loop().empty()) continue;
    if (const std::string loop = bit_graph(*m).find_loop(); !loop.empty())
      problems.push_back(fmt::format("{}: combinational loop {}", m->name, loop));
  }
  if (design.top.empty() || !design.find(design.top)) problems.push_back("no top module");
  if (!problems.empty()) {
    std::string msg = "elaborated design fails structural checks:";
    for (const std::string& p : problems) msg += "\n  " + p;
    throw std::logic_error(msg);
  }
}

}  // namespace zasgen::rtl
