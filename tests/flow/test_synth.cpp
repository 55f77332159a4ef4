// The synthesis driver end to end with the real tools: an 8-bit MAC with a register (two PE
// instances, to exercise the hierarchy) plus one sram_1r1w_16x32 blackbox.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <regex>

#include "flow_test_util.h"
#include "zasgen/flow/error.h"
#include "zasgen/flow/sram.h"
#include "zasgen/flow/synth.h"

using namespace zasgen::flow;
using zasgen::flow::test::ScratchDir;

namespace {

const char* kMacVerilog = R"(
module pe (input clk, input rst_n, input en, input signed [7:0] a, input signed [7:0] b,
           output [19:0] acc);
  reg signed [19:0] acc_q;
  always @(posedge clk or negedge rst_n)
    if (!rst_n) acc_q <= 20'sd0;
    else if (en) acc_q <= acc_q + a * b;
  assign acc = acc_q;
endmodule

module mac_top (input clk, input rst_n, input en, input signed [7:0] a,
                input signed [7:0] b0, input signed [7:0] b1,
                output [19:0] acc0, output [19:0] acc1,
                input re, input [3:0] raddr, input we, input [3:0] waddr,
                input [31:0] wdata, output [31:0] rdata,
                input ce, input bwe, input [5:0] baddr, input [7:0] bwdata,
                output [7:0] brdata);
  pe u_pe0 (.clk(clk), .rst_n(rst_n), .en(en), .a(a), .b(b0), .acc(acc0));
  pe u_pe1 (.clk(clk), .rst_n(rst_n), .en(en), .a(a), .b(b1), .acc(acc1));
  sram_1r1w_16x32 u_mem (.clk(clk), .re(re), .raddr(raddr), .we(we), .waddr(waddr),
                         .wdata(wdata), .rdata(rdata));
  sram_1rw_64x8 u_buf (.clk(clk), .ce(ce), .we(bwe), .addr(baddr), .wdata(bwdata),
                       .rdata(brdata));
endmodule
)";

// What templates/ would provide for simulation; the driver must drop it for synthesis.
const char* kSramModel = R"(
module sram_1r1w_16x32 (input clk, input re, input [3:0] raddr, input we, input [3:0] waddr,
                        input [31:0] wdata, output reg [31:0] rdata);
  reg [31:0] mem [0:15];
  always @(posedge clk) begin
    if (we) mem[waddr] <= wdata;
    if (re) rdata <= mem[raddr];
  end
endmodule
)";

SynthJob mac_job(const ScratchDir& dir) {
  const zasgen::rtl::MacroManifest macros = test::manifest(
      {{{SramKind::OneROneW, 16, 32}, {"u_mem"}}, {{SramKind::OneRW, 64, 8}, {"u_buf"}}});
  const auto libs = write_libraries(test::spec55(), macros, dir.file("lib"));
  test::write_text(dir.file("mac.v"), kMacVerilog);
  test::write_text(dir.file("sram_model.v"), kSramModel);
  SynthJob job;
  job.verilog_files = {dir.file("mac.v"), dir.file("sram_model.v")};
  job.top = "mac_top";
  job.macros = macros;
  job.out_dir = dir.file("syn");
  job.liberty = libs.first;
  job.macro_liberty = libs.second;
  job.clock_period_ns = 10.0;
  return job;
}

// A job for one Verilog file without macros, against the libraries written under `libs`.
SynthJob logic_job(const std::pair<std::string, std::string>& libs, const std::string& verilog,
                   const std::string& top, const std::string& out_dir) {
  SynthJob job;
  job.verilog_files = {verilog};
  job.top = top;
  job.out_dir = out_dir;
  job.liberty = libs.first;
  job.macro_liberty = libs.second;
  return job;
}

// Independent area check: cell counts from stat.json times areas from the spec.
double area_from_stat(const std::string& stat_json, const std::string& module) {
  const std::string text = test::read_text(stat_json);
  const auto j = nlohmann::json::parse(text.substr(text.find('{')));
  const LibertySpec& s = test::spec55();
  double a = 0;
  for (const auto& [type, n] : j["modules"]["\\" + module]["num_cells_by_type"].items()) {
    if (const CellVariant* v = s.find_variant(type))
      a += n.get<double>() * s.area_um2(*v);
    else if (type == "pe")
      a += n.get<double>() * area_from_stat(stat_json, "pe");
    else if (type == "sram_1r1w_16x32")
      a += n.get<double>() * sram_macro(s, {SramKind::OneROneW, 16, 32}).area_um2;
    else if (type == "sram_1rw_64x8")
      a += n.get<double>() * sram_macro(s, {SramKind::OneRW, 64, 8}).area_um2;
    else
      FAIL("unexpected cell type " << type);
  }
  return a;
}

// One synthesis run shared by the sections below (Catch2 re-enters the test case per section).
struct MacRun {
  ScratchDir dir{"mac"};
  SynthJob job;
  SynthResult r;
  MacRun() {
    job = mac_job(dir);
    ActivitySpec act;
    act.default_toggle_rate = 0.1;
    for (int i = 0; i < 20; ++i) act.nets["u_pe0.acc_q[" + std::to_string(i) + "]"] = {0.3, 0.5};
    act.nets["a[0]"] = {0.5, 0.5};          // a top-level input port
    act.nets["u_pe1.acc[3]"] = {0.5, 0.5};  // driven by a buffer, not a register
    act.nets["u_pe0.no_such_net"] = {0.5, 0.5};
    act.macros["u_mem"] = {0.25, 0.125};
    act.macros["u_buf"] = {0.2, 0.1};
    act.macros["u_nothing"] = {0.2, 0.1};
    test::use_activity(job, act, dir.file("activity.json"));
    r = synthesize(job);
  }
};

const MacRun& mac_run() {
  static const MacRun run;
  return run;
}

}  // namespace

TEST_CASE("synthesize an 8-bit MAC with an SRAM blackbox", "[flow][synth][tools]") {
  const ScratchDir& dir = mac_run().dir;
  const SynthJob& job = mac_run().job;
  const SynthResult& r = mac_run().r;

  SECTION("no latches, flops mapped, hierarchy kept") {
    const std::string net = test::read_text(r.netlist);
    CHECK(net.find("LATCH") == std::string::npos);
    CHECK(r.flop_count == 40);  // two 20-bit accumulators
    CHECK(r.cell_counts.at("DFFR_X1") == 40);
    CHECK(net.find("module pe(") != std::string::npos);
    CHECK(net.find("sram_1r1w_16x32 u_mem") != std::string::npos);
    CHECK(net.find("module sram_1r1w_16x32") == std::string::npos);  // behavioural model dropped
  }

  SECTION("area equals the sum of cell areas") {
    REQUIRE(r.modules.size() == 2);
    CHECK(r.modules[0].module == "mac_top");
    CHECK(r.modules[1].module == "pe");
    CHECK(r.modules[1].instances == 2);
    const double pe = area_from_stat(r.stat_json, "pe");
    CHECK(r.modules[1].own_logic_um2 == Approx(pe).epsilon(1e-9));
    CHECK(r.logic_area_um2 == Approx(2 * pe).epsilon(1e-9));
    const double sram = sram_macro(test::spec55(), {SramKind::OneROneW, 16, 32}).area_um2 +
                        sram_macro(test::spec55(), {SramKind::OneRW, 64, 8}).area_um2;
    CHECK(r.macro_area_um2 == Approx(sram).epsilon(1e-6));
    CHECK(r.macro_count == 2);
    CHECK(r.total_area_um2 == Approx(area_from_stat(r.stat_json, "mac_top")).epsilon(1e-6));
    CHECK(r.total_area_um2 == Approx(r.yosys_reported_area_um2).epsilon(1e-6));
    CHECK(r.modules[0].total_um2 == Approx(r.total_area_um2));
  }

  SECTION("timing and fmax") {
    REQUIRE(r.timing.has_paths);
    CHECK(r.timing.worst_setup_slack_ns > 0);  // an 8x8 MAC fits 10 ns easily
    CHECK(r.timing.fmax_mhz ==
          Approx(1000.0 / (job.clock_period_ns - r.timing.worst_setup_slack_ns)));
    CHECK(r.timing.fmax_mhz > 100);
    CHECK(r.timing.fmax_mhz < 2000);
    CHECK(r.timing.critical_path.find("slack") != std::string::npos);
  }

  SECTION("power with activities") {
    const PowerResult& p = r.power;
    CHECK(p.sta_version == "2.0.17");
    CHECK(p.activity_applied == 23);  // 20 register bits, one port, two macros
    CHECK(p.activity_unmatched == 2);
    CHECK(p.activity_not_register == 1);
    CHECK(p.total.total_mw() > 0);
    CHECK(p.total.total_mw() ==
          Approx(p.sequential.total_mw() + p.combinational.total_mw() + p.macro.total_mw()));
    // A macro's dynamic power is the model's energy per access at the given rates (the idle
    // clock is charged when no port is enabled; OpenSTA assumes independent enables).
    REQUIRE(p.macros.size() == 2);
    for (const std::string& note : p.notes) CHECK(note.find("SRAM macro") == std::string::npos);
    for (const MacroPower& mp : p.macros) {
      INFO(mp.instance);
      double per_cycle_pj = 0, leak_uw = 0;
      if (mp.instance == "u_mem") {
        const SramMacro m = sram_macro(test::spec55(), {SramKind::OneROneW, 16, 32});
        per_cycle_pj = 0.25 * m.read_pj + 0.125 * m.write_pj + 0.75 * 0.875 * m.idle_clock_pj;
        leak_uw = m.leakage_uw;
      } else {
        REQUIRE(mp.instance == "u_buf");
        const SramMacro m = sram_macro(test::spec55(), {SramKind::OneRW, 64, 8});
        per_cycle_pj = 0.2 * m.read_pj + 0.1 * m.write_pj + 0.7 * m.idle_clock_pj;
        leak_uw = m.leakage_uw;
      }
      CHECK(mp.power.internal_mw == Approx(per_cycle_pj / job.clock_period_ns).epsilon(0.01));
      CHECK(mp.power.leakage_mw == Approx(leak_uw * 1e-3).epsilon(0.01));
    }
  }

  SECTION("JSON result") {
    const auto j = nlohmann::json::parse(to_json(r));
    CHECK(j["area"]["total_um2"].get<double>() == Approx(r.total_area_um2));
    CHECK(j["timing"]["fmax_mhz"].get<double>() == Approx(r.timing.fmax_mhz));
    CHECK(j["power"]["macros"].size() == 2);
  }

  SECTION("gate-level netlist and cell models pass Verilator lint") {
    write_gate_models(job.liberty, dir.file("models/cells.v"));
    test::write_text(dir.file("sram_1rw_model.v"),
                     "module sram_1rw_64x8 (input clk, input ce, input we, input [5:0] addr,\n"
                     "  input [7:0] wdata, output reg [7:0] rdata);\n"
                     "  reg [7:0] mem [0:63];\n"
                     "  always @(posedge clk) if (ce) begin\n"
                     "    if (we) mem[addr] <= wdata; else rdata <= mem[addr];\n"
                     "  end\nendmodule\n");
    int rc = 0;
    const std::string out = test::run("verilator --lint-only " + dir.file("models/cells.v") + " " +
                                          r.netlist + " " + dir.file("sram_model.v") + " " +
                                          dir.file("sram_1rw_model.v") + " --top-module mac_top",
                                      rc);
    INFO(out);
    CHECK(rc == 0);
  }

  SECTION("osu018 cross-check") {
    const CrossCheck c = osu018_crosscheck(job, r, test::spec55());
    INFO("osu018 " << c.ref_logic_um2 << " um2 -> scaled " << c.ref_logic_scaled_um2
                   << " um2; ours " << c.our_logic_um2 << " um2");
    CHECK(c.ref_nand2_um2 == Approx(24.0));
    CHECK(c.ref_logic_um2 > 0);
    // Same design, two libraries of similar cell sets: logic area in NAND2 equivalents
    // should agree within 2x either way.
    CHECK(c.ratio > 0.5);
    CHECK(c.ratio < 2.0);
    CHECK(c.macro_area_um2 == Approx(r.macro_area_um2));
  }
}

TEST_CASE("register activity reaches OpenSTA and the clock correction holds",
          "[flow][synth][tools]") {
  ScratchDir dir("reg");
  const auto libs = write_libraries(test::spec55(), zasgen::rtl::MacroManifest{}, dir.file("lib"));
  test::write_text(dir.file("reg.v"),
                   "module reg8 (input clk, input [7:0] d, output reg [7:0] q);\n"
                   "  always @(posedge clk) q <= d;\nendmodule\n");
  SynthJob job = logic_job(libs, dir.file("reg.v"), "reg8", dir.file("quiet"));
  ActivitySpec quiet;
  quiet.default_toggle_rate = 0;
  test::use_activity(job, quiet, dir.file("quiet.json"));
  const SynthResult a = synthesize(job);
  REQUIRE(a.flop_count == 8);
  // Quiet data: only the clock pins dissipate, once per cycle after the 2.0.17 correction.
  const double clk_mw = 8 * dff_clock_energy_fj(test::spec55()) * 1e-3 / job.clock_period_ns;
  CHECK(a.power.sequential.internal_mw == Approx(clk_mw).epsilon(0.01));
  CHECK(a.power.sequential.switching_mw == Approx(0).margin(1e-9));
  CHECK(a.power.clock_pin_correction_mw == Approx(clk_mw).epsilon(0.01));

  ActivitySpec busy = quiet;
  for (int i = 0; i < 8; ++i) busy.nets["q[" + std::to_string(i) + "]"] = {1.0, 0.5};
  test::use_activity(job, busy, dir.file("busy.json"));
  job.out_dir = dir.file("busy");
  const SynthResult b = synthesize(job);
  CHECK(b.power.activity_applied == 8);
  CHECK(b.power.sequential.switching_mw > 1e-4);
  CHECK(b.power.sequential.internal_mw > a.power.sequential.internal_mw);
}

// A block behind a clock gate, with quiet data: its flops' clock pins are charged at the gate's
// duty, the gate's own flop every cycle, and an ungated block is left as it was.
TEST_CASE("a clock gate's duty scales its block's clock power", "[flow][synth][tools]") {
  ScratchDir dir("cg");
  const auto libs = write_libraries(test::spec55(), zasgen::rtl::MacroManifest{}, dir.file("lib"));
  test::write_text(dir.file("cg.v"), R"(
module cg (input clk, input rst_n, input en, output gclk);
  reg en_q;
  always @(negedge clk or negedge rst_n)
    if (!rst_n) en_q <= 1'b1;
    else en_q <= en;
  assign gclk = clk & en_q;
endmodule
module blk (input clk, input rst_n, input en, input [7:0] d, output reg [7:0] q);
  wire gclk;
  cg u_cg (.clk(clk), .rst_n(rst_n), .en(en), .gclk(gclk));
  always @(posedge gclk) q <= d;
endmodule
module cg_top (input clk, input rst_n, input en, input [7:0] d, output [7:0] q,
               output reg [7:0] r);
  blk u_blk (.clk(clk), .rst_n(rst_n), .en(en), .d(d), .q(q));
  always @(posedge clk) r <= d;
endmodule
)");
  SynthJob job = logic_job(libs, dir.file("cg.v"), "cg_top", dir.file("syn"));
  job.macros.clock_gates.push_back({"u_blk.u_cg", "cg", "u_blk", "blk", "u_blk.u_cg.en_q"});
  ActivitySpec act;
  act.default_toggle_rate = 0;
  act.nets["u_blk.u_cg.en_q"] = {0.0, 0.25};
  test::use_activity(job, act, dir.file("act.json"));
  const SynthResult a = synthesize(job);
  REQUIRE(a.flop_count == 17);
  const double e_mw = dff_clock_energy_fj(test::spec55()) * 1e-3 / job.clock_period_ns;
  REQUIRE(a.power.clock_gates.size() == 1);
  const ClockGatePower& g = a.power.clock_gates[0];
  CHECK(g.flops == 8);
  CHECK(g.duty_known);
  CHECK(g.duty == Approx(0.25));
  CHECK(g.credit_mw >= 0.75 * 8 * e_mw * 0.99);
  // 9 flops every cycle (the ungated block and the gate's enable), 8 in a quarter of them.
  CHECK(a.power.sequential.internal_mw == Approx((9 + 8 * 0.25) * e_mw).epsilon(0.02));
  CHECK(a.power.clock_gating_credit_mw == Approx(g.credit_mw));

  // No activity for the enable: no credit, and the result says so.
  job.out_dir = dir.file("syn_unknown");
  act.nets.clear();
  test::use_activity(job, act, dir.file("act_unknown.json"));
  const SynthResult b = synthesize(job);
  REQUIRE(b.power.clock_gates.size() == 1);
  CHECK_FALSE(b.power.clock_gates[0].duty_known);
  CHECK(b.power.clock_gating_credit_mw == 0);
  CHECK(b.power.sequential.internal_mw == Approx(17 * e_mw).epsilon(0.02));
  CHECK(std::any_of(b.power.notes.begin(), b.power.notes.end(), [](const std::string& n) {
    return n.find("u_blk.u_cg.en_q") != std::string::npos;
  }));
}

// The netlist cache: the same sources synthesized again (from another folder) reuse the netlist
// with the same results; a changed source, library or period synthesizes anew.
TEST_CASE("a netlist cache reuses Yosys's result for the same inputs only",
          "[flow][synth][tools]") {
  ScratchDir dir("ncache");
  const auto libs = write_libraries(test::spec55(), zasgen::rtl::MacroManifest{}, dir.file("lib"));
  const std::string src =
      "module add8 (input clk, input [7:0] a, input [7:0] b, output reg [7:0] q);\n"
      "  always @(posedge clk) q <= a + b;\nendmodule\n";
  test::write_text(dir.file("a.v"), src);
  SynthJob job = logic_job(libs, dir.file("a.v"), "add8", dir.file("first"));
  job.netlist_cache = dir.file("cache");
  const SynthResult a = synthesize(job);
  CHECK_FALSE(a.netlist_cached);

  job.out_dir = dir.file("second");
  const SynthResult b = synthesize(job);
  CHECK(b.netlist_cached);
  CHECK(b.yosys_seconds == 0);
  CHECK(b.total_area_um2 == a.total_area_um2);
  CHECK(b.cell_counts == a.cell_counts);
  CHECK(b.timing.fmax_mhz == Approx(a.timing.fmax_mhz));
  CHECK(test::read_text(dir.file("second/netlist.v")) ==
        test::read_text(dir.file("first/netlist.v")));

  // The same text under another name hits too; another design, or another period, does not.
  test::write_text(dir.file("b.v"), src);
  job.verilog_files = {dir.file("b.v")};
  job.out_dir = dir.file("renamed");
  CHECK(synthesize(job).netlist_cached);
  test::write_text(dir.file("c.v"), src + "// changed\n");
  job.verilog_files = {dir.file("c.v")};
  job.out_dir = dir.file("changed");
  CHECK_FALSE(synthesize(job).netlist_cached);
  job.clock_period_ns *= 2;  // ABC's delay target
  job.out_dir = dir.file("slower");
  CHECK_FALSE(synthesize(job).netlist_cached);

  // A damaged entry (a truncated report) is synthesized anew and replaced.
  for (const auto& e : std::filesystem::directory_iterator(dir.file("cache")))
    test::write_text((e.path() / "stat.json").string(), "{");
  job.out_dir = dir.file("damaged");
  const SynthResult c = synthesize(job);
  CHECK_FALSE(c.netlist_cached);
  CHECK(c.total_area_um2 > 0);
  job.out_dir = dir.file("repaired");
  CHECK(synthesize(job).netlist_cached);
}

// Constants reaching logic across kept hierarchy (a parent ties a submodule's input; Yosys
// cannot fold it, hilomap puts a tie cell in the parent). OpenSTA 2.0.17 leaves every pin of
// such constant logic at level 0 (levelization skips the edges constant propagation disables)
// while its activity search follows those edges; report_power then appends to the level it
// is iterating and reads freed memory: a segfault (exit 139) on the tiny design and on
// `tie_top` below. The driver replaces constants by activity sources before power
// (flow/src/sta_run.cpp); without that, synthesize() throws "exit code 139".
namespace {

const char* kTieVerilog = R"(
module cfg_leaf (input clk, input [7:0] a, input [7:0] k, output reg [7:0] q);
  always @(posedge clk) q <= (a & k) ^ (k + 8'd3) ^ {a[3:0], k[7:4]};
endmodule
module const_leaf (input clk, input [7:0] k, output reg [7:0] q);
  always @(posedge clk) q <= (k * 8'd5) ^ {k[3:0], k[7:4]};
endmodule
module tie_top (input clk, input [7:0] a, output [7:0] q0, output [7:0] q1);
  cfg_leaf u0 (.clk(clk), .a(a), .k(8'h5a), .q(q0));
  cfg_leaf u1 (.clk(clk), .a(~a), .k(8'hff), .q(q1));
endmodule
module quiet_top (input clk, input [7:0] a, output [7:0] q0, output reg [7:0] q1);
  const_leaf u0 (.clk(clk), .k(8'h37), .q(q0));
  always @(posedge clk) q1 <= a;
endmodule
)";

// Wire and combinational edges disabled by constants whose sink is not levelized after their
// source (OpenSTA's activity search follows them): the precondition of the crash.
const char* kLevelScan = R"(
set n 0
set it [sta::vertex_iterator]
while {[$it has_next]} {
  set v [$it next]
  set ei [$v out_edge_iterator]
  while {[$ei has_next]} {
    set e [$ei next]
    if {[$e role] != "wire" && [$e role] != "combinational"} continue
    if {[$e is_disabled_constant] && [[$e to] level] <= [$v level]} { incr n }
  }
  $ei finish
}
$it finish
puts "ZASGEN_SCAN $n"
)";

int64_t count(const SynthResult& r, const std::string& cell) {
  auto it = r.cell_counts.find(cell);
  return it == r.cell_counts.end() ? 0 : it->second;
}

// "ZASGEN constants <tie cells> <constant nets>" from the OpenSTA log.
std::pair<int, int> constants_replaced(const SynthResult& r) {
  std::smatch m;
  const std::string log = test::read_text(r.sta_power_log);
  if (!std::regex_search(log, m, std::regex("ZASGEN constants (\\d+) (\\d+)"))) return {-1, -1};
  return {std::stoi(m[1]), std::stoi(m[2])};
}

}  // namespace

TEST_CASE("constant logic (tie cells, 1'b0/1'b1) does not crash power and stays quiet",
          "[flow][synth][tools]") {
  ScratchDir dir("tie");
  const auto libs = write_libraries(test::spec55(), zasgen::rtl::MacroManifest{}, dir.file("lib"));
  test::write_text(dir.file("tie.v"), kTieVerilog);
  SynthJob job = logic_job(libs, dir.file("tie.v"), "tie_top", dir.file("tie"));
  ActivitySpec act;
  act.default_toggle_rate = 0.2;
  test::use_activity(job, act, dir.file("activity.json"));

  SECTION("tie cells") {
    const SynthResult r = synthesize(job);  // threw "exit code 139" before the fix
    REQUIRE(count(r, "TIEHI_X1") + count(r, "TIELO_X1") == 2);
    CHECK(constants_replaced(r) == std::make_pair(2, 0));
    CHECK(r.power.combinational.switching_mw > 0);
    CHECK(r.power.total.total_mw() > 0);
    // Timing and power ran as two processes: timing never sees the activity sources, and power
    // edits the netlist before its first query that builds the timing graph.
    const std::string timing = test::read_text(r.sta_script);
    const std::string power = test::read_text(r.sta_power_script);
    CHECK(timing.find("worst_slack") != std::string::npos);
    for (const char* edit : {"zasgen_replace_constants", "sta_activity.tcl", "connect_pin"})
      CHECK(timing.find(edit) == std::string::npos);
    for (const char* query : {"worst_slack", "report_checks", "find_timing_paths"})
      CHECK(power.find(query) == std::string::npos);
    CHECK(power.find("source sta_activity.tcl") < power.find("design_power"));
    CHECK(power.find("\nzasgen_replace_constants") < power.find("source sta_activity.tcl"));
    // The netlist still has the crash's precondition (checked on the intact netlist, so that
    // this test keeps exercising the workaround).
    test::write_text(dir.file("scan.tcl"),
                     "read_liberty {" + libs.first + "}\nread_verilog {" + r.netlist +
                         "}\nlink_design tie_top\ncreate_clock -name clk -period 10 "
                         "[get_ports clk]\nreport_checks > /dev/null\n" +
                         kLevelScan);
    int rc = 0;
    const std::string out =
        test::run(job.tools.sta + " -no_init -exit " + dir.file("scan.tcl"), rc);
    INFO(out);
    std::smatch m;
    REQUIRE(std::regex_search(out, m, std::regex("ZASGEN_SCAN (\\d+)")));
    CHECK(std::stoi(m[1]) > 0);
  }
  SECTION("constant nets (no tie cells: 1'b0/1'b1 stay in the netlist)") {
    job.cells.tie_hi.clear();
    job.cells.tie_lo.clear();
    const SynthResult r = synthesize(job);
    CHECK(count(r, "TIEHI_X1") + count(r, "TIELO_X1") == 0);
    CHECK(constants_replaced(r).first == 0);
    CHECK(constants_replaced(r).second > 0);
    CHECK(r.power.combinational.switching_mw > 0);
  }
  SECTION("logic fed only by constants does not toggle") {
    job.top = "quiet_top";
    const SynthResult r = synthesize(job);
    CHECK(constants_replaced(r).first > 0);
    REQUIRE(r.cell_count - r.flop_count - count(r, "TIEHI_X1") - count(r, "TIELO_X1") > 10);
    // All combinational cells compute k-derived constants: leakage only. (No clock reaches
    // them, and OpenSTA 2.0.17 charges such pins its default activity per second rather than
    // per cycle: ~1e-11 mW here, 1e-8 of one toggle per cycle.)
    INFO("combinational internal " << r.power.combinational.internal_mw << " mW, switching "
                                   << r.power.combinational.switching_mw << " mW");
    CHECK(r.power.combinational.internal_mw < 1e-9);
    CHECK(r.power.combinational.switching_mw < 1e-9);
    CHECK(r.power.combinational.leakage_mw > 0);
    // The live register q1 <= a does toggle.
    CHECK(r.power.sequential.switching_mw > 1e-6);
  }
}

// A clock gate's enable flop runs on the falling edge: the path into it has half a period, and
// here it is the design's longest (a multiplier against an adder), so it sets fmax.
TEST_CASE("a half-period path to a falling-edge register sets fmax", "[flow][synth][tools]") {
  ScratchDir dir("half");
  const auto libs = write_libraries(test::spec55(), zasgen::rtl::MacroManifest{}, dir.file("lib"));
  test::write_text(dir.file("gated.v"), R"(
module gated_top (input clk, input rst_n, input [7:0] a, input [7:0] b, output reg [7:0] q,
                  output reg [7:0] g);
  reg [7:0] x, y;
  reg en_q;
  always @(posedge clk) begin
    x <= a;
    y <= b;
    q <= x + y;
  end
  always @(negedge clk or negedge rst_n)
    if (!rst_n) en_q <= 1'b1;
    else en_q <= x * y == 16'd12321;
  wire gclk = clk & en_q;
  always @(posedge gclk) g <= x;
endmodule
)");
  SynthJob job = logic_job(libs, dir.file("gated.v"), "gated_top", dir.file("syn"));
  job.clock_period_ns = 10.0;
  const SynthResult r = synthesize(job);
  REQUIRE(r.timing.has_paths);
  REQUIRE(r.timing.has_half_cycle_paths);
  const double full = job.clock_period_ns - r.timing.worst_setup_slack_ns;
  const double half = job.clock_period_ns - 2 * r.timing.half_cycle_slack_ns;
  CHECK(half > full);  // the multiplier in half a period is the tighter constraint
  CHECK(r.timing.fmax_mhz == Approx(1000.0 / half));
  CHECK(r.timing.half_cycle_slack_ns < job.clock_period_ns / 2);
}

TEST_CASE("synthesis failures are reported, never partial results", "[flow][synth][tools]") {
  ScratchDir dir("fail");
  const auto libs = write_libraries(test::spec55(), zasgen::rtl::MacroManifest{}, dir.file("lib"));
  SynthJob job;
  job.top = "latchy";
  job.out_dir = dir.file("syn");
  job.liberty = libs.first;
  job.macro_liberty = libs.second;

  SECTION("a latch is rejected") {
    test::write_text(dir.file("latch.v"),
                     "module latchy (input en, input d, output reg q);\n"
                     "  always @* if (en) q = d;\nendmodule\n");
    job.verilog_files = {dir.file("latch.v")};
    try {
      synthesize(job);
      FAIL("no error");
    } catch (const FlowError& e) {
      CHECK(e.code() == FlowError::Code::ToolFailed);
      CHECK(e.where().find("yosys.log") != std::string::npos);
    }
  }
  SECTION("a missing tool") {
    test::write_text(dir.file("ok.v"),
                     "module latchy (input a, output y);\n"
                     "  assign y = ~a;\nendmodule\n");
    job.verilog_files = {dir.file("ok.v")};
    job.tools.yosys = "/nonexistent/yosys";
    try {
      synthesize(job);
      FAIL("no error");
    } catch (const FlowError& e) {
      CHECK(e.code() == FlowError::Code::ToolMissing);
    }
  }
  SECTION("a bad job") {
    job.verilog_files = {dir.file("missing.v")};
    try {
      synthesize(job);
      FAIL("no error");
    } catch (const FlowError& e) {
      CHECK(e.code() == FlowError::Code::BadArgument);
    }
  }
  SECTION("an unknown macro geometry") {
    test::write_text(dir.file("ok.v"),
                     "module latchy (input a, output y);\n"
                     "  assign y = ~a;\nendmodule\n");
    job.verilog_files = {dir.file("ok.v")};
    job.macros = test::manifest({{{SramKind::OneRW, 64, 8}, {"u_buf"}}});  // not in the liberty
    try {
      synthesize(job);
      FAIL("no error");
    } catch (const FlowError& e) {
      CHECK(e.code() == FlowError::Code::BadArgument);
    }
  }
}

// Cross-check of the cell model's energy against Horowitz, ISSCC 2014 (45 nm, 0.9 V: 8-bit add
// 0.03 pJ, 8-bit multiply 0.2 pJ), scaled by the spec's 1.7x.
// Tolerance 0.5x-2.5x: OpenSTA's activity is zero-delay and probabilistic (no glitches),
// Yosys builds an array multiplier, our wire-load model adds ~1.2 fF per fanout, and Horowitz's
// figures come from a different library; we measured ~1.5x (add) and ~1.9x (mult).
TEST_CASE("arithmetic energy vs Horowitz ISSCC 2014", "[flow][synth][tools][crosscheck]") {
  ScratchDir dir("arith");
  const auto libs = write_libraries(test::spec55(), zasgen::rtl::MacroManifest{}, dir.file("lib"));
  test::write_text(dir.file("arith.v"), R"(
module add8 (input clk, input [7:0] a, input [7:0] b, output reg [8:0] y);
  reg [7:0] ra, rb;
  always @(posedge clk) begin ra <= a; rb <= b; y <= ra + rb; end
endmodule
module mul8 (input clk, input [7:0] a, input [7:0] b, output reg [15:0] y);
  reg [7:0] ra, rb;
  always @(posedge clk) begin ra <= a; rb <= b; y <= ra * rb; end
endmodule
)");
  const double scale = test::spec55().anchors.at("energy_scale_45_to_55").value;
  for (const auto& [top, ref_pj] :
       std::vector<std::pair<std::string, double>>{{"add8", 0.03}, {"mul8", 0.2}}) {
    SynthJob job = logic_job(libs, dir.file("arith.v"), top, dir.file(top));
    ActivitySpec act;  // random operands: every operand register bit toggles half the cycles
    act.default_toggle_rate = 0.5;
    for (int i = 0; i < 8; ++i)
      for (const char* r : {"ra", "rb"})
        act.nets[std::string(r) + "[" + std::to_string(i) + "]"] = {0.5, 0.5};
    test::use_activity(job, act, dir.file(std::string(top) + ".json"));
    const SynthResult r = synthesize(job);
    CHECK(r.power.activity_applied == 16);
    const double pj = r.power.combinational.total_mw() * job.clock_period_ns;  // mW x ns = pJ
    INFO(top << ": " << pj << " pJ per operation vs " << ref_pj * scale << " pJ (scaled)");
    CHECK(pj > 0.5 * ref_pj * scale);
    CHECK(pj < 2.5 * ref_pj * scale);
  }
}
