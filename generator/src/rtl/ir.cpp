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

}  // namespace zasgen::rtl
