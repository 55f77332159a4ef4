// Helpers shared by the simulation tests: a scratch directory in the build tree (designs,
// Verilator builds cached by content, Icarus replays), configurations from YAML text, and
// running the built zasgen from that directory.
#pragma once

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "zasgen/config.h"
#include "zasgen/diag.h"
#include "zasgen/sim/layer_case.h"

namespace zasgen::test {

inline std::string repo_path(const std::string& rel) {
  return (std::filesystem::path(ZASGEN_TEST_DIR) / ".." / rel).lexically_normal().string();
}

// A directory under the build tree's sim-scratch/, created on demand.
inline std::string scratch(const std::string& sub = "") {
  const std::filesystem::path p = std::filesystem::path(ZASGEN_SIM_SCRATCH) / sub;
  std::filesystem::create_directories(p);
  return p.string();
}

// The Verilator cache, the same one `zasgen sim` uses when run from scratch().
inline std::string cache_root() {
  return scratch("out/.cache/verilator");
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Parses and validates YAML text (`file` names it in diagnostics and in the generated RTL's
// header); fails the test with the rendered diagnostics when it is not a valid configuration.
inline ArchParams params_from_text(const std::string& yaml, const std::string& file) {
  ParseResult pr = parse_config_text(yaml, file);
  INFO(render_text(pr.diags));
  REQUIRE(pr.config);
  ValidateResult vr = validate(*pr.config);
  INFO(render_text(vr.diags));
  REQUIRE(vr.params);
  return *vr.params;
}

inline ArchParams params_from_file(const std::string& path) {
  ValidateResult vr = load_config(path);
  INFO(render_text(vr.diags));
  REQUIRE(vr.params);
  return *vr.params;
}

// A small 3x3 layer of two K-groups at 60% zeros on a configuration (seeded): a few thousand
// cycles that exercise zero skipping, both partial-sum sets and the drain.
inline sim::LayerCase small_case(const ArchParams& p) {
  sim::CaseOptions co;
  co.layer = "c=8,k=" + std::to_string(2 * p.pes) + ",h=12,w=12,r=3,s=3,stride=1,pad=1";
  co.sparsity = 0.6;
  co.seed = 5;
  return sim::make_case(co, p);
}

struct RunResult {
  int status = -1;
  std::string out, err;
  double seconds = 0;
};

// Runs the built zasgen with `args` (already shell-quoted) in the directory `cwd`, capturing
// stdout and stderr in files there.
inline RunResult run_zasgen(const std::string& args, const std::string& cwd) {
  const std::string out = cwd + "/stdout.txt", err = cwd + "/stderr.txt";
  const std::string cmd = "cd '" + cwd + "' && '" + std::string(ZASGEN_BIN) + "' " + args + " >'" +
                          out + "' 2>'" + err + "'";
  const auto t0 = std::chrono::steady_clock::now();
  const int st = std::system(cmd.c_str());
  RunResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = read_text(out);
  r.err = read_text(err);
  return r;
}

inline std::string quote(const std::string& s) {
  return "'" + s + "'";
}

}  // namespace zasgen::test
