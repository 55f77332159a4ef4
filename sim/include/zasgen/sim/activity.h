// Switching activity of a simulated layer, for power analysis: toggle counts of every signal
// bit and read/write counts of every SRAM macro instance, over the accelerator's busy cycles,
// read from the coverage files of a coverage build (Verilator --coverage-toggle/-line).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zasgen::sim {

struct MacroCounts {
  uint64_t reads = 0, writes = 0;
};

struct Activity {
  uint64_t cycles = 0;                        // busy cycles the counts cover
  std::map<std::string, uint64_t> toggles;    // "u_lane0.u_pe3.prod_q_2[5]" -> toggles
  std::map<std::string, MacroCounts> macros;  // "u_lane0.u_psum.u_b0_s0" -> accesses
  uint64_t impossible = 0;                    // bits dropped by drop_impossible_toggles
};

// With one clock and zero delays a net settles once per cycle, so it toggles at most `cycles`
// times; Verilator 5.006 reports more for some bits it folded to constants (three per cycle).
// Drops those counts (power analysis then propagates activity to them) and counts them.
void drop_impossible_toggles(Activity& a);

// Adds the counts of coverage files written by a design whose top module is `top` and whose
// RTL lives in `rtl_dir` (to find the SRAM models' read/write branches).
void add_coverage(Activity& a, const std::vector<std::string>& files, const std::string& top,
                  const std::string& rtl_dir);

}  // namespace zasgen::sim
