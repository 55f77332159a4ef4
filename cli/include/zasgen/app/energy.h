// Energy of a simulated layer as a band {low, central, high}: OpenSTA's power under the
// simulated activity, plus the terms OpenSTA does not see, each from a stated parameter range
// (docs/ESTIMATES.md has the sources):
//   - SRAM access energy: the calibration table's figure (already in OpenSTA's macro power),
//     scaled by sram_scale for CACTI's organisation noise and the device-type choice;
//   - top-level data and address buses between every SRAM macro (or register-file bank) and
//     the logic, with lengths from block areas (centre-to-centre of two adjacent square
//     blocks), per access. A register file whose word is one field per PE is placed as one
//     slice beside each PE: the fields' data travel from a PE to its slice, the address to all
//     slices, and the drain's reads across the array; the high corner charges it as one block;
//   - the clock tree: wire of length k * sqrt(sinks * die area), sink pins and buffers;
//   - glitching of combinational logic, which zero-delay activity propagation misses, as a
//     fraction of the combinational dynamic power.
// Low and high are the corners with every parameter at its low or high end.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "zasgen/flow/sram.h"
#include "zasgen/flow/synth.h"
#include "zasgen/rtl/macros.h"

namespace zasgen::app {

struct Range {
  double low = 0, central = 0, high = 0;
};

struct EnergyParams {
  // SRAM access energy over the calibrated table's: CACTI's organisation jumps (about +-30%
  // between neighbouring rows) and itrs-lop reads costing a median 1.25x itrs-lstp's.
  Range sram_scale{0.8, 1.0, 1.3};
  // Bus length over the centre-to-centre distance of the macro and the logic block: abutted
  // pins (0.5) to a detoured route (1.5).
  Range bus_length_scale{0.5, 1.0, 1.5};
  double bus_toggle_prob = 0.5;  // toggles per bit per transfer: random data
  // Clock tree wire length over sqrt(sinks * area): a Steiner tree of uniformly spread sinks
  // (~0.7), an H-tree (~1), an H-tree with detours (1.5).
  Range clock_length_scale{0.7, 1.0, 1.5};
  double clock_buffer_share = 1.0 / 3.0;  // buffer input cap over the load it drives (FO4 tree)
  // Glitch energy over the combinational dynamic energy OpenSTA computes with zero delay.
  Range glitch{0.10, 0.25, 0.60};
};

// What the band needs to know about one design.
struct EnergyInputs {
  const flow::SynthResult* synth = nullptr;  // area, cell counts, OpenSTA power (at clock_mhz)
  double clock_mhz = 0;
  double layer_us = 0;  // busy time of the layer
  uint64_t cycles = 0;  // busy cycles
  double vdd = 1.08, wire_cap_ff_um = 0.2, flop_clock_pin_ff = 1.0, macro_clock_pin_ff = 5.0;
  // Every macro instance: its model and its simulated accesses.
  struct Instance {
    flow::SramMacro macro;
    uint64_t reads = 0, writes = 0;
  };
  std::vector<Instance> instances;
  // Every register-file bank (memory.psum.storage: registers): its area and word, and its
  // accesses. The bank is set apart from the logic block whose side the lengths use. With one
  // field per PE (`fields` > 1) each field sits beside its PE, whose block is the logic's
  // `fields`-th part; `drain_reads` of the reads carry whole words across the array.
  struct RegisterBank {
    double area_um2 = 0;
    int width = 0, addr_bits = 0;
    double reads = 0, writes = 0;
    int fields = 1;
    double drain_reads = 0;
  };
  std::vector<RegisterBank> register_banks;
};

struct EnergyTerm {
  std::string name;  // sta_logic, sta_sram, sram_scale, bus, clock_tree, glitch
  Range uj;
};

struct EnergyBand {
  Range total_uj;
  Range power_mw;                 // total / busy time
  std::vector<EnergyTerm> terms;  // add up to total_uj at each corner
  double bus_length_um = 0;       // central, mean over the macro instances (access-weighted)
  double clock_wire_mm = 0;       // central
};

EnergyBand energy_band(const EnergyInputs& in, const EnergyParams& p = {});

// An energy band for people: three significant figures (the band is far wider than that), in
// uJ or, from 1,000 uJ, in mJ: "559 uJ (442-732)", "64.3 mJ (49.8-84.8)".
std::string energy_text(const Range& uj);

}  // namespace zasgen::app
