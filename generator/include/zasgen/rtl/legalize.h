// Name legalisation: the pass between elaboration and printing.
//
// Turns requested names into legal, unique Verilog identifiers, deterministically: characters
// outside [A-Za-z0-9_] become '_', a leading digit gets a leading '_', and a name that is a
// reserved word (generator/data/reserved_words.txt) or already taken in the module gets the
// first free suffix _0, _1, ... Ports and module names are chosen by the generator and must
// already be legal; a bad one is an elaboration bug (std::logic_error).
#pragma once

#include <string>

#include "zasgen/rtl/ir.h"

namespace zasgen::rtl {

bool is_reserved_word(const std::string& name);
void legalize(Design& design);

}  // namespace zasgen::rtl
