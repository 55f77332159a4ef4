// The OpenSTA half of the driver: constraints, worst slacks, fmax, and power with activities.
//
// How activities reach OpenSTA 2.0.17 (measured on this machine; flow/README.md, "Power"):
//  - `set_power_activity -global` overrides every pin and disables propagation;
//  - `-input` sets the default for input ports, and for any pin propagation never reaches;
//  - `-input_ports` activities propagate through combinational logic (probabilistically,
//    from the liberty functions) and, on the first pass, from a flop's D to its Q;
//  - an activity set on an internal pin (sta::set_power_pin_activity; the `-pins` option of
//    set_power_activity is broken in this version) is overwritten by that propagation, or,
//    once activities are cached, changes only that pin without propagating.
// Propagation starts from root vertices and keeps user activities there. So a register
// output is annotated by cutting its flop's D pin from its net and driving it from a
// zero-area helper cell (ZASGEN_ACTSRC, no function, no arcs: a root) that carries the
// simulated activity; OpenSTA then copies it D->Q and propagates it from Q through the
// combinational logic. Timing is reported by a second OpenSTA process, run at the same time,
// on the intact netlist.
//
// Constants are replaced the same way before power analysis. OpenSTA 2.0.17 levelizes the
// graph without the edges that constant propagation disables (from tie cells, 1'b0/1'b1
// nets), so every pin of constant logic sits at level 0, but its activity search
// (ActivitySrchPred) still follows those edges: visiting a level-0 pin appends the next one
// to the level-0 queue while BfsIterator::visit iterates that same vector, and the
// reallocation leaves the loop reading freed memory (a segfault in report_power on the
// tiny design: tie cells feed logic across kept hierarchy that Yosys cannot fold). So the
// loads of each tie cell, and the pins of each constant net, move to a net driven by an
// activity source with activity 0 and duty = the constant (the tie cell stays). For
// power this is exact: OpenSTA's probabilistic propagation of (0, 1) or (0, 0) through a
// cell function gives the constant's own values; with no constants left the levels follow
// every edge the activity search follows.
#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <limits>
#include <set>
#include <sstream>
#include <thread>

#include "flow_internal.h"
#include "process.h"
#include "zasgen/flow/activity.h"
#include "zasgen/flow/error.h"
#include "zasgen/flow/liberty.h"
#include "zasgen/flow/sram.h"

namespace zasgen::flow::detail {

using Code = FlowError::Code;

bool tcl_brace_safe(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c == '{' || c == '}' || c == '\\' || c == '"' || std::isspace((unsigned char)c))
      return false;
  return true;
}

std::string aux_liberty_text() {
  return R"(/* zasgen_sta_aux: power-analysis helper for OpenSTA, never synthesized.
 * ZASGEN_ACTSRC has one output and no function or timing arcs, so OpenSTA treats it as a
 * root of activity propagation and keeps the activity set on it (flow/src/sta_run.cpp).
 */
library (zasgen_sta_aux) {
  delay_model : table_lookup;
  time_unit : "1ns";
  voltage_unit : "1V";
  current_unit : "1mA";
  leakage_power_unit : "1nW";
  capacitive_load_unit (1, pf);
  slew_lower_threshold_pct_rise : 20;
  slew_upper_threshold_pct_rise : 80;
  slew_lower_threshold_pct_fall : 20;
  slew_upper_threshold_pct_fall : 80;
  input_threshold_pct_rise : 50;
  input_threshold_pct_fall : 50;
  output_threshold_pct_rise : 50;
  output_threshold_pct_fall : 50;
  cell (ZASGEN_ACTSRC) {
    area : 0;
    dont_use : true;
    dont_touch : true;
    pin (Y) {
      direction : output;
    }
  }
}
)";
}

namespace {

// Tcl helpers emitted at the top of the script.
const char* kTclProcs = R"TCL(
# ---- helpers ----
set zasgen_act_n 0
proc zasgen_leaf_driver {net} {
  set drv ""
  set it [$net connected_pin_iterator]
  while {[$it has_next]} {
    set p [$it next]
    if {[$p is_driver] && [[$p instance] is_leaf]} { set drv $p }
  }
  $it finish
  return $drv
}
# The edits below call OpenSTA's object-level commands (sta::make_instance_cmd,
# make_net_cmd, connect_pin_cmd, disconnect_pin_cmd) rather than make_instance, connect_pin and
# the like, which parse and look up every name they are given: 0.15 ms a register bit, 49 s of
# the power run on a design of 320k register bits.
#
# Cuts pin `pin` of leaf instance `inst` (an object) from its net and drives it from a new
# activity source in the same parent instance carrying `act` toggles/cycle and `duty`.
proc zasgen_drive_from_source {inst pin act duty} {
  set p [$inst find_pin $pin]
  if {$p == "NULL"} { return 0 }
  if {[$p net] != "NULL"} { sta::disconnect_pin_cmd $p }
  sta::connect_pin_cmd $inst [$p port] [zasgen_source_net [$inst parent] $act $duty]
  return 1
}
# A new activity source in instance `parent` (an object) carrying `act` and `duty`, driving a
# new net; returns the net.
proc zasgen_source_net {parent act duty} {
  global zasgen_act_n zasgen_act_cell zasgen_act_port
  if {![info exists zasgen_act_cell]} {
    set zasgen_act_cell [lindex [get_lib_cells zasgen_sta_aux/ZASGEN_ACTSRC] 0]
  }
  incr zasgen_act_n
  set src [sta::make_instance_cmd "zasgen_act_$zasgen_act_n" $zasgen_act_cell $parent]
  if {![info exists zasgen_act_port]} { set zasgen_act_port [[$src cell] find_port Y] }
  set net [sta::make_net_cmd "zasgen_act_net_$zasgen_act_n" $parent]
  sta::connect_pin_cmd $src $zasgen_act_port $net
  sta::set_power_pin_activity [$src find_pin Y] $act $duty
  return $net
}
# Moves the pins of `net` (in its own instance: leaf pins and child instances' ports; not a
# top-level port, which has no fanout) to a new activity source's net. Returns 1 if any moved.
proc zasgen_move_pins {net act duty} {
  set pins {}
  set it [$net pin_iterator]
  while {[$it has_next]} {
    set p [$it next]
    if {![$p is_top_level_port]} { lappend pins $p }
  }
  $it finish
  if {$pins == {}} { return 0 }
  set new [zasgen_source_net [$net instance] $act $duty]
  foreach p $pins {
    set inst [$p instance]
    set port [$p port]
    sta::disconnect_pin_cmd $p
    sta::connect_pin_cmd $inst $port $new
  }
  return 1
}
# Every instance, through the hierarchy, of the cells or modules named in `refs`.
proc zasgen_cells_of {refs} {
  set cells {}
  foreach ref $refs {
    set cells [concat $cells [get_cells -hierarchical -quiet -filter "ref_name == $ref" *]]
  }
  return $cells
}
# Constants -> activity sources with activity 0 and duty = the constant (see header): the
# loads of each tie cell (zasgen_tie_cells: cell -> {pin value}) and the pins of each constant
# net OpenSTA made for 1'b0/1'b1 (named zero_/one_, no driver) move to a source's net.
# Prints the number of tie cells and constant nets replaced.
proc zasgen_replace_constants {} {
  global zasgen_tie_cells
  set ties 0
  set nets 0
  # Found by a filter on the cell type: a loop over every cell asking its type took 10 s on a
  # design with 320k register bits.
  foreach inst [zasgen_cells_of [lsort [array names zasgen_tie_cells]]] {
    lassign $zasgen_tie_cells([get_property $inst ref_name]) pin value
    set p [$inst find_pin $pin]
    if {$p == "NULL"} continue
    set net [$p net]
    if {$net == "NULL"} continue
    # The tie cell stays (its leakage counts) and drives nothing.
    sta::disconnect_pin_cmd $p
    sta::set_power_pin_activity $p 0 $value
    incr ties [zasgen_move_pins $net 0 $value]
  }
  foreach {name value} {zero_ 0 one_ 1} {
    foreach net [get_nets -hierarchical -quiet $name] {
      set driven 0
      set it [$net connected_pin_iterator]
      while {[$it has_next]} { if {[[$it next] is_driver]} { set driven 1 } }
      $it finish
      if {!$driven} { incr nets [zasgen_move_pins $net 0 $value] }
    }
  }
  puts "ZASGEN constants $ties $nets"
}
proc zasgen_find_net {name} {
  set net [get_nets -quiet [string map {. /} $name]]
  if {$net == ""} { set net [get_nets -quiet $name] }
  return $net
}
# Activity of an RTL net: a top-level input port, or a register output (the flop's D is
# driven from an activity source). Returns applied | unmatched | notreg.
proc zasgen_net_activity {name act duty} {
  global zasgen_flop_data
  if {[string first . $name] < 0} {
    set port [get_ports -quiet $name]
    if {$port != "" && [get_property $port direction] == "input"} {
      set_power_activity -input_ports $port -activity $act -duty $duty
      return applied
    }
  }
  set net [zasgen_find_net $name]
  if {$net == ""} { return unmatched }
  set drv [zasgen_leaf_driver [lindex $net 0]]
  if {$drv == ""} { return notreg }
  set inst [$drv instance]
  set ref [get_property $inst ref_name]
  if {![info exists zasgen_flop_data($ref)]} { return notreg }
  if {![zasgen_drive_from_source $inst $zasgen_flop_data($ref) $act $duty]} { return notreg }
  return applied
}
# Read/write probabilities of an SRAM instance of kind 1r1w or 1rw (the macro manifest's), through
# the duties of its enable pins (the macro liberty's internal power is conditioned on them).
proc zasgen_macro_access {name kind reads writes} {
  set inst [get_cells -quiet [string map {. /} $name]]
  if {$inst == ""} { set inst [get_cells -quiet $name] }
  if {$inst == ""} { return unmatched }
  set inst [lindex $inst 0]
  if {$kind == "1r1w"} {
    zasgen_drive_from_source $inst re 0 $reads
    zasgen_drive_from_source $inst we 0 $writes
  } else {
    set ce [expr {$reads + $writes}]
    zasgen_drive_from_source $inst ce 0 [expr {$ce > 1.0 ? 1.0 : $ce}]
    zasgen_drive_from_source $inst we 0 [expr {$ce > 0 ? $writes / $ce : 0.0}]
  }
  return applied
}
array set zasgen_count {applied 0 unmatched 0 notreg 0}
proc zasgen_tally {kind name} {
  global zasgen_count
  incr zasgen_count($kind)
  if {$kind != "applied" && $zasgen_count(unmatched) + $zasgen_count(notreg) <= 20} {
    puts "ZASGEN activity_problem $kind $name"
  }
}
)TCL";

std::string num(double v) {
  std::ostringstream s;
  s << std::setprecision(9) << v;
  return s.str();
}

}  // namespace

ActivitySpec job_activity(const SynthJob& job) {
  ActivitySpec a;
  if (!job.activity_file.empty())
    a = activity_rates(
        read_activity_file(job.activity_file, job.macros, job.clock_period_ns, job.saif_scope));
  a.default_toggle_rate = job.default_toggle_rate;
  a.default_duty = job.default_duty;
  return a;
}

std::string sta_activity_script(const SynthJob& job, const ActivitySpec& a) {
  std::ostringstream s;
  std::map<std::string, const char*> kind_of;
  for (const rtl::MacroEntry& m : job.macros.macros)
    for (const std::string& inst : m.instances) kind_of[inst] = rtl::to_string(m.geometry.kind);
  s << "# zasgen OpenSTA activities (generated), sourced by sta_power.tcl: one command per net.\n";
  s << "set_power_activity -input -activity " << num(a.default_toggle_rate) << " -duty "
    << num(a.default_duty) << "\n";
  for (const auto& [name, act] : a.nets) {
    if (!tcl_brace_safe(name)) {
      s << "zasgen_tally unmatched {(unquotable name)}\n";
      continue;
    }
    s << "zasgen_tally [zasgen_net_activity {" << name << "} " << num(act.toggle_rate) << " "
      << num(act.duty) << "] {" << name << "}\n";
  }
  for (const auto& [name, acc] : a.macros) {
    const auto kind = kind_of.find(name);
    if (!tcl_brace_safe(name) || kind == kind_of.end()) {
      s << "zasgen_tally unmatched {" << (tcl_brace_safe(name) ? name : "(unquotable name)")
        << "}\n";
      continue;
    }
    s << "zasgen_tally [zasgen_macro_access {" << name << "} " << kind->second << " "
      << num(acc.reads_per_cycle) << " " << num(acc.writes_per_cycle) << "] {" << name << "}\n";
  }
  s << "puts \"ZASGEN activity $zasgen_count(applied) $zasgen_count(unmatched) "
       "$zasgen_count(notreg)\"\n";
  return s.str();
}

namespace {

// Libraries, netlist and constraints: the same in both scripts, so that power sees the clock,
// the input slews and the output loads that timing sees.
void sta_design(std::ostringstream& s, const SynthJob& job, const JobFiles& f, bool aux) {
  s << "read_liberty {" << f.liberty << "}\n";
  if (!f.macro_liberty.empty()) s << "read_liberty {" << f.macro_liberty << "}\n";
  if (aux) s << "read_liberty {" << f.aux_liberty << "}\n";
  s << "read_verilog netlist.v\n";
  s << "link_design " << job.top << "\n";

  s << "# ---- constraints: ideal clock, fixed I/O delays (fmax = 1000/(period - WNS)) ----\n";
  s << "set clk_port [get_ports -quiet {" << job.clock_port << "}]\n";
  s << "if {$clk_port != \"\"} {\n"
    << "  create_clock -name clk -period " << num(job.clock_period_ns) << " $clk_port\n"
    << "  set data_in [delete_from_list [all_inputs] $clk_port]\n"
    << "} else {\n"
    << "  create_clock -name clk -period " << num(job.clock_period_ns) << "\n"
    << "  set data_in [all_inputs]\n"
    << "}\n";
  s << "set_input_delay " << num(job.input_delay_ns) << " -clock clk $data_in\n";
  s << "set_output_delay " << num(job.output_delay_ns) << " -clock clk [all_outputs]\n";
  s << "set_driving_cell -lib_cell " << job.cells.driving_cell << " -pin " << job.cells.buffer_out
    << " $data_in\n";
  s << "set_load " << num(job.cells.output_load_ff * 1e-3) << " [all_outputs]\n";
}

// Wraps a script body: errors end it with ZASGEN_ERROR and exit 1, success with ZASGEN_DONE.
std::string sta_wrapped(const std::string& title, const std::string& body) {
  std::ostringstream s;
  s << "# zasgen OpenSTA script (generated): " << title << "\n";
  s << "if {[catch {\n";
  s << "puts \"ZASGEN version [sta::version]\"\n";
  s << body;
  s << "puts ZASGEN_DONE\n";
  s << "} zasgen_err]} {\n  puts \"ZASGEN_ERROR $zasgen_err\"\n  exit 1\n}\n";
  s << "exit 0\n";
  return s.str();
}

}  // namespace

std::string sta_timing_script(const SynthJob& job, const JobFiles& f) {
  std::ostringstream s;
  sta_design(s, job, f, false);
  s << "# ---- timing ----\n";
  // Asynchronous reset: recovery/removal to the flops is reported, then excluded from fmax:
  // OpenSTA keeps those checks in a path group of their own ("asynchronous"). The reset net
  // reaches every flop without passing through logic, so ABC never buffers it; a real flow
  // builds its tree in place-and-route (flow/README.md, "Timing").
  //
  // A falling-edge register (a clock gate's enable) has half a period to or from the rising
  // edge: those paths get path groups of their own, so their worst slack is reported apart and
  // they leave the full-period group `clk`, and fmax can scale each kind by its share of the
  // period. Groups, not false paths: one timing update serves every figure (each false path
  // would update the timing again, 10 s apiece on 320k register bits).
  // (OpenSTA counts an asynchronous pin among a register's data pins: those stay out of the
  // half-period groups.)
  s << "set half_groups {}\n"
    << "set half_to [delete_from_list [all_registers -fall_clock clk -data_pins] "
       "[all_registers -async_pins]]\n"
    << "foreach {name dir pins} [list zasgen_half_to -to $half_to "
       "zasgen_half_from -from [all_registers -fall_clock clk -clock_pins]] {\n"
    << "  if {[llength $pins] == 0} { continue }\n"
    << "  group_path -name $name $dir $pins\n"
    << "  lappend half_groups $name\n"
    << "}\n";
  // The worst slack of the paths in `groups` (1e30: none).
  s << "proc zasgen_worst {groups delay} {\n"
    << "  set worst 1e30\n"
    << "  if {$groups == {}} { return $worst }\n"
    << "  foreach pe [find_timing_paths -path_delay $delay -path_group $groups] {\n"
    << "    set worst [expr {min($worst, [get_property $pe slack])}]\n"
    << "  }\n"
    << "  return $worst\n"
    << "}\n";
  s << "puts \"ZASGEN async_slack [worst_slack -max]\"\n";
  s << "puts \"ZASGEN half_cycle_slack [zasgen_worst $half_groups max]\"\n";
  s << "puts \"ZASGEN setup_slack [zasgen_worst clk max]\"\n";
  s << "puts \"ZASGEN hold_slack [zasgen_worst clk min]\"\n";
  s << "report_checks -path_delay max -path_group clk -digits 4 -fields {slew cap} > "
       "critical_path.txt\n";
  return sta_wrapped("timing on the intact netlist.", s.str());
}

std::string sta_power_script(const SynthJob& job, const JobFiles& f, const LibInfo& std_lib) {
  std::ostringstream s;
  s << kTclProcs;
  s << "array set zasgen_flop_data {";
  for (const auto& [name, c] : std_lib.cells)
    if (c.sequential && !c.data_pin.empty()) s << " " << name << " " << c.data_pin;
  s << " }\n";
  s << "array set zasgen_tie_cells {";
  for (const auto& [name, c] : std_lib.cells)
    if (!c.tie_pin.empty()) s << " " << name << " {" << c.tie_pin << " " << c.tie_value << "}";
  s << " }\n";
  sta_design(s, job, f, true);
  // Before any timing query: an edit of a netlist whose timing graph exists costs about four
  // times as much (the graph is updated edge by edge).
  s << "# ---- power: constants become activity sources (OpenSTA 2.0.17 crash; see header) ----\n";
  s << "zasgen_replace_constants\n";
  // Sourced, not inlined: `sta -exit` reads its script a line at a time and re-parses the
  // command gathered so far after each line, which is quadratic in this catch block's length
  // (ten minutes for the 125k nets of default.yaml); Tcl's `source` parses a file once.
  s << "# ---- power: activities (set before the first power query; see header) ----\n";
  s << "source " << kActivityScript << "\n";

  s << "# ---- power ----\n";
  s << "set corner [sta::cmd_corner]\n";
  s << "puts \"ZASGEN power_design [sta::design_power $corner]\"\n";
  // By the manifest's paths: a search of the hierarchy for the macro cells took 9 s on a
  // design with 320k register bits.
  s << "foreach name {";
  for (const rtl::MacroEntry& m : job.macros.macros)
    for (const std::string& inst : m.instances) {
      std::string path = inst;
      std::replace(path.begin(), path.end(), '.', '/');
      if (tcl_brace_safe(path)) s << " " << path;
    }
  s << " } {\n"
    << "  foreach inst [get_cells -quiet $name] {\n"
    << "    puts \"ZASGEN power_macro [get_full_name $inst] [get_property $inst ref_name] "
       "[sta::instance_power $inst $corner]\"\n"
    << "  }\n"
    << "}\n";
  // A clock gate's own logic (all but its enable flop) drives the gated clock net, whose
  // switching OpenSTA books on that logic at the full clock rate.
  s << "array set zasgen_seq_cells {";
  for (const auto& [name, c] : std_lib.cells)
    if (c.sequential) s << " " << name << " 1";
  s << " }\n";
  for (const rtl::ClockGateEntry& g : job.macros.clock_gates) {
    std::string path = g.instance;
    std::replace(path.begin(), path.end(), '.', '/');
    if (!tcl_brace_safe(path)) continue;
    s << "set p {0 0 0}\n"
      << "foreach c [get_cells -quiet {" << path << "/*}] {\n"
      << "  if {[info exists zasgen_seq_cells([get_property $c ref_name])]} continue\n"
      << "  set q [sta::instance_power $c $corner]\n"
      << "  set p [list [expr {[lindex $p 0] + [lindex $q 0]}] "
         "[expr {[lindex $p 1] + [lindex $q 1]}] [expr {[lindex $p 2] + [lindex $q 2]}]]\n"
      << "}\n"
      << "puts \"ZASGEN power_gate {" << g.instance << "} $p\"\n";
  }
  return sta_wrapped("power on the netlist with activity sources.", s.str());
}

namespace {

struct StaOutput {
  std::string version;
  bool done = false;
  double setup = 0, hold = 0, with_async = 0, half = 1e30;
  std::vector<double> design;  // 20 numbers: total, seq, comb, macro, pad x (int, sw, leak, tot)
  struct Macro {
    std::string inst, ref;
    std::vector<double> p;
  };
  std::vector<Macro> macros;
  std::map<std::string, std::vector<double>> gates;  // instance -> internal, switching, leakage
  int64_t applied = 0, unmatched = 0, notreg = 0;
  std::vector<std::string> problems;
};

std::vector<double> numbers(std::istringstream& in) {
  std::vector<double> v;
  std::string w;
  while (in >> w) v.push_back(std::strtod(w.c_str(), nullptr));
  return v;
}

StaOutput parse_sta_log(const std::string& log) {
  StaOutput o;
  std::istringstream in(read_text(log));
  std::string line;
  while (std::getline(in, line)) {
    if (line == "ZASGEN_DONE") o.done = true;
    if (line.rfind("ZASGEN ", 0) != 0) continue;
    std::istringstream l(line.substr(7));
    std::string key;
    l >> key;
    if (key == "version")
      l >> o.version;
    else if (key == "setup_slack")
      o.setup = numbers(l).at(0);
    else if (key == "half_cycle_slack")
      o.half = numbers(l).at(0);
    else if (key == "hold_slack")
      o.hold = numbers(l).at(0);
    else if (key == "async_slack")
      o.with_async = numbers(l).at(0);
    else if (key == "power_design")
      o.design = numbers(l);
    else if (key == "power_macro") {
      StaOutput::Macro m;
      l >> m.inst >> m.ref;
      m.p = numbers(l);
      o.macros.push_back(m);
    } else if (key == "power_gate") {
      std::string inst;
      l >> inst;
      if (inst.size() > 2 && inst.front() == '{' && inst.back() == '}')
        inst = inst.substr(1, inst.size() - 2);
      o.gates[inst] = numbers(l);
    } else if (key == "activity")
      l >> o.applied >> o.unmatched >> o.notreg;
    else if (key == "activity_problem") {
      std::string rest;
      std::getline(l, rest);
      o.problems.push_back(rest.empty() ? rest : rest.substr(1));
    }
  }
  return o;
}

PowerGroup group(const std::vector<double>& v, size_t at) {
  PowerGroup g;
  g.internal_mw = v.at(at) * 1e3;
  g.switching_mw = v.at(at + 1) * 1e3;
  g.leakage_mw = v.at(at + 2) * 1e3;
  return g;
}

// OpenSTA 2.0.17 charges a clock pin's internal energy as (rise + fall) x duty 1 x 2
// transitions per cycle: twice the library's per-cycle energy (newer OpenSTA averages rise and
// fall). Measured on this machine (tests/flow); corrected only for that version.
constexpr const char* kClockDoublingVersion = "2.0.17";

// Leaf cells of one instance of `module` by type, through its submodules.
std::map<std::string, int64_t> subtree_cells(const std::vector<ModuleArea>& mods,
                                             const std::string& module) {
  std::map<std::string, int64_t> cells;
  std::function<void(const std::string&, int64_t)> add = [&](const std::string& name,
                                                             int64_t times) {
    const auto m = std::find_if(mods.begin(), mods.end(),
                                [&](const ModuleArea& a) { return a.module == name; });
    if (m == mods.end()) {
      cells[name] += times;  // a cell
      return;
    }
    for (const auto& [type, n] : m->cell_counts) add(type, times * n);
  };
  add(module, 1);
  return cells;
}

// Clock gates (ARCH 5): OpenSTA propagates the full clock through a gate, so the gated flops'
// clock pins and the gated clock net are charged every cycle. Each gate's duty (its enable
// register's fraction of cycles at 1) takes (1 - duty) of both off. Without an activity for
// the enable the block counts as clocked every cycle.
void credit_clock_gates(const SynthJob& job, const LibInfo& std_lib, const ActivitySpec& a,
                        const StaOutput& o, const SynthResult& r, PowerGroup& seq, PowerGroup& comb,
                        PowerResult& p) {
  for (const rtl::ClockGateEntry& g : job.macros.clock_gates) {
    ClockGatePower cg;
    cg.instance = g.instance;
    const auto own = subtree_cells(r.modules, g.module);
    double clock_pj = 0;
    for (const auto& [type, n] : subtree_cells(r.modules, g.block_module)) {
      if (job.macros.find(type)) {
        cg.macros += n;
        continue;
      }
      const auto c = std_lib.cells.find(type);
      if (c == std_lib.cells.end() || !c->second.sequential) continue;
      const auto o_it = own.find(type);
      const int64_t gated = n - (o_it == own.end() ? 0 : o_it->second);
      cg.flops += gated;
      clock_pj += double(gated) * c->second.clock_energy_pj;
    }
    if (const auto e = a.nets.find(g.enable); e != a.nets.end()) {
      cg.duty_known = true;
      cg.duty = std::clamp(e->second.duty, 0.0, 1.0);
    } else {
      p.notes.push_back("no activity for clock gate enable " + g.enable +
                        ": its block is counted as clocked every cycle");
    }
    const double idle = 1.0 - cg.duty;
    const double flop_mw = idle * clock_pj / job.clock_period_ns;
    seq.internal_mw -= flop_mw;
    double gate_mw = 0;
    if (const auto gp = o.gates.find(g.instance); gp != o.gates.end() && gp->second.size() >= 2) {
      comb.internal_mw -= idle * gp->second[0] * 1e3;
      comb.switching_mw -= idle * gp->second[1] * 1e3;
      gate_mw = idle * (gp->second[0] + gp->second[1]) * 1e3;
    }
    cg.credit_mw = flop_mw + gate_mw;
    p.clock_gating_credit_mw += cg.credit_mw;
    p.clock_gates.push_back(cg);
  }
}

void fill_power(const SynthJob& job, const LibInfo& std_lib, const ActivitySpec& a,
                const StaOutput& o, SynthResult& r) {
  PowerResult& p = r.power;
  p.sta_version = o.version;
  p.activity_applied = o.applied;
  p.activity_unmatched = o.unmatched;
  p.activity_not_register = o.notreg;
  p.activity_problems = o.problems;
  if (o.design.size() < 16)
    throw FlowError(Code::ResultParse, r.sta_power_log, "no design power in OpenSTA output");
  p.reported_total = group(o.design, 0);
  PowerGroup seq = group(o.design, 4), comb = group(o.design, 8), macro_grp = group(o.design, 12);

  const bool fix_clock = o.version == kClockDoublingVersion;
  if (!fix_clock)
    p.notes.push_back("OpenSTA " + o.version +
                      ": the clock-pin power correction was verified "
                      "only for " +
                      kClockDoublingVersion + " and is not applied");

  // Macros: OpenSTA 2.0.17 does not know `is_macro_cell` and books them as combinational.
  PowerGroup macro_sum;
  for (const auto& m : o.macros) {
    if (m.p.size() < 3) throw FlowError(Code::ResultParse, r.sta_power_log, "bad macro power line");
    MacroPower mp;
    mp.instance = m.inst;
    mp.cell = m.ref;
    mp.power = group(m.p, 0);
    macro_sum.internal_mw += mp.power.internal_mw;
    macro_sum.switching_mw += mp.power.switching_mw;
    macro_sum.leakage_mw += mp.power.leakage_mw;
    // All of a macro's internal power is its clk pin's (the liberty puts it nowhere else).
    if (fix_clock) mp.power.internal_mw *= 0.5;
    p.macros.push_back(mp);
  }
  // The script finds the macros by the manifest's paths: one it did not find would leave its
  // power booked as logic, so say so.
  size_t listed = 0;
  for (const rtl::MacroEntry& m : job.macros.macros) listed += m.instances.size();
  if (o.macros.size() != listed)
    p.notes.push_back("OpenSTA found " + std::to_string(o.macros.size()) + " of the " +
                      std::to_string(listed) +
                      " SRAM macro instances the manifest lists: the rest count as logic");
  if (macro_grp.total_mw() < 1e-12) {
    comb.internal_mw -= macro_sum.internal_mw;
    comb.switching_mw -= macro_sum.switching_mw;
    comb.leakage_mw -= macro_sum.leakage_mw;
  }
  p.macro = PowerGroup{};
  for (const auto& m : p.macros) {
    p.macro.internal_mw += m.power.internal_mw;
    p.macro.switching_mw += m.power.switching_mw;
    p.macro.leakage_mw += m.power.leakage_mw;
  }
  // Flops: subtract one copy of each flop's clock-pin energy per cycle (pJ / ns = mW).
  double flop_clock_mw = 0;
  for (const auto& [cell, n] : r.cell_counts)
    if (auto it = std_lib.cells.find(cell); it != std_lib.cells.end() && it->second.sequential)
      flop_clock_mw += double(n) * it->second.clock_energy_pj / job.clock_period_ns;
  if (fix_clock) seq.internal_mw -= flop_clock_mw;
  credit_clock_gates(job, std_lib, a, o, r, seq, comb, p);
  p.sequential = seq;
  p.combinational = comb;
  p.total.internal_mw = seq.internal_mw + comb.internal_mw + p.macro.internal_mw;
  p.total.switching_mw = seq.switching_mw + comb.switching_mw + p.macro.switching_mw;
  p.total.leakage_mw = seq.leakage_mw + comb.leakage_mw + p.macro.leakage_mw;
  p.clock_pin_correction_mw = p.reported_total.total_mw() - p.total.total_mw();
  if (o.unmatched > 0 || o.notreg > 0)
    p.notes.push_back(std::to_string(o.unmatched) + " activity names not found, " +
                      std::to_string(o.notreg) +
                      " not register outputs (OpenSTA propagates those itself)");
}

}  // namespace

namespace {

struct StaProcess {
  std::string script, log;
  ToolRun run;
  std::exception_ptr error;
};

// Runs one OpenSTA script in `dir`; a tool error is kept for the caller's thread.
void run_sta_script(const SynthJob& job, const std::string& dir, StaProcess& p) {
  try {
    p.run = run_tool("sta", {job.tools.sta, "-no_init", "-exit", p.script}, dir, dir + "/" + p.log,
                     job.sta_timeout_s);
  } catch (...) {
    p.error = std::current_exception();
  }
}

StaOutput finished_output(const StaProcess& p, const std::string& log_path) {
  if (p.error) std::rethrow_exception(p.error);
  StaOutput o = parse_sta_log(log_path);
  if (p.run.exit_code != 0 || !o.done) {
    std::string err = first_log_line(log_path, "ZASGEN_ERROR");
    if (err.empty()) err = first_log_line(log_path, "Error");
    if (err.empty()) err = "exit code " + std::to_string(p.run.exit_code) + ", script incomplete";
    throw FlowError(Code::ToolFailed, "sta (log: " + log_path + ")", err);
  }
  return o;
}

}  // namespace

// Timing and power run as two OpenSTA processes at once: power edits the netlist (activity
// sources), which timing must not see, and its edits are cheapest before any timing graph
// exists.
void run_sta(const SynthJob& job, const JobFiles& f, const LibInfo& std_lib, SynthResult& r) {
  const std::string dir = f.out_dir;
  write_file_atomic(dir + "/" + f.aux_liberty, aux_liberty_text());
  const ActivitySpec activity = job_activity(job);
  write_file_atomic(dir + "/" + kActivityScript, sta_activity_script(job, activity));
  write_file_atomic(dir + "/sta.tcl", sta_timing_script(job, f));
  write_file_atomic(dir + "/sta_power.tcl", sta_power_script(job, f, std_lib));
  r.sta_script = dir + "/sta.tcl";
  r.sta_log = dir + "/sta.log";
  r.sta_power_script = dir + "/sta_power.tcl";
  r.sta_power_log = dir + "/sta_power.log";
  StaProcess timing{"sta.tcl", "sta.log", {}, nullptr};
  StaProcess power{"sta_power.tcl", "sta_power.log", {}, nullptr};
  std::thread power_thread([&] { run_sta_script(job, dir, power); });
  run_sta_script(job, dir, timing);
  power_thread.join();
  r.sta_seconds = std::max(timing.run.seconds, power.run.seconds);
  r.sta_timing_seconds = timing.run.seconds;
  r.sta_power_seconds = power.run.seconds;
  const StaOutput o = finished_output(timing, r.sta_log);
  const StaOutput po = finished_output(power, r.sta_power_log);
  TimingResult& t = r.timing;
  t.period_ns = job.clock_period_ns;
  t.worst_setup_slack_ns = o.setup;
  t.worst_hold_slack_ns = o.hold;
  t.worst_slack_with_async_ns = o.with_async;
  // OpenSTA prints a huge number (INF) when nothing is constrained.
  t.has_paths = std::fabs(o.setup) < 1e9;
  t.has_half_cycle_paths = o.half < 1e29;
  if (t.has_half_cycle_paths) t.half_cycle_slack_ns = o.half;
  if (t.has_paths) {
    // A half-period path of slack s needs a period of (period - 2 s).
    double critical = job.clock_period_ns - o.setup;
    if (t.has_half_cycle_paths)
      critical = std::max(critical, job.clock_period_ns - 2.0 * t.half_cycle_slack_ns);
    t.fmax_mhz = critical > 0 ? 1000.0 / critical : 0.0;
  }
  // The worst full-period path (group clk).
  t.critical_path = read_text(dir + "/critical_path.txt");
  fill_power(job, std_lib, activity, po, r);
}

}  // namespace zasgen::flow::detail
