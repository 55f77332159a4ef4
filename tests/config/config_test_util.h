// Helpers shared by the config tests.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "zasgen/config.h"

namespace zasgen::test {

inline std::string repo_path(const std::string& rel) {
  return std::string(ZASGEN_TEST_DIR) + "/../" + rel;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parses and validates YAML text; the diagnostics of whichever stage failed.
inline ValidateResult check_text(const std::string& yaml, const std::string& file = "t.yaml") {
  ParseResult pr = parse_config_text(yaml, file);
  if (!pr.config) {
    ValidateResult r;
    r.diags = pr.diags;
    return r;
  }
  return validate(*pr.config);
}

inline std::string code_of(const Diagnostics& d, std::size_t i = 0) {
  return i < d.size() ? diag_info(d[i].code).id : std::string("(none)");
}

// Runs the built zasgen with `args` (already shell-quoted), output to /dev/null; exit status.
inline int run_zasgen(const std::string& args) {
  const std::string cmd = std::string("'") + ZASGEN_BIN + "' " + args + " >/dev/null 2>&1";
  const int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct RunResult {
  int status = -1;
  std::string out, err;
};

// Runs the built zasgen with `args`, capturing stdout and stderr through files in `dir`.
inline RunResult run_zasgen_capture(const std::string& args, const std::string& dir) {
  const std::string out = dir + "/stdout.txt", err = dir + "/stderr.txt";
  const std::string cmd =
      std::string("'") + ZASGEN_BIN + "' " + args + " >'" + out + "' 2>'" + err + "'";
  const int st = std::system(cmd.c_str());
  RunResult r;
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = read_text(out);
  r.err = read_text(err);
  return r;
}

}  // namespace zasgen::test
