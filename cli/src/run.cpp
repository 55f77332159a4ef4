#include "zasgen/app/run.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "zasgen/app/parallel.h"
#include "zasgen/fs_util.h"

namespace zasgen::app {

namespace fs = std::filesystem;

// The clock gates' duty, which scales their blocks' clock power (docs/ESTIMATES.md).
std::string clock_gating_summary(const PpaResult& ppa) {
  std::string md;
  for (const DesignPpa* d : {&ppa.sparse, ppa.dense ? &*ppa.dense : nullptr}) {
    if (!d || d->synth.power.clock_gates.empty()) continue;
    struct Group {
      std::string first;
      int count = 0, known = 0;
      int64_t flops = 0;
      double sum = 0, low = 1, high = 0;
    };
    std::map<std::string, Group> groups;  // by the instance path with its numbers as N
    for (const flow::ClockGatePower& g : d->synth.power.clock_gates) {
      std::string key;
      for (const char c : g.instance)
        if (!std::isdigit(static_cast<unsigned char>(c)))
          key += c;
        else if (key.empty() || key.back() != 'N')
          key += 'N';
      Group& gr = groups[key];
      if (gr.count++ == 0) gr.first = g.instance;
      gr.flops += g.flops;
      if (!g.duty_known) continue;
      ++gr.known;
      gr.sum += g.duty;
      gr.low = std::min(gr.low, g.duty);
      gr.high = std::max(gr.high, g.duty);
    }
    std::string gates;
    for (const auto& [key, gr] : groups) {
      const std::string duty =
          gr.known == 0   ? "unknown"
          : gr.count == 1 ? fmt::format("{:.1f}%", 100 * gr.sum)
                          : fmt::format("{:.1f}% on average ({:.1f}-{:.1f}%{})",
                                        100 * gr.sum / gr.known, 100 * gr.low, 100 * gr.high,
                                        gr.known < gr.count ? ", some unknown" : "");
      gates += gr.count == 1
                   ? fmt::format("{}{} ({} flops) {}", gates.empty() ? "" : ", ", gr.first,
                                 gr.flops, duty)
                   : fmt::format("{}{} gates {} ({} flops in all) {}", gates.empty() ? "" : ", ",
                                 gr.count, key, gr.flops, duty);
    }
    md += fmt::format(
        "{} design: gated blocks are clocked in a share of the cycles, {}; {:.2f} mW of clock "
        "power is credited for that.\n",
        d == &ppa.sparse ? "Sparse" : "Dense", gates, d->synth.power.clock_gating_credit_mw);
  }
  return md.empty() ? md : "\n" + md;
}

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
        "| design | area um2 | logic um2 | SRAM um2 | fmax MHz | power mW (low-high) | energy uJ "
        "(low-high) | TOPS/W effective (low-high) | TOPS/W real | pJ/MAC |\n";
    md += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const DesignPpa* d : {&ppa->sparse, ppa->dense ? &*ppa->dense : nullptr}) {
      if (!d) continue;
      const Range &pw = d->energy.power_mw, &e = d->energy.total_uj, &t = d->tops_per_w_band;
      md += fmt::format(
          "| {} | {:.0f} | {:.0f} | {:.0f} | {:.1f} | {:.2f} ({:.2f}-{:.2f}) | {:.3f} "
          "({:.3f}-{:.3f}) | {:.2f} ({:.2f}-{:.2f}) | {:.2f} | {:.2f} |\n",
          d == &ppa->sparse ? "sparse" : "dense", d->synth.total_area_um2, d->synth.logic_area_um2,
          d->synth.macro_area_um2, d->synth.timing.fmax_mhz, pw.central, pw.low, pw.high, e.central,
          e.low, e.high, t.central, t.low, t.high, d->tops_per_w_executed.central, d->pj_per_mac);
    }
    md += fmt::format(
        "\nEffective TOPS/W = 2 x the layer's dense MACs / energy of the sparse run, real TOPS/W "
        "= 2 x the executed MACs / energy, at {} MHz; bands from docs/ESTIMATES.md; the paper "
        "reports 1.94 TOPS/W (UMC 55 nm, 100 MHz, 1.08 V). "
        "Power uses the switching activity of the whole simulated layer on each synthesized design "
        "(register toggles and SRAM accesses over the busy cycles).\n",
        p.target_mhz);
    if (!ppa->dense)
      md +=
          "\nThe dense twin was simulated for the speedup, not synthesized: `zasgen run "
          "--dense-synth` (or `zasgen synth`) adds its area, timing, power and energy, and the "
          "sparse machinery's area overhead.\n";
    md += clock_gating_summary(*ppa);
  }
  return md;
}

RunJobResult run_job(const ArchParams& p, const RunJobOptions& o) {
  RunJobResult r;
  sim::CaseOptions co;
  co.layer = o.layer.empty() ? sim::representative_layer(p).to_string() : o.layer;
  co.sparsity = o.sparsity;
  const sim::LayerCase c = sim::make_case(co, p);
  const int jobs = o.jobs > 0 ? o.jobs : default_jobs();
  // The design and its dense twin: generated; the design (with dense_synth, the twin too)
  // synthesized in the background while the simulators are built (power needs the activity,
  // Yosys only the RTL); then both simulated in parallel, with activity where power needs it.
  const ArchParams params[2] = {p, p.dense_twin()};
  const std::string dirs[2] = {design_dir(o.out_dir, false), design_dir(o.out_dir, true)};
  sim::Design designs[2] = {sim::generated_design(params[0], dirs[0]),
                            sim::generated_design(params[1], dirs[1])};
  PpaOptions po;
  po.out_dir = o.out_dir;
  po.cache_root = o.cache_root;
  po.layer = co.layer;
  po.sparsity = o.sparsity;
  po.jobs = jobs;
  po.progress = o.progress;
  po.dense = o.dense_synth;
  const EarlyNetlists netlists = !o.synth        ? EarlyNetlists{}
                                 : o.dense_synth ? start_netlists({&designs[0], &designs[1]}, po)
                                                 : start_netlists({&designs[0]}, po);
  parallel_for(2, jobs, [&](size_t i) {
    const int step =
        o.progress ? o.progress->start("build the simulator of " + params[i].name + "_top") : -1;
    // Yosys is the longer path to power: the compilers yield it the cores.
    sim::build_design(designs[i], o.cache_root, false, false, netlists.runs.empty() ? 0 : 10);
    if (o.progress) o.progress->finish(step);
  });
  RunOptions ro;
  ro.activity = o.synth;
  ro.dense_activity = o.synth && o.dense_synth;
  ro.jobs = jobs;
  ro.progress_steps = o.progress;
  r.sim = run_case(designs[0], &designs[1], c, ro);
  if (r.sim.mismatches())
    throw MismatchError(
        "simulation does not match the golden model; run `zasgen sim` on the same layer for the "
        "first differing output");
  if (o.synth) {
    po.simulated = &r.sim;
    po.netlists = &netlists;
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
