#include "zasgen/app/experiment.h"

#include <filesystem>
#include <future>

#include <fmt/format.h>

#include "zasgen/app/parallel.h"
#include "zasgen/model/npy.h"

namespace zasgen::app {

namespace fs = std::filesystem;

using sim::DesignResult;
using sim::PerfCounters;

double CaseResult::speedup() const {
  return dense && sparse.run.perf.cycles
             ? double(dense->run.perf.cycles) / double(sparse.run.perf.cycles)
             : 0.0;
}

double CaseResult::limit() const {
  return input_nonzeros ? double(c.in.act.size()) / double(input_nonzeros) : 0.0;
}

int64_t CaseResult::mismatches() const {
  return sparse.mismatch.count + (dense ? dense->mismatch.count : 0);
}

CaseResult run_case(const sim::Design& sparse, const sim::Design* dense, const sim::LayerCase& c,
                    const RunOptions& o) {
  CaseResult r;
  r.c = c;
  const int n = dense ? 2 : 1;
  // The golden output is computed beside the simulations when a worker is free for it, else
  // by the first simulation to finish.
  const std::shared_future<model::Tensor3> golden =
      std::async(o.jobs > n ? std::launch::async : std::launch::deferred, [&] {
        return sim::golden_output(c, sparse.params);
      }).share();
  for (int32_t v : c.in.act.values()) r.input_nonzeros += v != 0;
  r.input_sparsity = c.in.act.size() ? 1.0 - double(r.input_nonzeros) / double(c.in.act.size()) : 0;
  r.dense_bits = int64_t(c.in.act.size()) * sparse.params.act_bits;
  const sim::Design* designs[2] = {&sparse, dense};
  sim::DesignResult results[2];
  parallel_for(n, o.jobs, [&](size_t i) {
    const sim::Design& d = *designs[i];
    const int step =
        o.progress_steps
            ? o.progress_steps->start(
                  fmt::format("simulate {} on {}_top", c.layer.to_string(), d.params.name), 1)
            : -1;
    sim::RunDesignOptions ro;
    if (i == 0) ro.trace = o.trace;
    ro.activity = i == 0 ? o.activity : o.dense_activity;
    ro.through_port = o.through_port;
    if (o.progress_steps)
      ro.progress = [&, step](size_t run, size_t runs) {
        o.progress_steps->update(step, double(run) / double(runs));
      };
    results[i] = sim::run_design(
        d, c, [&golden]() -> const model::Tensor3& { return golden.get(); }, ro);
    if (o.progress_steps) o.progress_steps->finish(step);
  });
  r.sparse = std::move(results[0]);
  if (dense) r.dense = std::move(results[1]);
  return r;
}

std::string save_replay(const sim::LayerCase& c, const std::string& dir,
                        const std::string& config) {
  const fs::path d = fs::path(dir) / "mismatch";
  fs::create_directories(d);
  model::write_npy((d / "ifmap.npy").string(), c.in.act, model::NpyDtype::Int32);
  model::write_npy((d / "weights.npy").string(), c.in.weights, model::NpyDtype::Int32);
  model::NpyArray b;
  b.dtype = model::NpyDtype::Int32;
  b.shape = {int64_t(c.in.bias.size())};
  for (int64_t v : c.in.bias) b.values.push_back(int32_t(v));
  model::write_npy((d / "bias.npy").string(), b);
  return fmt::format("zasgen sim {} --layer {} --ifmap {} --weights {} --bias {}", config,
                     c.layer.to_string(), (d / "ifmap.npy").string(), (d / "weights.npy").string(),
                     (d / "bias.npy").string());
}

namespace {

nlohmann::ordered_json design_json(const DesignResult& r, const ArchParams& p) {
  const PerfCounters& pc = r.run.perf;
  nlohmann::ordered_json j;
  j["cycles"] = pc.cycles;
  j["model_cycles"] = r.model.cycles;
  j["model_ratio"] = pc.cycles ? double(r.model.cycles) / double(pc.cycles) : 0.0;
  j["mismatches"] = r.mismatch.count;
  j["activations_issued"] = pc.nnz;
  j["macs_issued"] = pc.macs;
  const double lanes = double(p.lanes);
  j["lane_utilization"] = pc.cycles ? double(pc.nnz) / (double(pc.cycles) * lanes) : 0.0;
  j["mac_utilization"] =
      pc.cycles ? double(pc.macs) / (double(pc.cycles) * lanes * p.pes * p.taps()) : 0.0;
  j["stall_cycles"] = {{"weight", pc.stall_weight}, {"decode", pc.stall_decode},
                       {"drain", pc.stall_drain},   {"clear", pc.stall_clear},
                       {"lane", pc.stall_lane},     {"tail", pc.stall_tail}};
  j["active_cycles"] = pc.active;
  j["drain_busy_cycles"] = pc.drain_busy;
  j["input_storage_bits"] = r.input_bits;
  j["runs"] = r.run.plan.runs.size();
  j["bands"] = r.run.plan.bands.size();  // tiles: row bands x column strips
  j["strips"] = r.run.plan.strips;
  j["io_cycles"] = r.run.io_cycles;
  j["io"] = r.run.through_port ? "port" : "direct";
  j["sim_seconds"] = r.run.seconds;
  j["sim_cycles_per_second"] = r.run.seconds > 0 ? double(r.run.total_cycles) / r.run.seconds : 0.0;
  return j;
}

}  // namespace

nlohmann::ordered_json to_json(const CaseResult& r, const ArchParams& p) {
  nlohmann::ordered_json j;
  j["config"] = p.source;
  j["design"] = p.name;
  j["layer"] = r.c.name;
  j["shape"] = r.c.layer.to_string();
  j["synthetic_input"] = r.c.synthetic;
  j["cycles"] = r.sparse.run.perf.cycles;
  j["dense_cycles"] = r.dense ? nlohmann::ordered_json(r.dense->run.perf.cycles) : nullptr;
  j["speedup"] = r.dense ? nlohmann::ordered_json(r.speedup()) : nlohmann::ordered_json(nullptr);
  j["speedup_limit"] = r.limit();
  j["mismatches"] = r.mismatches();
  j["nonzeros"] = r.input_nonzeros;
  j["input_sparsity"] = r.input_sparsity;
  j["macs_issued"] = r.sparse.run.perf.macs;
  j["dense_macs"] = r.c.layer.macs();
  j["storage_bits"] = r.sparse.input_bits;
  j["dense_storage_bits"] = r.dense_bits;
  j["sparse"] = design_json(r.sparse, p);
  if (r.dense) j["dense"] = design_json(*r.dense, p.dense_twin());
  return j;
}

}  // namespace zasgen::app
