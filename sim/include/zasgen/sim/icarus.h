// Cross-checking Verilator with a second simulator: a layer's run on the Verilator model is
// recorded at the pins (RtlModel::record), written as a text trace, and replayed on the same RTL
// in Icarus Verilog by a testbench filled from the template sim/harness/icarus_replay.v, which
// checks every register read, store-stream beat and interrupt, and the cycle every operation
// ends. Both simulators must agree exactly; a difference points at a simulation race, an
// X-dependence (Icarus starts from X, Verilator from random values) or a simulator bug.
#pragma once

#include <string>

#include "zasgen/sim/bus_trace.h"
#include "zasgen/sim/design.h"

namespace zasgen::sim {

// The trace as the replay testbench reads it: the start cycle, then per operation a line
// `kind start end fields...` (hex data, decimal counts), then `0`.
std::string bus_trace_text(const BusTrace& t);

// The testbench for a design: the template with its top module and address width filled in.
std::string replay_testbench(const std::string& top, int axi_addr_bits);

struct IcarusReplay {
  bool pass = false;
  std::string verdict;  // the testbench's REPLAY PASS/FAIL line ("" if it printed none)
  std::string log;      // the simulator's output
  double run_seconds = 0;
};

// Compiles the testbench with the RTL of `rtl_dir` (its filelist.f) into work_dir/replay.vvp
// (iverilog -g2012) and returns its path; throws ToolError naming the log on failure.
std::string compile_replay(const std::string& rtl_dir, const std::string& top, int axi_addr_bits,
                           const std::string& work_dir);

// Replays a trace file on a compiled testbench (vvp); the log goes to `log_path`.
IcarusReplay run_replay(const std::string& vvp, const std::string& trace_path,
                        const std::string& log_path);

// The whole check for one case on one design: the Verilator run (recorded, its outputs
// compared with the golden model), the trace in work_dir/trace.txt, the replay in Icarus.
struct CrossCheck {
  DesignResult verilator;  // the recorded run
  BusTrace trace;
  IcarusReplay icarus;
  double compile_seconds = 0;
};
CrossCheck cross_check_icarus(const Design& d, const LayerCase& c, const std::string& work_dir);

}  // namespace zasgen::sim
