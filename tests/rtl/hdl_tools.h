// The generator's output quality bar (issue 3), tool by tool: Verilator -Wall lint with zero
// warnings, Icarus parse, Yosys structural checks (no latches, nothing undriven or multiply
// driven) and, for the designs small enough, full synthesis.
#pragma once

#include <sstream>
#include <string>

#include "rtl_test_util.h"

namespace zasgen::rtl::test {

struct ToolCheck {
  bool ok = false;
  double seconds = 0;
  std::string log;  // the interesting part of the tool output when !ok
};

// verilator --lint-only -Wall: exit 0 and not a single %Warning or %Error line (no waivers).
inline ToolCheck verilator_lint(const DesignFiles& d) {
  const RunResult r =
      run("verilator --lint-only -Wall --top-module " + d.top + join_quoted(d.verilog));
  ToolCheck c;
  c.seconds = r.seconds;
  c.ok = r.rc == 0 && r.out.find("%Warning") == std::string::npos &&
         r.out.find("%Error") == std::string::npos;
  if (!c.ok) c.log = tail(r.out, 40);
  return c;
}

// iverilog -g2012: exit 0 and silent (a warning fails too).
inline ToolCheck icarus_parse(const DesignFiles& d) {
  const RunResult r = run("iverilog -g2012 -o /dev/null" + join_quoted(d.verilog));
  ToolCheck c;
  c.seconds = r.seconds;
  c.ok = r.rc == 0 && tail(r.out).empty();
  if (!c.ok) c.log = tail(r.out, 40);
  return c;
}

inline std::string yosys_read(const DesignFiles& d) {
  std::string s = "read_verilog -sv";
  for (const std::string& f : d.verilog) s += " " + f;
  return s + "; ";
}

inline ToolCheck run_yosys(const std::string& script, const std::string& dir) {
  const std::string path = dir + "/check.ys";
  write_text(path, script);
  const RunResult r = run("yosys -q -s " + quote(path));
  ToolCheck c;
  c.seconds = r.seconds;
  c.ok = r.rc == 0;
  if (!c.ok) c.log = tail(r.out, 40);
  return c;
}

// Yosys after proc: latches would appear here ($dlatch), and check -assert fails on undriven or
// multiply-driven nets and combinational loops. The SRAM models are blackboxes.
inline ToolCheck yosys_structure(const DesignFiles& d, const std::string& dir) {
  return run_yosys(yosys_read(d) + "hierarchy -check -top " + d.top +
                       "; proc; flatten; opt_clean; check -assert; "
                       "select -assert-none t:$dlatch t:$_DLATCH*\n",
                   dir);
}

// Full generic synthesis, then the same structural assertions on the gate netlist.
inline ToolCheck yosys_synth(const DesignFiles& d, const std::string& dir) {
  return run_yosys(yosys_read(d) + "synth -top " + d.top +
                       "; select -assert-none t:$dlatch* t:$_DLATCH*; check -assert\n",
                   dir);
}

}  // namespace zasgen::rtl::test
