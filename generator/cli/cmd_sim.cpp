// zasgen sim CONFIG --layer SPEC ...: one layer through the generated RTL of the configuration
// and of its dense twin, bit-exact against the golden model, with cycles, speedup, stalls and
// the analytic model's prediction.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "commands.h"
#include "common.h"
#include "zasgen/fs_util.h"
#include "zasgen/model/npy.h"
#include "zasgen/sim/experiment.h"
#include "zasgen/sim/icarus.h"
#include "zasgen/sim/scheduler.h"
#include "zasgen/sim/tool_error.h"

namespace zasgen::cli {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string grouped(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

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

// Keeps the failing case replayable: the tensors as .npy and the command that reruns it.
std::string save_replay(const sim::LayerCase& c, const std::string& dir, const SimOptions& o) {
  const fs::path d = fs::path(dir) / "mismatch";
  fs::create_directories(d);
  model::write_npy((d / "ifmap.npy").string(), c.in.act, model::NpyDtype::Int32);
  model::write_npy((d / "weights.npy").string(), c.in.weights, model::NpyDtype::Int32);
  model::NpyArray b;
  b.dtype = model::NpyDtype::Int32;
  b.shape = {int64_t(c.in.bias.size())};
  for (int64_t v : c.in.bias) b.values.push_back(int32_t(v));
  model::write_npy((d / "bias.npy").string(), b);
  return fmt::format("zasgen sim {} --layer {} --ifmap {} --weights {} --bias {}", o.config,
                     c.layer.to_string(), (d / "ifmap.npy").string(), (d / "weights.npy").string(),
                     (d / "bias.npy").string());
}

// --icarus: the sparse design's run again on Verilator, recorded at the pins, and replayed on
// the same RTL in Icarus Verilog (sim/include/zasgen/sim/icarus.h). A disagreement means the
// simulated results cannot be trusted, so it exits like a mismatch (3).
int icarus_check(const sim::Design& d, const sim::LayerCase& c, const std::string& dir,
                 bool quiet) {
  sim::CrossCheck cc;
  try {
    cc = sim::cross_check_icarus(d, c, (fs::path(dir) / "icarus").string());
  } catch (const sim::ToolError& e) {
    report_error(e.what(), e.log_path());
    return kToolFailure;
  }
  if (!quiet)
    std::printf("  icarus: %s\n    (%zu bus operations replayed; iverilog %.1f s, vvp %.1f s)\n",
                cc.icarus.verdict.empty() ? "no verdict" : cc.icarus.verdict.c_str(),
                cc.trace.ops.size(), cc.compile_seconds, cc.icarus.run_seconds);
  if (!cc.icarus.pass) {
    std::fprintf(
        stderr, "zasgen: Icarus Verilog disagrees with Verilator: %s\nzasgen: see %s\n",
        cc.icarus.verdict.empty() ? "the replay did not finish" : cc.icarus.verdict.c_str(),
        cc.icarus.log.c_str());
    return kMismatch;
  }
  return kOk;
}

}  // namespace

int run_sim(const SimOptions& o) {
  const std::optional<ArchParams> p = load_params(o.config);
  if (!p) return kInvalidInput;
  const ArchParams pd = p->dense_twin();
  sim::CaseOptions co;
  co.layer = o.layer;
  co.sparsity = o.sparsity;
  co.pattern = o.pattern == "clustered" ? model::Pattern::Clustered : model::Pattern::Uniform;
  co.seed = o.seed;
  co.ifmap = o.ifmap;
  co.weights = o.weights;
  co.bias = o.bias;
  sim::LayerCase c;
  try {
    c = sim::make_case(co, *p);
  } catch (const sim::InputError& e) {
    report_error(e.what());
    return kInvalidInput;
  }
  const std::string dir = o.out_dir.empty() ? default_out_dir(o.config) : o.out_dir;
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
    if (!o.trace_window.empty()) {
      unsigned long long a = 0, b = 0;
      if (std::sscanf(o.trace_window.c_str(), "%llu:%llu", &a, &b) != 2 || b < a) {
        report_error("--trace-window must be FROM:TO cycles, FROM <= TO");
        return kUsage;
      }
      trace.from = a;
      trace.to = b;
    }
  }
  sim::Design ds, dd;
  sim::CaseResult r;
  try {
    const auto t0 = Clock::now();
    ds = sim::prepare_design(*p, dir, sim_cache_dir(), !trace.path.empty());
    if (!o.no_dense)
      dd = sim::prepare_design(pd, (fs::path(dir) / "dense").string(), sim_cache_dir());
    if (!o.quiet)
      std::printf("  RTL in %s/rtl%s; simulators %s (%.1f s)\n", dir.c_str(),
                  o.no_dense ? "" : fmt::format(" and {}/dense/rtl", dir).c_str(),
                  ds.build_cached && (o.no_dense || dd.build_cached) ? "cached" : "built",
                  std::chrono::duration<double>(Clock::now() - t0).count());
    const auto sim_start = Clock::now();
    sim::RunOptions ro;
    ro.trace = trace;
    int pass = 0;
    size_t last_runs = 0;
    ro.progress = [&](size_t i, size_t n) {
      if (i == 0 && last_runs != 0) ++pass;
      last_runs = n;
      const double el = std::chrono::duration<double>(Clock::now() - sim_start).count();
      if (!o.quiet && el > 2.0)
        std::fprintf(stderr, "\r  simulating %s design: run %zu of %zu (%.0f s)   ",
                     pass == 0 ? "sparse" : "dense", i + 1, n, el);
    };
    r = sim::run_case(ds, o.no_dense ? nullptr : &dd, c, ro);
    if (!o.quiet && std::chrono::duration<double>(Clock::now() - sim_start).count() > 2.0)
      std::fprintf(stderr, "\r%70s\r", "");
  } catch (const sim::ScheduleError& e) {
    report_error(fmt::format("layer {} cannot be scheduled on {}: {}", c.name, p->name, e.what()));
    return kInvalidInput;
  } catch (const sim::ToolError& e) {
    report_error(e.what(), e.log_path());
    return kToolFailure;
  } catch (const std::exception& e) {
    report_error(fmt::format("internal error: {}", e.what()));
    return kToolFailure;
  }

  const int64_t mismatches = r.sparse.mismatch.count + (r.dense ? r.dense->mismatch.count : 0);
  if (!o.quiet) {
    std::printf("  input: %s activations, %.1f%% zeros; %s storage %s bits vs dense %s bits\n",
                grouped(c.in.act.size()).c_str(), 100 * r.input_sparsity, to_string(p->format),
                grouped(uint64_t(r.sparse.input_bits)).c_str(),
                grouped(uint64_t(r.dense_bits)).c_str());
    std::printf("  %-7s %-7s %13s %13s %7s %6s %5s %7s %7s %7s %7s %7s %7s\n", "design", "format",
                "cycles", "model", "(ratio)", "util", "runs", "weight", "decode", "drain", "tail",
                "clear", "sim");
    print_design_line("sparse", r.sparse, *p);
    if (r.dense) print_design_line("dense", *r.dense, pd);
    if (r.dense) {
      const double speedup = double(r.dense->run.perf.cycles) / double(r.sparse.run.perf.cycles);
      const double limit =
          r.input_nonzeros ? double(c.in.act.size()) / double(r.input_nonzeros) : 0;
      std::printf("  speedup over the dense baseline: %.2fx (zero-skipping limit %.2fx: %.1f%%)\n",
                  speedup, limit, limit > 0 ? 100.0 * speedup / limit : 0.0);
    }
    std::printf("  %s: %lld mismatches in %s outputs%s\n", mismatches ? "MISMATCH" : "bit-exact",
                (long long)mismatches, grouped(r.sparse.run.out.size()).c_str(),
                r.dense ? " (sparse and dense designs)" : "");
  }
  if (!o.json.empty()) {
    try {
      write_file_atomically(o.json, sim::to_json(r, *p).dump(2) + "\n");
    } catch (const std::exception& e) {
      report_error(fmt::format("cannot write {}: {}", o.json, e.what()));
      return kToolFailure;
    }
  }
  if (o.icarus && !mismatches) {
    const int rc = icarus_check(ds, c, dir, o.quiet);
    if (rc != kOk) return rc;
  }
  if (mismatches) {
    for (const auto* d : {&r.sparse, r.dense ? &*r.dense : nullptr}) {
      if (!d || !d->mismatch.count) continue;
      std::fprintf(stderr,
                   "zasgen: %s design: %lld outputs differ from the golden model; first at "
                   "(k=%d, y=%d, x=%d): expected %d, got %d\n",
                   d == &r.sparse ? "sparse" : "dense", (long long)d->mismatch.count, d->mismatch.k,
                   d->mismatch.y, d->mismatch.x, d->mismatch.expected, d->mismatch.actual);
    }
    try {
      std::fprintf(stderr, "zasgen: inputs kept for replay: %s\n", save_replay(c, dir, o).c_str());
    } catch (const std::exception& e) {
      report_error(fmt::format("cannot save the failing inputs: {}", e.what()));
    }
    return kMismatch;
  }
  return kOk;
}

}  // namespace zasgen::cli
