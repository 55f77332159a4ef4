// Helpers shared by the RTL tests: seeds, scratch directories under the build tree, running the
// HDL tools, writing a generated design to disk, and building the module harnesses of
// tests/rtl/harness with Verilator.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "zasgen/config.h"
#include "zasgen/rtl/elaborate.h"

namespace zasgen::rtl::test {

namespace fs = std::filesystem;

// Base seed of the randomised tests: ZASGEN_TEST_SEED when set (to explore other cases),
// otherwise a fixed value so the suite is deterministic (same convention as tests/model).
inline uint64_t base_seed() {
  if (const char* s = std::getenv("ZASGEN_TEST_SEED")) return std::strtoull(s, nullptr, 0);
  return 0x5eed2024;
}

inline std::string repo_path(const std::string& rel) {
  return (fs::path(ZASGEN_TEST_DIR) / ".." / rel).lexically_normal().string();
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A fresh directory under <build>/tests/rtl-scratch, removed when the object goes away unless
// ZASGEN_KEEP_SCRATCH is set (to inspect a failure).
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    path_ = fs::path(ZASGEN_RTL_SCRATCH) / (tag + "-" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    if (std::getenv("ZASGEN_KEEP_SCRATCH")) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string str() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

struct RunResult {
  int rc = -1;
  std::string out;  // stdout and stderr
  double seconds = 0;
};

// Runs a shell command, stdout+stderr captured.
inline RunResult run(const std::string& cmd) {
  RunResult r;
  const auto t0 = std::chrono::steady_clock::now();
  FILE* p = ::popen(("(" + cmd + ") 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.seconds = seconds_since(t0);
  return r;
}

inline std::string quote(const std::string& s) {
  return "'" + s + "'";
}

// The last `n` non-empty lines of a tool log, for failure messages.
inline std::string tail(const std::string& text, int n = 30) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  std::string out;
  for (size_t i = lines.size() > size_t(n) ? lines.size() - size_t(n) : 0; i < lines.size(); ++i)
    out += lines[i] + "\n";
  return out;
}

// ---- configurations ----

// Parses and validates YAML text; `file` is the name the design's headers will show.
inline ValidateResult validate_text(const std::string& yaml, const std::string& file) {
  ParseResult pr = parse_config_text(yaml, file);
  if (!pr.config) {
    ValidateResult r;
    r.diags = pr.diags;
    return r;
  }
  return validate(*pr.config);
}

// A shipped config as `zasgen generate configs/<name>.yaml` sees it from the repository root
// (ArchParams::source is "configs/<name>.yaml", which the generated headers print).
inline ArchParams shipped_params(const std::string& name) {
  const std::string rel = "configs/" + name + ".yaml";
  ValidateResult r = validate_text(read_text(repo_path(rel)), rel);
  if (!r.params) throw std::runtime_error(rel + " does not validate");
  return *r.params;
}

// ---- generated designs on disk ----

struct DesignFiles {
  std::string dir;                   // output directory (rtl/ below it)
  std::string top;                   // <name>_top
  std::vector<std::string> verilog;  // absolute paths, filelist.f order
};

inline std::string generator_version() {
  return ZASGEN_VERSION;
}

inline DesignFiles write_design_files(const ArchParams& p, const std::string& dir) {
  rtl::write_design(p, dir);
  DesignFiles d;
  d.dir = dir;
  d.top = p.name + "_top";
  std::istringstream list(read_text(dir + "/rtl/filelist.f"));
  for (std::string line; std::getline(list, line);)
    if (!line.empty()) d.verilog.push_back(dir + "/rtl/" + line);
  return d;
}

inline std::string join_quoted(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += " " + quote(x);
  return s;
}

// ---- module harnesses (tests/rtl/harness) ----

struct HarnessSpec {
  std::string top;                   // module to verilate (a generated module or a wrapper)
  std::string harness;               // file name under tests/rtl/harness
  std::vector<std::string> verilog;  // sources: the design's files plus any wrapper
  std::vector<std::string> vflags;   // extra Verilator options (-G..., +define+...)
  std::string cfg_header;            // text of dut_cfg.h, next to the generated model
};

struct HarnessBuild {
  std::string exe;
  double seconds = 0;
};

// The Verilator runtime objects (verilated.o, verilated_threads.o) are the same for every
// harness: they are compiled once and kept in <scratch>/verilated-<key>, where the key hashes
// the Verilator version and the compiler flags; later builds copy them in before `make`, which
// then finds them newer than their sources and skips ~6 s of compilation per harness.
inline std::string harness_cflags() {
  return "-std=c++17 " ZASGEN_HARNESS_CFLAGS;
}

inline std::string verilated_cache_dir() {
  const std::string key_text = run("verilator --version").out + "|" + harness_cflags();
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key_text) h = (h ^ c) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return (fs::path(ZASGEN_RTL_SCRATCH) / (std::string("verilated-") + hex)).string();
}

inline HarnessBuild build_harness(const HarnessSpec& s, const std::string& dir) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string obj = dir + "/obj";
  fs::create_directories(obj);
  write_text(obj + "/dut_cfg.h", s.cfg_header);
  const std::string harness = std::string(ZASGEN_TEST_DIR) + "/rtl/harness/" + s.harness;
  std::string cmd = "verilator --cc --exe --prefix Vdut --top-module " + s.top +
                    " --x-assign unique --x-initial unique -Mdir " + quote(obj) + " -CFLAGS " +
                    quote(harness_cflags()) + " -LDFLAGS " + quote(ZASGEN_HARNESS_LIBS);
  for (const std::string& f : s.vflags) cmd += " " + quote(f);
  cmd += join_quoted(s.verilog) + " " + quote(harness);
  RunResult v = run(cmd);
  if (v.rc != 0) throw std::runtime_error("verilator failed:\n" + cmd + "\n" + tail(v.out));

  const std::string cache = verilated_cache_dir();
  const char* runtime_objs[] = {"verilated.o", "verilated_threads.o"};
  bool cached = fs::exists(cache + "/verilated_threads.o");
  if (cached)
    for (const char* o : runtime_objs) fs::copy_file(cache + "/" + o, obj + "/" + o);
  // The model and harness at -O0: they compile ~30% faster and the short runs do not care.
  RunResult mk = run("make -s -C " + quote(obj) + " -f Vdut.mk -j2 OPT_FAST=-O0 OPT_SLOW=-O0 Vdut");
  if (mk.rc != 0) throw std::runtime_error("harness build failed:\n" + tail(mk.out, 60));
  if (!cached) {
    // Publish atomically: another test process may be doing the same.
    const std::string tmp = cache + ".tmp" + std::to_string(::getpid());
    fs::create_directories(tmp);
    for (const char* o : runtime_objs) fs::copy_file(obj + "/" + o, tmp + "/" + o);
    std::error_code ec;
    fs::rename(tmp, cache, ec);
    if (ec) fs::remove_all(tmp, ec);
  }
  return {obj + "/Vdut", seconds_since(t0)};
}

// Runs a built harness; the result passes when it exits 0 after printing its PASS line.
inline RunResult run_harness(const HarnessBuild& b, const std::string& config_path, uint64_t seed,
                             const std::string& extra = "") {
  return run(quote(b.exe) + " --config " + quote(config_path) + " --seed " + std::to_string(seed) +
             (extra.empty() ? "" : " " + extra));
}

inline bool passed(const RunResult& r) {
  return r.rc == 0 && r.out.find("PASS ") != std::string::npos &&
         r.out.find("MISMATCH") == std::string::npos;
}

}  // namespace zasgen::rtl::test
