// SRAM macros as first-class objects: the geometry of every memory a design instantiates and
// where its instances are, and the clock gates with the blocks they gate. `zasgen generate`
// writes the manifest (rtl/macros.json) beside filelist.f; synthesis, power and activity
// counting read it instead of parsing module names.
//
// Macro ports (active-high, synchronous to clk, registered read data, 1-cycle read latency,
// A = max(1, clog2(depth))):
//   1rw  (single port): in clk, ce, we, addr[A-1:0], wdata[W-1:0]; out rdata[W-1:0]
//   1r1w (two-port):    in clk, re, raddr[A-1:0], we, waddr[A-1:0], wdata[W-1:0]; out rdata
// The behavioural simulation models come from templates/; flow/ models area, timing and power.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace zasgen::rtl {

struct Design;

enum class SramKind { OneRW, OneROneW };
const char* to_string(SramKind k);  // "1rw", "1r1w"

struct SramGeometry {
  SramKind kind = SramKind::OneRW;
  int depth = 0, width = 0;
  int addr_bits() const;            // max(1, clog2(depth))
  std::string module_name() const;  // sram_1rw_<depth>x<width>: the one place names are made
  bool operator==(const SramGeometry& o) const {
    return kind == o.kind && depth == o.depth && width == o.width;
  }
};

// An SRAM macro, or a register file standing in for one (same ports and timing).
struct MacroEntry {
  SramGeometry geometry;
  std::string module;                  // the module name the RTL instantiates
  std::vector<std::string> instances;  // paths below the top, '.' between instance names
  int fields = 1;  // register files: equal fields of a word, each used by one PE only
  // Register files: where the simulation view keeps the registers of the synthesized words
  // (Module::sim_state): element or bit i of the variable `first` of each instance is the
  // register `second` with {} replaced by i, below the instance.
  std::map<std::string, std::string> sim_state;
};

// A sim_state register name: `pattern` with {} replaced by `index`.
std::string sim_state_register(const std::string& pattern, int index);

// A clock gate (ARCH 5): every register of `block` (the instance holding the gate, "" for the
// top) but the gate's own runs on the gated clock, which has an edge in the cycles where the
// register `enable` is 1. Paths are below the top, '.' between instance names.
struct ClockGateEntry {
  std::string instance;      // the gate, e.g. "u_drain.u_cg"
  std::string module;        // its module
  std::string block;         // the gated instance, e.g. "u_drain"
  std::string block_module;  // its module
  std::string enable;        // the enable register, e.g. "u_drain.u_cg.en_q"
};

struct MacroManifest {
  std::string top;
  std::vector<MacroEntry> macros;           // sorted by module name
  std::vector<MacroEntry> register_files;   // sorted by module name
  std::vector<ClockGateEntry> clock_gates;  // sorted by instance path
  const MacroEntry* find(const std::string& module) const;
  int instance_count() const;
};

// Walks the design from its top module.
MacroManifest macro_manifest(const Design& d);

// rtl/macros.json:
//   {"format": "zasgen-macros", "version": 1, "top": "<top>",
//    "macros": [{"module": "sram_1r1w_390x448", "kind": "1r1w", "depth": 390, "width": 448,
//                "instances": ["u_lane0.u_psum.u_b0_s0", ...]}, ...],
//    "clock_gates": [{"instance": "u_drain.u_cg", "module": "<m>", "block": "u_drain",
//                     "block_module": "<m>", "enable": "u_drain.u_cg.en_q"}, ...],
//    "register_files": [{"module": "<m>", "kind": "1r1w", "depth": 75, "width": 448,
//                        "fields": 16, "sim_state": {"q": "u_word{}.q", ...},
//                        "instances": ["u_lane0.u_psum.u_b0_s0", ...]}, ...]}
// "clock_gates" and "register_files" may be absent (a design without gates or register files).
// A register file's gates are listed with the other gates, under its instances. Its "fields"
// (optional, 1 when absent, a divisor of the width) are the equal parts of a word that each
// only one PE reads and writes; its "sim_state" (optional) is MacroEntry::sim_state.
std::string manifest_json(const MacroManifest& m);
// Throws InputError (code "macro-manifest") naming `file` when the text is not a manifest.
MacroManifest parse_manifest_json(const std::string& text, const std::string& file);
// Reads <rtl_dir>/macros.json.
MacroManifest read_manifest(const std::string& rtl_dir);

}  // namespace zasgen::rtl
