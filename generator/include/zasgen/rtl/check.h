// Structural checks of an elaborated design, run before printing: every net bit is driven
// exactly once and read at least once, combinational processes assign a default to everything
// they assign (so no latch can be inferred), instances connect every port. A failure is an
// elaboration bug: std::logic_error listing every problem found.
#pragma once

#include "zasgen/rtl/ir.h"

namespace zasgen::rtl {

void check_design(const Design& design);

}  // namespace zasgen::rtl
