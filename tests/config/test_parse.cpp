// YAML -> Config: structure, types and locations.
#include <catch2/catch.hpp>

#include "config_test_util.h"

using namespace zasgen;
using zasgen::test::code_of;

namespace {

ParseResult parse(const std::string& text) {
  return parse_config_text(text, "p.yaml");
}

}  // namespace

TEST_CASE("values keep their 1-based key and value locations", "[parse]") {
  const ParseResult r =
      parse("name: x\narch:\n  pes: 16\nmemory:\n  act_in: {capacity_kib: 0.5}\n");
  REQUIRE(r.ok());
  const Config& c = *r.config;
  const ConfigValue* pes = c.find("arch.pes");
  REQUIRE(pes);
  CHECK(pes->integer == 16);
  CHECK(pes->key_loc.line == 3);
  CHECK(pes->key_loc.col == 3);
  CHECK(pes->loc.line == 3);
  CHECK(pes->loc.col == 8);
  CHECK(pes->loc.file == "p.yaml");
  const ConfigValue* cap = c.find("memory.act_in.capacity_kib");
  REQUIRE(cap);
  CHECK(cap->number == 0.5);
  CHECK(cap->loc.line == 5);
  CHECK(cap->loc.col == 26);
  CHECK(c.sections.count("memory.act_in") == 1);
  CHECK(c.find("name")->str == "x");
  CHECK(c.default_name == "p");
}

TEST_CASE("integers: decimal, signed, hex, octal, and 64-bit overflow is reported", "[parse]") {
  CHECK(parse("arch: {pes: 0x10}\n").config->find("arch.pes")->integer == 16);
  CHECK(parse("arch: {pes: 0o20}\n").config->find("arch.pes")->integer == 16);
  CHECK(parse("arch: {pes: +16}\n").config->find("arch.pes")->integer == 16);
  CHECK(parse("arch: {pes: -9223372036854775808}\n").config->find("arch.pes")->integer ==
        INT64_MIN);
  const ParseResult big = parse("arch: {pes: 9223372036854775808}\n");
  CHECK(code_of(big.diags) == "E109");
  CHECK(code_of(parse("arch: {pes: -99999999999999999999}\n").diags) == "E109");
}

TEST_CASE("wrong types get their own codes", "[parse]") {
  CHECK(code_of(parse("arch: {pes: sixteen}\n").diags) == "E106");
  CHECK(code_of(parse("arch: {pes: '16'}\n").diags) == "E114");
  CHECK(code_of(parse("clock: {target_mhz: \"1.5\"}\n").diags) == "E114");
  CHECK(code_of(parse("arch: {pes: 'x'}\n").diags) == "E106");
  CHECK(code_of(parse("arch: {pes: 16.0}\n").diags) == "E107");
  CHECK(code_of(parse("arch: {pes: 1e3}\n").diags) == "E107");
  CHECK(code_of(parse("arch: {pes: false}\n").diags) == "E108");
  CHECK(code_of(parse("clock: {target_mhz: true}\n").diags) == "E108");
  CHECK(code_of(parse("arch: {pes: [1]}\n").diags) == "E110");
  CHECK(code_of(parse("arch: {pes: {a: 1}}\n").diags) == "E110");
  CHECK(code_of(parse("kernel: {strides: 1}\n").diags) == "E111");
  CHECK(code_of(parse("kernel: {strides: {a: 1}}\n").diags) == "E111");
  CHECK(code_of(parse("kernel: {strides: [1, x]}\n").diags) == "E106");
  CHECK(code_of(parse("arch:\n  pes:\n").diags) == "E112");
  CHECK(code_of(parse("arch: {pes: ~}\n").diags) == "E112");
  CHECK(code_of(parse("output: {pool: on}\n").diags) == "E113");
  CHECK(code_of(parse("output: {pool: [true]}\n").diags) == "E110");
  CHECK(code_of(parse("arch: {mode: [sparse]}\n").diags) == "E110");
  CHECK(code_of(parse("memory: {psum: {capacity_kib: lots}}\n").diags) == "E106");
  CHECK(code_of(parse("arch: 3\n").diags) == "E105");
  CHECK(code_of(parse("memory: {psum: [1]}\n").diags) == "E105");
}

TEST_CASE("numbers accept integers and fractions, enums accept any scalar for validation",
          "[parse]") {
  const ParseResult r = parse(
      "clock: {target_mhz: 250}\nmemory: {psum: {capacity_kib: .5}}\n"
      "arch: {mode: 1}\n");
  REQUIRE(r.ok());
  CHECK(r.config->find("clock.target_mhz")->number == 250);
  CHECK(r.config->find("memory.psum.capacity_kib")->number == 0.5);
  CHECK(r.config->find("arch.mode")->str == "1");
}

TEST_CASE("an empty section means all defaults", "[parse]") {
  const ParseResult r = parse("arch:\ndata: {}\n");
  REQUIRE(r.ok());
  CHECK(r.config->values.empty());
  CHECK(r.config->sections.count("arch") == 1);
}

TEST_CASE("unknown keys suggest the closest key, or list the accepted ones", "[parse]") {
  auto first = [](const std::string& t) { return parse(t).diags[0]; };
  Diagnostic d = first("arch:\n  pez: 16\n");
  CHECK(diag_info(d.code).id == std::string("E102"));
  CHECK(d.param == "arch.pez");
  CHECK(d.loc.line == 2);
  CHECK(d.loc.col == 3);
  CHECK(d.args[0] == "pes");
  CHECK(first("arch: {PES: 16}\n").args[0] == "pes");
  CHECK(first("arch: {lnaes: 1}\n").args[0] == "lanes");  // transposition
  CHECK(first("data: {act_bit: 8}\n").args[0] == "act_bits");
  CHECK(first("memory: {act_in: {capacity: 8}}\n").args[0] == "capacity_kib");
  CHECK(first("memory: {weights: {table_kib: 8}}\n").args[0] == "memory.act_in.table_kib");
  CHECK(first("kernels: {max_r: 3}\n").args[0] == "kernel");
  CHECK(first("data: {pes: 16}\n").args[0] == "arch.pes");
  const Diagnostic none = first("data: {zzz: 1}\n");
  CHECK(diag_info(none.code).id == std::string("E103"));
  CHECK(none.args[0] == "act_bits, weight_bits, acc_bits, bias_bits, mult_bits");
}

TEST_CASE("every problem of a file is reported, in file order", "[parse]") {
  const ParseResult r =
      parse("arch:\n  pez: 16\n  lanes: x\ndata:\n  act_bits: 8\n  act_bits: 9\n");
  REQUIRE(r.diags.size() == 3);
  CHECK(code_of(r.diags, 0) == "E102");
  CHECK(code_of(r.diags, 1) == "E106");
  CHECK(code_of(r.diags, 2) == "E101");
  CHECK(r.diags[2].loc.line == 6);
  CHECK(r.diags[2].args[1] == "5");  // first given at line 5
  CHECK_FALSE(r.ok());
}

TEST_CASE("keys that are not plain names", "[parse]") {
  CHECK(code_of(parse("arch:\n  [pes, lanes]: 16\n").diags) == "E104");
  CHECK(code_of(parse("arch:\n  ? {a: 1}\n  : 16\n").diags) == "E104");
  CHECK(code_of(parse("arch:\n  : 16\n").diags) == "E104");
}

TEST_CASE("file-level problems", "[parse]") {
  CHECK(code_of(parse("").diags) == "E003");
  CHECK(code_of(parse("# just a comment\n\n").diags) == "E003");
  CHECK(code_of(parse("---\n").diags) == "E003");
  CHECK(code_of(parse("- 1\n- 2\n").diags) == "E004");
  CHECK(code_of(parse("arch: {pes: 4}\n---\narch: {pes: 8}\n").diags) == "E005");
  CHECK(code_of(parse("arch: {pes: 4\n").diags) == "E006");
  CHECK(code_of(parse("arch:\n\tpes: 4\n").diags) == "E007");
  const ParseResult bad = parse("arch:\n  mode: a: b\n");
  CHECK(code_of(bad.diags) == "E002");
  CHECK(bad.diags[0].loc.line == 2);
  // A '[' inside a comment or a string does not count as unclosed.
  const ParseResult s = parse("# [\nname: 'x['\nkernel: {strides: [1, 2\n");
  CHECK(code_of(s.diags) == "E006");
  CHECK(s.diags[0].loc.line == 3);
  CHECK(s.diags[0].loc.col == 19);
}

TEST_CASE("a missing file is reported with its name", "[parse]") {
  const ParseResult r = parse_config("no/such/config.yaml");
  REQUIRE(r.diags.size() == 1);
  CHECK(code_of(r.diags) == "E001");
  CHECK(r.diags[0].loc.file == "no/such/config.yaml");
  CHECK(r.diags[0].loc.line == 0);
  CHECK(code_of(parse_config(ZASGEN_TEST_DIR).diags) == "E001");  // a directory
}

TEST_CASE("the default design name comes from the file stem", "[parse]") {
  CHECK(name_from_path("configs/default.yaml") == "default");
  CHECK(name_from_path("My Design-2.yaml") == "my_design_2");
  CHECK(name_from_path("/a/b/3x3.yaml") == "cfg_3x3");
  CHECK(name_from_path(".yaml") == "cfg__yaml");
  CHECK(name_from_path(std::string(100, 'a') + ".yml").size() == 64);
}
