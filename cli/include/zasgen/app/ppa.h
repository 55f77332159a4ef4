// Power, performance and area of a configuration and its dense twin, the way `zasgen synth`
// reports them: generate the RTL, simulate a real layer on a coverage build to get switching
// activity over the busy cycles, synthesize against the generated 55-nm-like liberty, time and
// power the netlist with OpenSTA under that activity, and turn power into energy per layer and
// effective TOPS/W (2 x the layer's dense MACs / energy of the run).
//
// A coverage build simulates ~1k cycles/s on a large design, so a layer whose run on a design
// would exceed `activity_budget` cycles is sampled for that design: the activity comes from a
// window of it (its first input rows, every channel, full width, the same tensors), and the
// energy is that power times the busy cycles of the whole layer, simulated (bit-exact) on the
// ordinary build. The window's top and bottom rows see padding, so its activity per cycle is a
// little lower than the whole layer's (8% for default.yaml's 6-row window).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "zasgen/arch_params.h"
#include "zasgen/flow/synth.h"
#include "zasgen/sim/design.h"
#include "zasgen/sim/layer_case.h"

namespace zasgen::app {

struct PpaOptions {
  std::string out_dir;     // out/<config stem>/ (synth/ and dense/synth/ below it)
  std::string cache_root;  // simulator builds
  std::string layer;       // activity layer; empty: sim::representative_layer()
  double sparsity = 0.9;   // its input sparsity
  uint64_t seed = 1;
  uint64_t activity_budget = 100000;  // most dense-twin cycles simulated for activity
  bool dense = true;                  // also the dense twin
  bool osu018 = false;                // cross-check against Debian's osu018 library
  bool power = true;                  // activity simulation, timing and power (else area only)
  bool gatesim = false;               // simulate the mapped netlist on the layer (bit-exact check)
  std::function<void(const std::string&)> log;  // progress lines
};

struct DesignPpa {
  ArchParams params;
  flow::SynthResult synth;
  sim::ActivityRun activity;     // on the activity window
  std::string activity_file;     // what flow read: <out>/activity/activity.json
  model::LayerSpec window;       // the layer, or its first rows (see above)
  uint64_t layer_cycles = 0;     // busy cycles of the whole layer
  double layer_sim_seconds = 0;  // simulating the whole layer when the window is smaller
  double clock_mhz = 0;          // the configured target clock (power and energy are at this clock)
  double layer_us = 0;           // busy time of the whole layer at that clock
  double energy_uj = 0;          // total power x busy time
  double tops_per_w = 0;         // effective: 2 x dense MACs of the layer / energy
  std::optional<flow::CrossCheck> osu018;
  // Gate-level simulation of the mapped netlist (cell models from the liberty's functions).
  std::optional<sim::Mismatch> gatesim;
  uint64_t gatesim_cycles = 0;
  double gatesim_seconds = 0;
};

struct PpaResult {
  sim::LayerCase layer;  // what energy and TOPS/W are for
  DesignPpa sparse;
  std::optional<DesignPpa> dense;
};

PpaResult run_ppa(const ArchParams& p, const PpaOptions& o);

// The window of `full` whose run on `design` the analytic cycle model puts within
// `budget` cycles: its first input rows (as many as fit, at least r + stride), every channel, the
// full width, the same tensors. `full` itself when it fits.
sim::LayerCase activity_window(const sim::LayerCase& full, const ArchParams& design,
                               uint64_t budget);

nlohmann::ordered_json to_json(const PpaResult& r);

}  // namespace zasgen::app
