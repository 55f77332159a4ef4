// Running external tools (Verilator, the C++ compiler, Icarus) from the simulation library.
// Their failures are zasgen::ToolError (zasgen/error.h), naming the log.
#pragma once

#include <cstdint>
#include <string>

#include "zasgen/error.h"

namespace zasgen::sim {

// Runs a shell command with output to `log_path`; returns the exit status.
int run_logged(const std::string& command, const std::string& log_path);

// Standard output of a shell command ("" when it cannot run).
std::string capture(const std::string& command);

}  // namespace zasgen::sim
