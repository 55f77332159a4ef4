// Switching activity for power analysis, read from a file: a zasgen activity file
// (zasgen/activity.h; `zasgen sim`/`zasgen synth` write one) or a SAIF file from any
// simulator (VCS, Questa, Xcelium, Verilator's own writers of it). flow/README.md, "Activity
// files", documents both and how names are matched.
#pragma once

#include <map>
#include <string>

#include "zasgen/activity.h"
#include "zasgen/rtl/macros.h"

namespace zasgen::flow {

// Activity of one net bit: toggles per clock cycle (0..1 for a register output, a clock is 2)
// and the fraction of time it is 1.
struct NetActivity {
  double toggle_rate = 0.1;
  double duty = 0.5;
};

// Accesses per clock cycle of one SRAM macro instance (read and write probabilities).
struct MacroAccess {
  double reads_per_cycle = 0;
  double writes_per_cycle = 0;
};

// What the OpenSTA driver applies (flow/src/sta_run.cpp). OpenSTA 2.0.17 cannot read VCD/SAIF
// and overwrites activities set on internal pins while it propagates (flow/README.md,
// "Power"), so the driver applies them where OpenSTA keeps them:
//  - `nets` names top-level ports ("in_valid") or register output bits by their RTL
//    hierarchical name ("u_pe.acc_q[3]"; '.' separates instances). A register output's
//    activity becomes that flop's Q activity and OpenSTA propagates it through the
//    combinational logic it drives; a net driven by logic cannot be annotated (OpenSTA computes
//    it) and is counted in PowerResult::activity_not_register.
//  - `macros` sets the read/write probabilities of SRAM instances ("u_buf.u_bank0").
//  - everything else gets the defaults (input ports, unannotated registers).
struct ActivitySpec {
  double default_toggle_rate = 0.1;
  double default_duty = 0.5;
  std::map<std::string, NetActivity> nets;
  std::map<std::string, MacroAccess> macros;
};

// Rates from counts: per-bit names for whole-vector entries, duty 0.5 where it is unknown.
ActivitySpec activity_rates(const SwitchingActivity& a);

// Reads an activity file: zasgen JSON (by its "format" key) or SAIF (a file that starts with
// "(SAIFILE"). A SAIF file gives toggle counts (TC) and time at 1 (T1) per net over DURATION;
// `clock_period_ns` turns them into per-cycle rates; the design's nets are those below the
// instance `saif_scope` (dotted; empty: the outermost instance, or its only child when the
// outermost is a testbench holding one instance); macro accesses come from the enable pins of
// the manifest's instances (1r1w: re, we; 1rw: ce, we). Throws FlowError(ActivityFile).
SwitchingActivity read_activity_file(const std::string& path, const rtl::MacroManifest& macros,
                                     double clock_period_ns, const std::string& saif_scope = "");

}  // namespace zasgen::flow
