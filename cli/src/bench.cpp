// The benchmark suites of `zasgen bench` (bench.h): each simulates or synthesizes what it
// reports, in this run, on the design and its dense twin, and renders a Markdown section. Plots
// and the report are made in report.cpp from the suites' JSON.
#include "zasgen/app/bench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "zasgen/app/experiment.h"
#include "zasgen/app/parallel.h"
#include "zasgen/app/ppa.h"
#include "zasgen/config.h"
#include "zasgen/fs_util.h"
#include "zasgen/model/layer_spec.h"
#include "zasgen/model/network.h"
#include "zasgen/rtl/elaborate.h"
#include "zasgen/sim/cycle_model.h"
#include "zasgen/sim/scheduler.h"

namespace zasgen::app {

using sim::CaseOptions;
using sim::Design;
using sim::LayerCase;
using sim::make_case;
using sim::prepare_design;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using json = nlohmann::ordered_json;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void say(const BenchOptions& o, const std::string& s) {
  if (o.log) o.log(s);
}

int jobs_of(const BenchOptions& o) {
  return o.jobs > 0 ? o.jobs : default_jobs();
}

std::string xf(double v) {
  return fmt::format("{:.2f}x", v);
}
std::string pct(double v) {
  return fmt::format("{:.1f}%", 100 * v);
}

std::string grouped(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

std::string duration_text(double s) {
  if (s < 120) return fmt::format("{:.1f} s", s);
  return fmt::format("{:.0f} min {:.0f} s", std::floor(s / 60), std::fmod(s, 60));
}

// "[k/n, ETA ...]" for the k-th of n finished points of a suite that started at t0: the
// remaining points at the mean time per point so far (the last one shows the elapsed time).
std::string count_eta(size_t k, size_t n, Clock::time_point t0) {
  const double elapsed = since(t0);
  if (k >= n) return fmt::format("[{}/{}, {} in all]", k, n, duration_text(elapsed));
  return fmt::format("[{}/{}, ETA {}]", k, n, duration_text(elapsed / double(k) * double(n - k)));
}

std::string design_text(const ArchParams& p) {
  return fmt::format("`{}` ({} storage, {} PEs x {} lane{}, {}-bit activations)", p.name,
                     p.sparse() ? to_string(p.format) : "dense", p.pes, p.lanes,
                     p.lanes == 1 ? "" : "s", p.act_bits);
}

// How the suite was invoked, for the section header.
std::string command_text(const std::string& suite, const BenchOptions& o) {
  return fmt::format("zasgen bench {} {}{}", suite, o.config_path, o.quick ? " --quick" : "");
}

json suite_header(const std::string& suite, const ArchParams& p, const BenchOptions& o) {
  json j;
  j["suite"] = suite;
  j["config"] = o.config_path;
  j["design"] = p.name;
  j["format"] = p.sparse() ? to_string(p.format) : "dense";
  j["pes"] = p.pes;
  j["lanes"] = p.lanes;
  j["quick"] = o.quick;
  j["seed"] = o.seed;
  j["command"] = command_text(suite, o);
  return j;
}

// The sparse design and its dense twin, generated under <out>/bench/ and built (cached).
struct DesignPair {
  Design sparse, dense;
};

DesignPair prepare_pair(const ArchParams& p, const BenchOptions& o) {
  const fs::path base = fs::path(o.out_dir) / "bench";
  const auto t0 = Clock::now();
  say(o, fmt::format("preparing {} and its dense twin (RTL under {})", p.name, base.string()));
  DesignPair d;
  // Trained (profile-guided) simulators: a benchmark simulates long enough to repay the
  // second compile.
  d.sparse = prepare_design(p, (base / "sparse").string(), o.cache_root, false, true);
  d.dense = prepare_design(p.dense_twin(), (base / "dense").string(), o.cache_root, false, true);
  say(o,
      fmt::format("simulators {} ({:.1f} s)",
                  d.sparse.build_cached && d.dense.build_cached ? "cached" : "built", since(t0)));
  return d;
}

// A layer that the configuration accepts, as close as it allows to c x k x h x h, 3x3, 'same'.
model::LayerSpec clamped_layer(const ArchParams& p, int c, int k, int h) {
  model::LayerSpec l;
  l.r = std::min(3, p.max_r);
  l.s = std::min(3, p.max_s);
  l.pad = std::min(p.max_pad, (std::max(l.r, l.s) - 1) / 2);
  l.stride = 1;
  l.c = std::min(c, p.max_c);
  l.k = std::min(k, p.max_k);
  l.h = std::min({h, p.max_h, p.max_h + l.r - 1 - 2 * l.pad});
  l.w = std::min({h, p.max_w, p.max_w + l.s - 1 - 2 * l.pad});
  return l;
}

// One case on both designs, as a JSON point.
struct Point {
  json j;
  int64_t mismatches = 0;
  uint64_t cycles = 0, dense_cycles = 0, model_cycles = 0, model_dense_cycles = 0;
  int64_t nonzeros = 0, activations = 0;
};

// The point of a case with its dense twin's result (r.dense is set). `dense_shared`: that result
// is another point's (same shape), whose run, time and mismatches are counted there.
Point point_of(const CaseResult& r, const ArchParams& p, double sparsity, model::Pattern pattern,
               bool dense_shared = false) {
  Point pt;
  pt.cycles = r.sparse.run.perf.cycles;
  pt.dense_cycles = r.dense->run.perf.cycles;
  pt.model_cycles = r.sparse.model.cycles;
  pt.model_dense_cycles = r.dense->model.cycles;
  pt.nonzeros = r.input_nonzeros;
  pt.activations = int64_t(r.c.in.act.size());
  pt.mismatches = r.sparse.mismatch.count + (dense_shared ? 0 : r.dense->mismatch.count);
  json& j = pt.j;
  j["pattern"] = model::to_string(pattern);
  j["sparsity"] = sparsity;
  j["measured_sparsity"] = r.input_sparsity;
  j["cycles"] = pt.cycles;
  j["dense_cycles"] = pt.dense_cycles;
  j["speedup"] = pt.cycles ? double(pt.dense_cycles) / double(pt.cycles) : 0.0;
  // The zero-skipping limit of this very input (all-zero input: no finite limit).
  const double limit = pt.nonzeros ? double(pt.activations) / double(pt.nonzeros) : 0.0;
  j["limit"] = pt.nonzeros ? json(limit) : json(nullptr);
  j["nominal_limit"] = sparsity < 1 ? json(1.0 / (1.0 - sparsity)) : json(nullptr);
  j["fraction_of_limit"] = pt.nonzeros && pt.cycles
                               ? json(double(pt.dense_cycles) / double(pt.cycles) / limit)
                               : json(nullptr);
  j["model_cycles"] = pt.model_cycles;
  j["model_dense_cycles"] = pt.model_dense_cycles;
  j["model_speedup"] =
      pt.model_cycles ? double(pt.model_dense_cycles) / double(pt.model_cycles) : 0.0;
  j["mismatches"] = pt.mismatches;
  j["sim_seconds"] = r.sparse.run.seconds + (dense_shared ? 0.0 : r.dense->run.seconds);
  j["simulated_cycles"] =
      r.sparse.run.total_cycles + (dense_shared ? 0 : r.dense->run.total_cycles);
  j["detail"] = to_json(r, p);
  return pt;
}

CaseOptions case_options(const std::string& layer, double sparsity, model::Pattern pattern,
                         uint64_t seed) {
  CaseOptions co;
  co.layer = layer;
  co.sparsity = sparsity;
  co.pattern = pattern;
  co.seed = seed;
  return co;
}

// One case simulated on both designs. Never reuses a number: the dense twin runs again for
// every point.
Point run_point(const DesignPair& d, const ArchParams& p, const std::string& layer, double sparsity,
                model::Pattern pattern, uint64_t seed) {
  const LayerCase c = make_case(case_options(layer, sparsity, pattern, seed), p);
  return point_of(run_case(d.sparse, &d.dense, c), p, sparsity, pattern);
}

double jnum(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

std::string opt_x(const json& v) {
  return v.is_number() ? xf(v.get<double>()) : "-";
}
std::string opt_pct(const json& v) {
  return v.is_number() ? pct(v.get<double>()) : "-";
}

}  // namespace

double network_speedup_limit(const std::vector<std::pair<double, double>>& macs_density) {
  double macs = 0, work = 0;
  for (const auto& [m, d] : macs_density) {
    macs += m;
    work += m * d;
  }
  return work > 0 ? macs / work : 0.0;
}

// ---------------------------------------------------------------------------------------------
// sparsity

SuiteReport bench_sparsity(const ArchParams& p, const BenchOptions& o) {
  const auto t0 = Clock::now();
  SuiteReport rep;
  rep.suite = "sparsity";
  const std::string layer =
      !o.sparsity_layer.empty()
          ? o.sparsity_layer
          : (o.quick ? clamped_layer(p, 64, 64, 32) : clamped_layer(p, 64, 64, 56)).to_string();
  const std::vector<double> levels =
      o.quick ? std::vector<double>{0.0, 0.5, 0.9}
              : std::vector<double>{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95};
  const std::vector<model::Pattern> patterns = {model::Pattern::Uniform, model::Pattern::Clustered};
  const DesignPair d = prepare_pair(p, o);
  json j = suite_header("sparsity", p, o);
  j["layer"] = layer;
  json points = json::array();
  std::map<std::pair<int, int>, json> at;  // (pattern, level index) -> point
  // The points are independent: they run on o.jobs workers, each into its own slot.
  const size_t total = levels.size() * patterns.size();
  std::vector<Point> pts(total);
  std::atomic<size_t> finished{0};
  const auto t_points = Clock::now();
  parallel_for(total, jobs_of(o), [&](size_t k) {
    const size_t li = k / patterns.size(), pi = k % patterns.size();
    const auto ts = Clock::now();
    const Point& pt = pts[k] = run_point(d, p, layer, levels[li], patterns[pi], o.seed);
    say(o,
        fmt::format("sparsity {} {} {:.0f}%: {} (limit {}, model {}){}; {:.1f} s",
                    count_eta(++finished, total, t_points), model::to_string(patterns[pi]),
                    100 * levels[li], xf(jnum(pt.j, "speedup")), opt_x(pt.j["limit"]),
                    xf(jnum(pt.j, "model_speedup")),
                    pt.mismatches ? fmt::format(", {} MISMATCHES", pt.mismatches) : "", since(ts)));
  });
  for (size_t k = 0; k < total; ++k) {
    rep.mismatches += pts[k].mismatches;
    at[{int(k % patterns.size()), int(k / patterns.size())}] = pts[k].j;
    points.push_back(std::move(pts[k].j));
  }
  j["points"] = points;
  j["mismatches"] = rep.mismatches;
  // The headline: 90% sparsity (present in both variants).
  json h90;
  for (size_t li = 0; li < levels.size(); ++li)
    if (std::abs(levels[li] - 0.9) < 1e-9)
      for (size_t pi = 0; pi < patterns.size(); ++pi) {
        const json& pt = at[{int(pi), int(li)}];
        h90[model::to_string(patterns[pi])] = {{"speedup", pt["speedup"]},
                                               {"limit", pt["limit"]},
                                               {"fraction_of_limit", pt["fraction_of_limit"]}};
      }
  j["at_90"] = h90;
  j["paper"] = {{"sparsity", 0.9},
                {"speedup", kPaperSpeedupAt90},
                {"limit", 10.0},
                {"source", std::string(kPaperCitation) + " (published figure)"}};
  rep.seconds = since(t0);
  j["seconds"] = rep.seconds;

  // Markdown.
  std::string md;
  md += "## Speedup over the dense baseline vs input sparsity\n\n";
  md += fmt::format(
      "Layer `{}` on {} and on its dense twin (same layer, same inputs), both simulated in RTL "
      "(Verilator) in this run for every point and checked bit-exact against the golden model "
      "({} mismatches). Synthetic post-ReLU inputs with the given fraction of zeros, seed {}: "
      "*uniform* zeros at random positions, *clustered* zeros in smooth spatial blobs. Speedup = "
      "dense cycles / sparse cycles (accelerator busy cycles, ARCHITECTURE.md section 6); limit "
      "= activations / non-zeros of the input, the most that skipping zeros can give; *model* = "
      "the analytic cycle model's speedup for the same inputs.{}\n\n",
      layer, design_text(p), rep.mismatches, o.seed,
      o.quick ? " **Quick variant** (small layer, three points)." : "");
  md += "{{plot:sparsity}}\n\n";
  md +=
      "| sparsity | limit | uniform | % of limit | model | clustered | % of limit | model | "
      "sparse cycles (uniform) | dense cycles (uniform) |\n";
  md += "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (size_t li = 0; li < levels.size(); ++li) {
    const json& u = at[{0, int(li)}];
    const json& c = at[{1, int(li)}];
    md += fmt::format("| {:.0f}% | {} | **{}** | {} | {} | **{}** | {} | {} | {} | {} |\n",
                      100 * levels[li], opt_x(u["limit"]), opt_x(u["speedup"]),
                      opt_pct(u["fraction_of_limit"]), opt_x(u["model_speedup"]),
                      opt_x(c["speedup"]), opt_pct(c["fraction_of_limit"]),
                      opt_x(c["model_speedup"]), grouped(u["cycles"].get<uint64_t>()),
                      grouped(u["dense_cycles"].get<uint64_t>()));
  }
  if (h90.contains("uniform"))
    md += fmt::format(
        "\nAt 90% sparsity: **{}** (uniform), **{}** (clustered) of a {} limit; the paper "
        "reports **{:.2f}x** (published figure, {}: 72.9% of its 10x limit).\n",
        opt_x(h90["uniform"]["speedup"]), opt_x(h90["clustered"]["speedup"]),
        opt_x(h90["uniform"]["limit"]), kPaperSpeedupAt90, kPaperCitation);
  md += fmt::format("\nSuite run time {} (`{}`).\n", duration_text(rep.seconds),
                    command_text("sparsity", o));
  rep.json = std::move(j);
  rep.markdown = std::move(md);
  return rep;
}

// ---------------------------------------------------------------------------------------------
// vgg16

namespace {

// Quick: channels / 4 (the 3-channel image stays), maps / 8 rounded up to even, at least 4.
model::LayerSpec quick_layer(model::LayerSpec l, const ArchParams& p) {
  if (l.c > 3) l.c = std::max(1, l.c / 4);
  l.k = std::max(1, l.k / 4);
  int h = std::max(4, (l.h / 8 + 1) / 2 * 2);
  l.h = l.w = h;
  l.c = std::min(l.c, p.max_c);
  l.k = std::min(l.k, p.max_k);
  l.h = std::min(l.h, p.max_h);
  l.w = std::min(l.w, p.max_w);
  return l;
}

struct Profile {
  std::string id, title, assumption;
  std::vector<double> zeros;  // input zero fraction per layer
};

// The two input-sparsity profiles of the suite. The published one (Han et al., via
// model/network.h); the sparser one scales the density of every layer that reads a ReLU output
// (all but conv1_1, which reads the image) by one factor, alpha, chosen so that the MAC-weighted
// limit at full shapes equals the paper's 2.59x.
struct Profiles {
  Profile pub, sparser;
  double limit_pub_full = 0;  // the published profile's limit at full shapes
  double alpha = 0;
};

// How the VGG16 suites' layers are shaped: for the JSON and for the report.
const char* vgg16_shapes(const BenchOptions& o) {
  return o.quick ? "quick: channels / 4 (image channels kept), maps / 8 (even, >= 4)"
                 : "full ImageNet shapes (224x224 input)";
}
const char* vgg16_shapes_md(const BenchOptions& o) {
  return o.quick ? "**quick variant**: channels / 4, maps / 8, so that CI can afford it"
                 : "full ImageNet shapes";
}

Profiles vgg16_profiles(const std::vector<model::NamedLayer>& layers) {
  std::vector<std::pair<double, double>> md_pub;
  double macs_all = 0, macs_fixed = 0, scaled_work = 0;
  for (const auto& l : layers) {
    const double m = double(l.spec.macs());
    md_pub.push_back({m, 1.0 - l.input_zero_fraction});
    macs_all += m;
    if (l.input_zero_fraction <= 0)
      macs_fixed += m;
    else
      scaled_work += m * (1.0 - l.input_zero_fraction);
  }
  Profiles r;
  r.limit_pub_full = network_speedup_limit(md_pub);
  r.alpha = (macs_all / kPaperVgg16Speedup - macs_fixed) / scaled_work;
  r.pub = {"published",
           "published per-layer sparsity",
           "Input zeros per layer from Han et al., NIPS 2015, Table 5 (the Act% column of each "
           "previous layer).",
           {}};
  r.sparser = {
      "paper_implied",
      "sparser profile implied by the paper's 2.59x",
      fmt::format(
          "**Assumption.** The paper's 2.59x is above the {} limit of the published sparsity, "
          "so the paper's activations must have been sparser (e.g. after 8-bit quantisation); "
          "its per-layer figures are not published. We assume every layer that reads a ReLU "
          "output (all but conv1_1, which reads the image) has its density (1 - sparsity) scaled "
          "by one common factor, {:.4f}, chosen so that the MAC-weighted zero-skipping limit at "
          "full shapes equals 2.59x: the least sparse profile of that shape under which 2.59x is "
          "possible at all. The figures below are what our design achieves on it.",
          xf(r.limit_pub_full), r.alpha),
      {}};
  for (const auto& l : layers) {
    r.pub.zeros.push_back(l.input_zero_fraction);
    r.sparser.zeros.push_back(l.input_zero_fraction <= 0
                                  ? l.input_zero_fraction
                                  : 1.0 - r.alpha * (1.0 - l.input_zero_fraction));
  }
  return r;
}

std::string vgg16_intro(const ArchParams& p, const BenchOptions& o) {
  std::string md;
  md += "## VGG16, layer by layer\n\n";
  md += fmt::format(
      "The 13 conv layers of VGG16 ({}; 3x3, stride 1, pad 1, fused 2x2 max-pool where the "
      "network pools) on {} and on its dense twin, each layer simulated in RTL in this run on "
      "synthetic inputs with the profile's fraction of zeros (uniform positions, seed {}) and "
      "checked bit-exact against the golden model. Whole network = sum of dense cycles / sum of "
      "sparse cycles (the MAC-weighted speedup); its limit = sum(MACs) / sum(MACs x density), "
      "the MAC-weighted harmonic combination of the per-layer limits 1/density; *model* = the "
      "analytic cycle model. The dense twin reads every activation, zeros included, so its "
      "cycles depend on the layer's shape only: it is simulated once per layer, on the first "
      "profile's input, and the other profile takes its figures where the analytic model predicts "
      "the same dense cycles on that profile's input (elsewhere it is simulated again).\n\n",
      vgg16_shapes_md(o), design_text(p), o.seed);
  return md;
}

// What the layers of one profile that ran add up to.
struct ProfileRun {
  json layers = json::array();
  uint64_t sum_s = 0, sum_d = 0, sum_ms = 0, sum_md = 0;   // sparse, dense; measured, model
  std::vector<std::pair<double, double>> md_req, md_meas;  // (MACs, density) per layer
  std::vector<std::string> skipped;                        // layers that did not fit
  std::string rows;                                        // Markdown table rows
};

// One layer of one profile as simulated: its point, or why it did not fit.
struct LayerOutcome {
  Point pt;
  std::string skipped;        // non-empty: the layer did not fit the configuration or its buffers
  bool dense_reused = false;  // the dense twin's figures are those of the first profile's input
};

// The dense twin of one layer, simulated on the first profile's input.
struct DenseRun {
  std::optional<sim::DesignResult> r;
  std::string skipped;  // non-empty: the layer did not fit
};

// Runs the layers of the network under each profile on o.jobs workers; the figures are recorded
// in order afterwards, so they do not depend on the number of workers.
//
// The dense twin reads every activation, zeros included, so its cycles depend on the layer's
// shape and not on the values: it is simulated once per layer, on the first profile's input
// (bit-exact there), and the other profiles take its figures. The analytic model, which counts
// from the values, checks that on every other profile's input: where it predicts different
// dense cycles, the dense twin is simulated on that input too.
struct Vgg16Runner {
  const ArchParams& p;
  const BenchOptions& o;
  const DesignPair& d;
  const std::vector<model::NamedLayer>& layers;
  SuiteReport& rep;
  const Profile* first = nullptr;              // the profile whose input the dense twins run on
  mutable std::atomic<size_t> simulations{0};  // simulated (design, layer) pairs

  std::vector<ProfileRun> run(const std::vector<const Profile*>& profiles);
  model::LayerSpec spec(size_t i) const;  // layer i as simulated (quick: scaled down)
  LayerCase layer_case(const Profile& prof, size_t i) const;
  DenseRun simulate_dense(const Profile& prof, size_t i) const;
  LayerOutcome simulate(const Profile& prof, size_t i, const DenseRun& dense) const;
  void record(const Profile& prof, size_t i, const LayerOutcome& out, ProfileRun& r);
};

std::vector<ProfileRun> Vgg16Runner::run(const std::vector<const Profile*>& profiles) {
  const size_t n = layers.size(), np = profiles.size(), total = n + np * n;
  std::atomic<size_t> finished{0};
  const auto t_points = Clock::now();
  first = profiles[0];
  // Longest simulations first, so that the workers finish together: dense twins by MACs,
  // sparse designs by non-zero MACs.
  const auto longest_first = [](size_t count, const std::function<double(size_t)>& work) {
    std::vector<size_t> order(count);
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return work(a) > work(b); });
    return order;
  };
  const std::vector<size_t> dense_order =
      longest_first(n, [&](size_t i) { return double(spec(i).macs()); });
  const std::vector<size_t> order = longest_first(np * n, [&](size_t k) {
    return double(spec(k % n).macs()) * (1.0 - profiles[k / n]->zeros[k % n]);
  });

  std::vector<DenseRun> dense(n);
  parallel_for(n, jobs_of(o), [&](size_t k) {
    const size_t i = dense_order[k];
    const auto ts = Clock::now();
    const DenseRun& dr = dense[i] = simulate_dense(*profiles[0], i);
    const std::string what =
        !dr.skipped.empty()
            ? "skipped: " + dr.skipped
            : fmt::format(
                  "{} cycles{}", grouped(dr.r->run.perf.cycles),
                  dr.r->mismatch.count ? fmt::format(", {} MISMATCHES", dr.r->mismatch.count) : "");
    say(o, fmt::format("vgg16 {} {} dense twin ({} input): {}; {:.1f} s",
                       count_eta(++finished, total, t_points), layers[i].name, profiles[0]->id,
                       what, since(ts)));
  });

  std::vector<LayerOutcome> outcomes(np * n);
  parallel_for(np * n, jobs_of(o), [&](size_t j) {
    const size_t k = order[j];
    const Profile& prof = *profiles[k / n];
    const size_t i = k % n;
    const auto ts = Clock::now();
    outcomes[k] = simulate(prof, i, dense[i]);
    const LayerOutcome& out = outcomes[k];
    const std::string what =
        !out.skipped.empty()
            ? "skipped: " + out.skipped
            : fmt::format(
                  "{} of {}{}", xf(jnum(out.pt.j, "speedup")), opt_x(out.pt.j["limit"]),
                  out.pt.mismatches ? fmt::format(", {} MISMATCHES", out.pt.mismatches) : "");
    say(o, fmt::format("vgg16 {} {} ({}, {:.0f}% zeros): {}; {:.1f} s",
                       count_eta(++finished, total, t_points), layers[i].name, prof.id,
                       100 * prof.zeros[i], what, since(ts)));
  });
  std::vector<ProfileRun> runs(np);
  for (size_t k = 0; k < np * n; ++k) record(*profiles[k / n], k % n, outcomes[k], runs[k / n]);
  return runs;
}

model::LayerSpec Vgg16Runner::spec(size_t i) const {
  return o.quick ? quick_layer(layers[i].spec, p) : layers[i].spec;
}

LayerCase Vgg16Runner::layer_case(const Profile& prof, size_t i) const {
  return make_case(case_options(o.quick ? spec(i).to_string() : layers[i].full_name(),
                                prof.zeros[i], model::Pattern::Uniform, o.seed),
                   p);
}

DenseRun Vgg16Runner::simulate_dense(const Profile& prof, size_t i) const {
  DenseRun dr;
  try {
    dr.r = run_case(d.dense, nullptr, layer_case(prof, i)).sparse;
    ++simulations;
    dr.r->run.out = {};  // compared already; the outputs are not reported
  } catch (const InputError& e) {
    dr.skipped = e.what();
  }
  return dr;
}

LayerOutcome Vgg16Runner::simulate(const Profile& prof, size_t i, const DenseRun& dense) const {
  LayerOutcome out;
  if (!dense.skipped.empty()) {
    out.skipped = dense.skipped;
    return out;
  }
  try {
    const LayerCase c = layer_case(prof, i);
    CaseResult r = run_case(d.sparse, nullptr, c);
    ++simulations;
    const ArchParams& dp = d.dense.params;
    const auto model_dense = [&] {
      return sim::estimate_layer(c.layer, dp, c.in.act, sim::plan_layer(c.layer, dp, c.in.act))
          .cycles;
    };
    const bool same_input = &prof == first;
    if (same_input || model_dense() == dense.r->model.cycles) {
      r.dense = *dense.r;
      out.dense_reused = !same_input;
    } else {
      r.dense = run_case(d.dense, nullptr, c).sparse;
      ++simulations;
    }
    out.pt = point_of(r, p, prof.zeros[i], model::Pattern::Uniform, out.dense_reused);
  } catch (const InputError& e) {
    out.skipped = e.what();
  }
  return out;
}

// One layer's figures into its profile; a layer that did not fit is listed as skipped.
void Vgg16Runner::record(const Profile& prof, size_t i, const LayerOutcome& out, ProfileRun& r) {
  const model::NamedLayer& l = layers[i];
  if (!out.skipped.empty()) {
    r.skipped.push_back(fmt::format("{}: {}", l.name, out.skipped));
    return;
  }
  const Point& pt = out.pt;
  const model::LayerSpec ls = spec(i);
  rep.mismatches += pt.mismatches;
  const double m = double(ls.macs());
  const double limit = 1.0 / (1.0 - prof.zeros[i]);
  const double speedup = double(pt.dense_cycles) / double(pt.cycles);
  r.sum_s += pt.cycles;
  r.sum_d += pt.dense_cycles;
  r.sum_ms += pt.model_cycles;
  r.sum_md += pt.model_dense_cycles;
  r.md_req.push_back({m, 1.0 - prof.zeros[i]});
  r.md_meas.push_back({m, double(pt.nonzeros) / double(pt.activations)});
  json e;
  e["layer"] = l.name;
  e["shape"] = ls.to_string();
  e["macs"] = ls.macs();
  e["zero_fraction"] = prof.zeros[i];
  e["limit"] = limit;
  e["measured_limit"] = pt.j["limit"];
  e["cycles"] = pt.cycles;
  e["dense_cycles"] = pt.dense_cycles;
  e["speedup"] = speedup;
  e["fraction_of_limit"] = speedup / limit;
  e["model_speedup"] = pt.j["model_speedup"];
  e["mismatches"] = pt.mismatches;
  e["sim_seconds"] = pt.j["sim_seconds"];
  e["simulated_cycles"] = pt.j["simulated_cycles"];
  e["dense_twin_input"] = out.dense_reused ? first->id : prof.id;
  e["detail"] = pt.j["detail"];
  r.rows += fmt::format(
      "| {} | {}x{}x{} -> {} | {:.1f} | {:.1f}% | {} | {} | **{}** | {} | {} | "
      "{} |\n",
      l.name, ls.c, ls.h, ls.w, ls.k, m / 1e6, 100 * prof.zeros[i], grouped(pt.cycles),
      grouped(pt.dense_cycles), xf(speedup), xf(limit), pct(speedup / limit),
      opt_x(pt.j["model_speedup"]));
  r.layers.push_back(std::move(e));
}

// The whole network under one profile: MAC-weighted speedup, limits, model.
json network_figures(const ProfileRun& r) {
  json net;
  net["complete"] = r.skipped.empty();
  net["cycles"] = r.sum_s;
  net["dense_cycles"] = r.sum_d;
  net["speedup"] = r.sum_s ? double(r.sum_d) / double(r.sum_s) : 0.0;
  net["limit"] = network_speedup_limit(r.md_req);
  net["measured_limit"] = network_speedup_limit(r.md_meas);
  net["fraction_of_limit"] = net["limit"].get<double>() > 0
                                 ? net["speedup"].get<double>() / net["limit"].get<double>()
                                 : 0.0;
  net["model_speedup"] = r.sum_ms ? double(r.sum_md) / double(r.sum_ms) : 0.0;
  net["paper_speedup"] = kPaperVgg16Speedup;
  return net;
}

// One profile's section: its table, the whole network, what did not run. `note` ends the
// whole-network sentence.
std::string profile_markdown(const Profile& prof, const ProfileRun& r, const json& net,
                             const std::string& note) {
  std::string md;
  md += fmt::format("### {}\n\n{}\n\n", prof.title, prof.assumption);
  md += fmt::format("{{{{plot:vgg16_{}}}}}\n\n", prof.id);
  md +=
      "| layer | C x H x W -> K | MMACs | zeros | sparse cycles | dense cycles | speedup | "
      "limit | % of limit | model |\n";
  md += "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  md += r.rows;
  md += fmt::format("| **whole network** | | | | {} | {} | **{}** | {} | {} | {} |\n\n",
                    grouped(r.sum_s), grouped(r.sum_d), xf(net["speedup"].get<double>()),
                    xf(net["limit"].get<double>()), pct(net["fraction_of_limit"].get<double>()),
                    xf(net["model_speedup"].get<double>()));
  if (!r.skipped.empty()) {
    md +=
        "**Incomplete**: these layers did not run, so the whole-network figures cover only "
        "the others:\n\n";
    for (const auto& s : r.skipped) md += "- " + s + "\n";
    md += "\n";
  }
  md += fmt::format(
      "Whole network: **{}** against a limit of {} ({} of it); the paper reports **{:.2f}x** "
      "for VGG16 (published figure, {}).{}\n\n",
      xf(net["speedup"].get<double>()), xf(net["limit"].get<double>()),
      pct(net["fraction_of_limit"].get<double>()), kPaperVgg16Speedup, kPaperCitation, note);
  return md;
}

}  // namespace

SuiteReport bench_vgg16(const ArchParams& p, const BenchOptions& o) {
  const auto t0 = Clock::now();
  SuiteReport rep;
  rep.suite = "vgg16";
  const std::vector<model::NamedLayer> layers = model::network_layers("vgg16");
  const Profiles profs = vgg16_profiles(layers);

  const DesignPair d = prepare_pair(p, o);
  json j = suite_header("vgg16", p, o);
  j["network"] = "vgg16";
  j["shapes"] = vgg16_shapes(o);
  j["limit_published_full_shapes"] = profs.limit_pub_full;
  j["density_scale_paper_implied"] = profs.alpha;
  j["paper"] = {{"speedup", kPaperVgg16Speedup},
                {"source", std::string(kPaperCitation) + " (published figure)"}};
  std::string md = vgg16_intro(p, o);

  json profiles = json::array();
  const std::vector<const Profile*> order = {&profs.pub, &profs.sparser};
  Vgg16Runner runner{p, o, d, layers, rep};
  const std::vector<ProfileRun> runs = runner.run(order);
  for (size_t k = 0; k < order.size(); ++k) {
    const Profile* prof = order[k];
    const ProfileRun& r = runs[k];
    json pj;
    pj["id"] = prof->id;
    pj["title"] = prof->title;
    pj["assumption"] = prof->assumption;
    pj["layers"] = r.layers;
    pj["skipped"] = r.skipped;
    rep.complete = rep.complete && r.skipped.empty();
    const json net = network_figures(r);
    pj["network"] = net;
    const std::string note = o.quick && prof == &profs.pub
                                 ? fmt::format(" At full shapes the limit of this profile is {}.",
                                               xf(profs.limit_pub_full))
                                 : "";
    md += profile_markdown(*prof, r, net, note);
    profiles.push_back(std::move(pj));
  }
  j["profiles"] = profiles;
  j["mismatches"] = rep.mismatches;
  rep.seconds = since(t0);
  j["seconds"] = rep.seconds;
  md += fmt::format(
      "Suite run time {} (`{}`), {} bit-exact simulations{}.\n", duration_text(rep.seconds),
      command_text("vgg16", o), runner.simulations.load(),
      rep.mismatches ? fmt::format(" except {} mismatching outputs", rep.mismatches) : "");
  rep.json = std::move(j);
  rep.markdown = std::move(md);
  return rep;
}

// ---------------------------------------------------------------------------------------------
// energy

namespace {

// One VGG16 layer through the PPA pipeline, or why it did not run.
struct LayerEnergy {
  std::optional<DesignPpa> d;
  std::string skipped;  // did not fit the configuration, or a tool failed (rep.complete false)
  bool tool_failed = false;
};

std::string band_text(const Range& r, const char* f) {
  return fmt::format(fmt::runtime(f), r.central) + " (" + fmt::format(fmt::runtime(f), r.low) +
         "-" + fmt::format(fmt::runtime(f), r.high) + ")";
}

}  // namespace

namespace {

// Every VGG16 layer through the PPA pipeline at the profile's sparsity; the first layer
// synthesizes the design, the others find its netlist in the cache.
std::vector<LayerEnergy> run_energy_layers(const ArchParams& p, const BenchOptions& o,
                                           const std::vector<model::NamedLayer>& layers,
                                           const Profile& prof) {
  const auto t0 = Clock::now();
  const size_t n = layers.size();
  std::vector<LayerEnergy> out(n);
  std::atomic<size_t> finished{0};
  const auto one = [&](size_t i) {
    const auto ts = Clock::now();
    PpaOptions po;
    po.out_dir = (fs::path(o.out_dir) / "bench" / "energy" / layers[i].name).string();
    po.cache_root = o.cache_root;
    po.layer = o.quick ? quick_layer(layers[i].spec, p).to_string() : layers[i].full_name();
    po.sparsity = prof.zeros[i];
    po.seed = o.seed;
    po.dense = false;
    po.jobs = 1;
    LayerEnergy& e = out[i];
    try {
      e.d = run_ppa(p, po).sparse;
    } catch (const InputError& err) {
      e.skipped = err.what();
    } catch (const Error& err) {
      if (err.exit_status() != Exit::ToolFailure) throw;
      e.skipped = err.what();
      if (!err.log_path().empty()) e.skipped += " (log `" + err.log_path() + "`)";
      e.tool_failed = true;
    }
    say(o, fmt::format("energy {} {} ({:.0f}% zeros): {}; {:.1f} s", count_eta(++finished, n, t0),
                       layers[i].name, 100 * prof.zeros[i],
                       e.d ? fmt::format("{:.1f} uJ, {:.2f} TOPS/W", e.d->energy.total_uj.central,
                                         e.d->tops_per_w_band.central)
                           : "skipped: " + e.skipped,
                       since(ts)));
  };
  one(0);
  parallel_for(n - 1, jobs_of(o), [&](size_t k) { one(k + 1); });
  return out;
}

// The whole network: the layers' sums (the band's corners together: they are the same model
// parameters in every layer) and its TOPS/W, 2 x all dense MACs over the whole energy.
struct NetworkEnergy {
  Range energy{}, tops{};
  uint64_t cycles = 0, macs = 0;
  double busy_us = 0;
  void add(const DesignPpa& d) {
    const Range& u = d.energy.total_uj;
    energy = {energy.low + u.low, energy.central + u.central, energy.high + u.high};
    cycles += d.layer_cycles();
    macs += d.macs_dense;
    busy_us += d.layer_us;
    const auto tw = [&](double uj) {
      return uj > 0 ? 2.0 * double(macs) / (uj * 1e-6) / 1e12 : 0.0;
    };
    tops = {tw(energy.high), tw(energy.central), tw(energy.low)};  // low from the high energy
  }
};

std::string energy_markdown(const ArchParams& p, const BenchOptions& o, const std::string& table,
                            const NetworkEnergy& net, const std::vector<std::string>& skipped,
                            double seconds) {
  std::string md = "## VGG16 energy, layer by layer\n\n";
  md += fmt::format(
      "The 13 conv layers of VGG16 ({}) on {}, each simulated in RTL with the published "
      "per-layer input sparsity (uniform positions, seed {}), checked bit-exact, and powered by "
      "OpenSTA under that layer's own switching activity on the design's netlist (synthesized "
      "once; the other layers reuse it from the netlist cache). Energy = power x the layer's "
      "busy time at {} MHz, with the band of docs/ESTIMATES.md; effective TOPS/W = 2 x the "
      "layer's dense MACs / energy. The whole network sums the layers' energies (the band's "
      "corners together: they are the same model parameters in every layer). Host transfers "
      "and DRAM are not counted.\n\n",
      vgg16_shapes_md(o), design_text(p), o.seed, p.target_mhz);
  md +=
      "| layer | C x H x W -> K | MMACs | zeros | cycles | power mW | energy | effective TOPS/W "
      "|\n";
  md += "|---|---|---:|---:|---:|---:|---:|---:|\n";
  md += table;
  md += fmt::format("| **whole network** | | {:.1f} | | {} | | **{}** | **{}** |\n\n",
                    double(net.macs) / 1e6, grouped(net.cycles), energy_text(net.energy),
                    band_text(net.tops, "{:.2f}"));
  if (!skipped.empty()) {
    md += "**Incomplete**: these layers did not run, so the whole network covers the others:\n\n";
    for (const auto& s : skipped) md += "- " + s + "\n";
    md += "\n";
  }
  md += fmt::format(
      "Whole network: **{}** per image, **{:.2f} effective TOPS/W** ({:.2f}-{:.2f}); the paper "
      "reports {:.2f} TOPS/W ({}). Suite run time {} (`{}`).\n",
      energy_text(net.energy), net.tops.central, net.tops.low, net.tops.high, kPaperTopsPerW,
      kPaperCitation, duration_text(seconds), command_text("energy", o));
  return md;
}

}  // namespace

SuiteReport bench_energy(const ArchParams& p, const BenchOptions& o) {
  const auto t0 = Clock::now();
  SuiteReport rep;
  rep.suite = "energy";
  const std::vector<model::NamedLayer> layers = model::network_layers("vgg16");
  const Profile prof = vgg16_profiles(layers).pub;
  const std::vector<LayerEnergy> out = run_energy_layers(p, o, layers, prof);

  json j = suite_header("energy", p, o);
  j["network"] = "vgg16";
  j["profile"] = prof.id;
  j["shapes"] = vgg16_shapes(o);
  j["paper"] = {{"tops_per_w", kPaperTopsPerW},
                {"source", std::string(kPaperCitation) + " (published figure)"}};
  json rows = json::array();
  std::vector<std::string> skipped;
  NetworkEnergy net;
  std::string table;
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerEnergy& e = out[i];
    if (!e.d) {
      skipped.push_back(layers[i].name + ": " + e.skipped);
      rep.complete = rep.complete && !e.tool_failed;
      continue;
    }
    const DesignPpa& d = *e.d;
    rep.mismatches += int64_t(d.run.mismatch.count);
    net.add(d);
    const Range& u = d.energy.total_uj;
    const model::LayerSpec ls = o.quick ? quick_layer(layers[i].spec, p) : layers[i].spec;
    rows.push_back({{"layer", layers[i].name},
                    {"shape", ls.to_string()},
                    {"macs", d.macs_dense},
                    {"zero_fraction", prof.zeros[i]},
                    {"cycles", d.layer_cycles()},
                    {"power_mw", band_json(d.energy.power_mw)},
                    {"energy_uj", band_json(u)},
                    {"tops_per_w", band_json(d.tops_per_w_band)},
                    {"pj_per_dense_mac", d.pj_per_dense_mac},
                    {"netlist_cached", d.synth.netlist_cached},
                    {"sta_seconds", d.synth.sta_seconds}});
    table += fmt::format("| {} | {}x{}x{} -> {} | {:.1f} | {:.1f}% | {} | {} | {} | **{}** |\n",
                         layers[i].name, ls.c, ls.h, ls.w, ls.k, double(d.macs_dense) / 1e6,
                         100 * prof.zeros[i], grouped(d.layer_cycles()),
                         band_text(d.energy.power_mw, "{:.0f}"), energy_text(u),
                         band_text(d.tops_per_w_band, "{:.2f}"));
  }
  j["layers"] = rows;
  j["skipped"] = skipped;
  j["network_energy"] = {{"complete", skipped.empty()},
                         {"cycles", net.cycles},
                         {"busy_us", net.busy_us},
                         {"dense_macs", net.macs},
                         {"energy_uj", band_json(net.energy)},
                         {"tops_per_w", band_json(net.tops)}};
  j["mismatches"] = rep.mismatches;
  rep.seconds = since(t0);
  j["seconds"] = rep.seconds;
  rep.json = std::move(j);
  rep.markdown = energy_markdown(p, o, table, net, skipped, rep.seconds);
  return rep;
}

// ---------------------------------------------------------------------------------------------
// tool

SuiteReport bench_tool(const ArchParams& p, const BenchOptions& o, const SuiteReport* ppa,
                       const SuiteReport* vgg16) {
  const auto t0 = Clock::now();
  SuiteReport rep;
  rep.suite = "tool";
  std::vector<std::pair<std::string, ArchParams>> configs = o.tool_configs;
  if (configs.empty()) configs.push_back({o.config_path, p});
  json j = suite_header("tool", p, o);
  json list = json::array();
  std::string rows;
  for (const auto& [path, params] : configs) {
    json e;
    e["config"] = path;
    e["design"] = params.name;
    const fs::path base = fs::path(o.out_dir) / "bench" / "tool" / params.name;
    // Generation as `zasgen generate` does it: load and validate the YAML, elaborate, write.
    // The best of 5 (the first pays for cold caches).
    double gen_best = 1e9;
    size_t files = 0;
    for (int i = 0; i < 5; ++i) {
      const auto tg = Clock::now();
      const ValidateResult vr = load_config(path);
      if (!vr.ok())
        throw InputError("config", path, "the configuration does not validate",
                         "`zasgen check " + path + "` shows why");
      rtl::GenerateOptions go;
      go.tool_version = ZASGEN_VERSION;
      std::vector<FileText> out;
      for (const rtl::OutputFile& f : rtl::generate_files(*vr.params, go))
        out.push_back({f.path, f.text});
      write_tree_atomically((base / "generate").string(), out);
      files = out.size();
      gen_best = std::min(gen_best, since(tg));
    }
    e["generate_seconds"] = gen_best;
    e["generated_files"] = files;
    say(o, fmt::format("tool {}: generate {:.0f} ms", params.name, 1000 * gen_best));
    // An uncached simulator build: a fresh, private cache directory, removed afterwards.
    const fs::path cache = base / "uncached-build";
    std::error_code ec;
    fs::remove_all(cache, ec);
    const auto tb = Clock::now();
    const Design dsg = prepare_design(params, (base / "design").string(), cache.string());
    const double build_wall = since(tb);
    e["build_seconds"] = dsg.build_seconds;
    e["build_wall_seconds"] = build_wall;
    e["build_cached"] = dsg.build_cached;
    say(o, fmt::format("tool {}: Verilator build {:.1f} s (uncached)", params.name,
                       dsg.build_seconds));
    // Simulation speed on a representative layer at 50% zeros (sparse design only).
    CaseOptions co;
    co.layer = clamped_layer(params, 64, 64, 56).to_string();
    co.sparsity = 0.5;
    co.seed = o.seed;
    const LayerCase c = make_case(co, params);
    const CaseResult r = run_case(dsg, nullptr, c);
    fs::remove_all(cache, ec);
    rep.mismatches += r.sparse.mismatch.count;
    const double cps =
        r.sparse.run.seconds > 0 ? double(r.sparse.run.total_cycles) / r.sparse.run.seconds : 0;
    e["sim_layer"] = co.layer;
    e["sim_cycles"] = r.sparse.run.total_cycles;
    e["sim_seconds"] = r.sparse.run.seconds;
    e["sim_cycles_per_second"] = cps;
    e["mismatches"] = r.sparse.mismatch.count;
    say(o, fmt::format("tool {}: simulation {:.0f} k cycles/s", params.name, cps / 1e3));
    // Synthesis time, when the ppa suite ran for this configuration in this invocation.
    std::string synth_cell = "not run";
    if (ppa && ppa->complete && path == o.config_path && ppa->json.contains("synth")) {
      const json& s = ppa->json["synth"];
      double yosys = 0, sta = 0;
      for (const char* dk : {"sparse", "dense"})
        if (s.contains(dk)) {
          yosys += s[dk].value("synth_seconds", 0.0);
          sta += s[dk].value("sta_seconds", 0.0);
        }
      e["synth_command_seconds"] = ppa->seconds;
      e["yosys_seconds"] = yosys;
      e["sta_seconds"] = sta;
      synth_cell = fmt::format("{} (Yosys {:.0f} s, OpenSTA {:.0f} s)", duration_text(ppa->seconds),
                               yosys, sta);
    } else {
      e["synth_command_seconds"] = nullptr;
    }
    // The VGG16 suite's wall time, when it ran for this configuration in this invocation.
    std::string vgg16_cell = "not run";
    if (vgg16 && path == o.config_path) {
      e["vgg16_seconds"] = vgg16->seconds;
      e["vgg16_quick"] = o.quick;
      vgg16_cell = duration_text(vgg16->seconds) + (o.quick ? " (quick)" : "");
    } else {
      e["vgg16_seconds"] = nullptr;
    }
    rows +=
        fmt::format("| `{}` | {} | {:.0f} ms | {:.1f} s | {:.0f}k | {} | {} |\n", path, params.name,
                    1000 * gen_best, dsg.build_seconds, cps / 1e3, synth_cell, vgg16_cell);
    list.push_back(std::move(e));
  }
  j["configs"] = list;
  j["mismatches"] = rep.mismatches;
  rep.seconds = since(t0);
  j["seconds"] = rep.seconds;
  std::string md = "## The tool itself\n\n";
  md +=
      "Generation = load and validate the YAML, elaborate and write the RTL (best of 5, as "
      "`zasgen generate`). Build = Verilator of the design into a loadable simulator with an "
      "empty cache. Simulation speed = simulated clock cycles (transfers included) per "
      "second of wall time on a 3x3 layer at 50% zeros. Synthesis = the whole `zasgen "
      "synth` (design and dense twin: activity simulation, Yosys, OpenSTA) when it ran in "
      "this invocation (`zasgen bench all` or `ppa`); VGG16 = the `vgg16` suite (13 layers under "
      "two "
      "profiles, on both designs) when it ran in this invocation. The machine's two cores "
      "are shared, so times vary from run to run.\n\n";
  md +=
      "| config | design | generate | simulator build | sim speed (cycles/s) | synthesis | "
      "VGG16 |\n";
  md += "|---|---|---:|---:|---:|---|---|\n";
  md += rows;
  md += fmt::format("\nSuite run time {} (`{}`).\n", duration_text(rep.seconds),
                    command_text("tool", o));
  rep.json = std::move(j);
  rep.markdown = std::move(md);
  return rep;
}

// ---------------------------------------------------------------------------------------------
// ppa

namespace {

// Area of each module's own cells and macros (submodules excluded), summed over instances,
// under a name without the design prefix so the sparse and dense designs line up.
std::map<std::string, double> own_areas(const json& design, const std::string& prefix) {
  std::map<std::string, double> out;
  if (!design.contains("area_by_module") || !design["area_by_module"].is_object()) return out;
  for (const auto& [mod, v] : design["area_by_module"].items()) {
    std::string name = mod;
    if (name.rfind(prefix + "_", 0) == 0) name = name.substr(prefix.size() + 1);
    double a = 0;
    if (v.is_object())
      a = (v.value("own_logic_um2_each", 0.0) + v.value("own_sram_um2_each", 0.0)) *
          v.value("instances", 1.0);
    else if (v.is_number())
      continue;  // a total including submodules: not a breakdown
    if (a > 0) out[name] += a;
  }
  return out;
}

}  // namespace

SuiteReport bench_ppa(const ArchParams& p, const BenchOptions& o) {
  SuiteReport rep;
  rep.suite = "ppa";
  const auto t0 = Clock::now();
  PpaOptions po;
  po.out_dir = (fs::path(o.out_dir) / "bench" / "synth").string();
  po.cache_root = o.cache_root;
  po.seed = o.seed;
  std::optional<json> synth;
  std::string why_not;
  try {
    synth = to_json(run_ppa(p, po));
  } catch (const Error& e) {
    if (e.exit_status() != Exit::ToolFailure) throw;
    why_not = e.what();
    if (!e.log_path().empty()) why_not += " (log `" + e.log_path() + "`)";
  }
  rep.seconds = since(t0);
  const std::string command = fmt::format("zasgen synth {} -o {}", o.config_path, po.out_dir);
  json j = suite_header("ppa", p, o);
  j["synth_command"] = command;
  j["paper"] = {{"tops_per_w", kPaperTopsPerW},
                {"technology", "UMC 55 nm low-power, 100 MHz, 1.08 V"},
                {"source", std::string(kPaperCitation) + " (published figure)"}};
  std::string md = "## Power, performance, area\n\n";
  if (!synth) {
    rep.complete = false;
    j["ran"] = false;
    j["why_not"] = why_not;
    md += fmt::format(
        "> **Synthesis did not complete in this benchmark run, so this section has no figures.** "
        "{}\n\n"
        "When it runs, this section shows area (total, logic, SRAM, by module), fmax, power under "
        "the simulated activity of a layer, energy per layer and effective TOPS/W for the design "
        "and its dense twin, next to the paper's {:.2f} TOPS/W (published figure, {}).\n",
        why_not, kPaperTopsPerW, kPaperCitation);
    rep.json = std::move(j);
    rep.markdown = std::move(md);
    return rep;
  }
  const json& s = *synth;
  j["ran"] = true;
  j["synth"] = s;
  const bool has_dense = s.contains("dense") && s["dense"].is_object();
  const json& sp = s.contains("sparse") ? s["sparse"] : s;
  auto num_f = [](const json& d, const char* k, const char* f) {
    return d.contains(k) && d[k].is_number() ? fmt::format(fmt::runtime(f), d[k].get<double>())
                                             : std::string("-");
  };
  // A band {low, central, high} as "central (low-high)".
  auto band_f = [](const json& d, const char* k, const char* f) {
    if (!d.contains(k) || !d[k].is_object() || !d[k].contains("central")) return std::string("-");
    const json& b = d[k];
    return fmt::format(fmt::runtime(f), b["central"].get<double>()) + " (" +
           fmt::format(fmt::runtime(f), b["low"].get<double>()) + "-" +
           fmt::format(fmt::runtime(f), b["high"].get<double>()) + ")";
  };
  md += fmt::format(
      "`{}` synthesized with Yosys against the project's generated 55-nm-like liberty "
      "(a synthetic estimate, not foundry data: flow/README.md), timed and powered with OpenSTA "
      "under the switching activity simulated on layer `{}` at {:.0f}% zeros; energy = power x "
      "the layer's simulated busy time at the configured clock; effective TOPS/W = 2 x the "
      "layer's dense MACs / energy (skipped operations counted as done, as the paper counts "
      "them).\n\n",
      command, s.value("activity_layer", std::string("?")),
      100 * s.value("activity_sparsity", 0.0));
  md +=
      "| design | area (um2) | logic | SRAM | fmax (MHz) | power (mW) | layer cycles | "
      "energy / layer (uJ) | effective TOPS/W | real TOPS/W | pJ/MAC |\n";
  md += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  auto row = [&](const char* label, const json& d) {
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | **{}** | {} | {} |\n", label,
                      num_f(d, "area_um2", "{:.0f}"), num_f(d, "logic_area_um2", "{:.0f}"),
                      num_f(d, "sram_area_um2", "{:.0f}"), num_f(d, "fmax_mhz", "{:.1f}"),
                      band_f(d, "power_mw_band", "{:.1f}"), num_f(d, "layer_cycles", "{:.0f}"),
                      band_f(d, "energy_uj", "{:.1f}"), band_f(d, "tops_per_w", "{:.2f}"),
                      band_f(d, "tops_per_w_executed", "{:.2f}"), num_f(d, "pj_per_mac", "{:.2f}"));
  };
  row(("sparse (" + p.name + ")").c_str(), sp);
  if (has_dense) row("dense twin", s["dense"]);
  md += fmt::format("| paper (published) | | | | | | | | {:.2f} | | |\n\n", kPaperTopsPerW);
  if (has_dense) {
    const json& dn = s["dense"];
    const double as = sp.value("area_um2", 0.0), ad = dn.value("area_um2", 0.0);
    auto mid = [](const json& d) {
      const json e = d.value("energy_uj", json());
      return e.is_object() ? e.value("central", 0.0) : e.is_number() ? e.get<double>() : 0.0;
    };
    const double es = mid(sp), ed = mid(dn);
    j["area_overhead"] = ad > 0 ? as / ad - 1 : 0.0;
    j["energy_ratio_dense_over_sparse"] = es > 0 ? ed / es : 0.0;
    md += fmt::format(
        "Sparse machinery: {:+.1f}% area over the dense baseline; the layer takes {:.2f}x less "
        "energy on the sparse design.\n\n",
        ad > 0 ? 100 * (as / ad - 1) : 0.0, es > 0 ? ed / es : 0.0);
  }
  md += "{{plot:area}}\n\n";
  // Area by module, own cells and macros only (so the rows add up to the total).
  const std::map<std::string, double> as = own_areas(sp, p.name);
  const std::map<std::string, double> ad =
      has_dense ? own_areas(s["dense"], p.dense_twin().name) : std::map<std::string, double>{};
  json breakdown = json::array();
  std::set<std::string> names;
  for (const auto& [k, v] : as) names.insert(k);
  for (const auto& [k, v] : ad) names.insert(k);
  if (!names.empty()) {
    md += "| module (own cells and SRAM) | sparse (um2) | dense twin (um2) |\n|---|---:|---:|\n";
    for (const std::string& k : names) {
      const auto is = as.find(k), id = ad.find(k);
      breakdown.push_back({{"module", k},
                           {"sparse_um2", is == as.end() ? 0.0 : is->second},
                           {"dense_um2", id == ad.end() ? 0.0 : id->second}});
      md += fmt::format("| {} | {} | {} |\n", k,
                        is == as.end() ? "-" : fmt::format("{:.0f}", is->second),
                        id == ad.end() ? "-" : fmt::format("{:.0f}", id->second));
    }
    md += "\n";
  }
  j["area_breakdown"] = breakdown;
  md += fmt::format("Synthesis run time {} (`{}`).\n", duration_text(rep.seconds),
                    command_text("ppa", o));
  rep.json = std::move(j);
  rep.markdown = std::move(md);
  return rep;
}

}  // namespace zasgen::app
