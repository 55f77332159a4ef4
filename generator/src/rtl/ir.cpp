#include "zasgen/rtl/ir.h"

namespace zasgen::rtl {

const Net* Module::port(const std::string& n) const {
  for (const Net* p : ports)
    if (p->name == n) return p;
  return nullptr;
}

const Module* Design::find(const std::string& name) const {
  for (const auto& m : modules)
    if (m->name == name) return m.get();
  return nullptr;
}

Module* Design::find(const std::string& name) {
  for (auto& m : modules)
    if (m->name == name) return m.get();
  return nullptr;
}

bool same_expr(const Expr& a, const Expr& b) {
  if (&a == &b) return true;
  if (a.op != b.op || a.width != b.width || a.args.size() != b.args.size()) return false;
  switch (a.op) {
    case Op::Net:
      return a.net == b.net;
    case Op::Const:
      return a.value == b.value;
    case Op::Param:
      return a.param == b.param;
    case Op::Slice:
    case Op::Repeat:
      if (a.lo != b.lo) return false;
      break;
    default:
      break;
  }
  for (size_t i = 0; i < a.args.size(); ++i)
    if (!same_expr(*a.args[i], *b.args[i])) return false;
  return true;
}

}  // namespace zasgen::rtl
