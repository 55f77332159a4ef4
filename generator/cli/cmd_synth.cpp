// zasgen synth CONFIG [--json F]: area (by module, SRAM separately), timing (fmax) and power
// against the generated 55-nm-like liberty, with switching activity from a simulated layer,
// for the design and its dense twin; energy per layer and effective TOPS/W.
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "commands.h"
#include "common.h"
#include "zasgen/flow/error.h"
#include "zasgen/flow/ppa.h"
#include "zasgen/fs_util.h"
#include "zasgen/sim/scheduler.h"
#include "zasgen/sim/tool_error.h"

namespace zasgen::cli {

namespace {

void print_design(const char* label, const flow::DesignPpa& d, bool power) {
  const flow::SynthResult& s = d.synth;
  if (!power) {
    std::printf(
        "  %-7s area %10.0f um2 (logic %9.0f, SRAM %10.0f)  (timing and power not run: "
        "--no-power)\n",
        label, s.total_area_um2, s.logic_area_um2, s.macro_area_um2);
    return;
  }
  std::printf(
      "  %-7s area %10.0f um2 (logic %9.0f, SRAM %10.0f)  fmax %6.1f MHz  power %7.2f mW"
      "  layer %9.1f us  energy %8.2f uJ  %6.2f TOPS/W\n",
      label, s.total_area_um2, s.logic_area_um2, s.macro_area_um2, s.timing.fmax_mhz,
      s.power.total.total_mw(), d.layer_us, d.energy_uj, d.tops_per_w);
}

}  // namespace

int run_synth(const SynthOptions& o) {
  const std::optional<ArchParams> p = load_params(o.config);
  if (!p) return kInvalidInput;
  const auto t0 = std::chrono::steady_clock::now();
  flow::PpaOptions po;
  po.out_dir = o.out_dir.empty() ? default_out_dir(o.config) : o.out_dir;
  po.cache_root = sim_cache_dir();
  po.layer = o.layer;
  po.sparsity = o.sparsity;
  po.dense = !o.no_dense;
  po.osu018 = o.osu018;
  po.power = !o.no_power;
  po.gatesim = o.gatesim;
  po.log = [](const std::string& s) { std::fprintf(stderr, "  %s\n", s.c_str()); };
  flow::PpaResult r;
  try {
    r = flow::run_ppa(*p, po);
  } catch (const sim::InputError& e) {
    report_error(e.what());
    return kInvalidInput;
  } catch (const sim::ScheduleError& e) {
    report_error(fmt::format("the activity layer cannot be scheduled: {}", e.what()));
    return kInvalidInput;
  } catch (const flow::FlowError& e) {
    report_error(e.what(), e.where());
    return kToolFailure;
  } catch (const sim::ToolError& e) {
    report_error(e.what(), e.log_path());
    return kToolFailure;
  } catch (const std::exception& e) {
    report_error(fmt::format("internal error: {}", e.what()));
    return kToolFailure;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "zasgen synth %s: 55-nm-like library (synthetic estimate), %.0f MHz, layer %s at %.0f%% "
      "sparsity\n",
      o.config.c_str(), p->target_mhz, r.layer.name.c_str(), 100 * r.layer.sparsity);
  for (const flow::DesignPpa* d : {&r.sparse, r.dense ? &*r.dense : nullptr})
    if (po.power && d && d->window != r.layer.layer)
      std::printf(
          "  %s: switching activity from the first %d of %d input rows; energy over the "
          "whole layer\n",
          d->params.name.c_str(), d->window.h, r.layer.layer.h);
  print_design("sparse", r.sparse, po.power);
  if (r.dense) print_design("dense", *r.dense, po.power);
  if (r.dense && po.power) {
    std::printf(
        "  sparse machinery: %+.1f%% area over the dense baseline; speedup %.2fx; energy "
        "%.2fx lower\n",
        100 * (r.sparse.synth.total_area_um2 / r.dense->synth.total_area_um2 - 1),
        double(r.dense->layer_cycles) / double(r.sparse.layer_cycles),
        r.dense->energy_uj / r.sparse.energy_uj);
  }
  for (const flow::DesignPpa* d : {&r.sparse, r.dense ? &*r.dense : nullptr})
    if (d && d->gatesim)
      std::printf("  gate-level simulation of %s: %s (%lld mismatches, %llu cycles, %.1f s)\n",
                  d->params.name.c_str(), d->gatesim->count ? "MISMATCH" : "bit-exact",
                  (long long)d->gatesim->count, (unsigned long long)d->gatesim_cycles,
                  d->gatesim_seconds);
  for (const flow::DesignPpa* d : {&r.sparse, r.dense ? &*r.dense : nullptr})
    if (d && d->gatesim && d->gatesim->count)
      std::printf(
          "  first difference of %s's netlist at output (k=%d, y=%d, x=%d): expected %d, "
          "got %d\n",
          d->params.name.c_str(), d->gatesim->k, d->gatesim->y, d->gatesim->x, d->gatesim->expected,
          d->gatesim->actual);
  if (po.power)
    std::printf("  effective TOPS/W %.2f (paper: 1.94 in UMC 55 nm at 100 MHz, 1.08 V)\n",
                r.sparse.tops_per_w);
  std::printf("  netlist %s; %.0f s\n", r.sparse.synth.netlist.c_str(), secs);
  if (!o.json.empty()) {
    try {
      write_file_atomically(o.json, flow::to_json(r).dump(2) + "\n");
    } catch (const std::exception& e) {
      report_error(fmt::format("cannot write {}: {}", o.json, e.what()));
      return kToolFailure;
    }
  }
  for (const flow::DesignPpa* d : {&r.sparse, r.dense ? &*r.dense : nullptr})
    if (d && d->gatesim && d->gatesim->count) return kMismatch;
  return kOk;
}

}  // namespace zasgen::cli
