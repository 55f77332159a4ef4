#include "zasgen/app/run.h"

#include <filesystem>

#include <fmt/format.h>

#include "zasgen/fs_util.h"

namespace zasgen::app {

namespace fs = std::filesystem;

std::string run_report(const ArchParams& p, const CaseResult& s, const PpaResult* ppa) {
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
    for (const DesignPpa* d : {&ppa->sparse, ppa->dense ? &*ppa->dense : nullptr}) {
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

RunJobResult run_job(const ArchParams& p, const RunJobOptions& o) {
  auto log = [&](const std::string& s) {
    if (o.log) o.log(s);
  };
  RunJobResult r;
  sim::CaseOptions co;
  co.layer = o.layer.empty() ? sim::representative_layer(p).to_string() : o.layer;
  co.sparsity = o.sparsity;
  const sim::LayerCase c = sim::make_case(co, p);
  log(fmt::format("1/3 generate and build the simulators of {} and its dense twin", p.name));
  const sim::Design ds = sim::prepare_design(p, o.out_dir, o.cache_root);
  const sim::Design dd =
      sim::prepare_design(p.dense_twin(), (fs::path(o.out_dir) / "dense").string(), o.cache_root);
  log(fmt::format("2/3 simulate {} ({:.0f}% zeros) on both designs", c.layer.to_string(),
                  100 * c.sparsity));
  r.sim = run_case(ds, &dd, c);
  if (r.sim.mismatches())
    throw MismatchError(
        "simulation does not match the golden model; run `zasgen sim` on the same layer for the "
        "first differing output");
  if (o.synth) {
    log("3/3 synthesize both designs with the layer's switching activity (minutes)");
    PpaOptions po;
    po.out_dir = o.out_dir;
    po.cache_root = o.cache_root;
    po.layer = co.layer;
    po.sparsity = o.sparsity;
    po.log = [&](const std::string& l) { log("    " + l); };
    r.ppa = run_ppa(p, po);
  }
  const fs::path reports = fs::path(o.out_dir) / "reports";
  r.report = (reports / "run.md").string();
  write_file_atomically(r.report, run_report(p, r.sim, r.ppa ? &*r.ppa : nullptr));
  write_file_atomically(
      (reports / "run_sim.json").string(),
      to_json(r.sim, p).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  if (r.ppa)
    write_file_atomically(
        (reports / "run_synth.json").string(),
        to_json(*r.ppa).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  return r;
}

}  // namespace zasgen::app
