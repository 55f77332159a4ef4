// Structural checks of an elaborated design, run before printing: every net bit is driven
// exactly once and read at least once, combinational processes assign everything they assign
// on every path (so no latch can be inferred), instances connect every port, and no
// combinational loop exists, within a module or through its instances. A failure is an
// elaboration bug: std::logic_error listing every problem found.
#pragma once

#include "zasgen/rtl/ir.h"

namespace zasgen::rtl {

void check_design(const Design& design);

}  // namespace zasgen::rtl
