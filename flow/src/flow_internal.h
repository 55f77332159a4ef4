// Declarations shared by the driver's translation units (not part of the public API).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "lib_scan.h"
#include "zasgen/flow/activity.h"
#include "zasgen/flow/synth.h"

namespace zasgen::flow::detail {

// Paths the tools see, relative to the output directory (the tools run there), so that
// scripts and logs do not depend on where the tree lives.
struct JobFiles {
  std::string out_dir;               // absolute
  std::vector<std::string> verilog;  // relative to out_dir
  std::string liberty, macro_liberty, aux_liberty;
};

// ---- Yosys (yosys_run.cpp) ----
std::string yosys_script(const SynthJob& job, const JobFiles& f);
std::string abc_script();
std::string abc_constraints(const SynthJob& job);
// Runs Yosys and fills the area part of `r` from stat.json / stat.txt and the libraries.
void run_yosys(const SynthJob& job, const JobFiles& f, const std::vector<const LibInfo*>& libs,
               SynthResult& r);

// Area by module from `stat -json` (module -> cell type -> count) and cell areas.
using StatCounts = std::map<std::string, std::map<std::string, int64_t>>;
StatCounts parse_stat_json(const std::string& path);
void compute_areas(const StatCounts& stat, const std::string& top,
                   const std::vector<const LibInfo*>& libs, const rtl::MacroManifest& macros,
                   SynthResult& r);

// ---- OpenSTA (sta_run.cpp) ----
std::string aux_liberty_text();  // the power-analysis helper cell library
// Timing on the intact netlist (sta.tcl), and power on the netlist with activity sources
// (sta_power.tcl); run_sta runs both at once.
std::string sta_timing_script(const SynthJob& job, const JobFiles& f);
std::string sta_power_script(const SynthJob& job, const JobFiles& f, const LibInfo& std_lib);
// The per-net activity commands, in their own file that sta_power.tcl sources.
inline constexpr const char* kActivityScript = "sta_activity.tcl";
// The job's activity file as per-cycle rates (defaults only when it names none).
ActivitySpec job_activity(const SynthJob& job);
std::string sta_activity_script(const SynthJob& job, const ActivitySpec& a);
void run_sta(const SynthJob& job, const JobFiles& f, const LibInfo& std_lib, SynthResult& r);

// True when `s` can be written as a Tcl word inside braces ({u_pe/acc_q[3]}) unchanged.
bool tcl_brace_safe(const std::string& s);

}  // namespace zasgen::flow::detail
