#include "zasgen/app/ppa.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "zasgen/activity.h"
#include "zasgen/flow/error.h"
#include "zasgen/fs_util.h"
#include "zasgen/rtl/macros.h"
#include "zasgen/sim/cycle_model.h"
#include "zasgen/sim/verilator_build.h"

namespace zasgen::app {

using flow::FlowError;

namespace fs = std::filesystem;

namespace {

// The design's Verilog for synthesis: its file list without the SRAM models (the macro
// liberty describes those; synthesis must not read their bodies).
std::vector<std::string> design_files(const std::string& rtl_dir,
                                      const rtl::MacroManifest& macros) {
  std::ifstream in(fs::path(rtl_dir) / "filelist.f");
  std::vector<std::string> files;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (macros.find(fs::path(line).stem().string())) continue;
    files.push_back((fs::path(rtl_dir) / line).string());
  }
  return files;
}

// Simulates the mapped netlist (Yosys's cell models from the liberty, the SRAM models) through
// the same host driver as the RTL, on the same layer, and compares with the golden model.
void gate_level_sim(DesignPpa& d, const sim::LayerCase& c, const std::string& rtl_dir,
                    const std::string& liberty, const std::string& work, const PpaOptions& o) {
  fs::remove_all(work);
  fs::create_directories(work);
  flow::write_gate_models(liberty, (fs::path(work) / "cells.v").string());
  std::string list = "cells.v\n";
  for (const rtl::MacroEntry& m : rtl::read_manifest(rtl_dir).macros) {
    const std::string n = m.module + ".v";
    fs::copy_file(fs::path(rtl_dir) / n, fs::path(work) / n);
    list += n + "\n";
  }
  fs::copy_file(d.synth.netlist, fs::path(work) / "netlist.v");
  list += "netlist.v\n";
  std::ofstream(fs::path(work) / "filelist.f") << list;
  sim::Design g;
  g.params = d.params;
  g.rtl_dir = work;
  sim::BuildRequest br;
  br.rtl_dir = work;
  br.top = d.params.name + "_top";
  br.cache_root = o.cache_root;
  br.netlist = true;
  g.library = sim::build_simulator(br).library;
  const sim::DesignResult r = sim::run_design(g, c, sim::golden_output(c, d.params));
  d.gatesim = r.mismatch;
  d.gatesim_cycles = r.run.perf.cycles;
  d.gatesim_seconds = r.run.seconds;
}

DesignPpa run_design(const ArchParams& p, const sim::LayerCase& c, const std::string& dir,
                     const PpaOptions& o, const flow::LibertySpec& spec) {
  auto log = [&](const std::string& s) {
    if (o.log) o.log(s);
  };
  DesignPpa d;
  d.params = p;
  d.clock_mhz = p.target_mhz;
  sim::Design design;
  design.params = p;
  design.rtl_dir = sim::generate_design(p, dir);
  const sim::LayerCase window = activity_window(c, p, o.activity_budget);
  d.window = window.layer;
  if (o.power) {
    log(fmt::format("{}: simulating {} for switching activity (coverage build)", p.name,
                    window.name));
    d.activity =
        sim::measure_activity(design, window, o.cache_root, (fs::path(dir) / "activity").string());
    if (d.activity.mismatch.count)
      throw FlowError(FlowError::Code::ToolFailed, p.name,
                      fmt::format("the activity simulation is not bit-exact ({} mismatches): "
                                  "refusing to estimate power from it",
                                  d.activity.mismatch.count));
    d.layer_cycles = d.activity.perf.cycles;
    if (window.layer != c.layer) {
      log(fmt::format("{}: simulating the whole layer {} for its cycles", p.name, c.name));
      sim::BuildRequest br;
      br.rtl_dir = design.rtl_dir;
      br.top = p.name + "_top";
      br.cache_root = o.cache_root;
      design.library = sim::build_simulator(br).library;
      const sim::DesignResult full = sim::run_design(design, c, sim::golden_output(c, p));
      if (full.mismatch.count)
        throw FlowError(
            FlowError::Code::ToolFailed, p.name,
            fmt::format("the simulation of the whole layer is not bit-exact ({} "
                        "mismatches, first at k={} y={} x={})",
                        full.mismatch.count, full.mismatch.k, full.mismatch.y, full.mismatch.x));
      d.layer_cycles = full.run.perf.cycles;
      d.layer_sim_seconds = full.run.seconds;
    }
  }
  const rtl::MacroManifest macros = rtl::read_manifest(design.rtl_dir);
  const std::string syn_dir = (fs::path(dir) / "synth").string();
  const auto libs = flow::write_libraries(spec, macros, syn_dir);
  flow::SynthJob job;
  job.verilog_files = design_files(design.rtl_dir, macros);
  job.top = p.name + "_top";
  job.macros = macros;
  job.out_dir = syn_dir;
  job.clock_period_ns = 1000.0 / p.target_mhz;
  job.liberty = libs.first;
  job.macro_liberty = libs.second;
  if (o.power) {
    d.activity_file = (fs::path(dir) / "activity" / "activity.json").string();
    write_file_atomically(d.activity_file, activity_json(d.activity.activity));
    job.activity_file = d.activity_file;
    job.default_toggle_rate = 0.05;  // only nets the simulation did not see
  }
  job.run_sta = o.power;
  log(fmt::format("{}: synthesizing {} ({} files, {} macro geometries)", p.name, job.top,
                  job.verilog_files.size(), macros.macros.size()));
  d.synth = flow::synthesize(job);
  if (o.power) {
    d.layer_us = double(d.layer_cycles) / d.clock_mhz;
    d.energy_uj = d.synth.power.total.total_mw() * d.layer_us * 1e-3;
    d.tops_per_w = d.energy_uj > 0 ? 2.0 * double(c.layer.macs()) / (d.energy_uj * 1e-6) / 1e12 : 0;
  }
  if (o.gatesim) {
    log(fmt::format("{}: gate-level simulation of the netlist on {}", p.name, window.name));
    gate_level_sim(d, window, design.rtl_dir, libs.first, (fs::path(dir) / "gatesim").string(), o);
  }
  if (o.osu018) {
    log(fmt::format("{}: cross-checking against osu018", p.name));
    d.osu018 = flow::osu018_crosscheck(job, d.synth, spec);
  }
  return d;
}

nlohmann::ordered_json design_json(const DesignPpa& d) {
  nlohmann::ordered_json j;
  const flow::SynthResult& s = d.synth;
  j["design"] = d.params.name;
  j["area_um2"] = s.total_area_um2;
  j["logic_area_um2"] = s.logic_area_um2;
  j["sram_area_um2"] = s.macro_area_um2;
  nlohmann::ordered_json by_module;
  for (const flow::ModuleArea& m : s.modules)
    by_module[m.module] = {{"instances", m.instances},
                           {"area_um2", m.total_um2 * double(m.instances)},
                           {"area_um2_each", m.total_um2},
                           {"own_logic_um2_each", m.own_logic_um2},
                           {"own_sram_um2_each", m.own_macro_um2}};
  j["area_by_module"] = by_module;
  j["cells"] = s.cell_count;
  j["flops"] = s.flop_count;
  j["sram_macros"] = s.macro_count;
  j["fmax_mhz"] = s.timing.fmax_mhz;
  j["clock_mhz"] = d.clock_mhz;
  j["worst_setup_slack_ns"] = s.timing.worst_setup_slack_ns;
  j["power_mw"] = s.power.total.total_mw();
  j["power_breakdown_mw"] = {{"internal", s.power.total.internal_mw},
                             {"switching", s.power.total.switching_mw},
                             {"leakage", s.power.total.leakage_mw},
                             {"sequential", s.power.sequential.total_mw()},
                             {"combinational", s.power.combinational.total_mw()},
                             {"sram", s.power.macro.total_mw()}};
  j["activity"] = {{"window", d.window.to_string()},
                   {"window_cycles", d.activity.perf.cycles},
                   {"nets_annotated", s.power.activity_applied},
                   {"nets_left_to_sta", s.power.activity_not_register},
                   {"names_unmatched", s.power.activity_unmatched},
                   {"bits_dropped_impossible", d.activity.impossible}};
  j["layer_cycles"] = d.layer_cycles;
  j["layer_sim_seconds"] = d.layer_sim_seconds;
  j["layer_time_us"] = d.layer_us;
  j["energy_uj"] = d.energy_uj;
  j["tops_per_w_effective"] = d.tops_per_w;
  j["synth_seconds"] = s.yosys_seconds;
  j["sta_seconds"] = s.sta_seconds;
  j["netlist"] = s.netlist;
  if (d.gatesim)
    j["gate_level_sim"] = {{"mismatches", d.gatesim->count},
                           {"cycles", d.gatesim_cycles},
                           {"seconds", d.gatesim_seconds}};
  if (d.osu018)
    j["osu018"] = {{"logic_area_um2", d.osu018->ref_logic_um2},
                   {"logic_area_scaled_um2", d.osu018->ref_logic_scaled_um2},
                   {"our_logic_area_um2", d.osu018->our_logic_um2},
                   {"ratio", d.osu018->ratio}};
  return j;
}

}  // namespace

sim::LayerCase activity_window(const sim::LayerCase& full, const ArchParams& design,
                               uint64_t budget) {
  const model::LayerSpec& l = full.layer;
  auto cycles = [&](int rows) {
    model::LayerSpec w = l;
    w.h = rows;
    return sim::estimate_layer(w, design, full.sparsity).cycles;
  };
  if (cycles(l.h) <= budget) return full;
  int lo = std::min(l.h, l.r + l.stride), hi = l.h;  // cycles(lo) may exceed the budget: lo
  while (lo < hi) {
    const int mid = (lo + hi + 1) / 2;
    if (cycles(mid) <= budget)
      lo = mid;
    else
      hi = mid - 1;
  }
  sim::LayerCase w = full;
  w.layer.h = lo;
  w.name =
      fmt::format("{} (first {} of {} input rows of {})", w.layer.to_string(), lo, l.h, full.name);
  const model::Tensor3& a = full.in.act;
  w.in.act = model::Tensor3(a.channels(), lo, a.width());
  for (int c = 0; c < a.channels(); ++c)
    std::copy(a.channel(c), a.channel(c) + size_t(lo) * size_t(a.width()), w.in.act.channel(c));
  return w;
}

PpaResult run_ppa(const ArchParams& p, const PpaOptions& o) {
  PpaResult r;
  sim::CaseOptions co;
  co.layer = o.layer.empty() ? sim::representative_layer(p).to_string() : o.layer;
  co.sparsity = o.sparsity;
  co.seed = o.seed;
  r.layer = sim::make_case(co, p);
  const flow::LibertySpec spec = flow::load_process_spec(flow::default_process_spec_path());
  r.sparse = run_design(p, r.layer, o.out_dir, o, spec);
  if (o.dense)
    r.dense =
        run_design(p.dense_twin(), r.layer, (fs::path(o.out_dir) / "dense").string(), o, spec);
  return r;
}

nlohmann::ordered_json to_json(const PpaResult& r) {
  const DesignPpa& s = r.sparse;
  nlohmann::ordered_json j;
  j["config"] = s.params.source;
  j["liberty"] = s.synth.out_dir + "/zasgen55.lib";
  j["estimate"] =
      "synthetic 55-nm-like library generated from flow/spec/process55.yaml; not "
      "foundry data";
  j["activity_layer"] = r.layer.name;
  j["activity_sparsity"] = r.layer.sparsity;
  j["activity_window"] = s.window.to_string();
  j["layer_dense_macs"] = r.layer.layer.macs();
  // The contract's keys, for the design itself.
  j["area_um2"] = s.synth.total_area_um2;
  nlohmann::ordered_json by_module;
  for (const flow::ModuleArea& m : s.synth.modules)
    by_module[m.module] = m.total_um2 * double(m.instances);
  j["area_by_module"] = by_module;
  j["sram_area_um2"] = s.synth.macro_area_um2;
  j["fmax_mhz"] = s.synth.timing.fmax_mhz;
  j["power_mw"] = s.synth.power.total.total_mw();
  j["energy_uj"] = s.energy_uj;
  j["tops_per_w_effective"] = s.tops_per_w;
  j["paper_tops_per_w"] = 1.94;
  j["sparse"] = design_json(s);
  if (r.dense) {
    j["dense"] = design_json(*r.dense);
    const double a = s.synth.total_area_um2, b = r.dense->synth.total_area_um2;
    j["area_overhead"] = b > 0 ? a / b - 1.0 : 0.0;
    j["logic_area_overhead"] = r.dense->synth.logic_area_um2 > 0
                                   ? s.synth.logic_area_um2 / r.dense->synth.logic_area_um2 - 1.0
                                   : 0.0;
    j["speedup"] = s.layer_cycles ? double(r.dense->layer_cycles) / double(s.layer_cycles) : 0.0;
    j["energy_ratio_dense_over_sparse"] = s.energy_uj > 0 ? r.dense->energy_uj / s.energy_uj : 0.0;
  }
  return j;
}

}  // namespace zasgen::app
