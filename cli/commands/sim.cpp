// zasgen sim CONFIG --layer SPEC ...: one layer through the generated RTL of the configuration
// and of its dense twin, bit-exact against the golden model, with cycles, speedup, stalls and
// the analytic model's prediction.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "common.h"
#include "zasgen/app/experiment.h"
#include "zasgen/app/parallel.h"
#include "zasgen/app/progress.h"
#include "zasgen/config.h"
#include "zasgen/fs_util.h"
#include "zasgen/sim/icarus.h"

namespace zasgen::cli {

namespace {

namespace fs = std::filesystem;

struct SimOptions {
  std::string config;
  std::string layer;     // SPEC or network:layer
  double sparsity = -1;  // <0: the layer's own (network) or 0.5
  std::string pattern = "uniform";
  uint64_t seed = 1;
  std::string json;
  std::string ifmap, weights, bias;
  std::string trace;         // FST file
  std::string trace_window;  // "FROM:TO" cycles
  std::string out_dir;
  bool no_dense = false;
  bool through_port = false;
  bool icarus = false;
  bool quiet = false;
  int jobs = 0;  // designs in parallel (0: the number of cores)
};

void print_design_line(const char* label, const sim::DesignResult& d, const ArchParams& p) {
  const sim::PerfCounters& c = d.run.perf;
  std::printf("  %-7s %-7s %13s %13s (%5.3f) %5.1f%% %5zu %7s %7s %7s %7s %7s %6.1fs\n", label,
              p.sparse() ? to_string(p.format) : "dense", grouped(c.cycles).c_str(),
              grouped(d.model.cycles).c_str(),
              c.cycles ? double(d.model.cycles) / double(c.cycles) : 0.0,
              c.cycles ? 100.0 * double(c.nnz) / (double(c.cycles) * p.lanes) : 0.0,
              d.run.plan.runs.size(), grouped(c.stall_weight).c_str(),
              grouped(c.stall_decode).c_str(), grouped(c.stall_drain).c_str(),
              grouped(c.stall_tail).c_str(), grouped(c.stall_clear).c_str(), d.run.seconds);
}

void print_result(const app::CaseResult& r, const ArchParams& p) {
  const sim::LayerCase& c = r.c;
  std::printf("  input: %s activations, %.1f%% zeros; %s storage %s bits vs dense %s bits\n",
              grouped(c.in.act.size()).c_str(), 100 * r.input_sparsity, to_string(p.format),
              grouped(uint64_t(r.sparse.input_bits)).c_str(),
              grouped(uint64_t(r.dense_bits)).c_str());
  std::printf("  %-7s %-7s %13s %13s %7s %6s %5s %7s %7s %7s %7s %7s %7s\n", "design", "format",
              "cycles", "model", "(ratio)", "util", "runs", "weight", "decode", "drain", "tail",
              "clear", "sim");
  print_design_line("sparse", r.sparse, p);
  if (r.dense) {
    print_design_line("dense", *r.dense, p.dense_twin());
    const double limit = r.limit();
    std::printf("  speedup over the dense baseline: %.2fx (zero-skipping limit %.2fx: %.1f%%)\n",
                r.speedup(), limit, limit > 0 ? 100.0 * r.speedup() / limit : 0.0);
  }
  std::printf("  %s: %lld mismatches in %s outputs%s\n", r.mismatches() ? "MISMATCH" : "bit-exact",
              (long long)r.mismatches(), grouped(r.sparse.run.out.size()).c_str(),
              r.dense ? " (sparse and dense designs)" : "");
}

// --icarus: the sparse design's run again on Verilator, recorded at the pins, and replayed on
// the same RTL in Icarus Verilog (zasgen/sim/icarus.h). A disagreement means the simulated
// results cannot be trusted, so it exits like a mismatch.
void icarus_check(const sim::Design& d, const sim::LayerCase& c, const std::string& dir,
                  bool quiet) {
  const sim::CrossCheck cc = sim::cross_check_icarus(d, c, (fs::path(dir) / "icarus").string());
  if (!quiet)
    std::printf("  icarus: %s\n    (%zu bus operations replayed; iverilog %.1f s, vvp %.1f s)\n",
                cc.icarus.verdict.empty() ? "no verdict" : cc.icarus.verdict.c_str(),
                cc.trace.ops.size(), cc.compile_seconds, cc.icarus.run_seconds);
  if (!cc.icarus.pass)
    throw MismatchError(
        fmt::format("Icarus Verilog disagrees with Verilator: {} (see {})",
                    cc.icarus.verdict.empty() ? "the replay did not finish" : cc.icarus.verdict,
                    cc.icarus.log));
}

int run_sim(const SimOptions& o) {
  const ArchParams p = load_params(o.config);
  if (!o.json.empty()) check_output_file("--json", o.json);
  if (!o.trace.empty()) check_output_file("--trace", o.trace);
  sim::CaseOptions co;
  co.layer = o.layer;
  co.sparsity = o.sparsity;
  co.pattern = o.pattern == "clustered" ? model::Pattern::Clustered : model::Pattern::Uniform;
  co.seed = o.seed;
  co.ifmap = o.ifmap;
  co.weights = o.weights;
  co.bias = o.bias;
  const sim::LayerCase c = sim::make_case(co, p);
  const std::string dir = o.out_dir.empty() ? default_out_dir(o.config) : o.out_dir;
  const auto lock = claim_output_dir(out_option(o.out_dir), dir);
  if (!o.quiet)
    std::printf("zasgen sim %s: layer %s (%s), %s\n", o.config.c_str(), c.name.c_str(),
                c.layer.to_string().c_str(),
                c.synthetic ? fmt::format("synthetic input, {:.1f}% zeros ({}), seed {}",
                                          100 * c.sparsity, model::to_string(co.pattern), o.seed)
                                  .c_str()
                            : fmt::format("input {}", o.ifmap).c_str());
  sim::TraceOptions trace;
  if (!o.trace.empty()) {
    trace.path = o.trace;
    if (!o.trace_window.empty()) {  // checked by cycle_window(): FROM:TO, FROM <= TO
      const auto colon = o.trace_window.find(':');
      trace.from = std::stoull(o.trace_window.substr(0, colon));
      trace.to = std::stoull(o.trace_window.substr(colon + 1));
    }
    const fs::path parent = fs::path(o.trace).parent_path();
    if (!parent.empty()) fs::create_directories(parent);
  }
  app::Progress::Options po;
  po.quiet = o.quiet;
  app::Progress progress(po);
  const int jobs = o.jobs > 0 ? o.jobs : app::default_jobs();
  const ArchParams params[2] = {p, p.dense_twin()};
  const std::string dirs[2] = {dir, (fs::path(dir) / "dense").string()};
  sim::Design designs[2];
  app::parallel_for(o.no_dense ? 1 : 2, jobs, [&](size_t i) {
    const int step = progress.start("build the simulator of " + params[i].name + "_top");
    designs[i] =
        sim::prepare_design(params[i], dirs[i], sim_cache_dir(), i == 0 && !trace.path.empty());
    progress.finish(step);
  });
  app::RunOptions ro;
  ro.trace = trace;
  ro.jobs = jobs;
  ro.progress_steps = &progress;
  ro.through_port = o.through_port;
  const app::CaseResult r = app::run_case(designs[0], o.no_dense ? nullptr : &designs[1], c, ro);
  if (!o.quiet) print_result(r, p);
  if (!trace.path.empty() && !fs::exists(trace.path))
    throw ToolError("the simulator wrote no waveform to " + trace.path);
  if (!o.json.empty())
    write_file_atomically(
        o.json,
        app::to_json(r, p).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  if (r.mismatches()) {
    for (const auto* d : {&r.sparse, r.dense ? &*r.dense : nullptr}) {
      if (!d || !d->mismatch.count) continue;
      std::fprintf(stderr,
                   "zasgen: %s design: %lld outputs differ from the golden model; first at "
                   "(k=%d, y=%d, x=%d): expected %d, got %d\n",
                   d == &r.sparse ? "sparse" : "dense", (long long)d->mismatch.count, d->mismatch.k,
                   d->mismatch.y, d->mismatch.x, d->mismatch.expected, d->mismatch.actual);
    }
    std::fprintf(stderr, "zasgen: inputs kept for replay: %s\n",
                 app::save_replay(c, dir, o.config).c_str());
    return int(Exit::Mismatch);
  }
  if (o.icarus) icarus_check(designs[0], c, dir, o.quiet);
  return 0;
}

}  // namespace

Command add_sim(CLI::App& app) {
  auto o = std::make_shared<SimOptions>();
  CLI::App* s = app.add_subcommand("sim", "simulate one layer on the design and its dense twin");
  s->add_option("config", o->config, "configuration file (YAML)")->required();
  s->add_option("--layer", o->layer,
                "c=..,k=..,h=..,w=..,r=..,s=..,stride=..,pad=..[,pool=2][,relu=0] or vgg16:convX_Y")
      ->required();
  s->add_option("--sparsity", o->sparsity,
                "fraction of zero activations in the synthetic input (default: the named "
                "layer's published figure, else 0.5)")
      ->check(real_in(0.0, 1.0));
  s->add_option("--pattern", o->pattern, "synthetic zeros: uniform or clustered")
      ->check(CLI::IsMember({"uniform", "clustered"}));
  s->add_option("--seed", o->seed, "seed of the synthetic input, weights and bias")
      ->check(count_in(0, UINT64_MAX));
  s->add_option("--json", o->json, "write the results as one JSON object")->check(nonempty_path());
  s->add_option("--ifmap", o->ifmap, "input activations, .npy C x H x W")->check(nonempty_path());
  s->add_option("--weights", o->weights, "weights, .npy K x C x R x S")->check(nonempty_path());
  s->add_option("--bias", o->bias, "bias, .npy of K values")->check(nonempty_path());
  CLI::Option* trace =
      s->add_option("--trace", o->trace, "write an FST waveform of the sparse design")
          ->check(nonempty_path());
  s->add_option("--trace-window", o->trace_window, "FROM:TO: trace only these cycles")
      ->check(cycle_window())
      ->needs(trace);
  s->add_option("-o,--out", o->out_dir, "output directory (default out/<config stem>/)")
      ->check(nonempty_path());
  s->add_flag("--no-dense", o->no_dense, "skip the dense twin (no speedup)");
  s->add_flag("--through-port", o->through_port,
              "load inputs and read outputs through the load/store port as a host would "
              "(slower; by default the simulator writes and reads the memories directly, with "
              "the same computation and cycles)");
  s->add_flag("--icarus", o->icarus,
              "also replay the sparse design's run in Icarus Verilog and check it matches "
              "Verilator cycle for cycle (slow: keep the layer small)");
  s->add_flag("-q,--quiet", o->quiet, "print nothing but errors");
  s->add_option("-j,--jobs", o->jobs, "designs built and simulated in parallel (default: cores)")
      ->check(CLI::Range(1, 256));
  return {s, [o] { return run_sim(*o); }};
}

}  // namespace zasgen::cli
