// The structural checks run on every elaborated design (check_design): combinational loops,
// found bit by bit through nets, slices, concatenations and instances (a bus whose bits feed one
// another is not a loop), latches, undriven and multiply driven bits. Small hand-built designs.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "zasgen/rtl/builder.h"
#include "zasgen/rtl/check.h"
#include "zasgen/rtl/ir.h"

using namespace zasgen::rtl;

namespace {

Module& add_module(Design& d, const std::string& name) {
  d.modules.push_back(std::make_unique<Module>());
  d.modules.back()->name = name;
  d.top = name;  // the last module added is the top
  return *d.modules.back();
}

std::string problems(const Design& d) {
  try {
    check_design(d);
  } catch (const std::logic_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("check: a bus whose bits feed one another is not a loop", "[rtl][check]") {
  Design d;
  ModuleBuilder b(add_module(d, "chain"));
  const E in = b.input("in", 1);
  const E out = b.output("out", 4);
  const E c = b.wire("c", 4);
  // c[0] = in, c[i] = c[i-1] ^ in: a ripple through one net, as a carry chain is.
  b.assign(c, cat({c.bit(2) ^ in, c.bit(1) ^ in, c.bit(0) ^ in, in}));
  b.assign(out, c);
  const std::string p = problems(d);
  INFO(p);
  CHECK(p.empty());
}

TEST_CASE("check: a loop among bits is reported with its path", "[rtl][check]") {
  Design d;
  ModuleBuilder b(add_module(d, "ring"));
  const E in = b.input("in", 1);
  const E out = b.output("out", 2);
  const E c = b.wire("c", 2);
  // c[0] = c[1] & in, c[1] = c[0]: a loop between two bits of one net.
  b.assign(c, cat({c.bit(0), c.bit(1) & in}));
  b.assign(out, c);
  const std::string p = problems(d);
  CHECK_THAT(p, Catch::Contains("ring: combinational loop"));
  CHECK_THAT(p, Catch::Contains("c[0]"));
  CHECK_THAT(p, Catch::Contains("c[1]"));
}

TEST_CASE("check: a loop through an instance's combinational path is found", "[rtl][check]") {
  Design d;
  {
    ModuleBuilder leaf(add_module(d, "pass"));
    const E a = leaf.input("a", 2);
    const E spare = leaf.input("spare", 1);
    const E y = leaf.output("y", 2);
    leaf.assign(y, cat({a.bit(1), a.bit(0) ^ spare}));
  }
  const Module& pass = *d.modules.back();
  SECTION("through the port's bits in a loop") {
    ModuleBuilder top(add_module(d, "top"));
    const E in = top.input("in", 1);
    const E out = top.output("out", 2);
    const E x = top.wire("x", 2);
    const E y = top.wire("y", 2);
    top.inst(pass, "u_pass").conn("a", x).conn("spare", in).conn("y", y);
    top.assign(x, cat({y.bit(0), in}));  // x[1] <- y[0] <- (any bit of) a = x
    top.assign(out, y);
    CHECK_THAT(problems(d), Catch::Contains("top: combinational loop"));
  }
  SECTION("the same wiring through a register is no loop") {
    ModuleBuilder top(add_module(d, "top"));
    const E clk = top.input("clk", 1);
    const E in = top.input("in", 1);
    const E out = top.output("out", 2);
    const E x = top.wire("x", 2);
    const E y = top.wire("y", 2);
    const E q = top.reg("q", 1);
    top.inst(pass, "u_pass").conn("a", x).conn("spare", in).conn("y", y);
    top.seq(clk).set(q, y.bit(0));
    top.assign(x, cat({q, in}));
    top.assign(out, y);
    const std::string p = problems(d);
    INFO(p);
    CHECK(p.empty());
  }
}

TEST_CASE("check: latches, undriven and multiply driven bits", "[rtl][check]") {
  Design d;
  ModuleBuilder b(add_module(d, "bad"));
  const E sel = b.input("sel", 1);
  const E out = b.output("out", 2);
  const E l = b.reg("l", 2);
  b.comb().if_(sel, [&](Body& t) { t.set(l, out); });  // no else: a latch
  b.assign(out.bit(0), sel);
  b.assign(out.bit(0), ~sel);  // bit 0 twice, bit 1 never
  const std::string p = problems(d);
  CHECK_THAT(p, Catch::Contains("without a default (latch)"));
  CHECK_THAT(p, Catch::Contains("out[0] has several drivers"));
  CHECK_THAT(p, Catch::Contains("out[1] is never driven"));
}
