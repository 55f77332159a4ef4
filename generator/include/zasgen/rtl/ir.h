// Hardware IR: designs, modules, nets, expressions, processes, instances.
//
// A small vocabulary in the spirit of Yosys RTLIL, but structured (if/case statements,
// expression trees) so the Verilog writer can print readable code. Elaboration builds it through
// the helpers in builder.h, which check widths as they go: an expression whose operand widths
// disagree is an elaboration bug and throws std::logic_error, so the printed Verilog is width-
// clean (Verilator -Wall) by construction. Names are requests until legalize() settles them.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zasgen/rtl/macros.h"

namespace zasgen::rtl {

struct Module;

// A named constant of a module, printed as a `localparam` (FSM states, register offsets).
struct LocalParam {
  std::string name;
  int width = 1;
  uint64_t value = 0;
  bool hex = false;     // printed as W'h... (addresses), else W'd...
  std::string comment;  // printed after the declaration
};

enum class NetKind { Input, Output, Wire };

// How a net gets its value; decides `wire` vs `reg` in the printed Verilog.
enum class Driver { None, Port, Assign, Process, Instance };

struct Net {
  std::string name;  // requested name; legalize() turns it into the printed one
  int width = 1;
  NetKind kind = NetKind::Wire;
  Driver driver = Driver::None;
  bool has_reset = false;  // register with an asynchronous active-low reset value
  uint64_t reset_value = 0;
  const LocalParam* reset_param = nullptr;  // the reset value by name (an FSM's idle state)
  std::string comment;                      // printed after the declaration
};

struct Expr;
using ExprP = std::shared_ptr<const Expr>;

enum class Op {
  Net,
  Const,
  Slice,
  Concat,
  Repeat,
  Not,
  RedAnd,
  RedOr,
  RedXor,
  LNot,
  Add,
  Sub,
  Mul,
  And,
  Or,
  Xor,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  Shl,
  Shr,
  LAnd,
  LOr,
  Mux,
  Param,  // a module's named constant (LocalParam), printed by name
  // Signed operations print $signed(); builder.h only lets them appear as the whole right-hand
  // side of an assignment to a net of exactly their width, where Verilog's context rules cannot
  // turn them unsigned.
  SMul,
  SLt,
  SGe,
  SShr,
};

struct Expr {
  Op op = Op::Const;
  int width = 1;
  Net* net = nullptr;                 // Op::Net
  const LocalParam* param = nullptr;  // Op::Param
  uint64_t value = 0;                 // Op::Const and Op::Param (bits above 64 are zero)
  int lo = 0;                         // Op::Slice: lowest bit; Op::Repeat: count
  std::vector<ExprP> args;
};

// Left-hand side of an assignment: a net or a constant slice of it.
struct Lhs {
  Net* net = nullptr;
  int lo = 0;
  int width = 0;
};

struct Stmt;
using Block = std::vector<Stmt>;

struct CaseItem {
  std::vector<ExprP> labels;  // constants or named constants of the subject's width
  Block body;
};

struct Stmt {
  enum class Kind { Assign, If, Case } kind = Kind::Assign;
  Lhs lhs;  // Assign
  ExprP rhs;
  ExprP cond;  // If: condition; Case: subject
  Block then_body, else_body;
  std::vector<CaseItem> items;  // Case
  Block default_body;
};

struct Process {
  enum class Kind { Comb, Seq } kind = Kind::Comb;
  const Net* clock = nullptr;
  bool falling = false;          // clocked on the clock's falling edge (a clock gate's enable)
  const Net* reset_n = nullptr;  // asynchronous, active low; registers with has_reset use it
  std::string comment;
  Block body;
};

struct ContAssign {
  Lhs lhs;
  ExprP rhs;
};

struct Connection {
  std::string port;
  ExprP expr;  // for output ports, an Op::Net or Op::Slice of a net
};

struct Instance {
  std::string module;
  std::string name;
  std::string comment;
  std::vector<Connection> conns;
};

struct PortSig {
  std::string name;
  int width;
  bool output;
};

struct Module {
  std::string name;
  std::vector<std::string> comment;        // header lines
  std::vector<std::unique_ptr<Net>> nets;  // creation order; ports are among them
  std::vector<Net*> ports;                 // declaration order
  std::deque<LocalParam> params;           // named constants, declaration order
  std::vector<ContAssign> assigns;
  std::deque<Process> processes;  // deques: builders keep references while adding more
  std::deque<Instance> instances;
  // Bits the module computes or receives but deliberately does not use (simplify() reads them
  // all into one `unused_bits` sink, which lint tools and the checks recognise).
  std::vector<ExprP> unused;
  // A leaf module written as text (from templates/); its ports are still listed for checks.
  std::string verbatim;
  bool is_verbatim() const { return !verbatim.empty(); }
  // Set on an SRAM macro's simulation model (verbatim): synthesis maps it to a macro cell.
  std::optional<SramGeometry> macro;
  // Set on a bank of registers that stands in for a macro of this geometry, with its ports and
  // timing (ARCH 4): the power estimate charges its wires like the macro's.
  std::optional<SramGeometry> register_file;
  // A register file's word is this many equal fields, each read and written by one PE only
  // (its partial sum): a floorplan can keep each field beside its PE (ARCH 4).
  int register_file_fields = 1;
  // A simulation view (verbatim, from templates/): the module simulators compile instead of
  // this one (`ifndef SYNTHESIS`), with the same ports, timing and state. `sim_state` says where
  // its state keeps this view's registers: element or bit i of the variable `first` is the
  // register `second` with {} replaced by i (a path below this module).
  std::string sim_view;
  std::map<std::string, std::string> sim_state;
  // Set on a clock gate (ARCH 5): the name of its enable register, whose duty is the gate's.
  // Every register of the instance that holds the gate, but the gate's own, runs on its output.
  std::string clock_gate_enable;
  const Net* port(const std::string& n) const;
};

struct Design {
  std::string top;
  std::string source;                            // ArchParams::source_name: printed in headers
  std::vector<std::unique_ptr<Module>> modules;  // dependency order: leaves first
  const Module* find(const std::string& name) const;
  Module* find(const std::string& name);
};

// The same expression tree (operators, widths, nets, constants), for the simplifier.
bool same_expr(const Expr& a, const Expr& b);

// Whether an expression is a constant (Op::Const or a named Op::Param) and its value.
inline bool is_constant(const Expr& e) {
  return e.op == Op::Const || e.op == Op::Param;
}

}  // namespace zasgen::rtl
