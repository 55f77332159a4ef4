// Power, performance and area of a configuration and its dense twin, the way `zasgen synth` and
// `zasgen run` report them: generate the RTL, simulate a real layer on the ordinary simulator
// with the harness counting register toggles and SRAM accesses over the busy cycles (the whole
// layer, bit-exact), write that activity to a file, synthesize against the generated
// 55-nm-like liberty, time and power the netlist with OpenSTA under that activity, and turn
// power into energy per layer and effective TOPS/W (2 x the layer's dense MACs / energy).
// The two designs are simulated and synthesized in parallel (PpaOptions::jobs).
#pragma once

#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zasgen/app/energy.h"
#include "zasgen/app/experiment.h"
#include "zasgen/app/progress.h"
#include "zasgen/arch_params.h"
#include "zasgen/flow/synth.h"
#include "zasgen/sim/design.h"
#include "zasgen/sim/layer_case.h"

namespace zasgen::app {

// Yosys needs only the RTL, so it can run while the simulators that power needs are built:
// one netlist per design, in run_ppa's order (the design, then its dense twin), begun in the
// background. None when o.jobs allows one tool at a time.
struct EarlyNetlists {
  std::vector<std::shared_future<flow::SynthResult>> runs;
};

struct PpaOptions {
  std::string out_dir;     // out/<config stem>/ (synth/ and dense/synth/ below it)
  std::string cache_root;  // simulator builds, and synthesized netlists in its netlists/
  std::string layer;       // activity layer; empty: sim::representative_layer()
  double sparsity = 0.9;   // its input sparsity
  uint64_t seed = 1;
  bool dense = true;     // also the dense twin
  bool osu018 = false;   // cross-check against Debian's osu018 library
  bool power = true;     // activity simulation, timing and power (else area only)
  bool gatesim = false;  // simulate the mapped netlist on the layer (bit-exact check)
  int jobs = 0;          // designs in parallel; 0: the number of cores
  // The layer already simulated on both designs with activity (`zasgen run`): used instead of
  // simulating again. Its designs' RTL must be in design_dir(out_dir, ...).
  const CaseResult* simulated = nullptr;
  // Netlists start_netlists began on these designs' RTL; none: run_ppa synthesizes (and, when
  // it simulates too, begins Yosys itself before building the simulators).
  const EarlyNetlists* netlists = nullptr;
  Progress* progress = nullptr;  // step progress and times (none: quiet)
};

// The folder of a design under out_dir: out_dir itself, and out_dir/dense for its dense twin.
// run_ppa synthesizes each design there, so callers that generate the RTL first put it there.
std::string design_dir(const std::string& out_dir, bool dense_twin);

// `designs`: generated (sim::generated_design) in design_dir(o.out_dir, ...); their RTL must
// stay as it is until the netlists are done.
EarlyNetlists start_netlists(const std::vector<const sim::Design*>& designs, const PpaOptions& o);

struct DesignPpa {
  ArchParams params;
  flow::SynthResult synth;
  sim::DesignResult run;      // the simulated layer, with its activity
  std::string activity_file;  // what flow read: <out>/activity/activity.json
  double clock_mhz = 0;       // the configured target clock (power and energy are at this clock)
  double layer_us = 0;        // busy time of the layer at that clock
  double energy_uj = 0;       // central energy of the layer (energy.total_uj.central)
  double tops_per_w = 0;      // effective, central: 2 x dense MACs of the layer / energy
  // The band and its terms (energy.h): OpenSTA's power x busy time plus the terms it misses.
  EnergyBand energy;
  Range tops_per_w_band;        // effective: 2 x dense MACs / energy (low energy -> high TOPS/W)
  Range tops_per_w_executed;    // real: 2 x executed MACs / energy
  uint64_t macs_executed = 0;   // MACs the design performed (the simulation's count)
  uint64_t macs_dense = 0;      // MACs of the layer done densely
  double pj_per_mac = 0;        // central energy / executed MACs
  double pj_per_dense_mac = 0;  // central energy / dense MACs
  // The SRAM macros of the design, one entry per geometry, with the layer's accesses.
  struct MacroUse {
    flow::SramMacro macro;
    int count = 0;
    uint64_t reads = 0, writes = 0;
  };
  std::vector<MacroUse> sram_macros;
  std::optional<flow::CrossCheck> osu018;
  // Gate-level simulation of the mapped netlist (cell models from the liberty's functions).
  std::optional<sim::Mismatch> gatesim;
  uint64_t gatesim_cycles = 0;
  double gatesim_seconds = 0;
  uint64_t layer_cycles() const { return run.run.perf.cycles; }
};

struct PpaResult {
  sim::LayerCase layer;  // what energy and TOPS/W are for
  DesignPpa sparse;
  std::optional<DesignPpa> dense;
};

PpaResult run_ppa(const ArchParams& p, const PpaOptions& o);

nlohmann::ordered_json to_json(const PpaResult& r);

// A band as {"low", "central", "high"}.
nlohmann::ordered_json band_json(const Range& r);

}  // namespace zasgen::app
