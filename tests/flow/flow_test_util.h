// Helpers shared by the flow tests: scratch directories, running a tool and capturing its
// output, the checked-in spec.
#pragma once

#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "zasgen/activity.h"
#include "zasgen/flow/activity.h"
#include "zasgen/flow/liberty.h"
#include "zasgen/flow/synth.h"
#include "zasgen/rtl/macros.h"

namespace zasgen::flow::test {

// A fresh directory under the system temp dir, removed when the object goes away.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    path_ = std::filesystem::temp_directory_path() /
            ("zasgen_flow_" + tag + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string str() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs a shell command, returns stdout+stderr; `rc` gets the exit status.
inline std::string run(const std::string& cmd, int& rc) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) {
    rc = -1;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(p);
  rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// The checked-in spec, loaded once per test binary.
inline const LibertySpec& spec55() {
  static const LibertySpec s = load_process_spec(default_process_spec_path());
  return s;
}

// A manifest of the given macros, each with its instance paths.
inline rtl::MacroManifest manifest(
    const std::vector<std::pair<rtl::SramGeometry, std::vector<std::string>>>& macros) {
  rtl::MacroManifest m;
  for (const auto& [g, insts] : macros) {
    rtl::MacroEntry e;
    e.geometry = g;
    e.module = g.module_name();
    e.instances = insts;
    m.macros.push_back(e);
  }
  return m;
}

// Writes `a` as an activity file (counts over a million cycles, so the rates come back exact to
// 1e-6) and points the job at it, with the same defaults.
inline void use_activity(SynthJob& job, const ActivitySpec& a, const std::string& path) {
  constexpr double kCycles = 1e6;
  SwitchingActivity s;
  s.cycles = uint64_t(kCycles);
  for (const auto& [n, v] : a.nets)
    s.nets[n] = {uint64_t(std::llround(v.toggle_rate * kCycles)),
                 uint64_t(std::llround(v.duty * kCycles)), 1};
  for (const auto& [n, m] : a.macros)
    s.macros[n] = {uint64_t(std::llround(m.reads_per_cycle * kCycles)),
                   uint64_t(std::llround(m.writes_per_cycle * kCycles))};
  write_text(path, activity_json(s));
  job.activity_file = path;
  job.default_toggle_rate = a.default_toggle_rate;
  job.default_duty = a.default_duty;
}

}  // namespace zasgen::flow::test
