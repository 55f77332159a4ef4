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

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "flow_test_util.h"

namespace zasgen::flow {

namespace fs = std::filesystem;

TEST_CASE("gate-level netlist of the tiny config matches the golden model",
          "[flow][synth][tools][gatesim]") {
  // Kept between runs (the Verilator cache under it makes a rerun quick); in the build tree.
  const fs::path work = fs::absolute("gatesim-scratch");
  fs::create_directories(work);
  const std::string config = std::string(ZASGEN_TEST_DIR) + "/../configs/tiny.yaml";
  const std::string layer = "c=5,k=6,h=7,w=9,r=3,s=3,stride=1,pad=1,pool=2";
  int rc = 0;
  const std::string log = test::run("cd '" + work.string() + "' && '" + ZASGEN_BIN + "' synth '" +
                                        config + "' --no-dense --no-power --gatesim --layer " +
                                        layer + " --sparsity 0.5 -o tiny --json tiny.json",
                                    rc);
  INFO(log);
  REQUIRE(rc == 0);
  CHECK(log.find("gate-level simulation of tiny: bit-exact") != std::string::npos);

  std::ifstream in(work / "tiny.json");
  REQUIRE(in.good());
  const nlohmann::json j = nlohmann::json::parse(in);
  const nlohmann::json& g = j.at("sparse").at("gate_level_sim");
  CHECK(g.at("mismatches") == 0);
  CHECK(g.at("cycles").get<uint64_t>() > 100);

  // What was simulated is the mapped netlist: liberty cells and SRAM macros, no behaviour.
  const std::string netlist = test::read_text(j.at("sparse").at("netlist").get<std::string>());
  CHECK(netlist.find("always") == std::string::npos);
  CHECK(netlist.find("sram_1rw_") != std::string::npos);
  const std::string sim_netlist = test::read_text((work / "tiny/gatesim/netlist.v").string());
  CHECK(sim_netlist == netlist);
}

}  // namespace zasgen::flow
