// Synthesis and analysis driver: runs the real Yosys 0.23 and OpenSTA on a design and returns
// area by module, macro area, timing (worst slack, fmax) and power. No mocks: every number
// comes from a tool run whose log is kept in the job's output directory.
//
// Any tool failure throws FlowError naming the tool and its log; a result is returned only when
// every stage succeeded (never a partial result).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "zasgen/flow/activity.h"
#include "zasgen/flow/liberty.h"
#include "zasgen/rtl/macros.h"

namespace zasgen::flow {

struct ToolPaths {
  std::string yosys = "yosys";
  std::string sta = "sta";
  std::string verilator = "verilator";
};

// Names of the library cells the script needs (hilomap, insbuf, ABC constraints). The defaults
// are zasgen55's; an empty tie cell disables hilomap (osu018 has no tie cells).
struct LibraryCells {
  std::string tie_hi = "TIEHI_X1", tie_lo = "TIELO_X1", tie_pin = "Y";
  std::string buffer = "BUF_X1", buffer_in = "A", buffer_out = "Y";
  std::string driving_cell = "BUF_X2";  // ABC constraint and OpenSTA input drive
  double output_load_ff = 4.0;          // ABC constraint and OpenSTA port load
};

struct SynthJob {
  std::vector<std::string> verilog_files;  // read in this order
  bool systemverilog = true;               // read_verilog -sv (the generated RTL is read so)
  std::string top;
  rtl::MacroManifest macros;  // SRAM macros of the design (rtl/macros.json)
  std::string out_dir;        // created if missing; logs and netlist go here
  double clock_period_ns = 10.0;
  std::string clock_port = "clk";
  std::string liberty;  // standard cells (write_liberty output)
  std::string
      macro_liberty;  // SRAM macros (write_sram_liberty output); may be empty without macros
  LibraryCells cells;
  double input_delay_ns = 0.0;  // fixed, independent of the period (see fmax)
  double output_delay_ns = 0.0;
  bool run_sta = true;  // false: synthesis and area only
  // Switching activity for power: a zasgen activity file or SAIF (activity.h); empty: the
  // defaults everywhere. Nets the file does not name get the defaults too.
  std::string activity_file;
  std::string saif_scope;  // the design's instance in a SAIF file (activity.h)
  double default_toggle_rate = 0.1;
  double default_duty = 0.5;
  ToolPaths tools;
  // Netlists by content: a folder per hash of everything Yosys reads (sources, libraries, the
  // scripts, Yosys's version). A hit copies the netlist and its reports instead of running
  // Yosys; empty: always synthesize.
  std::string netlist_cache;
  int yosys_timeout_s = 3600;
  int sta_timeout_s = 1800;
};

struct ModuleArea {
  std::string module;
  int64_t instances = 0;                       // times the module occurs in the flattened design
  int64_t own_cells = 0;                       // standard cells directly in the module
  double own_logic_um2 = 0;                    // their area
  double own_macro_um2 = 0;                    // SRAM macros directly in the module
  double total_um2 = 0;                        // one instance including its submodules and macros
  std::map<std::string, int64_t> cell_counts;  // own cells and submodule instances by type
};

struct PowerGroup {
  double internal_mw = 0, switching_mw = 0, leakage_mw = 0;
  double total_mw() const { return internal_mw + switching_mw + leakage_mw; }
};

struct MacroPower {
  std::string instance;  // hierarchical, '/'-separated as OpenSTA prints it
  std::string cell;
  PowerGroup power;  // corrected (see PowerResult)
};

// A clock gate's sinks and how much of OpenSTA's figure is taken off for it. OpenSTA clocks a
// gated block every cycle; the gate's duty (the fraction of cycles with an edge, from its
// enable register's activity) scales the block's flop clock pins and the gated clock net.
struct ClockGatePower {
  std::string instance;           // '.'-separated, as in the manifest
  int64_t flops = 0, macros = 0;  // sinks of the gated clock
  bool duty_known = false;        // the enable register had an activity; else duty 1
  double duty = 1;
  double credit_mw = 0;  // (1 - duty) x (flop clock pins + the gate's own logic and net)
};

struct PowerResult {
  // OpenSTA's report_power, corrected for OpenSTA 2.0.17 counting clock-pin internal energy
  // twice per cycle (flow/README.md): sequential and macro internal power are reduced by the
  // clock-pin energy, computed from the liberty and the cell counts (flops) or halved (macros,
  // whose only internal power is on clk).
  PowerGroup total, sequential, combinational, macro;
  PowerGroup reported_total;           // as OpenSTA printed it
  double clock_pin_correction_mw = 0;  // subtracted from reported_total.internal_mw
  // Included in clock_pin_correction_mw: the clock gates' credit (sequential internal power for
  // their flops' clock pins, combinational power for the gate and its output net).
  double clock_gating_credit_mw = 0;
  std::vector<ClockGatePower> clock_gates;
  std::vector<MacroPower> macros;
  int64_t activity_applied = 0;       // nets/macros whose activity reached OpenSTA
  int64_t activity_unmatched = 0;     // names not found in the netlist
  int64_t activity_not_register = 0;  // nets driven by combinational logic (left to OpenSTA)
  std::vector<std::string> activity_problems;  // first few of the above, for the report
  std::vector<std::string> notes;              // caveats that apply to this result
  std::string sta_version;
};

struct TimingResult {
  bool has_paths = false;
  double period_ns = 0;
  double worst_setup_slack_ns = 0;  // OpenSTA worst_slack -max
  double worst_hold_slack_ns = 0;   // OpenSTA worst_slack -min
  // Worst setup-type slack including recovery checks of asynchronous resets, which are
  // excluded from fmax (ideal reset network: ABC cannot buffer a port-to-flop net).
  double worst_slack_with_async_ns = 0;
  // Paths to or from a falling-edge register (a clock gate's enable), which have half a
  // period; worst_setup_slack_ns covers the full-period paths only.
  bool has_half_cycle_paths = false;
  double half_cycle_slack_ns = 0;
  // fmax = 1000 / max(period - worst_setup_slack, period - 2 half_cycle_slack) MHz: the clock
  // at which the worst path would have zero slack. Valid because every other term of the
  // constraint (ideal clock, no uncertainty, fixed I/O delays, no multicycle paths) is
  // independent of the period. Paths: register/port/macro to register/port/macro in clock
  // clk; not reset recovery.
  double fmax_mhz = 0;
  std::string critical_path;  // report_checks text of the worst path
};

struct SynthResult {
  std::string out_dir, netlist, yosys_script, yosys_log, stat_json, stat_text;
  std::string sta_script, sta_log;              // timing (OpenSTA)
  std::string sta_power_script, sta_power_log;  // power (a second OpenSTA, run at once)
  std::vector<ModuleArea> modules;              // sorted by module name
  double logic_area_um2 = 0;                    // standard cells of the whole design
  double macro_area_um2 = 0;                    // SRAM macros of the whole design
  double total_area_um2 = 0;
  double yosys_reported_area_um2 = 0;  // `stat -liberty` chip area of the top (cross-check)
  int64_t cell_count = 0, flop_count = 0, macro_count = 0;
  std::map<std::string, int64_t> cell_counts;  // whole design, by library cell
  TimingResult timing;
  PowerResult power;
  double yosys_seconds = 0;
  double sta_seconds = 0;  // wall time of OpenSTA: timing and power run side by side
  double sta_timing_seconds = 0, sta_power_seconds = 0;
  bool netlist_cached = false;  // Yosys did not run: the netlist came from job.netlist_cache
};

// Runs the job: synthesize_netlist, then (with run_sta) analyze. Throws FlowError
// (ToolMissing, ToolFailed, ToolTimeout, ResultParse, BadArgument, Io).
SynthResult synthesize(const SynthJob& job);

// The two stages apart, so that Yosys can start as soon as the RTL exists and OpenSTA when the
// activity does: the netlist with its area and cell counts (Yosys, or the netlist cache) ...
SynthResult synthesize_netlist(const SynthJob& job);
// ... then timing and power of that netlist (OpenSTA, with the job's activity file), into `r`.
// `job` must be the one the netlist came from, its activity aside.
void analyze(const SynthJob& job, SynthResult& r);

// The result as JSON (deterministic key order; runtimes included).
std::string to_json(const SynthResult& r);

// Writes <out_dir>/<spec.name>.lib and <spec.name>_sram.lib (with the manifest's macros) and
// returns {std_lib_path, sram_lib_path}.
std::pair<std::string, std::string> write_libraries(const LibertySpec& spec,
                                                    const rtl::MacroManifest& macros,
                                                    const std::string& out_dir);

// Gate-level simulation models of every cell of a liberty file, written by Yosys
// (`read_liberty`; `write_verilog`), which Verilator accepts (unlike UDP-based models).
// Writes `out_verilog` and keeps `<out_verilog>.log`.
void write_gate_models(const std::string& liberty_path, const std::string& out_verilog,
                       const ToolPaths& tools = {});

// Cross-check against a real open library: synthesize the same job with qflow's osu018
// (0.18 um) cells, macros still blackboxes, and compare logic area after scaling by the NAND2
// area ratio (osu018 NAND2X1 = 24 um2).
struct CrossCheck {
  std::string library;          // liberty path used
  double ref_nand2_um2 = 24.0;  // osu018 NAND2X1
  double our_nand2_um2 = 0;
  double ref_logic_um2 = 0;         // osu018 logic area as synthesized
  double ref_logic_scaled_um2 = 0;  // ref_logic_um2 * our_nand2 / ref_nand2
  double our_logic_um2 = 0;
  double ratio = 0;           // our_logic / ref_logic_scaled
  double macro_area_um2 = 0;  // from our SRAM model, identical in both
  int64_t ref_cells = 0, our_cells = 0;
};
std::string default_osu018_liberty();  // /usr/share/qflow/tech/osu018/osu018_stdcells.lib
CrossCheck osu018_crosscheck(const SynthJob& job, const SynthResult& ours, const LibertySpec& spec,
                             const std::string& osu018_lib = default_osu018_liberty());

}  // namespace zasgen::flow
