// zasgen bench SUITE [CONFIG] [--json F] [-o DIR] [--quick]: the paper-reproduction benchmarks
// (issue 6). The suites live in the simulation library (zasgen/sim/bench.h); this command runs
// them, runs `zasgen synth` for the ppa suite (the synthesis pipeline sits above the simulation
// library), writes each suite's JSON and section under <out>/reports/ and assembles report.md
// and report.html there.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "commands.h"
#include "common.h"
#include "zasgen/fs_util.h"
#include "zasgen/sim/bench.h"
#include "zasgen/sim/experiment.h"
#include "zasgen/sim/scheduler.h"
#include "zasgen/sim/tool_error.h"

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

std::string self_exe() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("zasgen") : p.string();
}

// Last line of a log that says what went wrong (or its last non-empty line).
std::string log_reason(const std::string& path) {
  std::ifstream in(path);
  std::string line, last, err;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    last = line;
    if (line.find("error") != std::string::npos) err = line;
  }
  return err.empty() ? last : err;
}

// Runs `zasgen synth` on the configuration in this invocation, keeping its output apart from
// the reports (synth replaces its output directory).
sim::SynthRun run_synth_step(const std::string& config, const std::string& out_dir,
                             const std::string& reports) {
  sim::SynthRun s;
  const std::string json = (fs::path(reports) / "synth.json").string();
  const std::string dir = (fs::path(out_dir) / "bench" / "synth").string();
  const std::string log = (fs::path(out_dir) / "bench" / "synth.log").string();
  std::error_code ec;
  fs::remove(json, ec);
  fs::create_directories(fs::path(log).parent_path());
  s.command = fmt::format("zasgen synth {} --json {} -o {}", config, json, dir);
  std::fprintf(stderr, "  ppa: running %s (log %s); this takes minutes\n", s.command.c_str(),
               log.c_str());
  const auto t0 = Clock::now();
  const int rc = sim::run_logged(
      fmt::format("'{}' synth '{}' --json '{}' -o '{}'", self_exe(), config, json, dir), log);
  s.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (rc != 0 || !fs::exists(json)) {
    s.why_not = fmt::format("`zasgen synth` exited with status {} (log `{}`): {}", rc, log,
                            log_reason(log));
    return s;
  }
  try {
    std::ifstream in(json);
    s.json = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    s.why_not = fmt::format("`zasgen synth` wrote an unreadable {}: {}", json, e.what());
  }
  return s;
}

double num(const nlohmann::ordered_json& j, const char* k) {
  return j.contains(k) && j[k].is_number() ? j[k].get<double>() : 0.0;
}

// One line of headline figures per suite, for the terminal.
void print_headline(const sim::SuiteReport& r) {
  const auto& j = r.json;
  if (r.suite == "sparsity" && j.contains("at_90") && j["at_90"].contains("uniform")) {
    const auto& u = j["at_90"]["uniform"];
    const auto& c = j["at_90"]["clustered"];
    std::printf(
        "  sparsity: %.2fx (uniform), %.2fx (clustered) at 90%% sparsity; limit %.2fx; "
        "paper %.2fx\n",
        num(u, "speedup"), num(c, "speedup"), num(u, "limit"), sim::kPaperSpeedupAt90);
  } else if (r.suite == "vgg16") {
    for (const auto& p : j["profiles"]) {
      const auto& n = p["network"];
      std::printf("  vgg16 (%s): %.2fx whole network, limit %.2fx (%.1f%%); paper %.2fx\n",
                  p["id"].get<std::string>().c_str(), num(n, "speedup"), num(n, "limit"),
                  100 * num(n, "fraction_of_limit"), sim::kPaperVgg16Speedup);
    }
  } else if (r.suite == "ppa") {
    if (!j.value("ran", false)) {
      std::printf("  ppa: synthesis did not run: %s\n", j.value("why_not", "").c_str());
    } else {
      const auto& s = j["synth"];
      const auto& sp = s.contains("sparse") ? s["sparse"] : s;
      std::printf(
          "  ppa: area %.0f um2, fmax %.1f MHz, power %.2f mW, %.2f effective TOPS/W "
          "(paper %.2f)\n",
          num(sp, "area_um2"), num(sp, "fmax_mhz"), num(sp, "power_mw"),
          num(sp, "tops_per_w_effective"), sim::kPaperTopsPerW);
    }
  } else if (r.suite == "tool") {
    for (const auto& c : j["configs"])
      std::printf("  tool %s: generate %.0f ms, simulator build %.1f s, %.0fk cycles/s\n",
                  c.value("design", "").c_str(), 1000 * num(c, "generate_seconds"),
                  num(c, "build_seconds"), num(c, "sim_cycles_per_second") / 1e3);
  }
}

}  // namespace

int run_bench(const BenchOptions& o) {
  const std::string config = o.config.empty() ? find_config("configs/default.yaml") : o.config;
  const std::optional<ArchParams> p = load_params(config);
  if (!p) return kInvalidInput;
  const std::string out = o.out_dir.empty() ? default_out_dir(config) : o.out_dir;
  const std::string reports = (fs::path(out) / "reports").string();
  std::vector<std::string> suites;
  if (o.suite == "all")
    suites = {"sparsity", "vgg16", "ppa", "tool"};  // ppa before tool: tool reports its time
  else
    suites = {o.suite};

  sim::BenchOptions bo;
  bo.config_path = config;
  bo.out_dir = out;
  bo.cache_root = sim_cache_dir();
  bo.quick = o.quick;
  bo.seed = o.seed;
  bo.sparsity_layer = o.layer;
  bo.log = [](const std::string& s) { std::fprintf(stderr, "  %s\n", s.c_str()); };
  // The tool suite times the tiny configuration and the benchmarked one (quick: tiny only).
  for (const std::string& c : std::vector<std::string>{find_config("configs/tiny.yaml"), config}) {
    if (o.quick && !bo.tool_configs.empty()) break;
    const std::optional<ArchParams> tp = c == config ? p : load_params(c);
    if (!tp) continue;
    bool dup = false;
    for (const auto& e : bo.tool_configs) dup = dup || e.second.name == tp->name;
    if (!dup) bo.tool_configs.push_back({c, *tp});
  }

  std::printf("zasgen bench %s %s%s: design %s, reports in %s/\n", o.suite.c_str(), config.c_str(),
              o.quick ? " --quick" : "", p->name.c_str(), reports.c_str());
  std::fflush(stdout);
  std::vector<sim::SuiteReport> done;
  std::optional<sim::SynthRun> synth;
  int64_t mismatches = 0;
  bool tool_failed = false;
  try {
    fs::create_directories(reports);
    for (const std::string& s : suites) {
      sim::SuiteReport r;
      if (s == "sparsity") r = sim::bench_sparsity(*p, bo);
      if (s == "vgg16") r = sim::bench_vgg16(*p, bo);
      if (s == "ppa") {
        synth = run_synth_step(config, out, reports);
        tool_failed = tool_failed || !synth->json;
        r = sim::bench_ppa(*p, bo, *synth);
      }
      if (s == "tool") r = sim::bench_tool(*p, bo, synth ? &*synth : nullptr);
      mismatches += r.mismatches;
      sim::write_suite(r, reports);
      std::printf("  %s: done in %.0f s -> %s/bench_%s.json\n", s.c_str(), r.seconds,
                  reports.c_str(), s.c_str());
      std::fflush(stdout);
      done.push_back(std::move(r));
    }
  } catch (const sim::InputError& e) {
    report_error(e.what());
    return kInvalidInput;
  } catch (const sim::ScheduleError& e) {
    report_error(fmt::format("a benchmark layer cannot be scheduled on {}: {}", p->name, e.what()));
    return kInvalidInput;
  } catch (const sim::ToolError& e) {
    report_error(e.what(), e.log_path());
    return kToolFailure;
  } catch (const std::exception& e) {
    report_error(fmt::format("internal error: {}", e.what()));
    return kToolFailure;
  }

  try {
    if (!o.json.empty()) {
      nlohmann::ordered_json j;
      if (done.size() == 1) {
        j = done[0].json;
      } else {
        j["config"] = config;
        j["design"] = p->name;
        for (const auto& r : done) j["suites"][r.suite] = r.json;
      }
      write_file_atomically(o.json, j.dump(2) + "\n");
    }
    const std::string md = sim::assemble_report(reports, config, *p);
    std::printf("zasgen bench: report %s (and report.html beside it)\n", md.c_str());
  } catch (const std::exception& e) {
    report_error(fmt::format("cannot write the report: {}", e.what()));
    return kToolFailure;
  }
  for (const auto& r : done) print_headline(r);
  if (mismatches) {
    std::fprintf(stderr, "zasgen: %lld outputs differ from the golden model (see the JSON)\n",
                 (long long)mismatches);
    return kMismatch;
  }
  return tool_failed ? kToolFailure : kOk;
}

}  // namespace zasgen::cli
