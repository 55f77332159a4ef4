// zasgen generate CONFIG [-o DIR]: RTL, file list, macro manifest, C header, params.json and
// the register map, written atomically (a failed run leaves the previous output untouched).
#include <chrono>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "common.h"
#include "zasgen/config.h"
#include "zasgen/rtl/elaborate.h"

namespace zasgen::cli {

namespace {

struct GenerateOptions {
  std::string config;
  std::string out_dir;  // empty: out/<config stem>/
};

int run_generate(const GenerateOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const ArchParams p = load_params(o.config);
  const std::string dir = o.out_dir.empty() ? default_out_dir(o.config) : o.out_dir;
  const auto lock = claim_output_dir(out_option(o.out_dir), dir);
  const rtl::WrittenDesign g = rtl::write_design(p, dir);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "%s: %s_top (%s, %d PEs x %d lane%s) -> %s/ (%d Verilog modules, filelist.f, macros.json, "
      "zasgen_params.h, params.json, regmap.md) in %.0f ms\n",
      o.config.c_str(), p.name.c_str(), p.sparse() ? to_string(p.format) : "dense", p.pes, p.lanes,
      p.lanes == 1 ? "" : "s", dir.c_str(), g.modules, ms);
  return 0;
}

}  // namespace

Command add_generate(CLI::App& app) {
  auto o = std::make_shared<GenerateOptions>();
  CLI::App* g =
      app.add_subcommand("generate", "write RTL, file list, C header, params.json, regmap");
  g->add_option("config", o->config, "configuration file (YAML)")->required();
  g->add_option("-o,--out", o->out_dir, "output directory (default out/<config stem>/)")
      ->check(nonempty_path());
  return {g, [o] { return run_generate(*o); }};
}

}  // namespace zasgen::cli
