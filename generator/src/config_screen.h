// Screening of a configuration's raw text before yaml-cpp reads it.
//
// yaml-cpp 0.7 mishandles some hostile input: a lone '"' parses as an empty string, a NUL byte
// ends the text early or makes an "unknown escape" error on the wrong line, deep flow nesting
// ends in "bad file" or deep recursion. Those are found here, with a located diagnostic, so
// that yaml-cpp only ever sees UTF-8 text without control characters, closed quotes and
// bounded nesting.
#pragma once

#include <string>

#include "zasgen/diag.h"

namespace zasgen::detail {

// Deepest flow nesting ([ and {) plus block indicators on one line ("- - -") accepted; the
// configuration schema needs three.
constexpr int kMaxYamlNesting = 64;

// Reports the first problem (E009 NotUtf8, E010 ControlCharacter, E011 UnclosedQuote, E012
// NestingTooDeep) and returns false; true when yaml-cpp may read the text. Columns are 1-based
// byte offsets in the line, as yaml-cpp counts them.
bool screen_config_text(const std::string& text, const std::string& file, Diagnostics& diags);

}  // namespace zasgen::detail
