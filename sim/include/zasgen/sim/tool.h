// Running external tools (Verilator, the C++ compiler, Icarus) from the simulation library,
// through zasgen/process.h (own process group, ended with zasgen, no shell). Their failures
// are zasgen::ToolError (zasgen/error.h), naming the log.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "zasgen/error.h"
#include "zasgen/process.h"

namespace zasgen::sim {

// Runs argv in `cwd` ("" = here) with stdout and stderr to `log_path` and `env` added to the
// environment, at `niceness` (ProcessSpec); returns the exit status (127 when argv[0] is not
// found).
int run_logged(const std::vector<std::string>& argv, const std::string& log_path,
               const std::string& cwd = "",
               const std::vector<std::pair<std::string, std::string>>& env = {}, int niceness = 0);

// Standard output of a program ("" when it cannot run or fails).
std::string capture(const std::vector<std::string>& argv, bool with_stderr = false);

}  // namespace zasgen::sim
