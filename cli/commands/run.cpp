// zasgen run CONFIG: the main job, end to end (zasgen/app/run.h).
#include <chrono>
#include <cstdio>
#include <memory>

#include "common.h"
#include "zasgen/app/progress.h"
#include "zasgen/app/run.h"
#include "zasgen/config.h"

namespace zasgen::cli {

namespace {

struct RunOptions {
  std::string config;
  std::string layer;  // empty: the representative layer of the configuration
  double sparsity = 0.9;
  std::string out_dir;
  bool no_synth = false;
  bool dense_synth = false;
  int jobs = 0;  // designs in parallel (0: the number of cores)
};

int run_run(const RunOptions& o) {
  const ArchParams p = load_params(o.config);
  const auto t0 = std::chrono::steady_clock::now();
  app::RunJobOptions ro;
  ro.config_path = o.config;
  ro.out_dir = o.out_dir.empty() ? default_out_dir(o.config) : o.out_dir;
  const auto lock = claim_output_dir(out_option(o.out_dir), ro.out_dir);
  ro.cache_root = sim_cache_dir();
  ro.layer = o.layer;
  ro.sparsity = o.sparsity;
  ro.synth = !o.no_synth;
  ro.dense_synth = o.dense_synth;
  ro.jobs = o.jobs;
  std::printf("zasgen run %s\n", o.config.c_str());
  std::fflush(stdout);
  app::Progress progress;
  ro.progress = &progress;
  const app::RunJobResult r = app::run_job(p, ro);
  std::printf("\nreport: %s\n", r.report.c_str());
  std::printf(
      "  speedup %.2fx over the dense baseline at %.0f%% sparsity (paper 7.29x), bit-exact\n",
      r.sim.speedup(), 100 * r.sim.input_sparsity);
  if (r.ppa)
    std::printf(
        "  area %.2f mm2, fmax %.0f MHz, %.1f mW, %.2f TOPS/W effective (band %.2f-%.2f; paper "
        "1.94)\n",
        r.ppa->sparse.synth.total_area_um2 / 1e6, r.ppa->sparse.synth.timing.fmax_mhz,
        r.ppa->sparse.energy.power_mw.central, r.ppa->sparse.tops_per_w,
        r.ppa->sparse.tops_per_w_band.low, r.ppa->sparse.tops_per_w_band.high);
  std::printf("  %s\n  %.0f s in all\n", progress.summary().c_str(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return 0;
}

}  // namespace

Command add_run(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* r = app.add_subcommand("run", "the main job: generate, simulate, synthesize, report");
  r->add_option("config", o->config, "configuration file (YAML)")->required();
  r->add_option("--layer", o->layer, "layer to simulate (default: a representative 3x3 layer)");
  r->add_option("--sparsity", o->sparsity, "its input sparsity")->check(real_in(0.0, 1.0));
  r->add_option("-o,--out", o->out_dir, "output directory (default out/<config stem>/)")
      ->check(nonempty_path());
  r->add_flag("--no-synth", o->no_synth, "skip synthesis");
  r->add_flag("--dense-synth", o->dense_synth,
              "synthesize, time and power the dense twin too (default: it is simulated for the "
              "speedup)")
      ->excludes("--no-synth");
  r->add_option("-j,--jobs", o->jobs,
                "designs built, simulated and synthesized in parallel "
                "(default: cores)")
      ->check(CLI::Range(1, 256));
  return {r, [o] { return run_run(*o); }};
}

}  // namespace zasgen::cli
