#include "zasgen/rtl/verilog_writer.h"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

namespace zasgen::rtl {

namespace {

// Verilog operator precedence, higher binds tighter (IEEE 1364-2005 table 5-4).
int precedence(Op op) {
  switch (op) {
    case Op::Net:
    case Op::Const:
    case Op::Param:
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
      return "*";
    case Op::Add:
      return "+";
    case Op::Sub:
      return "-";
    case Op::Shl:
      return "<<";
    case Op::Shr:
      return ">>";
    case Op::Lt:
      return "<";
    case Op::Le:
      return "<=";
    case Op::Gt:
      return ">";
    case Op::Ge:
      return ">=";
    case Op::Eq:
      return "==";
    case Op::Ne:
      return "!=";
    case Op::And:
      return "&";
    case Op::Xor:
      return "^";
    case Op::Or:
      return "|";
    case Op::LAnd:
      return "&&";
    case Op::LOr:
      return "||";
    default:
      return "?";
  }
}

bool associative(Op op) {
  return op == Op::Add || op == Op::And || op == Op::Or || op == Op::Xor || op == Op::LAnd ||
         op == Op::LOr;
}

std::string literal(int width, uint64_t v, bool hex = false) {
  return hex ? fmt::format("{}'h{:x}", width, v) : fmt::format("{}'d{}", width, v);
}

// A constant operand of a signed operation, as a signed literal: -128 in 9 bits is -9'sd128.
std::string signed_literal(int width, uint64_t v) {
  const bool negative = width <= 64 && ((v >> (width - 1)) & 1);
  if (!negative) return fmt::format("{}'sd{}", width, v);
  const uint64_t magnitude = width == 64 ? ~v + 1 : ((uint64_t(1) << width) - v);
  return fmt::format("-{}'sd{}", width, magnitude);
}

std::string net_slice(const Net* n, int lo, int width) {
  if (lo == 0 && width == n->width) return n->name;
  if (width == 1) return fmt::format("{}[{}]", n->name, lo);
  return fmt::format("{}[{}:{}]", n->name, lo + width - 1, lo);
}

bool needs_parens(const Expr& child, int parent_prec, bool right) {
  const int p = precedence(child.op);
  // Bitwise operators inside && and || read as a mistake without parentheses.
  if (parent_prec <= 2 && (child.op == Op::And || child.op == Op::Or || child.op == Op::Xor))
    return true;
  // Equal precedence on the right, or any nesting of comparisons, gets parentheses: correct
  // for every operator and easier to read than relying on associativity.
  return p < parent_prec || (p == parent_prec && (right || parent_prec == 6 || parent_prec == 7));
}

std::string expr(const Expr& e);

std::string operand(const Expr& child, int parent_prec, bool right) {
  const std::string s = expr(child);
  return needs_parens(child, parent_prec, right) ? "(" + s + ")" : s;
}

std::string shift_amount(const Expr& a) {
  if (a.op == Op::Const) return fmt::format("{}", a.value);
  return operand(a, 13, true);
}

std::string signed_operand(const Expr& a) {
  if (a.op == Op::Const) return signed_literal(a.width, a.value);
  return "$signed(" + expr(a) + ")";
}

std::string expr(const Expr& e) {
  switch (e.op) {
    case Op::Net:
      return e.net->name;
    case Op::Const:
      return literal(e.width, e.value);
    case Op::Param:
      return e.param->name;
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
      return operand(*e.args[0], precedence(e.op), false) + " " + symbol(e.op) + " " +
             shift_amount(*e.args[1]);
    case Op::Mux:
      return operand(*e.args[0], 1, false) + " ? " + operand(*e.args[1], 1, false) + " : " +
             operand(*e.args[2], 0, false);
    case Op::SMul:
      return signed_operand(*e.args[0]) + " * " + signed_operand(*e.args[1]);
    case Op::SLt:
      return signed_operand(*e.args[0]) + " < " + signed_operand(*e.args[1]);
    case Op::SGe:
      return signed_operand(*e.args[0]) + " >= " + signed_operand(*e.args[1]);
    case Op::SShr:
      return signed_operand(*e.args[0]) + " >>> " + shift_amount(*e.args[1]);
    default: {
      const int p = precedence(e.op);
      return operand(*e.args[0], p, false) + " " + symbol(e.op) + " " +
             operand(*e.args[1], p, true);
    }
  }
}

// Prints one expression into lines no longer than the line width where it can: flat when it
// fits, otherwise broken at its top-level structure (one concatenation element per line, one
// operand of an operator chain per line with the operator leading, the arms of a ?: on lines
// of their own), recursively.
class Layout {
 public:
  Layout(std::string first, int width) : width_(width) { lines_.push_back(std::move(first)); }
  void put(const std::string& s) { lines_.back() += s; }
  void emit(const Expr& e, int indent) {
    const std::string flat = expr(e);
    if (fits(flat)) return put(flat);
    switch (e.op) {
      case Op::Concat: {
        put("{");
        for (size_t i = 0; i < e.args.size(); ++i) {
          newline(indent + 2);
          emit(*e.args[i], indent + 2);
          if (i + 1 < e.args.size()) put(",");
        }
        newline(indent);
        put("}");
        return;
      }
      case Op::Repeat:
        put(fmt::format("{{{}{{", e.lo));
        emit(*e.args[0], indent + 2);
        put("}}");
        return;
      case Op::Mux:
        operand_at(*e.args[0], 1, false, indent);
        newline(indent + 2);
        put("? ");
        operand_at(*e.args[1], 1, false, indent + 4);
        newline(indent + 2);
        put(": ");
        operand_at(*e.args[2], 0, false, indent + 4);
        return;
      case Op::Not:
      case Op::RedAnd:
      case Op::RedOr:
      case Op::RedXor:
      case Op::LNot:
        put(symbol(e.op));
        operand_at(*e.args[0], 13, false, indent + 1);
        return;
      default:
        break;
    }
    if (e.args.size() == 2 && precedence(e.op) < 13 && e.op != Op::Shl && e.op != Op::Shr) {
      // An operator chain: a op b op c ... (left-nested for associative operators).
      std::vector<const Expr*> ops;
      collect(e, e.op, ops);
      const int p = precedence(e.op);
      operand_at(*ops[0], p, false, indent);
      for (size_t i = 1; i < ops.size(); ++i) {
        newline(indent + 2);
        put(std::string(symbol(e.op)) + " ");
        operand_at(*ops[i], p, true, indent + 3 + int(std::string(symbol(e.op)).size()));
      }
      return;
    }
    put(flat);  // a leaf or a signed operation: nothing to break
  }
  std::string text() const {
    std::string s;
    for (size_t i = 0; i < lines_.size(); ++i) s += (i ? "\n" : "") + lines_[i];
    return s;
  }

 private:
  bool fits(const std::string& s) const { return int(lines_.back().size() + s.size()) <= width_; }
  void newline(int indent) { lines_.push_back(std::string(size_t(indent), ' ')); }
  void operand_at(const Expr& child, int parent_prec, bool right, int indent) {
    if (!needs_parens(child, parent_prec, right)) return emit(child, indent);
    put("(");
    emit(child, indent + 1);
    put(")");
  }
  // The operands of a chain of one associative operator, in order (a + b + c ...); other
  // binary operators break into their two operands.
  static void collect(const Expr& e, Op op, std::vector<const Expr*>& out) {
    if (e.op == op && (associative(op) || out.empty())) {
      if (!associative(op)) {
        out.push_back(e.args[0].get());
        out.push_back(e.args[1].get());
        return;
      }
      collect(*e.args[0], op, out);
      collect(*e.args[1], op, out);
      return;
    }
    out.push_back(&e);
  }

  int width_;
  std::vector<std::string> lines_;
};

std::string range(int width) {
  return width == 1 ? "" : fmt::format("[{}:0] ", width - 1);
}

// Words of `text` filled into lines of at most `width` characters (a longer word stands alone).
std::vector<std::string> fill(const std::string& text, int width) {
  std::vector<std::string> lines;
  std::istringstream words(text);
  std::string w, cur;
  while (words >> w) {
    if (!cur.empty() && int(cur.size() + 1 + w.size()) > width) {
      lines.push_back(cur);
      cur.clear();
    }
    cur += (cur.empty() ? "" : " ") + w;
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

class Printer {
 public:
  explicit Printer(const WriterOptions& o) : o_(o) {}
  void line(int level, const std::string& s) { out_ << pad(level) << s << "\n"; }
  // A comment filled to the line width.
  void comment(int level, const std::string& text) {
    if (text.empty()) return line(level, "//");
    for (const std::string& l : fill(text, o_.line_width - level * o_.indent - 3))
      line(level, "// " + l);
  }
  // A declaration with its comment after it, or above it when the line would be too long.
  void declaration(int level, const std::string& decl, const std::string& note) {
    if (note.empty()) return line(level, decl);
    if (level * o_.indent + int(decl.size() + 4 + note.size()) <= o_.line_width)
      return line(level, decl + "  // " + note);
    comment(level, note);
    line(level, decl);
  }
  void blank() { out_ << "\n"; }
  std::string str() const { return out_.str(); }

  // "<prefix><expr><suffix>" at `level`, broken over lines when it is too long.
  void statement(int level, const std::string& prefix, const Expr& e, const std::string& suffix) {
    Layout l(pad(level) + prefix, o_.line_width);
    l.emit(e, level * o_.indent);
    l.put(suffix);
    out_ << l.text() << "\n";
  }

  void block(const Block& b, int level, bool seq) {
    for (const Stmt& s : b) stmt(s, level, seq);
  }

  void assign_stmt(const Stmt& s, int level, bool seq, const std::string& label = "") {
    statement(level, label + net_slice(s.lhs.net, s.lhs.lo, s.lhs.width) + (seq ? " <= " : " = "),
              *s.rhs, ";");
  }

  void stmt(const Stmt& s, int level, bool seq) {
    switch (s.kind) {
      case Stmt::Kind::Assign:
        assign_stmt(s, level, seq);
        break;
      case Stmt::Kind::If: {
        statement(level, "if (", *s.cond, ") begin");
        block(s.then_body, level + 1, seq);
        const Block* els = &s.else_body;
        // else-if chains print flat.
        while (els->size() == 1 && (*els)[0].kind == Stmt::Kind::If) {
          const Stmt& inner = (*els)[0];
          statement(level, "end else if (", *inner.cond, ") begin");
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
        statement(level, "case (", *s.cond, ")");
        for (const CaseItem& item : s.items) {
          std::string labels;
          for (size_t i = 0; i < item.labels.size(); ++i)
            labels += (i ? ", " : "") + expr(*item.labels[i]);
          case_item(level + 1, labels, item.body, seq);
        }
        case_item(level + 1, "default", s.default_body, seq);
        line(level, "endcase");
        break;
      }
    }
  }

 private:
  // A case item with one assignment prints on one line; others get begin/end.
  void case_item(int level, const std::string& labels, const Block& body, bool seq) {
    if (body.empty()) return line(level, labels + ": ;");
    if (body.size() == 1 && body[0].kind == Stmt::Kind::Assign)
      return assign_stmt(body[0], level, seq, labels + ": ");
    line(level, labels + ": begin");
    block(body, level + 1, seq);
    line(level, "end");
  }
  std::string pad(int level) const { return std::string(size_t(level * o_.indent), ' '); }

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

void print_header(Printer& p, const Module& m, const Design& d, const WriterOptions& o) {
  p.line(0, fmt::format("// Generated by zasgen {} from {}.", o.tool_version,
                        d.source.empty() ? "(no config)" : d.source));
  p.line(0, "// Do not edit: regenerate instead.");
  for (const std::string& c : m.comment) p.comment(0, c);
  p.line(0, "`default_nettype none");
}

void print_ports(Printer& p, const Module& m) {
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
}

void print_declarations(Printer& p, const Module& m) {
  if (!m.params.empty()) p.blank();
  for (const LocalParam& lp : m.params)
    p.declaration(1,
                  fmt::format("localparam {}{} = {};", range(lp.width), lp.name,
                              literal(lp.width, lp.value, lp.hex)),
                  lp.comment);
  bool any = false;
  for (const auto& n : m.nets) {
    if (n->kind != NetKind::Wire) continue;
    if (!any) p.blank();
    any = true;
    p.declaration(1, (is_reg(*n) ? "reg  " : "wire ") + range(n->width) + n->name + ";",
                  n->comment);
  }
  if (!m.assigns.empty()) p.blank();
  for (const ContAssign& a : m.assigns)
    p.statement(1, "assign " + net_slice(a.lhs.net, a.lhs.lo, a.lhs.width) + " = ", *a.rhs, ";");
}

void print_process(Printer& p, const Process& proc) {
  p.blank();
  if (!proc.comment.empty()) p.comment(1, proc.comment);
  if (proc.kind == Process::Kind::Comb) {
    p.line(1, "always @(*) begin");
    p.block(proc.body, 2, false);
    p.line(1, "end");
    return;
  }
  const std::string edge = (proc.falling ? "negedge " : "posedge ") + proc.clock->name;
  if (!proc.reset_n) {
    p.line(1, "always @(" + edge + ") begin");
    p.block(proc.body, 2, true);
    p.line(1, "end");
    return;
  }
  p.line(1, "always @(" + edge + " or negedge " + proc.reset_n->name + ") begin");
  p.line(2, "if (!" + proc.reset_n->name + ") begin");
  std::vector<const Net*> regs;
  assigned_regs(proc.body, regs);
  for (const Net* r : regs)
    p.line(3, r->name + " <= " +
                  (r->reset_param ? r->reset_param->name : literal(r->width, r->reset_value)) +
                  ";");
  p.line(2, "end else begin");
  p.block(proc.body, 3, true);
  p.line(2, "end");
  p.line(1, "end");
}

void print_instance(Printer& p, const Instance& inst, const Design& d) {
  p.blank();
  if (!inst.comment.empty()) p.comment(1, inst.comment);
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
    p.statement(2, "." + port + " (", *ordered[i]->expr, i + 1 < ordered.size() ? ")," : ")");
  }
  p.line(1, ");");
}

}  // namespace

std::string print_module(const Module& m, const Design& d, const WriterOptions& o) {
  Printer p(o);
  print_header(p, m, d, o);
  if (m.is_verbatim()) {
    p.blank();
    return p.str() + m.verbatim + "`default_nettype wire\n";
  }
  if (!m.sim_view.empty()) p.line(0, "`ifdef SYNTHESIS");
  print_ports(p, m);
  print_declarations(p, m);
  for (const Process& proc : m.processes) print_process(p, proc);
  for (const Instance& inst : m.instances) print_instance(p, inst, d);
  p.line(0, "endmodule");
  if (!m.sim_view.empty()) {
    p.line(0, "`else");
    p.blank();
    std::string text = p.str() + m.sim_view;
    return text + "`endif\n`default_nettype wire\n";
  }
  p.line(0, "`default_nettype wire");
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
