// Width-checked construction of the hardware IR.
//
// `E` is an expression handle with Verilog-like operators. Every operator checks its operand
// widths (the same width for arithmetic, logic and comparisons; 1 bit for conditions) and throws
// std::logic_error otherwise: a mismatch is an elaboration bug, and catching it here is what
// keeps the printed Verilog free of width warnings. Operations whose meaning depends on
// Verilog's context rules (multiplication, anything signed) are only available through
// ModuleBuilder methods that put the result in a wire of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "zasgen/rtl/ir.h"

namespace zasgen::rtl {

class E {
 public:
  E() = default;
  explicit E(ExprP p) : p_(std::move(p)) {}
  int width() const;
  const ExprP& ptr() const { return p_; }
  bool valid() const { return p_ != nullptr; }
  bool is_net() const;  // a whole net or a constant slice of one: assignable, sliceable

  E bits(int lo, int width) const;  // constant part select; this must be a net (slice)
  E bit(int i) const { return bits(i, 1); }
  E msb() const { return bit(width() - 1); }

 private:
  ExprP p_;
};

E lit(int width, uint64_t value);
E zeros(int width);
E ones(int width);
E cat(std::initializer_list<E> msb_first);
E cat(const std::vector<E>& msb_first);
E rep(int count, const E& e);
E zext(const E& e, int width);  // zero-extend (or return e when already that wide)
E sext(const E& e, int width);  // sign-extend; e must be a net (slice)
E mux(const E& sel, const E& if_true, const E& if_false);
E red_or(const E& e);
E red_and(const E& e);
E red_xor(const E& e);
// e + constant / e - constant / e == constant at e's width.
E add(const E& e, uint64_t k);
E sub(const E& e, uint64_t k);
E eq(const E& e, uint64_t k);
E ne(const E& e, uint64_t k);
E lt(const E& e, uint64_t k);
E ge(const E& e, uint64_t k);

E operator~(const E& a);
E operator!(const E& a);
E operator+(const E& a, const E& b);
E operator-(const E& a, const E& b);
E operator&(const E& a, const E& b);
E operator|(const E& a, const E& b);
E operator^(const E& a, const E& b);
E operator&&(const E& a, const E& b);
E operator||(const E& a, const E& b);
E operator==(const E& a, const E& b);
E operator!=(const E& a, const E& b);
E operator<(const E& a, const E& b);
E operator<=(const E& a, const E& b);
E operator>(const E& a, const E& b);
E operator>=(const E& a, const E& b);
E operator<<(const E& a, const E& amount);  // logical shifts keep a's width
E operator>>(const E& a, const E& amount);
E operator<<(const E& a, int amount);
E operator>>(const E& a, int amount);

// Statement lists of a process.
class Body {
 public:
  using Fn = std::function<void(Body&)>;
  explicit Body(Block& block, Process::Kind kind) : block_(&block), kind_(kind) {}
  void set(const E& lhs, const E& rhs);
  void if_(const E& cond, const Fn& then_fn, const Fn& else_fn = nullptr);
  // Each item: the labels that select it (constants of the subject's width, e.g. the named
  // constants of ModuleBuilder::localparam) and its body; `default_fn` may be null.
  void switch_(const E& subject, const std::vector<std::pair<std::vector<E>, Fn>>& items,
               const Fn& default_fn);

 private:
  Block* block_;
  Process::Kind kind_;
};

class InstBuilder {
 public:
  InstBuilder(Module& parent, const Module& target, Instance& inst);
  // Connects a port; widths must match. Output ports take a net (or net slice).
  InstBuilder& conn(const std::string& port, const E& e);

 private:
  Module* parent_;
  const Module* target_;
  Instance* inst_;
};

class ModuleBuilder {
 public:
  explicit ModuleBuilder(Module& m) : m_(&m) {}
  Module& module() { return *m_; }

  E input(const std::string& name, int width = 1);
  E output(const std::string& name, int width = 1);
  // An output port that is itself a register with an asynchronous reset value (`output reg`).
  E output_reg(const std::string& name, int width, uint64_t reset_value);
  E wire(const std::string& name, int width, const std::string& comment = "");
  E wire(const std::string& name, const E& value, const std::string& comment = "");
  E reg(const std::string& name, int width, const std::string& comment = "");
  E reg_reset(const std::string& name, int width, uint64_t reset_value,
              const std::string& comment = "");
  // A register whose reset value is a named constant (localparam), of the constant's width.
  E reg_reset(const std::string& name, const E& reset_value, const std::string& comment = "");

  // A named constant of the module (printed as a localparam, used by name): FSM states,
  // register offsets. `hex` prints the value in hexadecimal.
  E localparam(const std::string& name, int width, uint64_t value, const std::string& comment = "",
               bool hex = false);

  void assign(const E& lhs, const E& rhs);
  // Marks bits the design computes but does not need (e.g. the low bits of a reciprocal
  // multiplication): simplify() feeds them to the module's `unused_bits` sink, which
  // Verilator's default --unused-regexp and the structural checks recognise as intentional.
  void unused(const E& bits);

  // Context-sensitive operations, each into a new wire of exactly the result width.
  E mul(const std::string& name, const E& a, const E& b);        // unsigned, wa + wb bits
  E smul(const std::string& name, const E& a, const E& b);       // signed, wa + wb bits
  E sshr(const std::string& name, const E& a, const E& amount);  // arithmetic right shift
  E slt(const std::string& name, const E& a, const E& b);        // signed a < b, 1 bit

  Body comb(const std::string& comment = "");
  Body seq(const E& clock, const std::string& comment = "");
  Body seq_reset(const E& clock, const E& reset_n, const std::string& comment = "");
  // Registers clocked on the falling edge, with an asynchronous reset: only a clock gate's
  // enable (clock_gate.cpp) uses one.
  Body seq_reset_falling(const E& clock, const E& reset_n, const std::string& comment = "");

  InstBuilder inst(const Module& target, const std::string& name, const std::string& comment = "");

 private:
  Net& new_net(const std::string& name, int width, NetKind kind);
  Module* m_;
};

}  // namespace zasgen::rtl
