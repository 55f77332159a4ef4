// The SRAM calibration table: CACTI 7 runs at 65 nm for single-port (1rw) and two-port (1r1w)
// macros, depth 32-8192 x width 8-448, two ITRS device types, with area and energies scaled to
// 55 nm / 1.08 V (flow/data/sram-cacti65.csv; its header comments name every field, the CACTI
// commit and the scaling rule; docs/ESTIMATES.md, "SRAM macros"). The table is compiled into
// the tool, so it is found from any working directory.
//
// A geometry is estimated by bilinear interpolation in log(value) over log(depth) and
// log(width) on the table's grid for one kind and device type: exact at every table row,
// extrapolated linearly in log-log from the nearest grid segment outside the grid.
#pragma once

#include <string>
#include <vector>

#include "zasgen/rtl/macros.h"

namespace zasgen::flow {

struct SramTableRow {
  rtl::SramKind kind = rtl::SramKind::OneRW;
  int depth = 0, width = 0;
  std::string device;     // "itrs-lop" or "itrs-lstp"
  double vdd_65 = 0;      // V, CACTI's supply for the device type at 65 nm
  double area55_mm2 = 0;  // scaled to 55 nm
  double read55_pj = 0;   // scaled to 55 nm, 1.08 V
  double write55_pj = 0;  // scaled to 55 nm, 1.08 V
  double leak_mw = 0;     // 65 nm, 300 K, at vdd_65 (not scaled by the table)
  double access_ns = 0;   // 65 nm, energy-optimal organisation (not scaled)
  double area_eff_pct = 0;
};

// One geometry's estimate (55 nm columns; leakage and access time as in the table).
struct SramTableEstimate {
  double area_um2 = 0;
  double read_pj = 0, write_pj = 0;
  double leak_mw = 0;
  double access_ns = 0;
  double vdd_65 = 0;    // V, the supply CACTI used (leakage is at this supply)
  bool in_grid = true;  // depth and width within the table's range (else extrapolated)
};

class SramTable {
 public:
  // Parses the CSV text (comment lines start with '#'). Throws std::runtime_error on a
  // malformed table.
  explicit SramTable(const std::string& csv_text);

  // The table compiled into the tool (flow/data/sram-cacti65.csv).
  static const SramTable& builtin();
  static const std::string& builtin_text();

  const std::vector<SramTableRow>& rows() const { return rows_; }
  const std::vector<int>& depths() const { return depths_; }
  const std::vector<int>& widths() const { return widths_; }

  // Throws std::invalid_argument for an unknown device type or depth/width < 1.
  SramTableEstimate estimate(rtl::SramKind kind, const std::string& device, int depth,
                             int width) const;

  // The same interpolation with the grid point (depth, width) left out along one axis:
  // interpolated (or, at the edge, extrapolated) from its neighbours in depth (axis 0) or in
  // width (axis 1). For the leave-one-out error of the interpolation.
  SramTableEstimate estimate_without(rtl::SramKind kind, const std::string& device, int depth,
                                     int width, int axis) const;

 private:
  struct Grid;
  const SramTableRow* find(rtl::SramKind kind, const std::string& device, int depth,
                           int width) const;
  SramTableEstimate interpolate(rtl::SramKind kind, const std::string& device,
                                const std::vector<int>& depths, const std::vector<int>& widths,
                                double depth, double width) const;
  double node(rtl::SramKind kind, const std::string& device, int depth, int width, int field) const;

  std::vector<SramTableRow> rows_;
  std::vector<int> depths_, widths_;  // the grid, ascending
};

}  // namespace zasgen::flow
