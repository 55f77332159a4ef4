// The constraints of a sweep file: small boolean expressions over a point's configuration
// keys that decide whether the point is kept, e.g.
//
//   arch.pes * 2 <= memory.psum.capacity_kib and sparse.format in [coord, rle]
//
// Grammar (lowest precedence first):
//
//   expr  := and ('or' and)*
//   and   := not ('and' not)*
//   not   := 'not' not | cmp
//   cmp   := sum [('==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in') sum]
//   sum   := prod (('+' | '-') prod)*
//   prod  := unary (('*' | '/' | '%') unary)*
//   unary := '-' unary | atom
//   atom  := NUMBER | 'text' | "text" | true | false | WORD | '(' expr ')' | '[' [expr (',' expr)*]
//   ']'
//
// A WORD with a dot (arch.pes) is a configuration key and must be one; a WORD without a dot is
// the key `name` when it says so, otherwise a string (so `sparse.format == coord` reads as
// written). Values are numbers, strings, booleans and lists; comparing a number with a string is
// an error rather than false, so a quoted "5" cannot silently never match.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zasgen/diag.h"

namespace zasgen::app {

class Expr {
 public:
  // A problem at a character offset of the expression text (0-based): a DiagCode of the sweep
  // block (ConstraintSyntax, ConstraintUnknownKey, ConstraintType) with its arguments.
  struct Problem {
    DiagCode code = DiagCode::ConstraintSyntax;
    int offset = 0;
    std::vector<std::string> args;
  };

  // A configuration key the expression reads, and where.
  struct KeyRef {
    std::string key;
    int offset = 0;
  };

  // Parses `text`; on a syntax error or an unknown dotted key returns nullopt and sets *problem.
  static std::optional<Expr> parse(const std::string& text, Problem* problem);

  const std::vector<KeyRef>& keys() const { return keys_; }

  // The value of the expression; `lookup` gives a key's value at the point (never null for a key
  // of keys()). Throws Problem (code ConstraintType) on a type error.
  using Lookup = std::function<nlohmann::ordered_json(const std::string& key)>;
  nlohmann::ordered_json eval(const Lookup& lookup) const;

  // A kept point: eval() is true. Throws Problem when the value is not a boolean.
  bool holds(const Lookup& lookup) const;

  // How a value reads in messages: 4, 0.125, 'coord', true, [1, 2].
  static std::string describe(const nlohmann::ordered_json& v);

 private:
  struct Node {
    enum Kind { Literal, Key, List, Not, Neg, Binary } kind = Literal;
    std::string op;  // Binary: or and == != < <= > >= in !in + - * / %
    nlohmann::ordered_json value;
    std::string key;
    std::vector<int> kids;
    int offset = 0;
  };
  nlohmann::ordered_json eval_node(int i, const Lookup& lookup) const;

  std::vector<Node> nodes_;
  int root_ = -1;
  std::vector<KeyRef> keys_;

  friend class ExprParser;
};

}  // namespace zasgen::app
