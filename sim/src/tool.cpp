#include "zasgen/sim/tool.h"

#include <string>

namespace zasgen::sim {

int run_logged(const std::vector<std::string>& argv, const std::string& log_path,
               const std::string& cwd, const std::vector<std::pair<std::string, std::string>>& env,
               int niceness) {
  ProcessSpec spec;
  spec.niceness = niceness;
  spec.argv = argv;
  spec.cwd = cwd;
  spec.log_path = log_path;
  spec.env = env;
  const ProcessResult r = run_process(spec);
  return r.started ? r.exit_code : 127;
}

std::string capture(const std::vector<std::string>& argv, bool with_stderr) {
  return capture_output(argv, with_stderr);
}

}  // namespace zasgen::sim
