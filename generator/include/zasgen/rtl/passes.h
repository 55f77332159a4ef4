// The passes between elaboration and the checks (CIRCT style: the IR is changed here, the
// writer only prints). In order:
//
//   simplify()       constant folding, identical-arm and identity-operand removal (x | 1'd0,
//                    c ? a : a, {a[7:4], a[3:0]}), inlining of wires that only copy another net
//                    and of wires that only feed an output port (ports and registers keep
//                    their names), and one `unused_bits` sink per module for the bits a module
//                    deliberately leaves unread;
//   lower_selects()  selects of more than two inputs become `case` statements when every arm
//                    compares one subject with constants (a 9:1 tap select, an address decode);
//                    other chains of more than three inputs become if/else-if chains (a
//                    priority encoder), in always blocks, so no printed ?: chain is deeper
//                    than two.
//
// Both keep the behaviour bit for bit; elaborate() runs them before legalisation and checks.
#pragma once

#include "zasgen/rtl/ir.h"

namespace zasgen::rtl {

void simplify(Design& d);
void lower_selects(Design& d);

// Folds one expression (the rules of simplify(), without the design-level rewrites).
ExprP fold(const ExprP& e);

}  // namespace zasgen::rtl
