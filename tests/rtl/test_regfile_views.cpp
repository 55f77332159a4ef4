// A partial-sum register file has two views (generator/src/rtl/arch/psum.cpp): the synthesis
// view (one module per word, each on a gated clock) and the simulation view simulators compile
// (templates/regfile_sim.v: the words in one array). They must be the same circuit. Icarus runs
// each view, with and without SYNTHESIS defined, on the same random stimulus (reset in the
// middle, addresses past the last word, reads of the word being written); every cycle prints the
// read data and every word's register and gate enable, found in the simulation view through the
// manifest's sim_state, as the activity counter finds them. The two transcripts must be equal.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include <fmt/format.h>

#include "rtl_test_util.h"
#include "zasgen/rtl/macros.h"

using namespace zasgen;
using namespace zasgen::rtl;
using namespace zasgen::rtl::test;

namespace {

// A testbench for one view: `word(i)` and `enable(i)` are the hierarchical names of word i's
// register and gate enable below the instance `dut`.
template <class WordName, class EnableName>
std::string testbench(const MacroEntry& f, int cycles, uint32_t seed, WordName word,
                      EnableName enable) {
  const int ab = f.geometry.addr_bits(), w = f.geometry.width, depth = f.geometry.depth;
  std::string s = "`timescale 1ns/1ps\nmodule tb;\n";
  s += "  reg clk = 0, rst_n = 0, re = 1, we = 0;\n";
  s += fmt::format("  reg [{}:0] raddr = 0, waddr = 0;\n", ab - 1);
  s += fmt::format("  reg [{}:0] wdata = 0;\n  wire [{}:0] rdata;\n", w - 1, w - 1);
  s += fmt::format("  integer cyc, k, seed = {};\n", seed);
  s += fmt::format(
      "  {} dut (.clk(clk), .rst_n(rst_n), .re(re), .raddr(raddr), .we(we), .waddr(waddr),\n"
      "      .wdata(wdata), .rdata(rdata));\n",
      f.module);
  s += "  always #5 clk = ~clk;\n";
  s += "  initial begin\n";
  s += fmt::format("    for (cyc = 0; cyc < {}; cyc = cyc + 1) begin\n", cycles);
  s += "      @(posedge clk); #1;\n";
  // From the first reset on (before it, the words and enables are unknown).
  s += "      if (cyc >= 4) begin\n";
  s += "        $write(\"%0d %h\", cyc, rdata);\n";
  for (int i = 0; i < depth; ++i)
    s += fmt::format("        $write(\" %h %b\", dut.{}, dut.{});\n", word(i), enable(i));
  s += "        $write(\"\\n\");\n      end\n";
  // Inputs change after the rising edge, as the partial-sum block's registers change them.
  s += fmt::format("      rst_n = !((cyc >= 2 && cyc < 4) || (cyc >= {} && cyc < {}));\n",
                   cycles / 2, cycles / 2 + 3);
  s += "      re = $random(seed);\n      we = ($random(seed) & 3) != 0;\n";
  s += "      raddr = $random(seed);\n      waddr = $random(seed);\n";
  s += "      if (($random(seed) & 3) == 0) raddr = waddr;\n";
  s += fmt::format("      for (k = 0; k < {}; k = k + 32) wdata = {{wdata, $random(seed)}};\n", w);
  s += "    end\n    $finish;\n  end\nendmodule\n";
  return s;
}

}  // namespace

TEST_CASE("register file: the simulation view is the synthesis view's circuit", "[rtl][psum]") {
  for (const int depth_words : {5, 8}) {
    ArchParams p = shipped_params("tiny");
    p.psum_storage = PsumStorage::Registers;
    p.psum.depth = depth_words;
    const MacroManifest m = macro_manifest(elaborate(p));
    REQUIRE(m.register_files.size() == 1);
    const MacroEntry& f = m.register_files[0];
    REQUIRE(f.geometry.depth == depth_words);
    REQUIRE(f.sim_state.count("q") == 1);
    REQUIRE(f.sim_state.count("en_q") == 1);

    ScratchDir dir(fmt::format("regfile_views_{}", depth_words));
    const DesignFiles d = write_design_files(p, dir.str());
    std::vector<std::string> files;  // the register file and its words' modules
    for (const std::string& v : d.verilog)
      for (const char* leaf : {"_psum_regfile.v", "_psum_word.v", "_clock_gate.v"})
        if (v.size() > std::string(leaf).size() &&
            v.compare(v.size() - std::string(leaf).size(), std::string::npos, leaf) == 0)
          files.push_back(v);
    REQUIRE(files.size() == 3);

    const int cycles = 400;
    const std::string synth_tb = testbench(
        f, cycles, 11, [&](int i) { return sim_state_register(f.sim_state.at("q"), i); },
        [&](int i) { return sim_state_register(f.sim_state.at("en_q"), i); });
    const std::string sim_tb = testbench(
        f, cycles, 11, [](int i) { return fmt::format("q[{}]", i); },
        [](int i) { return fmt::format("en_q[{}]", i); });
    write_text(dir.file("tb_synth.v"), synth_tb);
    write_text(dir.file("tb_sim.v"), sim_tb);
    auto transcript = [&](const std::string& tb, const std::string& define) {
      const std::string exe = dir.file("tb" + define + ".vvp");
      const RunResult c = run("iverilog -g2012 " + define + " -s tb -o " + quote(exe) + " " +
                              quote(dir.file(tb)) + join_quoted(files));
      INFO(c.out);
      REQUIRE(c.rc == 0);
      const RunResult r = run("vvp -n " + quote(exe));
      REQUIRE(r.rc == 0);
      return r.out;
    };
    const std::string a = transcript("tb_synth.v", "-DSYNTHESIS");
    const std::string b = transcript("tb_sim.v", "");
    INFO("depth " << depth_words);
    std::istringstream sa(a), sb(b);
    std::string la, lb;
    std::set<std::string> read_values;  // the stimulus must exercise the file
    int lines = 0;
    for (; std::getline(sa, la); ++lines) {
      REQUIRE(std::getline(sb, lb));
      INFO("synthesis view: " << la.substr(0, 240) << "\nsimulation view: " << lb.substr(0, 240));
      REQUIRE(la == lb);
      std::istringstream fields(la);
      std::string cyc, rd;
      fields >> cyc >> rd;
      read_values.insert(rd);
    }
    CHECK_FALSE(std::getline(sb, lb));
    CHECK(lines == cycles - 4);
    CHECK(int(read_values.size()) > cycles / 8);
  }
}
