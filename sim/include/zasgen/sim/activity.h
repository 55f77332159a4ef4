// Switching activity of a simulated layer, for power analysis: toggle counts of every signal
// bit and read/write counts of every SRAM macro instance, over the accelerator's busy cycles,
// read from the coverage files of a coverage build (Verilator --coverage-toggle/-line).
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

// Adds the counts of coverage files written by a design whose top module is `top` and whose
// RTL lives in `rtl_dir` (to find the SRAM models' read/write branches).
void add_coverage(SwitchingActivity& a, const std::vector<std::string>& files,
                  const std::string& top, const std::string& rtl_dir);

}  // namespace zasgen::sim
