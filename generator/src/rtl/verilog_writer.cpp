#include "zasgen/rtl/verilog_writer.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace zasgen::rtl {

namespace {

// Verilog operator precedence, higher binds tighter (IEEE 1364-2005 table 5-4).
int precedence(Op op) {
  switch (op) {
    case Op::Net:
    case Op::Const:
    case Op::Slice:
    case Op::Concat:
    case Op::Repeat:
    case Op::SMul:
    case Op::SLt:
    case Op::SGe:
    case Op::SShr:
      return 13;
    case Op::Not:
    case Op::RedAnd:
    case Op::RedOr:
    case Op::RedXor:
    case Op::LNot:
      return 12;
    case Op::Mul:
      return 10;
    case Op::Add:
    case Op::Sub:
      return 9;
    case Op::Shl:
    case Op::Shr:
      return 8;
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
      return 7;
    case Op::Eq:
    case Op::Ne:
      return 6;
    case Op::And:
      return 5;
    case Op::Xor:
      return 4;
    case Op::Or:
      return 3;
    case Op::LAnd:
      return 2;
    case Op::LOr:
      return 1;
    case Op::Mux:
      return 0;
  }
  return 0;
}

const char* symbol(Op op) {
  switch (op) {
    case Op::Not:
      return "~";
    case Op::RedAnd:
      return "&";
    case Op::RedOr:
      return "|";
    case Op::RedXor:
      return "^";
    case Op::LNot:
      return "!";
    case Op::Mul:
      return " * ";
    case Op::Add:
      return " + ";
    case Op::Sub:
      return " - ";
    case Op::Shl:
      return " << ";
    case Op::Shr:
      return " >> ";
    case Op::Lt:
      return " < ";
    case Op::Le:
      return " <= ";
    case Op::Gt:
      return " > ";
    case Op::Ge:
      return " >= ";
    case Op::Eq:
      return " == ";
    case Op::Ne:
      return " != ";
    case Op::And:
      return " & ";
    case Op::Xor:
      return " ^ ";
    case Op::Or:
      return " | ";
    case Op::LAnd:
      return " && ";
    case Op::LOr:
      return " || ";
    default:
      return "?";
  }
}

std::string literal(int width, uint64_t v) {
  return fmt::format("{}'d{}", width, v);
}

std::string net_slice(const Net* n, int lo, int width) {
  if (lo == 0 && width == n->width) return n->name;
  if (width == 1) return fmt::format("{}[{}]", n->name, lo);
  return fmt::format("{}[{}:{}]", n->name, lo + width - 1, lo);
}

std::string expr(const Expr& e);

std::string operand(const Expr& child, int parent_prec, bool right) {
  const int p = precedence(child.op);
  const std::string s = expr(child);
  // Equal precedence on the right, or any nesting of comparisons, gets parentheses: correct
  // for every operator and easier to read than relying on associativity.
  if (p < parent_prec || (p == parent_prec && (right || parent_prec == 6 || parent_prec == 7)))
    return "(" + s + ")";
  return s;
}

std::string shift_amount(const Expr& a) {
  if (a.op == Op::Const) return fmt::format("{}", a.value);
  return operand(a, 13, true);
}

std::string expr(const Expr& e) {
  switch (e.op) {
    case Op::Net:
      return e.net->name;
    case Op::Const:
      return literal(e.width, e.value);
    case Op::Slice:
      return net_slice(e.args[0]->net, e.lo, e.width);
    case Op::Concat: {
      std::string s = "{";
      for (size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + expr(*e.args[i]);
      return s + "}";
    }
    case Op::Repeat:
      return fmt::format("{{{}{{{}}}}}", e.lo, expr(*e.args[0]));
    case Op::Not:
    case Op::RedAnd:
    case Op::RedOr:
    case Op::RedXor:
    case Op::LNot:
      return symbol(e.op) + operand(*e.args[0], 13, false);
    case Op::Shl:
    case Op::Shr:
      return operand(*e.args[0], precedence(e.op), false) + symbol(e.op) + shift_amount(*e.args[1]);
    case Op::Mux:
      return operand(*e.args[0], 1, false) + " ? " + operand(*e.args[1], 1, false) + " : " +
             operand(*e.args[2], 0, false);
    case Op::SMul:
      return fmt::format("$signed({}) * $signed({})", expr(*e.args[0]), expr(*e.args[1]));
    case Op::SLt:
      return fmt::format("$signed({}) < $signed({})", expr(*e.args[0]), expr(*e.args[1]));
    case Op::SGe:
      return fmt::format("$signed({}) >= $signed({})", expr(*e.args[0]), expr(*e.args[1]));
    case Op::SShr:
      return fmt::format("$signed({}) >>> {}", expr(*e.args[0]), shift_amount(*e.args[1]));
    default: {
      const int p = precedence(e.op);
      return operand(*e.args[0], p, false) + symbol(e.op) + operand(*e.args[1], p, true);
    }
  }
}

std::string range(int width) {
  return width == 1 ? "" : fmt::format("[{}:0] ", width - 1);
}

class Printer {
 public:
  Printer(const WriterOptions& o) : o_(o) {}
  void line(int level, const std::string& s) {
    out_ << std::string(size_t(level * o_.indent), ' ') << s << "\n";
  }
  void blank() { out_ << "\n"; }
  std::string str() const { return out_.str(); }

  void block(const Block& b, int level, bool seq) {
    for (const Stmt& s : b) stmt(s, level, seq);
  }

  void stmt(const Stmt& s, int level, bool seq) {
    switch (s.kind) {
      case Stmt::Kind::Assign:
        line(level, net_slice(s.lhs.net, s.lhs.lo, s.lhs.width) + (seq ? " <= " : " = ") +
                        expr(*s.rhs) + ";");
        break;
      case Stmt::Kind::If: {
        line(level, "if (" + expr(*s.cond) + ") begin");
        block(s.then_body, level + 1, seq);
        const Block* els = &s.else_body;
        // else-if chains print flat.
        while (els->size() == 1 && (*els)[0].kind == Stmt::Kind::If) {
          const Stmt& inner = (*els)[0];
          line(level, "end else if (" + expr(*inner.cond) + ") begin");
          block(inner.then_body, level + 1, seq);
          els = &inner.else_body;
        }
        if (!els->empty()) {
          line(level, "end else begin");
          block(*els, level + 1, seq);
        }
        line(level, "end");
        break;
      }
      case Stmt::Kind::Case: {
        const int w = s.cond->width;
        line(level, "case (" + expr(*s.cond) + ")");
        for (const CaseItem& item : s.items) {
          std::string labels;
          for (size_t i = 0; i < item.labels.size(); ++i)
            labels += (i ? ", " : "") + literal(w, item.labels[i]);
          line(level + 1, labels + ": begin");
          block(item.body, level + 2, seq);
          line(level + 1, "end");
        }
        line(level + 1, "default: begin");
        block(s.default_body, level + 2, seq);
        line(level + 1, "end");
        line(level, "endcase");
        break;
      }
    }
  }

 private:
  const WriterOptions& o_;
  std::ostringstream out_;
};

void assigned_regs(const Block& b, std::vector<const Net*>& out) {
  for (const Stmt& s : b) {
    if (s.kind == Stmt::Kind::Assign) {
      if (std::find(out.begin(), out.end(), s.lhs.net) == out.end()) out.push_back(s.lhs.net);
    } else {
      assigned_regs(s.then_body, out);
      assigned_regs(s.else_body, out);
      for (const CaseItem& i : s.items) assigned_regs(i.body, out);
      assigned_regs(s.default_body, out);
    }
  }
}

bool is_reg(const Net& n) {
  return n.driver == Driver::Process;
}

}  // namespace

std::string print_module(const Module& m, const Design& d, const WriterOptions& o) {
  Printer p(o);
  p.line(0, fmt::format("// Generated by zasgen {} from {}. Do not edit: regenerate instead.",
                        o.tool_version, d.source.empty() ? "(no config)" : d.source));
  for (const std::string& c : m.comment) p.line(0, c.empty() ? "//" : "// " + c);
  if (m.is_verbatim()) {
    p.blank();
    return p.str() + m.verbatim;
  }
  p.line(0, "module " + m.name + " (");
  size_t w_range = 0;
  for (const Net* n : m.ports) w_range = std::max(w_range, range(n->width).size());
  for (size_t i = 0; i < m.ports.size(); ++i) {
    const Net* n = m.ports[i];
    const std::string dir = n->kind == NetKind::Input ? "input  wire "
                            : is_reg(*n)              ? "output reg  "
                                                      : "output wire ";
    std::string r = range(n->width);
    r.resize(w_range, ' ');
    p.line(1, dir + r + n->name + (i + 1 < m.ports.size() ? "," : ""));
  }
  p.line(0, ");");

  bool any = false;
  for (const auto& n : m.nets) {
    if (n->kind != NetKind::Wire) continue;
    if (!any) p.blank();
    any = true;
    std::string decl = (is_reg(*n) ? "reg  " : "wire ") + range(n->width) + n->name + ";";
    if (!n->comment.empty()) decl += "  // " + n->comment;
    p.line(1, decl);
  }
  if (!m.assigns.empty()) p.blank();
  for (const ContAssign& a : m.assigns)
    p.line(1, "assign " + net_slice(a.lhs.net, a.lhs.lo, a.lhs.width) + " = " + expr(*a.rhs) + ";");
  for (const Process& proc : m.processes) {
    p.blank();
    if (!proc.comment.empty()) p.line(1, "// " + proc.comment);
    if (proc.kind == Process::Kind::Comb) {
      p.line(1, "always @(*) begin");
      p.block(proc.body, 2, false);
      p.line(1, "end");
      continue;
    }
    if (!proc.reset_n) {
      p.line(1, "always @(posedge " + proc.clock->name + ") begin");
      p.block(proc.body, 2, true);
      p.line(1, "end");
      continue;
    }
    p.line(1, "always @(posedge " + proc.clock->name + " or negedge " + proc.reset_n->name +
                  ") begin");
    p.line(2, "if (!" + proc.reset_n->name + ") begin");
    std::vector<const Net*> regs;
    assigned_regs(proc.body, regs);
    for (const Net* r : regs) p.line(3, r->name + " <= " + literal(r->width, r->reset_value) + ";");
    p.line(2, "end else begin");
    p.block(proc.body, 3, true);
    p.line(2, "end");
    p.line(1, "end");
  }
  for (const Instance& inst : m.instances) {
    p.blank();
    if (!inst.comment.empty()) p.line(1, "// " + inst.comment);
    p.line(1, inst.module + " " + inst.name + " (");
    size_t w = 0;
    for (const Connection& c : inst.conns) w = std::max(w, c.port.size());
    // Connections print in the target's port order, whatever order elaboration used.
    const Module* target = d.find(inst.module);
    std::vector<const Connection*> ordered;
    if (target) {
      for (const Net* port : target->ports)
        for (const Connection& c : inst.conns)
          if (c.port == port->name) ordered.push_back(&c);
    } else {
      for (const Connection& c : inst.conns) ordered.push_back(&c);
    }
    for (size_t i = 0; i < ordered.size(); ++i) {
      std::string port = ordered[i]->port;
      port.resize(w, ' ');
      p.line(2, "." + port + " (" + expr(*ordered[i]->expr) + ")" +
                    (i + 1 < ordered.size() ? "," : ""));
    }
    p.line(1, ");");
  }
  p.line(0, "endmodule");
  return p.str();
}

std::vector<OutputFile> print_design(const Design& d, const WriterOptions& o) {
  std::vector<OutputFile> files;
  // Only file names, leaves first: every tool reads this form, comments would not survive all.
  std::string filelist;
  for (const auto& m : d.modules) {
    files.push_back({"rtl/" + m->name + ".v", print_module(*m, d, o)});
    filelist += m->name + ".v\n";
  }
  files.push_back({"rtl/filelist.f", filelist});
  return files;
}

}  // namespace zasgen::rtl
