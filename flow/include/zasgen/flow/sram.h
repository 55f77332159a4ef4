// SRAM macro model: area, access time, energy per access and leakage of geometry-named macros
// (sram_1rw_<depth>x<width>, sram_1r1w_<depth>x<width>), and their Liberty view.
//
// Ports (active-high, synchronous to clk, registered read data, 1-cycle read latency,
// A = max(1, clog2(depth))):
//   sram_1rw_DxW : in clk, ce, we, addr[A-1:0], wdata[W-1:0]; out rdata[W-1:0]
//   sram_1r1w_DxW: in clk, re, raddr[A-1:0], we, waddr[A-1:0], wdata[W-1:0]; out rdata[W-1:0]
// The behavioural Verilog of these lives in templates/; this file gives timing/area/power only.
#pragma once

#include <string>
#include <vector>

#include "zasgen/flow/liberty.h"

namespace zasgen::flow {

enum class SramKind { OneRW, OneROneW };

struct SramMacro {
  std::string name;  // sram_1rw_512x64
  SramKind kind = SramKind::OneRW;
  int depth = 0, width = 0;
  int addr_bits = 0;  // max(1, clog2(depth))

  // Organisation chosen by the model.
  int mux = 1;   // column mux
  int rows = 0;  // depth / mux
  int cols = 0;  // width * mux
  double array_w_um = 0, array_h_um = 0;

  // Results.
  double area_um2 = 0;
  double array_area_um2 = 0;  // bit cells / array efficiency
  double access_ns = 0;       // clk -> rdata at the reference output load
  double setup_ns = 0, hold_ns = 0;
  double read_pj = 0, write_pj = 0;  // per access
  double idle_clock_pj = 0;          // per cycle when deselected
  double leakage_uw = 0;
};

// Model of one geometry. depth >= 2, width >= 1; throws FlowError(BadArgument) otherwise.
SramMacro sram_macro(const LibertySpec& spec, SramKind kind, int depth, int width);

// "sram_1rw_512x64" <-> (kind, depth, width). parse returns false for other names.
std::string sram_name(SramKind kind, int depth, int width);
bool parse_sram_name(const std::string& name, SramKind& kind, int& depth, int& width);

// One Liberty library (<spec.name>_sram) with one macro cell per geometry, sorted by name,
// duplicates removed. Deterministic.
std::string write_sram_liberty(const LibertySpec& spec, const std::vector<SramMacro>& macros);

}  // namespace zasgen::flow
