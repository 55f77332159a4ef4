// Switching activity of a simulated run: what power analysis needs, as a file that any
// simulator can write and the flow reads (flow/README.md, "Activity files").
//
// The counts cover `cycles` clock cycles of one clock. Nets are named by their RTL hierarchy
// below the top module, '.' between instances, a bit index for single bits of a vector:
// "u_lane0.u_pe3.prod_q_2[5]"; a name without an index covers every bit of the net, and its
// counts are totals over those bits (`bits` of them). SRAM macros are named by instance path
// ("u_lane0.u_psum.u_b0_s0") with their read and write counts.
//
// The file (JSON):
//   {"format": "zasgen-activity", "version": 1, "design": "<top>", "cycles": N,
//    "source": "<who measured it>",
//    "nets":   {"<name>": {"toggles": T, "high": H, "bits": B}, ...},   // high, bits optional
//    "macros": {"<instance>": {"reads": R, "writes": W}, ...}}
// `high` is the number of cycles at 1 (duty = high / (cycles x bits)); without it the duty is
// unknown.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace zasgen {

struct NetCounts {
  uint64_t toggles = 0;
  std::optional<uint64_t> high;  // cycles at 1, summed over the bits
  int bits = 1;                  // bits the counts cover (a whole vector, or one bit)
};

struct MacroCounts {
  uint64_t reads = 0, writes = 0;
};

struct SwitchingActivity {
  std::string design;  // top module
  std::string source;  // e.g. "zasgen sim (Verilator toggle sampling)"
  uint64_t cycles = 0;
  std::map<std::string, NetCounts> nets;
  std::map<std::string, MacroCounts> macros;
};

// The JSON text above (deterministic: sorted names).
std::string activity_json(const SwitchingActivity& a);
// Parses it; throws InputError (code "activity-file") naming `file` on anything malformed.
SwitchingActivity parse_activity_json(const std::string& text, const std::string& file);

}  // namespace zasgen
