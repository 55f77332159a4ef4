// The mapped netlist computes what the RTL computes (issue 5): `zasgen synth --gatesim` maps
// the tiny design to the generated liberty with Yosys, then simulates the gate-level netlist
// with Verilator (cell models written from the liberty's cell functions, the SRAM macros'
// behavioural models) on a small layer, through the same host driver as the RTL runs, and
// compares every output element with the golden model. Timing and power are left out
// (--no-power): about a minute of Yosys and three of Verilator build on two cores.
//
// The Verilator build of a netlist turns off Verilator's ConstBitOpTree optimisation
// (-fno-const-bit-op-tree, sim/src/verilator_build.cpp): with it, Verilator 5.006 computed wrong
// values in an ABC-mapped XOR/adder network of the requantiser (70 of 72 outputs wrong, while
// Icarus matched the RTL cycle by cycle on the same netlist), a known class of Verilator bugs
// (verilator/verilator#4709, #4832).
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "flow_test_util.h"

namespace zasgen::flow {

namespace fs = std::filesystem;

namespace {

// `zasgen synth --gatesim` of `config` in work/<name>: the mapped netlist, simulated, bit-exact.
void check_gate_level(const fs::path& work, const std::string& config, const std::string& name) {
  const std::string layer = "c=5,k=6,h=7,w=9,r=3,s=3,stride=1,pad=1,pool=2";
  int rc = 0;
  const std::string log =
      test::run("cd '" + work.string() + "' && '" + ZASGEN_BIN + "' synth '" + config +
                    "' --no-dense --no-power --gatesim --layer " + layer + " --sparsity 0.5 -o " +
                    name + " --json " + name + ".json",
                rc);
  INFO(log);
  REQUIRE(rc == 0);
  CHECK(log.find("gate-level simulation of " + name + ": bit-exact") != std::string::npos);

  std::ifstream in(work / (name + ".json"));
  REQUIRE(in.good());
  const nlohmann::json j = nlohmann::json::parse(in);
  const nlohmann::json& g = j.at("sparse").at("gate_level_sim");
  CHECK(g.at("mismatches") == 0);
  CHECK(g.at("cycles").get<uint64_t>() > 100);

  // What was simulated is the mapped netlist: liberty cells and SRAM macros, no behaviour.
  const std::string netlist = test::read_text(j.at("sparse").at("netlist").get<std::string>());
  CHECK(netlist.find("always") == std::string::npos);
  CHECK(netlist.find("sram_1rw_") != std::string::npos);
  const std::string sim_netlist = test::read_text((work / name / "gatesim/netlist.v").string());
  CHECK(sim_netlist == netlist);
}

}  // namespace

TEST_CASE("gate-level netlist of the tiny config matches the golden model",
          "[flow][synth][tools][gatesim]") {
  // Kept between runs (the Verilator cache under it makes a rerun quick); in the build tree.
  const fs::path work = fs::absolute("gatesim-scratch");
  fs::create_directories(work);
  check_gate_level(work, std::string(ZASGEN_TEST_DIR) + "/../configs/tiny.yaml", "tiny");
}

// Partial sums in registers: the RTL's simulators compile each bank's simulation view (its words
// in one array, templates/regfile_sim.v), the netlist clocks each word through its gate; the
// two must compute the same outputs.
TEST_CASE("gate-level netlist of partial sums in registers matches the golden model",
          "[flow][synth][tools][gatesim]") {
  const fs::path work = fs::absolute("gatesim-scratch");
  fs::create_directories(work);
  std::string text = test::read_text(std::string(ZASGEN_TEST_DIR) + "/../configs/tiny.yaml");
  // Maps up to 16 wide, so 6 words a bank hold an output row: a small netlist to simulate.
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"name: tiny ", "name: tinyregs "},
      {"max_h: 32 ", "max_h: 16 "},
      {"max_w: 32", "max_w: 16"},
      {"psum:    {capacity_kib: 8}", "psum:    {capacity_kib: 1.3, storage: registers}"}};
  for (const auto& [from, to] : edits) {
    REQUIRE(text.find(from) != std::string::npos);
    text.replace(text.find(from), from.size(), to);
  }
  const fs::path config = work / "tinyregs.yaml";
  std::ofstream(config) << text;
  check_gate_level(work, config.string(), "tinyregs");
}

}  // namespace zasgen::flow
