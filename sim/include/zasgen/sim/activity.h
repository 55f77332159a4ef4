// Switching activity of a simulated layer from a coverage build (Verilator --coverage-toggle):
// toggle counts of every signal bit over the accelerator's busy cycles. SRAM accesses come
// from the SRAM models' own counters (layer_sim.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zasgen/activity.h"

namespace zasgen::sim {

// With one clock and zero delays a net settles once per cycle, so it toggles at most `cycles`
// times; Verilator 5.006 reports more for some bits it folded to constants (three per cycle).
// Drops those counts (power analysis then propagates activity to them); returns how many.
uint64_t drop_impossible_toggles(SwitchingActivity& a);

// Adds the toggle counts of coverage files written by a design whose top module is `top`.
void add_coverage(SwitchingActivity& a, const std::vector<std::string>& files,
                  const std::string& top);

}  // namespace zasgen::sim
