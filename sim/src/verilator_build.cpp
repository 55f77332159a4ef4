#include "zasgen/sim/verilator_build.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include <unistd.h>

#include "embedded.h"
#include "zasgen/fs_util.h"
#include "zasgen/process.h"
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
//
// Verilator's makefile compiles the files that run every cycle with OPT_FAST (its default -Os),
// placed after -CFLAGS, and the rest (construction, "slow" files) with -CFLAGS alone. So the
// per-cycle code's level is set with OPT_FAST; -CFLAGS -O1 keeps the large slow files quick to
// compile. Measured on configs/default.yaml, `zasgen sim` on the 64x64x56x56 3x3 layer at 0%
// zeros (806,973 cycles, sparse design, cached model, 2-core VM whose timings vary by +-10%
// between runs, so best and median of seven alternating runs): OPT_FAST -Os 2.93 / 3.27 s,
// -O2 2.59 / 3.09 s, -O3 3.08 / 3.47 s (no better than -O2). -Os leaves Verilator's helpers
// such as the signed multiply (VL_MULS_III, 9% of the time) as calls; -O2 inlines them. The cold
// build (ccache off) takes the same time at -O2 as at -Os: 26 s against 25 s. Earlier
// measurements, whose -CFLAGS levels reached only the slow files: --x-assign fast
// --x-initial fast no better; --threads 2 1.8x slower (two threads cost more in
// synchronisation than the model's ~4 us of work per cycle gains). The model's speed is set by
// the design's logic per cycle more than by the optimiser.
std::vector<std::string> verilator_flags(const BuildRequest& r) {
  // A gate-level netlist makes tens of megabytes of C++ that GCC compiles for a quarter of an
  // hour at -O1 and in three minutes at -O0 across split files; it runs a few hundred cycles.
  // Verilator 5.006's bit-op-tree folding miscomputes some mapped XOR/adder networks (the class
  // of verilator/verilator#4709 and #4832): a netlist is built without it.
  std::vector<std::string> f = {
      "--cc",        "--exe",      "--build",
      "-O3",         "--x-assign", "unique",
      "--x-initial", "unique",     "-Wno-fatal",
      "-Wno-lint",   "-Wno-style", "--prefix",
      "Vzas",        "-CFLAGS",    fmt::format("-fPIC -O{} -fvisibility=hidden", r.netlist ? 0 : 1),
      "-LDFLAGS",    "-shared"};
  auto add = [&f](std::initializer_list<const char*> more) {
    for (const char* a : more) f.push_back(a);
  };
  // The netlist keeps Verilator's -Os for its per-cycle files: -O2 would take far longer to
  // compile for the few hundred cycles it runs.
  if (r.netlist)
    add({"--output-split", "20000", "-fno-const-bit-op-tree"});
  else
    add({"-MAKEFLAGS", "OPT_FAST=-O2"});
  if (r.trace) add({"--trace-fst", "-CFLAGS", "-DZSIM_TRACE"});
  if (r.coverage)
    add({"--coverage-toggle", "--coverage-line", "--coverage-max-width", "65536", "-CFLAGS",
         "-DZSIM_COVERAGE"});
  return f;
}

// `verilator --version`, part of the cache key. The command starts Perl, about 40 ms, a
// noticeable share of a cached `zasgen sim` of a small layer: the answer is kept in the cache
// folder with the identity (path, size, time) of the wrapper and the binary it runs, and asked
// again when either changes.
std::string verilator_version(const fs::path& root) {
  std::string id;
  for (const char* exe : {"verilator", "verilator_bin"}) {
    const std::string path = find_executable(exe);
    std::error_code e1, e2;
    const auto size = path.empty() ? 0 : fs::file_size(path, e1);
    const auto time = path.empty() ? fs::file_time_type() : fs::last_write_time(path, e2);
    if (path.empty() || e1 || e2) {
      id.clear();
      break;
    }
    id += fmt::format("{} {} {}\n", path, size, time.time_since_epoch().count());
  }
  const fs::path memo = root / "verilator-version";
  if (!id.empty() && fs::exists(memo)) {
    const std::string text = slurp(memo);
    if (text.size() > id.size() && text.compare(0, id.size(), id) == 0)
      return text.substr(id.size());
  }
  const std::string version = capture({"verilator", "--version"});
  if (version.empty())
    throw ToolError("verilator not found on PATH (install the Debian package verilator)");
  if (!id.empty()) {
    fs::create_directories(root);
    write_file_atomically(memo.string(), id + version);
  }
  return version;
}

}  // namespace

BuildResult build_simulator(const BuildRequest& r) {
  const fs::path rtl = fs::absolute(r.rtl_dir);
  const std::vector<std::string> files = filelist(rtl);
  // The key: every source byte, the harness, the flags and the tool version.
  const std::vector<std::string> flags = verilator_flags(r);
  std::string key;
  for (const std::string& f : flags) key += f + " ";
  key += "\n" + r.top + "\n" + harness_source();
  for (const std::string& f : files) key += "\n" + f + "\n" + slurp(rtl / f);
  // The registers the harness counts toggles of (generated beside the file list).
  const bool vlt = fs::exists(rtl / "registers.vlt");
  if (vlt) key += "\nregisters.vlt\n" + slurp(rtl / "registers.vlt");
  const fs::path root = fs::absolute(r.cache_root);
  key += verilator_version(root);
  // A trained simulator when one is cached or asked for, else the plain one.
  const bool can_train = r.train && !r.trace && !r.coverage && !r.netlist;
  const std::string trained_hash =
      can_train
          ? fmt::format("{:016x}", fnv1a(key + "\nprofile-guided, trained on " + r.train_name))
          : "";
  const bool pgo = can_train && (r.build_trained || fs::exists(root / trained_hash / "libzsim.so"));
  const std::string hash = pgo ? trained_hash : fmt::format("{:016x}", fnv1a(key));
  const fs::path dir = root / hash;
  const fs::path lib = dir / "libzsim.so";
  BuildResult res;
  res.trained = pgo;
  res.library = lib.string();
  res.log = (dir / "build.log").string();
  if (fs::exists(lib)) {
    res.cached = true;
    return res;
  }
  // Build in a private folder named after this process, then move it into place: a failed,
  // killed or concurrent build never leaves a half-written library under the final name, and
  // the folders of killed builds are removed by the next build.
  const auto t0 = std::chrono::steady_clock::now();
  fs::create_directories(root);
  clean_stale_temporaries(root.string());
  const fs::path tmp = root / ("." + hash + ".new-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  { std::ofstream(tmp / "zsim_api.cpp") << harness_source(); }
  // With ccache on PATH, Verilator's makefile compiles through it (OBJCACHE): the runtime
  // (verilated.cpp, the same for every design) is then compiled once, not once per build.
  std::vector<std::pair<std::string, std::string>> env;
  if (!find_executable("ccache").empty()) env.push_back({"OBJCACHE", "ccache"});
  std::vector<std::string> cmd = {"verilator"};
  cmd.insert(cmd.end(), flags.begin(), flags.end());
  for (const std::string& a :
       {std::string("-j"), std::to_string(r.jobs), std::string("--top-module"), r.top,
        std::string("--Mdir"), std::string("obj"), std::string("-o"), std::string("libzsim.so")})
    cmd.push_back(a);
  if (vlt) cmd.push_back((rtl / "registers.vlt").string());
  for (const std::string& f : files) cmd.push_back((rtl / f).string());
  cmd.push_back("zsim_api.cpp");
  const std::string log = (tmp / "build.log").string();
  auto fail = [&](const std::string& what, const std::string& log_path) {
    // Keep the log where the error names it, without the objects.
    const fs::path kept = root / ("failed-" + hash + ".log");
    std::error_code ec;
    fs::copy_file(log_path, kept, fs::copy_options::overwrite_existing, ec);
    fs::remove_all(tmp, ec);
    throw ToolError(what, ec ? log_path : kept.string());
  };
  auto build = [&](const std::vector<std::string>& extra, const std::string& log_path) {
    std::vector<std::string> c = cmd;
    c.insert(c.begin() + 1, extra.begin(), extra.end());
    if (run_logged(c, log_path, tmp.string(), env, r.niceness) != 0 ||
        !fs::exists(tmp / "obj" / "libzsim.so"))
      fail("Verilator build of " + r.top + " failed", log_path);
  };
  if (!pgo) {
    build({}, log);
  } else {
    // GCC names each object's profile after the object's path, so both builds use one folder.
    // Measured on configs/default.yaml (`zasgen sim` of the 64x64x56x56 3x3 layer at 0% zeros,
    // sparse design, best and median of five alternating runs): plain 1.72 / 1.86 s, trained
    // on the 64x32x28x28 layer at 50% zeros 1.41 / 1.47 s; in a later sitting, on slower
    // machine time, 1.72 / 2.04 against 1.61 / 1.75 s (-O3 with the profile: the same as -O2).
    // The cold build (ccache off) takes 45 s instead of 19 s: a benchmark's minutes of
    // simulation about repay it on a cold cache and every later run on the cached simulator
    // gains, a single layer does not: hence BuildRequest::build_trained.
    const std::string prof = (tmp / "profile").string();
    build({"-CFLAGS",
           "-fprofile-generate=" + prof + " -fprofile-update=single -DZSIM_PROFILE_GENERATE",
           "-LDFLAGS", "-fprofile-generate"},
          log);
    try {
      r.train((tmp / "obj" / "libzsim.so").string());
      if (!fs::exists(prof)) throw ToolError("the training run wrote no profile");
    } catch (const std::exception& e) {  // the build log is kept, as for a failed build
      fail("training the simulator of " + r.top + " (" + r.train_name + ") failed: " + e.what(),
           log);
    }
    for (const auto& f : fs::directory_iterator(tmp / "obj")) {
      const std::string ext = f.path().extension().string();
      if (ext == ".o" || ext == ".a" || ext == ".so") fs::remove(f.path());
    }
    // Code the short workload never ran is optimised as usual, not for size.
    build({"-CFLAGS", "-fprofile-use=" + prof + " -fprofile-partial-training -Wno-missing-profile"},
          (tmp / "build-profiled.log").string());
    fs::remove_all(prof);
  }
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
