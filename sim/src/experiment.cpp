#include "zasgen/sim/experiment.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "zasgen/fs_util.h"
#include "zasgen/model/bank_image.h"
#include "zasgen/model/golden.h"
#include "zasgen/model/layer_spec.h"
#include "zasgen/model/network.h"
#include "zasgen/model/npy.h"
#include "zasgen/rtl/elaborate.h"
#include "zasgen/sim/scheduler.h"
#include "zasgen/sim/verilator_build.h"

namespace zasgen::sim {

namespace fs = std::filesystem;

LayerCase make_case(const CaseOptions& o, const ArchParams& p) {
  LayerCase c;
  model::ResolvedLayer rl;
  try {
    rl = model::resolve_layer(o.layer);
  } catch (const model::ModelError& e) {
    throw InputError(fmt::format("--layer '{}': {}", o.layer, e.what()));
  }
  c.name = rl.name;
  c.layer = rl.spec;
  for (const ArchParams* a : {&p}) {
    const std::vector<model::FitIssue> issues = model::check_layer_fits(c.layer, *a);
    if (!issues.empty()) {
      std::string msg = fmt::format("layer {} does not fit configuration {}:", c.name, a->name);
      for (const model::FitIssue& i : issues) msg += "\n  " + i.message;
      throw InputError(msg);
    }
  }
  const model::LayerSpec& l = c.layer;
  if (l.pool && (l.out_h() < 2 || l.out_w() < 2))
    throw InputError(
        fmt::format("layer {}: 2x2 pooling needs an output of at least 2x2, not "
                    "{}x{}",
                    c.name, l.out_h(), l.out_w()));
  c.sparsity = o.sparsity >= 0 ? o.sparsity : rl.input_zero_fraction.value_or(0.5);
  if (c.sparsity > 1)
    throw InputError(fmt::format("--sparsity {} is out of range; accepted: 0..1", c.sparsity));
  try {
    if (!o.ifmap.empty()) {
      c.in.act = model::read_tensor3(o.ifmap);
      c.synthetic = false;
      if (c.in.act.channels() != l.c || c.in.act.height() != l.h || c.in.act.width() != l.w)
        throw InputError(fmt::format(
            "{}: shape {}x{}x{} does not match the layer's C x H x W = "
            "{}x{}x{}",
            o.ifmap, c.in.act.channels(), c.in.act.height(), c.in.act.width(), l.c, l.h, l.w));
    } else {
      c.in.act = model::make_activations(l.c, l.h, l.w, c.sparsity, o.pattern, o.seed, p.act_bits);
    }
    if (!o.weights.empty()) {
      c.in.weights = model::read_tensor4(o.weights);
      const model::Tensor4& w = c.in.weights;
      if (w.k() != l.k || w.c() != l.c || w.r() != l.r || w.s() != l.s)
        throw InputError(
            fmt::format("{}: shape {}x{}x{}x{} does not match the layer's K x C x R "
                        "x S = {}x{}x{}x{}",
                        o.weights, w.k(), w.c(), w.r(), w.s(), l.k, l.c, l.r, l.s));
    } else {
      c.in.weights = model::make_weights(l.k, l.c, l.r, l.s, o.seed + 1, p.weight_bits);
    }
    if (!o.bias.empty()) {
      c.in.bias = model::read_vector(o.bias);
      if (int(c.in.bias.size()) != l.k)
        throw InputError(
            fmt::format("{}: {} values, the layer has K = {}", o.bias, c.in.bias.size(), l.k));
    } else {
      const int64_t max_abs = std::min<int64_t>(int64_t(1) << (p.bias_bits - 1), 1 << 12) - 1;
      c.in.bias = model::make_bias(l.k, o.seed + 2, p.bias_bits, max_abs);
    }
    model::check_activations(c.in.act, p.act_bits, "ifmap");
    model::check_weights(c.in.weights, p.weight_bits);
    model::check_bias(c.in.bias, p.bias_bits);
    c.in.requant = model::choose_requant(l, c.in.weights, model::measure_activations(c.in.act), p);
    model::check_requant(c.in.requant, p);
  } catch (const model::ModelError& e) {
    throw InputError(e.what());
  }
  return c;
}

std::string generate_design(const ArchParams& p, const std::string& dir) {
  rtl::GenerateOptions go;
  go.tool_version = ZASGEN_VERSION;
  std::vector<FileText> files;
  for (const rtl::OutputFile& f : rtl::generate_files(p, go)) files.push_back({f.path, f.text});
  write_entries_atomically(dir, files);
  return (fs::path(dir) / "rtl").string();
}

model::LayerSpec representative_layer(const ArchParams& p) {
  model::LayerSpec l;
  l.r = std::min(3, p.max_r);
  l.s = std::min(3, p.max_s);
  l.pad = std::min(p.max_pad, (std::max(l.r, l.s) - 1) / 2);
  l.stride = 1;
  l.c = std::min(64, p.max_c);
  l.k = std::min(64, p.max_k);
  l.h = std::min({56, p.max_h, p.max_h + l.r - 1 - 2 * l.pad});
  l.w = std::min({56, p.max_w, p.max_w + l.s - 1 - 2 * l.pad});
  return l;
}

Design prepare_design(const ArchParams& p, const std::string& dir, const std::string& cache_root,
                      bool trace) {
  Design d;
  d.params = p;
  d.rtl_dir = generate_design(p, dir);
  BuildRequest br;
  br.rtl_dir = d.rtl_dir;
  br.top = p.name + "_top";
  br.cache_root = cache_root;
  br.trace = trace;
  const BuildResult b = build_simulator(br);
  d.library = b.library;
  d.build_seconds = b.seconds;
  d.build_cached = b.cached;
  return d;
}

Mismatch compare(const model::Tensor3& e, const model::Tensor3& a) {
  Mismatch m;
  if (e.channels() != a.channels() || e.height() != a.height() || e.width() != a.width()) {
    m.count = int64_t(e.size());
    return m;
  }
  for (int k = 0; k < e.channels(); ++k)
    for (int y = 0; y < e.height(); ++y)
      for (int x = 0; x < e.width(); ++x)
        if (e(k, y, x) != a(k, y, x)) {
          if (m.count++ == 0) {
            m.k = k;
            m.y = y;
            m.x = x;
            m.expected = e(k, y, x);
            m.actual = a(k, y, x);
          }
        }
  return m;
}

DesignResult run_design(const Design& d, const LayerCase& c, const model::Tensor3& golden,
                        const TraceOptions& trace, const Progress& progress) {
  DesignResult r;
  RtlModel model(d.library, trace);
  r.run = simulate_layer(model, d.params, c.layer, c.in, progress);
  r.mismatch = compare(golden, r.run.out);
  r.model = estimate_layer(c.layer, d.params, c.in.act, r.run.plan, true);
  // Storage of the whole map in the design's format (a whole-map rle block may count more
  // entries than the table word holds, so count with a wide table and cost with the real one).
  const ArchParams& a = d.params;
  const model::BufferImage img = model::encode_image(sizing_spec(a), c.in.act, a.pes);
  for (const model::Block& b : img.banks)
    r.input_bits +=
        int64_t(b.entries.size()) * a.entry_bits + int64_t(b.table.size()) * a.table_bits;
  return r;
}

CaseResult run_case(const Design& sparse, const Design* dense, const LayerCase& c,
                    const RunOptions& o) {
  CaseResult r;
  r.c = c;
  const model::Tensor3 golden =
      model::conv_layer(c.in.act, c.in.weights, c.in.bias, c.in.requant, c.layer, sparse.params);
  for (int32_t v : c.in.act.values()) r.input_nonzeros += v != 0;
  r.input_sparsity = c.in.act.size() ? 1.0 - double(r.input_nonzeros) / double(c.in.act.size()) : 0;
  r.dense_bits = int64_t(c.in.act.size()) * sparse.params.act_bits;
  r.sparse = run_design(sparse, c, golden, o.trace, o.progress);
  if (dense) r.dense = run_design(*dense, c, golden, {}, o.progress);
  return r;
}

ActivityRun measure_activity(const Design& d, const LayerCase& c, const std::string& cache_root,
                             const std::string& work_dir) {
  ActivityRun a;
  BuildRequest br;
  br.rtl_dir = d.rtl_dir;
  br.top = d.params.name + "_top";
  br.cache_root = cache_root;
  br.coverage = true;
  const BuildResult b = build_simulator(br);
  a.build_seconds = b.seconds;
  fs::remove_all(work_dir);
  fs::create_directories(work_dir);
  RtlModel model(b.library);
  const LayerRun run = simulate_layer(model, d.params, c.layer, c.in, nullptr, work_dir);
  a.perf = run.perf;
  a.sim_seconds = run.seconds;
  a.mismatch =
      compare(model::conv_layer(c.in.act, c.in.weights, c.in.bias, c.in.requant, c.layer, d.params),
              run.out);
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(work_dir))
    if (e.path().extension() == ".dat") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  add_coverage(a.activity, files, br.top, d.rtl_dir);
  a.activity.cycles = run.perf.cycles;
  drop_impossible_toggles(a.activity);
  return a;
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
  j["bands"] = r.run.plan.bands.size();
  j["io_cycles"] = r.run.io_cycles;
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
  j["speedup"] = r.dense && r.sparse.run.perf.cycles
                     ? nlohmann::ordered_json(double(r.dense->run.perf.cycles) /
                                              double(r.sparse.run.perf.cycles))
                     : nlohmann::ordered_json(nullptr);
  j["speedup_limit"] =
      r.input_nonzeros ? double(r.c.in.act.size()) / double(r.input_nonzeros) : 0.0;
  j["mismatches"] = r.sparse.mismatch.count + (r.dense ? r.dense->mismatch.count : 0);
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

}  // namespace zasgen::sim
