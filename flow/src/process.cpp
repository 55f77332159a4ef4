#include "process.h"

#include <fstream>
#include <sstream>

#include "zasgen/flow/error.h"
#include "zasgen/process.h"

namespace zasgen::flow::detail {

std::string find_executable(const std::string& exe) {
  return zasgen::find_executable(exe);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string first_log_line(const std::string& log_path, const std::string& marker) {
  std::ifstream in(log_path);
  std::string line;
  while (std::getline(in, line))
    if (line.find(marker) != std::string::npos) return line;
  return "";
}

ToolRun run_tool(const std::string& tool_name, const std::vector<std::string>& argv,
                 const std::string& cwd, const std::string& log_path, int timeout_s) {
  using Code = FlowError::Code;
  if (find_executable(argv.at(0)).empty())
    throw FlowError(Code::ToolMissing, tool_name, "'" + argv[0] + "' not found in PATH",
                    "install it (apt-get install yosys opensta verilator) or set ToolPaths");
  // In its own process group under a supervisor (zasgen/process.h), so that a timeout, an
  // interrupt or zasgen's death also stops the tool's helpers (e.g. yosys-abc).
  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = cwd;
  spec.log_path = log_path;
  spec.timeout_s = timeout_s;
  const ProcessResult r = run_process(spec);
  if (r.timed_out)
    throw FlowError(Code::ToolTimeout, tool_name + " (log: " + log_path + ")",
                    "stopped after " + std::to_string(timeout_s) + " s",
                    "a smaller design or a larger timeout in SynthJob");
  if (r.exit_code == 126)
    throw FlowError(Code::ToolFailed, tool_name + " (log: " + log_path + ")",
                    "cannot open the log or enter " + cwd);
  ToolRun run;
  run.exit_code = r.exit_code;
  run.seconds = r.seconds;
  return run;
}

}  // namespace zasgen::flow::detail
