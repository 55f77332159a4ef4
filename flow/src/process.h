// Running the external EDA tools (through zasgen/process.h: own process group, ended with
// zasgen, no shell) with output to a log file, a wall-clock budget,
// and errors that name the tool and its log (TEAM.md: a missing tool is a user error).
#pragma once

#include <string>
#include <vector>

namespace zasgen::flow::detail {

struct ToolRun {
  int exit_code = 0;
  double seconds = 0;
};

// Absolute path of `exe` (searched in PATH unless it contains a '/'), or "" when not found.
std::string find_executable(const std::string& exe);

// Runs argv[0] with its arguments in directory `cwd`, stdout and stderr to `log_path`, stdin
// from /dev/null. Throws FlowError: ToolMissing (not found), ToolTimeout (after timeout_s, the
// tool's process group is killed). A non-zero exit is returned, not thrown: callers know what
// the tool's failure means.
ToolRun run_tool(const std::string& tool_name, const std::vector<std::string>& argv,
                 const std::string& cwd, const std::string& log_path, int timeout_s);

// The first line of `log_path` containing `marker` (e.g. "ERROR:"), or "".
std::string first_log_line(const std::string& log_path, const std::string& marker);

std::string read_text(const std::string& path);  // "" when unreadable

}  // namespace zasgen::flow::detail
