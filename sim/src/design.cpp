#include "zasgen/sim/design.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "zasgen/error.h"
#include "zasgen/fs_util.h"
#include "zasgen/model/bank_image.h"
#include "zasgen/model/golden.h"
#include "zasgen/rtl/elaborate.h"
#include "zasgen/sim/layer_case.h"
#include "zasgen/sim/rtl_model.h"
#include "zasgen/sim/scheduler.h"
#include "zasgen/sim/verilator_build.h"

namespace zasgen::sim {

namespace fs = std::filesystem;

namespace {

// The workload a simulator is trained on for profile-guided optimisation: a quarter of the
// representative layer (half its output channels, at most 28 x 28), half zeros: every block
// works (zero skipping, several K-groups, drains), in a fraction of a second.
model::LayerSpec training_layer(const ArchParams& p) {
  model::LayerSpec l = representative_layer(p);
  l.k = std::min(l.k, 2 * p.pes);
  l.h = std::min(l.h, 28);
  l.w = std::min(l.w, 28);
  return l;
}

LayerCase training_case(const ArchParams& p) {
  CaseOptions o;
  o.sparsity = 0.5;
  o.layer = training_layer(p).to_string();
  try {
    return make_case(o, p);
  } catch (const InputError&) {  // a configuration whose limits the smaller layer misses
    o.layer = representative_layer(p).to_string();
    return make_case(o, p);
  }
}

}  // namespace

bool profile_guided_builds() {
  const char* v = std::getenv("ZASGEN_PGO");
  return !(v && std::string(v) == "0");
}

std::string generate_design(const ArchParams& p, const std::string& dir) {
  return rtl::write_design(p, dir).rtl_dir;
}

Design generated_design(const ArchParams& p, const std::string& dir) {
  Design d;
  d.params = p;
  d.rtl_dir = generate_design(p, dir);
  d.macros = rtl::read_manifest(d.rtl_dir);
  return d;
}

void build_design(Design& d, const std::string& cache_root, bool trace, bool trained,
                  int niceness) {
  const ArchParams& p = d.params;
  BuildRequest br;
  br.rtl_dir = d.rtl_dir;
  br.top = p.name + "_top";
  br.cache_root = cache_root;
  br.trace = trace;
  br.niceness = niceness;
  if (profile_guided_builds()) {
    br.build_trained = trained;
    br.train_name = training_layer(p).to_string() + " at 50% zeros";
    br.train = [p](const std::string& library) {
      const LayerCase train = training_case(p);
      RtlModel model(library);
      simulate_layer(model, p, train.layer, train.in, LayerSimOptions{});
      model.profile_dump();
    };
  }
  const BuildResult b = build_simulator(br);
  d.library = b.library;
  d.build_seconds = b.seconds;
  d.build_cached = b.cached;
}

Design prepare_design(const ArchParams& p, const std::string& dir, const std::string& cache_root,
                      bool trace, bool trained) {
  Design d = generated_design(p, dir);
  build_design(d, cache_root, trace, trained);
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

model::Tensor3 golden_output(const LayerCase& c, const ArchParams& p) {
  return model::conv_layer(c.in.act, c.in.weights, c.in.bias, c.in.requant, c.layer, p);
}

DesignResult run_design(const Design& d, const LayerCase& c, const model::Tensor3& golden,
                        const RunDesignOptions& ro) {
  return run_design(
      d, c, [&golden]() -> const model::Tensor3& { return golden; }, ro);
}

DesignResult run_design(const Design& d, const LayerCase& c,
                        const std::function<const model::Tensor3&()>& golden,
                        const RunDesignOptions& ro) {
  DesignResult r;
  RtlModel model(d.library, ro.trace);
  LayerSimOptions o;
  o.progress = ro.progress;
  o.macros = &d.macros;
  o.activity = ro.activity;
  o.through_port = ro.through_port;
  r.run = simulate_layer(model, d.params, c.layer, c.in, o);
  r.mismatch = compare(golden(), r.run.out);
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
  LayerSimOptions o;
  o.macros = &d.macros;
  o.coverage_dir = work_dir;
  const LayerRun run = simulate_layer(model, d.params, c.layer, c.in, o);
  a.perf = run.perf;
  a.sim_seconds = run.seconds;
  a.mismatch = compare(golden_output(c, d.params), run.out);
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(work_dir))
    if (e.path().extension() == ".dat") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  a.activity = run.activity;  // SRAM accesses, from the models' counters
  add_coverage(a.activity, files, br.top);
  a.activity.design = br.top;
  a.activity.source = "zasgen (Verilator toggle coverage over the busy cycles)";
  a.impossible = drop_impossible_toggles(a.activity);
  return a;
}

}  // namespace zasgen::sim
