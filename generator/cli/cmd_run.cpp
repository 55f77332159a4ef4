// zasgen run CONFIG: the main job, end to end. Generates the design and its dense twin,
// simulates a representative layer on both (bit-exact, cycles, speedup), synthesizes both with
// activity from that layer (area, fmax, power, energy, TOPS/W) and writes a report.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "commands.h"
#include "common.h"
#include "zasgen/flow/error.h"
#include "zasgen/flow/ppa.h"
#include "zasgen/fs_util.h"
#include "zasgen/sim/experiment.h"
#include "zasgen/sim/scheduler.h"
#include "zasgen/sim/tool_error.h"

namespace zasgen::cli {

namespace {

namespace fs = std::filesystem;

std::string report_markdown(const ArchParams& p, const sim::CaseResult& s,
                            const flow::PpaResult* ppa) {
  const double speedup = double(s.dense->run.perf.cycles) / double(s.sparse.run.perf.cycles);
  const double limit = double(s.c.in.act.size()) / double(std::max<int64_t>(1, s.input_nonzeros));
  std::string md = fmt::format("# zasgen run: `{}`\n\n", p.source);
  md += fmt::format(
      "Design `{}_top`: {} PEs x {} lane(s), {} format (index {} bits), {}-bit data, "
      "kernels up to {}x{}, {} MHz target. Dense twin `{}_dense_top` with the same "
      "PE array and buffer capacities.\n\n",
      p.name, p.pes, p.lanes, to_string(p.format), p.index_bits, p.act_bits, p.max_r, p.max_s,
      p.target_mhz, p.name);
  md += "## Simulation (Verilator, bit-exact against the golden model)\n\n";
  md += fmt::format("Layer `{}` with a synthetic input of {:.1f}% zeros (seeded).\n\n",
                    s.c.layer.to_string(), 100 * s.input_sparsity);
  md += "| design | cycles | analytic model | activations issued | runs | bit-exact |\n";
  md += "|---|---:|---:|---:|---:|---|\n";
  for (const auto* d : {&s.sparse, &*s.dense})
    md += fmt::format("| {} | {} | {} ({:.3f}) | {} | {} | {} |\n",
                      d == &s.sparse ? "sparse" : "dense", d->run.perf.cycles, d->model.cycles,
                      double(d->model.cycles) / double(d->run.perf.cycles), d->run.perf.nnz,
                      d->run.plan.runs.size(), d->mismatch.count ? "NO" : "yes");
  md += fmt::format(
      "\nSpeedup over the dense baseline: **{:.2f}x** (zero-skipping limit {:.2f}x, "
      "{:.1f}% of it; the paper reports 7.29x at 90% sparsity).\n\n",
      speedup, limit, 100 * speedup / limit);
  if (ppa) {
    md += "## Synthesis (Yosys + OpenSTA, synthetic 55-nm-like library)\n\n";
    md +=
        "| design | area um2 | logic um2 | SRAM um2 | fmax MHz | power mW | energy uJ | TOPS/W "
        "(effective) |\n";
    md += "|---|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const flow::DesignPpa* d : {&ppa->sparse, ppa->dense ? &*ppa->dense : nullptr}) {
      if (!d) continue;
      md += fmt::format("| {} | {:.0f} | {:.0f} | {:.0f} | {:.1f} | {:.2f} | {:.3f} | {:.2f} |\n",
                        d == &ppa->sparse ? "sparse" : "dense", d->synth.total_area_um2,
                        d->synth.logic_area_um2, d->synth.macro_area_um2, d->synth.timing.fmax_mhz,
                        d->synth.power.total.total_mw(), d->energy_uj, d->tops_per_w);
    }
    md += fmt::format(
        "\nEffective TOPS/W = 2 x the layer's dense MACs / energy of the sparse run, "
        "at {} MHz; the paper reports 1.94 TOPS/W (UMC 55 nm, 100 MHz, 1.08 V). "
        "Power uses the switching activity of {}.\n",
        p.target_mhz,
        ppa->sparse.window == ppa->layer.layer
            ? std::string("the simulated layer")
            : fmt::format("its first {} of {} input rows (the coverage build is slow); energy is "
                          "that power over the whole layer's cycles",
                          ppa->sparse.window.h, ppa->layer.layer.h));
  }
  return md;
}

}  // namespace

int run_run(const RunOptions& o) {
  const std::optional<ArchParams> p = load_params(o.config);
  if (!p) return kInvalidInput;
  const auto t0 = std::chrono::steady_clock::now();
  const std::string dir = o.out_dir.empty() ? default_out_dir(o.config) : o.out_dir;
  sim::CaseOptions co;
  co.layer = o.layer.empty() ? sim::representative_layer(*p).to_string() : o.layer;
  co.sparsity = o.sparsity;
  sim::CaseResult s;
  std::optional<flow::PpaResult> ppa;
  try {
    const sim::LayerCase c = sim::make_case(co, *p);
    std::printf("zasgen run %s\n  1/3 generate and build the simulators of %s and its dense twin\n",
                o.config.c_str(), p->name.c_str());
    std::fflush(stdout);
    const sim::Design ds = sim::prepare_design(*p, dir, sim_cache_dir());
    const sim::Design dd =
        sim::prepare_design(p->dense_twin(), (fs::path(dir) / "dense").string(), sim_cache_dir());
    std::printf("  2/3 simulate %s (%.0f%% zeros) on both designs\n", c.layer.to_string().c_str(),
                100 * c.sparsity);
    std::fflush(stdout);
    s = sim::run_case(ds, &dd, c);
    if (s.sparse.mismatch.count || s.dense->mismatch.count) {
      report_error(
          "simulation does not match the golden model; run `zasgen sim` on the same "
          "layer for the first differing output");
      return kMismatch;
    }
    if (!o.no_synth) {
      std::printf("  3/3 synthesize both designs with the layer's switching activity (minutes)\n");
      std::fflush(stdout);
      flow::PpaOptions po;
      po.out_dir = dir;
      po.cache_root = sim_cache_dir();
      po.layer = co.layer;
      po.sparsity = o.sparsity;
      po.log = [](const std::string& l) {
        std::printf("      %s\n", l.c_str());
        std::fflush(stdout);
      };
      ppa = flow::run_ppa(*p, po);
    }
  } catch (const sim::InputError& e) {
    report_error(e.what());
    return kInvalidInput;
  } catch (const sim::ScheduleError& e) {
    report_error(e.what());
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
  const fs::path reports = fs::path(dir) / "reports";
  const std::string md = report_markdown(*p, s, ppa ? &*ppa : nullptr);
  try {
    write_file_atomically((reports / "run.md").string(), md);
    write_file_atomically((reports / "run_sim.json").string(), sim::to_json(s, *p).dump(2) + "\n");
    if (ppa)
      write_file_atomically((reports / "run_synth.json").string(),
                            flow::to_json(*ppa).dump(2) + "\n");
  } catch (const std::exception& e) {
    report_error(fmt::format("cannot write the report: {}", e.what()));
    return kToolFailure;
  }
  const double speedup = double(s.dense->run.perf.cycles) / double(s.sparse.run.perf.cycles);
  std::printf("\nreport: %s\n", (reports / "run.md").string().c_str());
  std::printf(
      "  speedup %.2fx over the dense baseline at %.0f%% sparsity (paper 7.29x), bit-exact\n",
      speedup, 100 * s.input_sparsity);
  if (ppa)
    std::printf("  area %.2f mm2, fmax %.0f MHz, %.1f mW, %.2f TOPS/W effective (paper 1.94)\n",
                ppa->sparse.synth.total_area_um2 / 1e6, ppa->sparse.synth.timing.fmax_mhz,
                ppa->sparse.synth.power.total.total_mw(), ppa->sparse.tops_per_w);
  std::printf("  %.0f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return kOk;
}

}  // namespace zasgen::cli
