#include "zasgen/app/ppa.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "zasgen/activity.h"
#include "zasgen/app/parallel.h"
#include "zasgen/fs_util.h"
#include "zasgen/rtl/macros.h"
#include "zasgen/sim/verilator_build.h"
#include "zasgen/util.h"

namespace zasgen::app {

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

// A step of the pipeline on one design, with its progress.
class Step {
 public:
  Step(Progress* p, const std::string& name, double total = 0)
      : p_(p), id_(p ? p->start(name, total) : -1) {}
  ~Step() {
    if (p_) p_->finish(id_);
  }
  void update(double done) {
    if (p_) p_->update(id_, done);
  }

 private:
  Progress* p_;
  int id_;
};

// One design through the pipeline.
struct Unit {
  ArchParams params;
  std::string dir;  // out/<stem>/ or out/<stem>/dense/
  sim::Design design;
  DesignPpa result;
};

void simulate(Unit& u, const sim::LayerCase& c, const model::Tensor3& golden, const PpaOptions& o) {
  Step step(o.progress, "simulate " + c.layer.to_string() + " on " + u.params.name + "_top", 1);
  sim::RunDesignOptions ro;
  ro.activity = true;
  ro.progress = [&](size_t run, size_t runs) { step.update(double(run) / double(runs)); };
  u.result.run = sim::run_design(u.design, c, golden, ro);
  if (u.result.run.mismatch.count)
    throw MismatchError(fmt::format(
        "{}: the simulation of {} differs from the golden model ({} outputs, first at k={} y={} "
        "x={}): refusing to estimate power from it",
        u.params.name, c.name, u.result.run.mismatch.count, u.result.run.mismatch.k,
        u.result.run.mismatch.y, u.result.run.mismatch.x));
}

// The register-file banks of the macro manifest, with their accesses. Each word of a bank runs
// on a gate that opens in the cycles it is written, so a bank's writes are the duties of the
// gates under it times the cycles; each compute write follows a read of the word (a merged pair
// skips one of each) and each drain read is followed by a clearing write, so its reads are taken
// equal to its writes. The drain reads each of the layer's `drained` words once (every output
// position of every K-group in every lane), spread over the banks.
std::vector<EnergyInputs::RegisterBank> register_banks(const rtl::MacroManifest& macros,
                                                       const flow::SynthResult& synth,
                                                       uint64_t cycles, double drained) {
  size_t files = 0;
  for (const rtl::MacroEntry& f : macros.register_files) files += f.instances.size();
  const double drained_per_bank = files ? drained / double(files) : 0.0;
  std::map<std::string, double> duty;
  for (const flow::ClockGatePower& g : synth.power.clock_gates) duty[g.instance] = g.duty;
  std::vector<EnergyInputs::RegisterBank> banks;
  for (const rtl::MacroEntry& f : macros.register_files) {
    double area = 0;
    for (const flow::ModuleArea& m : synth.modules)
      if (m.module == f.module) area = m.total_um2;
    for (const std::string& inst : f.instances) {
      const std::string under = inst + ".";
      double writes = 0;
      for (const rtl::ClockGateEntry& g : macros.clock_gates) {
        if (g.instance.compare(0, under.size(), under) != 0) continue;
        const auto it = duty.find(g.instance);
        writes += (it == duty.end() ? 1.0 : it->second) * double(cycles);
      }
      EnergyInputs::RegisterBank b{area, f.geometry.width, f.geometry.addr_bits(), writes, writes};
      b.fields = f.fields;
      b.drain_reads = std::min(writes, drained_per_bank);
      banks.push_back(b);
    }
  }
  return banks;
}

// The synthesis job of a generated design (its libraries written), without activity.
flow::SynthJob synth_job(const sim::Design& d, const std::string& dir,
                         const flow::LibertySpec& spec, const PpaOptions& o) {
  const std::string syn_dir = (fs::path(dir) / "synth").string();
  const auto libs = flow::write_libraries(spec, d.macros, syn_dir);
  flow::SynthJob job;
  job.verilog_files = design_files(d.rtl_dir, d.macros);
  job.top = d.params.name + "_top";
  job.macros = d.macros;
  job.out_dir = syn_dir;
  job.clock_period_ns = 1000.0 / d.params.target_mhz;
  job.liberty = libs.first;
  job.macro_liberty = libs.second;
  job.run_sta = o.power;
  // Netlists live beside the simulator builds: the same RTL on another layer skips Yosys.
  if (!o.cache_root.empty()) job.netlist_cache = (fs::path(o.cache_root) / "netlists").string();
  return job;
}

flow::SynthResult netlist(const flow::SynthJob& job, const PpaOptions& o) {
  Step step(o.progress, "synthesize " + job.top);
  flow::SynthResult r = flow::synthesize_netlist(job);
  if (r.netlist_cached && o.progress)
    o.progress->say("  " + job.top + ": the netlist of the same RTL came from the cache (" +
                    job.netlist_cache + ")");
  return r;
}

// `early`: the netlist start_netlists began, or none.
void synthesize(Unit& u, const sim::LayerCase& c, const flow::LibertySpec& spec,
                const PpaOptions& o, const std::shared_future<flow::SynthResult>* early) {
  DesignPpa& d = u.result;
  d.params = u.params;
  d.clock_mhz = u.params.target_mhz;
  const rtl::MacroManifest& macros = u.design.macros;
  if (early) d.synth = early->get();
  flow::SynthJob job = synth_job(u.design, u.dir, spec, o);
  if (!early) d.synth = netlist(job, o);
  if (o.power) {
    d.activity_file = (fs::path(u.dir) / "activity" / "activity.json").string();
    write_file_atomically(d.activity_file, activity_json(d.run.run.activity));
    job.activity_file = d.activity_file;
    job.default_toggle_rate = 0.05;  // only nets the simulation did not see
    Step step(o.progress, "time and power " + job.top);
    flow::analyze(job, d.synth);
  }
  for (const rtl::MacroEntry& m : macros.macros) {
    DesignPpa::MacroUse use;
    use.macro = flow::sram_macro(spec, m.geometry);
    use.count = int(m.instances.size());
    for (const std::string& inst : m.instances) {
      const auto it = d.run.run.activity.macros.find(inst);
      if (it == d.run.run.activity.macros.end()) continue;
      use.reads += it->second.reads;
      use.writes += it->second.writes;
    }
    d.sram_macros.push_back(use);
  }
  if (o.power) {
    d.layer_us = double(d.layer_cycles()) / d.clock_mhz;
    EnergyInputs in;
    in.synth = &d.synth;
    in.clock_mhz = d.clock_mhz;
    in.layer_us = d.layer_us;
    in.cycles = d.layer_cycles();
    in.vdd = spec.vdd;
    in.wire_cap_ff_um = spec.wire_cap_ff_um;
    in.flop_clock_pin_ff = spec.c_unit_ff;
    in.macro_clock_pin_ff = spec.sram.get("clock_pin_cap");
    for (const rtl::MacroEntry& m : macros.macros) {
      const flow::SramMacro model = flow::sram_macro(spec, m.geometry);
      for (const std::string& inst : m.instances) {
        EnergyInputs::Instance i;
        i.macro = model;
        const auto it = d.run.run.activity.macros.find(inst);
        if (it != d.run.run.activity.macros.end()) {
          i.reads = it->second.reads;
          i.writes = it->second.writes;
        }
        in.instances.push_back(i);
      }
    }
    const double drained = double(c.layer.out_h()) * c.layer.out_w() *
                           double(ceil_div(c.layer.k, u.params.pes)) * u.params.lanes;
    in.register_banks = register_banks(macros, d.synth, in.cycles, drained);
    d.energy = energy_band(in);
    d.energy_uj = d.energy.total_uj.central;
    d.macs_dense = c.layer.macs();
    d.macs_executed = d.run.run.perf.macs;
    auto tops = [](double macs, double e_uj) {
      return e_uj > 0 ? 2.0 * macs / (e_uj * 1e-6) / 1e12 : 0.0;
    };
    const Range& e = d.energy.total_uj;
    d.tops_per_w_band = {tops(double(d.macs_dense), e.high), tops(double(d.macs_dense), e.central),
                         tops(double(d.macs_dense), e.low)};
    d.tops_per_w_executed = {tops(double(d.macs_executed), e.high),
                             tops(double(d.macs_executed), e.central),
                             tops(double(d.macs_executed), e.low)};
    d.tops_per_w = d.tops_per_w_band.central;
    d.pj_per_mac = d.macs_executed ? e.central * 1e6 / double(d.macs_executed) : 0.0;
    d.pj_per_dense_mac = d.macs_dense ? e.central * 1e6 / double(d.macs_dense) : 0.0;
  }
  if (o.gatesim) {
    Step step(o.progress, "gate-level simulation of " + job.top);
    gate_level_sim(d, c, u.design.rtl_dir, job.liberty, (fs::path(u.dir) / "gatesim").string(), o);
  }
  if (o.osu018) {
    Step step(o.progress, "osu018 cross-check of " + job.top);
    d.osu018 = flow::osu018_crosscheck(job, d.synth, spec);
  }
}

nlohmann::ordered_json macros_json(const DesignPpa& d) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const DesignPpa::MacroUse& u : d.sram_macros) {
    const flow::SramMacro& m = u.macro;
    a.push_back({{"name", m.name},
                 {"kind", rtl::to_string(m.kind)},
                 {"depth", m.depth},
                 {"width", m.width},
                 {"count", u.count},
                 {"area_um2", m.area_um2},
                 {"read_pj", m.read_pj},
                 {"write_pj", m.write_pj},
                 {"leakage_uw", m.leakage_uw},
                 {"access_ns", m.access_ns},
                 {"access_ns_cacti", m.cacti_access_ns},
                 {"device", m.device},
                 {"in_table_grid", m.in_table_grid},
                 {"reads", u.reads},
                 {"writes", u.writes},
                 {"first_order_model",
                  {{"area_um2", m.first_order_area_um2},
                   {"read_pj", m.first_order_read_pj},
                   {"write_pj", m.first_order_write_pj}}}});
  }
  return a;
}

// The energy figures of one design: bands, terms and the per-MAC metrics.
void energy_json(nlohmann::ordered_json& j, const DesignPpa& d) {
  j["energy_uj"] = band_json(d.energy.total_uj);
  j["power_mw_band"] = band_json(d.energy.power_mw);
  nlohmann::ordered_json terms;
  for (const EnergyTerm& t : d.energy.terms) terms[t.name] = band_json(t.uj);
  j["energy_terms_uj"] = terms;
  j["bus_length_um"] = d.energy.bus_length_um;
  j["clock_wire_mm"] = d.energy.clock_wire_mm;
  j["tops_per_w"] = band_json(d.tops_per_w_band);
  j["tops_per_w_effective"] = d.tops_per_w;
  j["tops_per_w_executed"] = band_json(d.tops_per_w_executed);
  j["macs_executed"] = d.macs_executed;
  j["macs_dense"] = d.macs_dense;
  j["pj_per_mac"] = d.pj_per_mac;
  j["pj_per_dense_mac"] = d.pj_per_dense_mac;
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
  j["sram_macro_count"] = s.macro_count;
  j["sram_macros"] = macros_json(d);
  j["fmax_mhz"] = s.timing.fmax_mhz;
  j["clock_mhz"] = d.clock_mhz;
  j["worst_setup_slack_ns"] = s.timing.worst_setup_slack_ns;
  if (s.timing.has_half_cycle_paths) j["half_cycle_slack_ns"] = s.timing.half_cycle_slack_ns;
  j["power_mw"] = d.energy.power_mw.central;
  j["power_mw_opensta"] = s.power.total.total_mw();
  j["power_breakdown_mw"] = {{"internal", s.power.total.internal_mw},
                             {"switching", s.power.total.switching_mw},
                             {"leakage", s.power.total.leakage_mw},
                             {"sequential", s.power.sequential.total_mw()},
                             {"combinational", s.power.combinational.total_mw()},
                             {"sram", s.power.macro.total_mw()}};
  j["clock_gating_credit_mw"] = s.power.clock_gating_credit_mw;
  nlohmann::ordered_json gates = nlohmann::ordered_json::array();
  for (const flow::ClockGatePower& g : s.power.clock_gates)
    gates.push_back({{"instance", g.instance},
                     {"flops", g.flops},
                     {"sram_macros", g.macros},
                     {"duty", g.duty_known ? nlohmann::ordered_json(g.duty) : nullptr},
                     {"credit_mw", g.credit_mw}});
  j["clock_gates"] = gates;
  j["activity"] = {{"file", d.activity_file},
                   {"cycles", d.run.run.activity.cycles},
                   {"register_bits", d.run.run.activity.nets.size()},
                   {"sram_instances", d.run.run.activity.macros.size()},
                   {"nets_annotated", s.power.activity_applied},
                   {"nets_left_to_sta", s.power.activity_not_register},
                   {"names_unmatched", s.power.activity_unmatched}};
  j["layer_cycles"] = d.layer_cycles();
  j["layer_sim_seconds"] = d.run.run.seconds;
  j["layer_time_us"] = d.layer_us;
  energy_json(j, d);
  j["synth_seconds"] = s.yosys_seconds;
  j["netlist_cached"] = s.netlist_cached;
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

std::string design_dir(const std::string& out_dir, bool dense_twin) {
  return dense_twin ? (fs::path(out_dir) / "dense").string() : out_dir;
}

namespace {

std::string unit_dir(const PpaOptions& o, size_t i) {
  return design_dir(o.out_dir, i == 1);
}

int jobs_of(const PpaOptions& o) {
  return o.jobs > 0 ? o.jobs : default_jobs();
}

}  // namespace

EarlyNetlists start_netlists(const std::vector<const sim::Design*>& designs, const PpaOptions& o) {
  EarlyNetlists e;
  if (jobs_of(o) < 2) return e;
  const flow::LibertySpec spec = flow::load_process_spec(flow::default_process_spec_path());
  for (size_t i = 0; i < designs.size(); ++i) {
    const flow::SynthJob job = synth_job(*designs[i], unit_dir(o, i), spec, o);
    e.runs.push_back(std::async(std::launch::async, [job, o] { return netlist(job, o); }).share());
  }
  return e;
}

PpaResult run_ppa(const ArchParams& p, const PpaOptions& o) {
  PpaResult r;
  if (o.simulated) {
    r.layer = o.simulated->c;
  } else {
    sim::CaseOptions co;
    co.layer = o.layer.empty() ? sim::representative_layer(p).to_string() : o.layer;
    co.sparsity = o.sparsity;
    co.seed = o.seed;
    r.layer = sim::make_case(co, p);
  }
  std::vector<Unit> units(o.dense ? 2 : 1);
  units[0].params = p;
  if (o.dense) units[1].params = p.dense_twin();
  for (size_t i = 0; i < units.size(); ++i) units[i].dir = unit_dir(o, i);
  const int jobs = jobs_of(o);
  EarlyNetlists own;
  const EarlyNetlists* early = o.netlists;
  if (o.simulated && o.power) {
    // The layer ran on these designs already, with activity: take its results.
    for (size_t i = 0; i < units.size(); ++i) {
      Unit& u = units[i];
      const sim::DesignResult* run =
          i == 0 ? &o.simulated->sparse : (o.simulated->dense ? &*o.simulated->dense : nullptr);
      if (!run || run->run.activity.nets.empty())
        throw std::logic_error("run_ppa: the simulated case has no activity for " + u.params.name);
      u.design.params = u.params;
      u.design.rtl_dir = (fs::path(u.dir) / "rtl").string();
      u.design.macros = rtl::read_manifest(u.design.rtl_dir);
      u.result.run = *run;
    }
  } else {
    for (Unit& u : units) u.design = sim::generated_design(u.params, u.dir);
    if (!early && o.power) {
      // Yosys needs only the RTL: it runs while the simulators build and simulate.
      std::vector<const sim::Design*> designs;
      for (const Unit& u : units) designs.push_back(&u.design);
      own = start_netlists(designs, o);
      early = &own;
    }
    const model::Tensor3 golden = o.power ? sim::golden_output(r.layer, p) : model::Tensor3();
    if (o.power)
      parallel_for(units.size(), jobs, [&](size_t i) {
        {
          Step step(o.progress, "build the simulator of " + units[i].params.name + "_top");
          // Yosys is the longer path to power: the compilers yield it the cores.
          sim::build_design(units[i].design, o.cache_root, false, false,
                            early && !early->runs.empty() ? 10 : 0);
        }
        simulate(units[i], r.layer, golden, o);
      });
  }
  if (early && early->runs.empty()) early = nullptr;  // one tool at a time: none began
  if (early && early->runs.size() != units.size())
    throw std::logic_error("run_ppa: the netlists begun are not those of the designs asked for");
  const flow::LibertySpec spec = flow::load_process_spec(flow::default_process_spec_path());
  parallel_for(units.size(), jobs, [&](size_t i) {
    synthesize(units[i], r.layer, spec, o, early ? &early->runs[i] : nullptr);
  });
  r.sparse = std::move(units[0].result);
  if (o.dense) r.dense = std::move(units[1].result);
  return r;
}

nlohmann::ordered_json band_json(const Range& r) {
  return {{"low", r.low}, {"central", r.central}, {"high", r.high}};
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
  j["layer_dense_macs"] = r.layer.layer.macs();
  // The contract's keys, for the design itself.
  j["area_um2"] = s.synth.total_area_um2;
  nlohmann::ordered_json by_module;
  for (const flow::ModuleArea& m : s.synth.modules)
    by_module[m.module] = m.total_um2 * double(m.instances);
  j["area_by_module"] = by_module;
  j["sram_area_um2"] = s.synth.macro_area_um2;
  j["fmax_mhz"] = s.synth.timing.fmax_mhz;
  j["power_mw"] = s.energy.power_mw.central;
  energy_json(j, s);
  j["sram_macros"] = macros_json(s);
  j["paper_tops_per_w"] = 1.94;
  j["sparse"] = design_json(s);
  if (r.dense) {
    j["dense"] = design_json(*r.dense);
    const double a = s.synth.total_area_um2, b = r.dense->synth.total_area_um2;
    j["area_overhead"] = b > 0 ? a / b - 1.0 : 0.0;
    j["logic_area_overhead"] = r.dense->synth.logic_area_um2 > 0
                                   ? s.synth.logic_area_um2 / r.dense->synth.logic_area_um2 - 1.0
                                   : 0.0;
    j["speedup"] =
        s.layer_cycles() ? double(r.dense->layer_cycles()) / double(s.layer_cycles()) : 0.0;
    j["energy_ratio_dense_over_sparse"] = s.energy_uj > 0 ? r.dense->energy_uj / s.energy_uj : 0.0;
  }
  return j;
}

}  // namespace zasgen::app
