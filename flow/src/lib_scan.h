// A small reader of Liberty files: only what the driver needs from the libraries it passes to
// the tools (cell areas for the area report, flops and their data pin for activity seeding,
// clock-pin energies for the OpenSTA 2.0.17 power correction). Works on any library (the
// osu018 cross-check reads qflow's file with it).
#pragma once

#include <map>
#include <string>

namespace zasgen::flow::detail {

struct LibCellInfo {
  std::string name;
  double area = 0;
  bool sequential = false;     // has an ff/latch group
  std::string data_pin;        // ff next_state when it is a plain pin name, else ""
  double clock_energy_pj = 0;  // rise + fall internal energy of clock pins (groups without
                               // `when`; first table entry), per clock cycle
  bool dont_use = false;
  // A tie cell: no input pins, one output whose function is a constant ("0"/"1", also
  // 1'b0/1'b1). tie_pin is that output ("" when the cell is not a tie cell).
  std::string tie_pin;
  int tie_value = 0;
};

struct LibInfo {
  std::string name;
  std::map<std::string, LibCellInfo> cells;
};

// Throws FlowError(ResultParse) naming the file when the text is not Liberty.
LibInfo scan_liberty(const std::string& path);

}  // namespace zasgen::flow::detail
