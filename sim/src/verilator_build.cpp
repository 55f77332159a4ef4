#include "zasgen/sim/verilator_build.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "embedded.h"
#include "zasgen/util.h"

namespace zasgen::sim {

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw ToolError("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> filelist(const fs::path& dir) {
  std::ifstream in(dir / "filelist.f");
  if (!in) throw ToolError("no filelist.f in " + dir.string());
  std::vector<std::string> files;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) files.push_back(line);
  return files;
}

// Flags shared by every build; part of the cache key.
std::string verilator_flags(const BuildRequest& r) {
  // A gate-level netlist makes tens of megabytes of C++ that GCC compiles for a quarter of an
  // hour at -O1 and in three minutes at -O0 across split files; it runs a few hundred cycles.
  // Verilator 5.006's bit-op-tree folding miscomputes some mapped XOR/adder networks (the class
  // of verilator/verilator#4709 and #4832): a netlist is built without it.
  std::string f = fmt::format(
      "--cc --exe --build -O3 --x-assign unique --x-initial unique "
      "-Wno-fatal -Wno-lint -Wno-style --prefix Vzas "
      "-CFLAGS '-fPIC -O{} -fvisibility=hidden' -LDFLAGS -shared",
      r.netlist ? 0 : 1);
  if (r.netlist) f += " --output-split 20000 -fno-const-bit-op-tree";
  if (r.trace) f += " --trace-fst -CFLAGS -DZSIM_TRACE";
  if (r.coverage)
    f += " --coverage-toggle --coverage-line --coverage-max-width 65536 -CFLAGS -DZSIM_COVERAGE";
  return f;
}

}  // namespace

BuildResult build_simulator(const BuildRequest& r) {
  const fs::path rtl = fs::absolute(r.rtl_dir);
  const std::vector<std::string> files = filelist(rtl);
  // The key: every source byte, the harness, the flags and the tool version.
  std::string key = verilator_flags(r) + "\n" + r.top + "\n" + harness_source();
  for (const std::string& f : files) key += "\n" + f + "\n" + slurp(rtl / f);
  // The registers the harness counts toggles of (generated beside the file list).
  const bool vlt = fs::exists(rtl / "registers.vlt");
  if (vlt) key += "\nregisters.vlt\n" + slurp(rtl / "registers.vlt");
  const std::string version = capture("verilator --version");
  if (version.empty())
    throw ToolError("verilator not found on PATH (install the Debian package verilator)");
  key += version;
  const std::string hash = fmt::format("{:016x}", fnv1a(key));
  const fs::path dir = fs::absolute(r.cache_root) / hash;
  const fs::path lib = dir / "libzsim.so";
  BuildResult res;
  res.library = lib.string();
  res.log = (dir / "build.log").string();
  if (fs::exists(lib)) {
    res.cached = true;
    return res;
  }
  // Build in a private directory, then move it into place: a failed or concurrent build never
  // leaves a half-written library under the final name.
  const auto t0 = std::chrono::steady_clock::now();
  fs::create_directories(r.cache_root);
  const fs::path tmp =
      fs::absolute(r.cache_root) /
      fmt::format("tmp-{}-{}", hash, std::chrono::steady_clock::now().time_since_epoch().count());
  fs::create_directories(tmp);
  { std::ofstream(tmp / "zsim_api.cpp") << harness_source(); }
  // With ccache on PATH, Verilator's makefile compiles through it (OBJCACHE): the runtime
  // (verilated.cpp, the same for every design) is then compiled once, not once per build.
  static const bool ccache = std::system("command -v ccache >/dev/null 2>&1") == 0;
  std::string cmd = fmt::format(
      "cd '{}' && {}verilator {} -j {} --top-module {} --Mdir obj -o libzsim.so", tmp.string(),
      ccache ? "OBJCACHE=ccache " : "", verilator_flags(r), r.jobs, r.top);
  if (vlt) cmd += " '" + (rtl / "registers.vlt").string() + "'";
  for (const std::string& f : files) cmd += " '" + (rtl / f).string() + "'";
  cmd += " zsim_api.cpp";
  const std::string log = (tmp / "build.log").string();
  if (run_logged(cmd, log) != 0 || !fs::exists(tmp / "obj" / "libzsim.so"))
    throw ToolError("Verilator build of " + r.top + " failed", log);
  fs::rename(tmp / "obj" / "libzsim.so", tmp / "libzsim.so");
  fs::remove_all(tmp / "obj");
  std::error_code ec;
  fs::rename(tmp, dir, ec);
  if (ec) {  // someone else finished the same build first
    fs::remove_all(tmp);
    if (!fs::exists(lib)) throw ToolError("cannot place the build in " + dir.string(), log);
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace zasgen::sim
