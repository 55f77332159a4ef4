// zasgen synth CONFIG [--json F]: area (by module, SRAM separately), timing (fmax) and power
// against the generated 55-nm-like liberty, with switching activity from a simulated layer,
// for the design and its dense twin; energy per layer and effective TOPS/W.
#include <chrono>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "common.h"
#include "zasgen/app/ppa.h"
#include "zasgen/config.h"
#include "zasgen/fs_util.h"

namespace zasgen::cli {

namespace {

struct SynthOptions {
  std::string config;
  std::string json;
  std::string out_dir;
  std::string layer;  // layer whose simulated activity drives power
  double sparsity = 0.9;
  bool no_dense = false;
  bool osu018 = false;
  bool no_power = false;  // area only: no activity simulation, timing or power
  bool gatesim = false;   // simulate the mapped netlist on the layer
  int jobs = 0;           // designs in parallel (0: the number of cores)
};

void print_design(const char* label, const app::DesignPpa& d, bool power) {
  const flow::SynthResult& s = d.synth;
  if (!power) {
    std::printf(
        "  %-7s area %10.0f um2 (logic %9.0f, SRAM %10.0f)  (timing and power not run: "
        "--no-power)\n",
        label, s.total_area_um2, s.logic_area_um2, s.macro_area_um2);
    return;
  }
  const app::Range &pw = d.energy.power_mw, &e = d.energy.total_uj, &t = d.tops_per_w_band;
  std::printf(
      "  %-7s area %10.0f um2 (logic %9.0f, SRAM %10.0f)  fmax %6.1f MHz  layer %9.1f us\n"
      "          power %.2f mW (%.2f-%.2f)  energy %.2f uJ (%.2f-%.2f)  effective TOPS/W %.2f "
      "(%.2f-%.2f)\n"
      "          real TOPS/W %.2f (%.2f-%.2f)  %.2f pJ per executed MAC, %.2f pJ per dense MAC\n",
      label, s.total_area_um2, s.logic_area_um2, s.macro_area_um2, s.timing.fmax_mhz, d.layer_us,
      pw.central, pw.low, pw.high, e.central, e.low, e.high, t.central, t.low, t.high,
      d.tops_per_w_executed.central, d.tops_per_w_executed.low, d.tops_per_w_executed.high,
      d.pj_per_mac, d.pj_per_dense_mac);
}

int run_synth(const SynthOptions& o) {
  const ArchParams p = load_params(o.config);
  if (!o.json.empty()) check_output_file("--json", o.json);
  const auto t0 = std::chrono::steady_clock::now();
  app::PpaOptions po;
  po.out_dir = o.out_dir.empty() ? default_out_dir(o.config) : o.out_dir;
  const auto lock = claim_output_dir(out_option(o.out_dir), po.out_dir);
  po.cache_root = sim_cache_dir();
  po.layer = o.layer;
  po.sparsity = o.sparsity;
  po.dense = !o.no_dense;
  po.osu018 = o.osu018;
  po.power = !o.no_power;
  po.gatesim = o.gatesim;
  po.jobs = o.jobs;
  app::Progress progress;
  po.progress = &progress;
  const app::PpaResult r = app::run_ppa(p, po);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "zasgen synth %s: 55-nm-like library (synthetic estimate), %.0f MHz, layer %s at %.0f%% "
      "sparsity\n",
      o.config.c_str(), p.target_mhz, r.layer.name.c_str(), 100 * r.layer.sparsity);
  print_design("sparse", r.sparse, po.power);
  if (r.dense) print_design("dense", *r.dense, po.power);
  if (r.dense && po.power) {
    std::printf(
        "  sparse machinery: %+.1f%% area over the dense baseline; speedup %.2fx; energy "
        "%.2fx lower\n",
        100 * (r.sparse.synth.total_area_um2 / r.dense->synth.total_area_um2 - 1),
        double(r.dense->layer_cycles()) / double(r.sparse.layer_cycles()),
        r.dense->energy_uj / r.sparse.energy_uj);
  }
  for (const app::DesignPpa* d : {&r.sparse, r.dense ? &*r.dense : nullptr})
    if (d && d->gatesim)
      std::printf("  gate-level simulation of %s: %s (%lld mismatches, %llu cycles, %.1f s)\n",
                  d->params.name.c_str(), d->gatesim->count ? "MISMATCH" : "bit-exact",
                  (long long)d->gatesim->count, (unsigned long long)d->gatesim_cycles,
                  d->gatesim_seconds);
  for (const app::DesignPpa* d : {&r.sparse, r.dense ? &*r.dense : nullptr})
    if (d && d->gatesim && d->gatesim->count)
      std::printf(
          "  first difference of %s's netlist at output (k=%d, y=%d, x=%d): expected %d, "
          "got %d\n",
          d->params.name.c_str(), d->gatesim->k, d->gatesim->y, d->gatesim->x, d->gatesim->expected,
          d->gatesim->actual);
  if (po.power)
    std::printf(
        "  effective TOPS/W %.2f, band %.2f-%.2f (paper: 1.94 in UMC 55 nm at 100 MHz, 1.08 V)\n",
        r.sparse.tops_per_w, r.sparse.tops_per_w_band.low, r.sparse.tops_per_w_band.high);
  std::printf("  netlist %s; %.0f s\n", r.sparse.synth.netlist.c_str(), secs);
  std::printf("  %s\n", progress.summary().c_str());
  if (!o.json.empty())
    write_file_atomically(
        o.json,
        app::to_json(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  for (const app::DesignPpa* d : {&r.sparse, r.dense ? &*r.dense : nullptr})
    if (d && d->gatesim && d->gatesim->count) return int(Exit::Mismatch);
  return 0;
}

}  // namespace

Command add_synth(CLI::App& app) {
  auto o = std::make_shared<SynthOptions>();
  CLI::App* y =
      app.add_subcommand("synth", "synthesize the design and its dense twin: area, timing, power");
  y->add_option("config", o->config, "configuration file (YAML)")->required();
  y->add_option("--json", o->json, "write the results as one JSON object")->check(nonempty_path());
  y->add_option("-o,--out", o->out_dir, "output directory (default out/<config stem>/)")
      ->check(nonempty_path());
  y->add_option("--layer", o->layer, "layer whose simulated activity drives the power estimate");
  y->add_option("--sparsity", o->sparsity, "input sparsity of that layer")
      ->check(real_in(0.0, 1.0));
  y->add_flag("--no-dense", o->no_dense, "skip the dense twin");
  y->add_flag("--osu018", o->osu018, "also cross-check against Debian's osu018 library");
  y->add_flag("--no-power", o->no_power, "area only: no activity simulation, timing or power");
  y->add_option("-j,--jobs", o->jobs,
                "designs simulated and synthesized in parallel (default: cores)")
      ->check(CLI::Range(1, 256));
  y->add_flag("--gatesim", o->gatesim,
              "simulate the mapped netlist on the layer and compare with the golden model");
  return {y, [o] { return run_synth(*o); }};
}

}  // namespace zasgen::cli
