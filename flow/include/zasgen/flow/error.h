// Errors a user can cause through the flow library: a bad process spec, a bad synthesis job,
// a missing or failing EDA tool, a tool output the flow cannot read.
//
// Diagnostic-shaped (zasgen/error.h): a stable code, where it happened (spec file:line:col, tool
// log path), what is wrong and what would be accepted. what() renders all of it on one line.
// Tests assert codes, never message text. Spec and activity-file problems are the user's input
// (exit 1); tool problems exit 4; BadArgument is a caller's bug (exit 5).
#pragma once

#include <string>

#include "zasgen/error.h"

namespace zasgen::flow {

class FlowError : public Error {
 public:
  enum class Code {
    SpecUnreadable,  // the process spec file cannot be read
    SpecSyntax,      // YAML syntax error in the process spec
    SpecMissing,     // a required key is missing
    SpecValue,       // a value has the wrong type or is out of range
    SpecUnknownKey,  // a key the spec schema does not know (typo guard)
    BadArgument,     // an API argument is unusable (SRAM geometry, empty job, ...)
    ToolMissing,     // yosys / sta / verilator not found
    ToolFailed,      // a tool exited non-zero or reported an error; the log path is in where()
    ToolTimeout,     // a tool ran longer than its budget and was stopped
    ResultParse,     // a tool report the flow cannot parse (never a partial result)
    Io,              // a file could not be written
    ActivityFile,    // an activity file (ours or SAIF) that cannot be read
  };
  FlowError(Code code, std::string where, std::string problem, std::string accepted = "");

  Code code() const { return code_; }

 private:
  Code code_;
};

const char* to_string(FlowError::Code c);

}  // namespace zasgen::flow
