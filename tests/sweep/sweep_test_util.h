// Helpers shared by the sweep tests: the repository's paths, a scratch folder per test, and
// sweep files in memory.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "zasgen/app/sweep_file.h"
#include "zasgen/diag.h"

namespace zasgen::test {

inline std::string repo_path(const std::string& rel) {
  return (std::filesystem::path(ZASGEN_TEST_DIR) / ".." / rel).lexically_normal().string();
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

// A fresh folder under the build tree's sweep scratch.
inline std::string scratch(const std::string& name) {
  const std::filesystem::path d = std::filesystem::path(ZASGEN_SWEEP_SCRATCH) / name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d.string();
}

// "base: <repo>/configs/tiny.yaml\n" + body.
inline std::string tiny_sweep(const std::string& body) {
  return "base: " + repo_path("configs/tiny.yaml") + "\n" + body;
}

inline app::SweepParse parse(const std::string& text) {
  return app::parse_sweep_text(text, "s.yaml");
}

// The codes of all diagnostics, "E504 E102".
inline std::string codes(const Diagnostics& d) {
  std::string s;
  for (const Diagnostic& x : d) s += (s.empty() ? "" : " ") + std::string(diag_info(x.code).id);
  return s;
}

}  // namespace zasgen::test
