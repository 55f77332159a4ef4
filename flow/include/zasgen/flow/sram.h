// SRAM macro model: area, access time, energy per access and leakage of the macros a design
// uses (their geometries and ports: zasgen/rtl/macros.h), and their Liberty view. The
// behavioural Verilog of these lives in templates/; this file gives timing/area/power only.
//
// Area, read and write energy and leakage come from the CACTI 7 calibration table
// (zasgen/flow/sram_table.h, device type kSramDevice), interpolated in log-log. The access time
// used for timing comes from a first-order delay model of a delay-aware organisation (CACTI's
// table was optimised for energy alone, with delay unweighted, so its access times are those of
// the slowest organisations); CACTI's figure is kept beside it (docs/ESTIMATES.md).
#pragma once

#include <string>
#include <vector>

#include "zasgen/flow/liberty.h"
#include "zasgen/rtl/macros.h"

namespace zasgen::flow {

using rtl::SramGeometry;
using rtl::SramKind;

struct SramMacro {
  std::string name;  // the macro cell: sram_1rw_512x64
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
  double leakage_uw = 0;             // at the spec's temperature and supply

  // Provenance: the calibration table's figures and the first-order model's.
  std::string device;               // CACTI device type (kSramDevice)
  bool in_table_grid = true;        // within the table's depth/width range (else extrapolated)
  double cacti_access_ns = 0;       // CACTI's access time, 65 nm, energy-optimal organisation
  double first_order_area_um2 = 0;  // the first-order model, for comparison
  double first_order_read_pj = 0, first_order_write_pj = 0;
};

// The CACTI device type the model uses: ITRS low standby power, nominal 1.2 V at 65 nm (the
// closest to the 1.08 V target and to a 55-nm LP process; docs/ESTIMATES.md has the comparison
// with itrs-lop).
inline constexpr const char* kSramDevice = "itrs-lstp";

// Model of one geometry (named by SramGeometry::module_name()). depth >= 2, width >= 1;
// throws FlowError(BadArgument) otherwise.
SramMacro sram_macro(const LibertySpec& spec, const SramGeometry& g);

// One Liberty library (<spec.name>_sram) with one macro cell per geometry, sorted by name,
// duplicates removed. Deterministic.
std::string write_sram_liberty(const LibertySpec& spec, const std::vector<SramMacro>& macros);

}  // namespace zasgen::flow
