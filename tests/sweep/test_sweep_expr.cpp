// The constraint language: precedence, types, key references and where problems are.
#include <catch2/catch.hpp>

#include "zasgen/app/sweep_expr.h"

using namespace zasgen;
using namespace zasgen::app;
using json = nlohmann::ordered_json;

namespace {

json eval(const std::string& text, const json& values = json::object()) {
  Expr::Problem p;
  const std::optional<Expr> e = Expr::parse(text, &p);
  INFO(text);
  REQUIRE(e);
  return e->eval([&](const std::string& k) { return values.at(k); });
}

Expr::Problem problem(const std::string& text, const json& values = json::object()) {
  Expr::Problem p;
  const std::optional<Expr> e = Expr::parse(text, &p);
  if (!e) return p;
  try {
    e->holds([&](const std::string& k) { return values.at(k); });
  } catch (const Expr::Problem& x) {
    return x;
  }
  FAIL("no problem with " << text);
  return p;
}

}  // namespace

TEST_CASE("arithmetic, comparison and logic with the usual precedence", "[sweep][expr]") {
  CHECK(eval("1 + 2 * 3") == 7);
  CHECK(eval("(1 + 2) * 3") == 9);
  CHECK(eval("7 % 4 - -1") == 4);
  CHECK(eval("3 / 2") == 1.5);
  CHECK(eval("1 < 2 and 2 < 1 or true") == true);
  CHECK(eval("not 1 < 2 or 2 == 2.0") == true);
  CHECK(eval("not (1 < 2 or false)") == false);
  CHECK(eval("2 in [1, 2, 3]") == true);
  CHECK(eval("2 not in [1, 2, 3]") == false);
  CHECK(eval("'a' != \"b\"") == true);
  CHECK(eval("1.5e1 >= 15") == true);
}

TEST_CASE("keys read the point, bare words are strings", "[sweep][expr]") {
  const json v = {
      {"arch.pes", 8}, {"sparse.format", "coord"}, {"kernel.strides", {1, 2}}, {"name", "tiny"}};
  CHECK(eval("arch.pes * 2 >= 16 and sparse.format == coord", v) == true);
  CHECK(eval("sparse.format in [rle, bitmap]", v) == false);
  CHECK(eval("2 in kernel.strides", v) == true);
  CHECK(eval("name == tiny", v) == true);
  Expr::Problem p;
  const auto e = Expr::parse("arch.pes > 2 and sparse.format == rle or arch.lanes == 1", &p);
  REQUIRE(e);
  REQUIRE(e->keys().size() == 3);
  CHECK(e->keys()[1].key == "sparse.format");
  CHECK(e->keys()[1].offset == 17);
  // `and` before `or`, short-circuit: arch.lanes is not read when the left side is true
  CHECK(eval("arch.pes > 2 or arch.lanes == 1", v) == true);
}

TEST_CASE("problems name their code and offset", "[sweep][expr]") {
  Expr::Problem p = problem("arch.pes >");
  CHECK(p.code == DiagCode::ConstraintSyntax);
  CHECK(p.offset == 10);
  p = problem("(1 + 2");
  CHECK(p.code == DiagCode::ConstraintSyntax);
  p = problem("1 $ 2");
  CHECK(p.code == DiagCode::ConstraintSyntax);
  CHECK(p.offset == 2);
  p = problem("'open");
  CHECK(p.code == DiagCode::ConstraintSyntax);
  p = problem("arch.pez == 2");
  CHECK(p.code == DiagCode::ConstraintUnknownKey);
  CHECK(p.args.at(1) == "arch.pes");
  // a number compared with a string is an error, not false
  p = problem("arch.pes == '4'", {{"arch.pes", 4}});
  CHECK(p.code == DiagCode::ConstraintType);
  CHECK(p.offset == 9);
  p = problem("arch.pes + coord > 1", {{"arch.pes", 4}});
  CHECK(p.code == DiagCode::ConstraintType);
  p = problem("arch.pes", {{"arch.pes", 4}});  // not a boolean
  CHECK(p.code == DiagCode::ConstraintType);
  p = problem("1 / 0 > 1");
  CHECK(p.code == DiagCode::ConstraintType);
}
