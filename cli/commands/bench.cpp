// zasgen bench SUITE [CONFIG] [--json F] [-o DIR] [--quick]: the paper-reproduction benchmarks
// (zasgen/app/bench.h). Writes each suite's JSON and section under <out>/reports/ and assembles
// report.md and report.html there.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "common.h"
#include "zasgen/app/bench.h"
#include "zasgen/app/report.h"
#include "zasgen/config.h"
#include "zasgen/fs_util.h"

namespace zasgen::cli {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A shipped configuration: as given when it exists, else from the source tree.
std::string find_config(const std::string& rel) {
  if (fs::exists(rel)) return rel;
  const fs::path src = fs::path(ZASGEN_SOURCE_ROOT) / rel;
  return fs::exists(src) ? src.string() : rel;
}

double num(const nlohmann::ordered_json& j, const char* k) {
  if (j.contains(k) && j[k].is_object() && j[k].contains("central") && j[k]["central"].is_number())
    return j[k]["central"].get<double>();  // a band {low, central, high}
  return j.contains(k) && j[k].is_number() ? j[k].get<double>() : 0.0;
}

// One line of headline figures per suite, for the terminal.
void print_headline(const app::SuiteReport& r) {
  const auto& j = r.json;
  if (r.suite == "sparsity" && j.contains("at_90") && j["at_90"].contains("uniform")) {
    const auto& u = j["at_90"]["uniform"];
    const auto& c = j["at_90"]["clustered"];
    std::printf(
        "  sparsity: %.2fx (uniform), %.2fx (clustered) at 90%% sparsity; limit %.2fx; "
        "paper %.2fx\n",
        num(u, "speedup"), num(c, "speedup"), num(u, "limit"), app::kPaperSpeedupAt90);
  } else if (r.suite == "vgg16") {
    for (const auto& p : j["profiles"]) {
      const auto& n = p["network"];
      std::printf("  vgg16 (%s): %.2fx whole network, limit %.2fx (%.1f%%); paper %.2fx\n",
                  p["id"].get<std::string>().c_str(), num(n, "speedup"), num(n, "limit"),
                  100 * num(n, "fraction_of_limit"), app::kPaperVgg16Speedup);
    }
  } else if (r.suite == "ppa") {
    if (!j.value("ran", false)) {
      std::printf("  ppa: synthesis did not run: %s\n", j.value("why_not", "").c_str());
    } else {
      const auto& s = j["synth"];
      const auto& sp = s.contains("sparse") ? s["sparse"] : s;
      std::printf(
          "  ppa: area %.0f um2, fmax %.1f MHz, power %.2f mW, %.2f effective TOPS/W (central) "
          "(paper %.2f)\n",
          num(sp, "area_um2"), num(sp, "fmax_mhz"), num(sp, "power_mw"), num(sp, "tops_per_w"),
          app::kPaperTopsPerW);
    }
  } else if (r.suite == "energy") {
    const auto& n = j["network_energy"];
    std::printf(
        "  energy: VGG16 %.1f uJ per image (%.1f-%.1f), %.2f effective TOPS/W (%.2f-%.2f)%s; "
        "paper %.2f TOPS/W\n",
        num(n["energy_uj"], "central"), num(n["energy_uj"], "low"), num(n["energy_uj"], "high"),
        num(n["tops_per_w"], "central"), num(n["tops_per_w"], "low"), num(n["tops_per_w"], "high"),
        n.value("complete", false) ? "" : " (incomplete)", app::kPaperTopsPerW);
  } else if (r.suite == "tool") {
    for (const auto& c : j["configs"])
      std::printf("  tool %s: generate %.0f ms, simulator build %.1f s, %.0fk cycles/s\n",
                  c.value("design", "").c_str(), 1000 * num(c, "generate_seconds"),
                  num(c, "build_seconds"), num(c, "sim_cycles_per_second") / 1e3);
  }
}

struct BenchOptions {
  std::string suite;    // sparsity, vgg16, ppa, energy, tool or all
  std::string config;   // empty: configs/default.yaml
  std::string json;     // also write the suite's JSON here (all: {"suites": {...}})
  std::string out_dir;  // empty: out/<config stem>/; reports in <out_dir>/reports/
  std::string layer;    // sparsity suite layer SPEC (empty: c=64,k=64,h=56,w=56,pad=1)
  uint64_t seed = 1;
  int jobs = 0;  // simulations in parallel (0: the number of cores)
  bool quick = false;
};

int run_bench(const BenchOptions& o) {
  const std::string config = o.config.empty() ? find_config("configs/default.yaml") : o.config;
  const ArchParams p = load_params(config);
  if (!o.json.empty()) check_output_file("--json", o.json);
  const std::string out = o.out_dir.empty() ? default_out_dir(config) : o.out_dir;
  const auto lock = claim_output_dir(out_option(o.out_dir), out);
  const std::string reports = (fs::path(out) / "reports").string();
  std::vector<std::string> suites;
  if (o.suite == "all")
    // ppa before energy (which finds its netlist in the cache) and tool (which reports its time)
    suites = {"sparsity", "vgg16", "ppa", "energy", "tool"};
  else
    suites = {o.suite};

  app::BenchOptions bo;
  bo.config_path = config;
  bo.out_dir = out;
  bo.cache_root = sim_cache_dir();
  bo.quick = o.quick;
  bo.seed = o.seed;
  bo.jobs = o.jobs;
  bo.sparsity_layer = o.layer;
  bo.log = [](const std::string& s) { std::fprintf(stderr, "  %s\n", s.c_str()); };
  // The tool suite times the tiny configuration and the benchmarked one (quick: tiny only).
  for (const std::string& c : std::vector<std::string>{find_config("configs/tiny.yaml"), config}) {
    if (o.quick && !bo.tool_configs.empty()) break;
    const ArchParams tp = c == config ? p : load_params(c);
    bool dup = false;
    for (const auto& e : bo.tool_configs) dup = dup || e.second.name == tp.name;
    if (!dup) bo.tool_configs.push_back({c, tp});
  }

  std::printf("zasgen bench %s %s%s: design %s, reports in %s/\n", o.suite.c_str(), config.c_str(),
              o.quick ? " --quick" : "", p.name.c_str(), reports.c_str());
  std::fflush(stdout);
  std::vector<app::SuiteReport> done;
  const app::SuiteReport* ppa = nullptr;
  const app::SuiteReport* vgg16 = nullptr;
  int64_t mismatches = 0;
  bool tool_failed = false;
  fs::create_directories(reports);
  done.reserve(suites.size());
  for (const std::string& s : suites) {
    app::SuiteReport r;
    if (s == "sparsity") r = app::bench_sparsity(p, bo);
    if (s == "vgg16") r = app::bench_vgg16(p, bo);
    if (s == "ppa") {
      r = app::bench_ppa(p, bo);
      tool_failed = tool_failed || !r.complete;
    }
    if (s == "energy") {
      r = app::bench_energy(p, bo);
      tool_failed = tool_failed || !r.complete;
    }
    if (s == "tool") r = app::bench_tool(p, bo, ppa, vgg16);
    mismatches += r.mismatches;
    app::write_suite(r, reports);
    std::printf("  %s: done in %.0f s -> %s/bench_%s.json\n", s.c_str(), r.seconds, reports.c_str(),
                s.c_str());
    std::fflush(stdout);
    done.push_back(std::move(r));
    if (s == "ppa") ppa = &done.back();
    if (s == "vgg16") vgg16 = &done.back();
  }
  if (!o.json.empty()) {
    nlohmann::ordered_json j;
    if (done.size() == 1) {
      j = done[0].json;
    } else {
      j["config"] = config;
      j["design"] = p.name;
      for (const auto& r : done) j["suites"][r.suite] = r.json;
    }
    write_file_atomically(o.json,
                          j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  }
  const std::string md = app::assemble_report(reports, config, p);
  std::printf("zasgen bench: report %s (and report.html beside it)\n", md.c_str());
  for (const auto& r : done) print_headline(r);
  if (mismatches) {
    std::fprintf(stderr, "zasgen: %lld outputs differ from the golden model (see the JSON)\n",
                 (long long)mismatches);
    return int(Exit::Mismatch);
  }
  return tool_failed ? int(Exit::ToolFailure) : 0;
}

}  // namespace

Command add_bench(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* b = app.add_subcommand("bench", "paper-reproduction benchmarks");
  b->add_option("suite", o->suite, "sparsity, vgg16, ppa, energy, tool or all")
      ->required()
      ->check(CLI::IsMember({"sparsity", "vgg16", "ppa", "energy", "tool", "all"}));
  b->add_option("config", o->config, "configuration (default configs/default.yaml)")
      ->check(nonempty_path());
  b->add_option("--json", o->json, "write the results as one JSON object")->check(nonempty_path());
  b->add_option("-o,--out", o->out_dir,
                "output directory (default out/<config stem>/; reports in its reports/)")
      ->check(nonempty_path());
  b->add_option("--layer", o->layer,
                "layer of the sparsity suite (default c=64,k=64,h=56,w=56,pad=1)");
  b->add_option("--seed", o->seed, "seed of the synthetic inputs, weights and bias")
      ->check(count_in(0, UINT64_MAX));
  b->add_option("-j,--jobs", o->jobs,
                "simulations in parallel (default: cores; the figures do not depend on it)")
      ->check(CLI::Range(1, 256));
  b->add_flag("--quick", o->quick, "scaled-down variant that CI can afford");
  return {b, [o] { return run_bench(*o); }};
}

}  // namespace zasgen::cli
